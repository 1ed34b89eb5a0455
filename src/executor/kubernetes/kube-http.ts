// Raw JSON requests to a Kubernetes API server with a KubeConfig's server, TLS and credentials
// (client-node's RequestContext does the authentication). Raw, so a pod goes out exactly as built
// (no client-side model drops a field the server would have refused) and comes back as the API wrote it.
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(readonly status: number, readonly reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** 4xx but not 409/429: the request itself is wrong (upstream isRequestError; 409 and 429 are not the pod's fault). */
export function isRequestError(err: unknown): boolean {
  return err instanceof KubeApiError && err.status >= 400 && err.status < 500 && err.status !== 409 && err.status !== 429;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409 && err.reason === 'AlreadyExists';
}

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

const METHODS = { GET: HttpMethod.GET, POST: HttpMethod.POST, DELETE: HttpMethod.DELETE } as const;

/** Sends the request; a non-2xx answer becomes a KubeApiError carrying the metav1.Status reason and message. */
export async function kubeFetch(kc: KubeConfig, req: KubeRequest): Promise<Response> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context ${JSON.stringify(kc.getCurrentContext())} has no cluster`);
  const url = new URL(cluster.server.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const method = req.method ?? 'GET';
  const ctx = new RequestContext(url.toString(), METHODS[method]);
  await kc.applySecurityAuthentication(ctx);
  const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  const init: RequestInit & { dispatcher?: unknown } = { method, headers, ...(body !== undefined ? { body } : {}), ...(req.signal ? { signal: req.signal } : {}) };
  const dispatcher = ctx.getDispatcher();
  if (dispatcher) init.dispatcher = dispatcher;
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new Error(`${method} ${url.pathname}: ${(err as Error).message}`, { cause: err });
  }
  if (res.ok) return res;
  const text = await res.text();
  let reason = '';
  let message = text.trim();
  try {
    const status = JSON.parse(text) as { reason?: string; message?: string };
    reason = status.reason ?? '';
    message = status.message ?? message;
  } catch {
    // not a metav1.Status: keep the text as the message
  }
  throw new KubeApiError(res.status, reason, `${method} ${url.pathname}: ${res.status} ${reason || res.statusText}: ${message}`);
}

export async function kubeJson<T>(kc: KubeConfig, req: KubeRequest): Promise<T> {
  const res = await kubeFetch(kc, req);
  return (await res.json()) as T;
}

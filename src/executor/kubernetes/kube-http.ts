// Raw JSON requests to a Kubernetes API server with a KubeConfig's server, TLS and credentials
// (client-node's applyToHTTPSOptions fills them in). Raw, so a pod goes out exactly as built (no
// client-side model drops a field the server would have refused) and comes back as the API wrote it.
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { apiStatusOfObject, KubeApiError } from '../../kube/client/api-error.js';

/** 4xx but not 409/429: the request itself is wrong (upstream isRequestError; 409 and 429 are not the pod's fault). */
export function isRequestError(err: unknown): boolean {
  return err instanceof KubeApiError && err.status.code >= 400 && err.status.code < 500 && err.status.code !== 409 && err.status.code !== 429;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.status.code === 409 && err.status.reason === 'AlreadyExists';
}

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sends the request over node:http(s) with the options client-node derives from the kubeconfig (server,
 * CA, client certificate, token, basic auth); a non-2xx answer becomes a KubeApiError carrying the
 * metav1.Status reason and message. The response is returned unread: the caller reads or streams it.
 */
export async function kubeRequest(kc: KubeConfig, req: KubeRequest): Promise<IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context ${JSON.stringify(kc.getCurrentContext())} has no cluster`);
  const url = new URL(cluster.server.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const method = req.method ?? 'GET';
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  const opts: HttpsRequestOptions = {
    method,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
  };
  await kc.applyToHTTPSOptions(opts);
  const secure = url.protocol === 'https:';
  if (!secure) delete opts.agent; // client-node hands an https.Agent; plain http (a local fake) takes the default
  const where = `${method} ${url.pathname}`;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const r = (secure ? httpsRequest : httpRequest)(url, opts, resolve);
    r.on('error', (err) => reject(new Error(`${where}: ${err.message}`, { cause: err })));
    if (req.signal) {
      if (req.signal.aborted) r.destroy(new Error('aborted'));
      else req.signal.addEventListener('abort', () => r.destroy(new Error('aborted')), { once: true });
    }
    r.end(body);
  });
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return res;
  const text = await readAll(res);
  let answer: unknown = { message: text.trim() };
  try {
    answer = JSON.parse(text);
  } catch {
    // not a metav1.Status: the text is the message
  }
  throw new KubeApiError(where, { ...apiStatusOfObject(answer), code: status });
}

export async function kubeJson<T>(kc: KubeConfig, req: KubeRequest): Promise<T> {
  return JSON.parse(await readAll(await kubeRequest(kc, req))) as T;
}

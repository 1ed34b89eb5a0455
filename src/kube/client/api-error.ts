// What the API server said when a call failed: its metav1.Status (code, reason, message), read from
// @kubernetes/client-node's ApiException or a watch's failed connection. Store code branches on code/reason.
import { ApiException } from '@kubernetes/client-node';

export interface ApiStatus {
  /** The HTTP status (0 when the server was not reached). */
  code: number;
  /** metav1.Status reason: NotFound, AlreadyExists, Conflict, Gone, Expired, Invalid, … */
  reason: string;
  message: string;
  details?: { name?: string; kind?: string; group?: string; causes?: { field?: string; message?: string }[] };
}

/** A failed Kubernetes API call that maps to no store error: says which call, on what, and what the server said. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(readonly call: string, readonly status: ApiStatus, options?: ErrorOptions) {
    const causes = (status.details?.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`).join('; ');
    super(`${call}: ${status.code || 'no response'} ${status.reason}: ${status.message}${causes ? ` (${causes})` : ''}`, options);
  }
}

export function apiStatusOf(err: unknown): ApiStatus | undefined {
  if (err instanceof ApiException) {
    const code = Number(err.code);
    const body = parseBody(err.body);
    return {
      code,
      reason: typeof body?.['reason'] === 'string' ? body['reason'] : reasonForCode(code),
      message: typeof body?.['message'] === 'string' ? body['message'] : String(typeof err.body === 'string' ? err.body : err.message).slice(0, 500),
      ...(body?.['details'] && typeof body['details'] === 'object' ? { details: body['details'] as ApiStatus['details'] } : {}),
    };
  }
  if (err && typeof err === 'object' && typeof (err as { statusCode?: unknown }).statusCode === 'number') {
    const code = (err as { statusCode: number }).statusCode;
    return { code, reason: reasonForCode(code), message: (err as Error).message };
  }
  return undefined;
}

/** A metav1.Status object as a watch's ERROR event carries it. */
export function apiStatusOfObject(obj: unknown): ApiStatus {
  const body = obj && typeof obj === 'object' ? (obj as Record<string, unknown>) : {};
  const code = typeof body['code'] === 'number' ? body['code'] : 0;
  return {
    code,
    reason: typeof body['reason'] === 'string' ? body['reason'] : reasonForCode(code),
    message: typeof body['message'] === 'string' ? body['message'] : JSON.stringify(obj),
  };
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  if (body && typeof body === 'object') return body as Record<string, unknown>;
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not a metav1.Status: the raw text becomes the message
  }
}

function reasonForCode(code: number): string {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 409: return 'Conflict';
    case 410: return 'Gone';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    default: return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

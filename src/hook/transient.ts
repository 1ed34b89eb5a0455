// Which handler failures are worth another attempt. Decided on error classes, status codes and error
// codes, never on message text.
import { GitHubError } from '../github/types.js';

/** Throw (or wrap with `{ cause }`) to ask the dispatcher to retry the delivery later. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
  'SQLITE_BUSY', 'SQLITE_LOCKED',
]);

/**
 * True for failures another attempt may fix: GitHub 5xx, 429, no answer at all (status 0), a 403
 * whose documentation URL is GitHub's rate-limit page (secondary rate limit), timeouts and
 * connection errors, and TransientError. Looks through `cause` chains.
 */
export function isTransient(err: unknown, depth = 0): boolean {
  if (depth > 8 || typeof err !== 'object' || err === null) return false;
  if (err instanceof TransientError) return true;
  if (err instanceof GitHubError) {
    if (err.status === 0 || err.status === 429 || err.status >= 500) return true;
    if (err.status === 403 && (err.documentationUrl ?? '').includes('rate-limit')) return true;
    return false;
  }
  const e = err as { name?: unknown; code?: unknown; cause?: unknown };
  if (e.name === 'TimeoutError') return true;
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  return e.cause !== undefined && isTransient(e.cause, depth + 1);
}

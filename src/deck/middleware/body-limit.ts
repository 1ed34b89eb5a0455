// Deck's POSTs carry a CSRF token and a few short fields: any body beyond a small limit is refused with
// 413 before it is read (by its Content-Length) or as soon as it passes the limit (a chunked body), and
// the connection is closed so the rest of an oversized upload is never read.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Deck's forms (CSRF token, user, dest) fit in far less than this. */
export const MAX_FORM_BYTES = 16 * 1024;

export function formBodyLimit({ maxBytes = MAX_FORM_BYTES }: { maxBytes?: number } = {}): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      c.header('Connection', 'close');
      return c.text(`413 Payload Too Large: deck accepts request bodies of at most ${maxBytes} bytes`, 413);
    },
  });
  return async function formBodyLimit(c, next) {
    if (c.req.method !== 'POST' && c.req.method !== 'PUT' && c.req.method !== 'PATCH') return next();
    return limit(c, next);
  };
}

// Every POST carries the session's CSRF token (form field `csrf` or header `x-csrf-token`).
import type { MiddlewareHandler } from 'hono';
import type { SessionCodec } from '../auth.js';
import type { DeckEnv } from '../deck-deps.js';

export function csrf({ codec }: { codec: SessionCodec }): MiddlewareHandler<DeckEnv> {
  return async function csrf(c, next) {
    if (c.req.method === 'POST') {
      let token = c.req.header('x-csrf-token');
      if (!token && (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
        const form = await c.req.parseBody();
        token = typeof form['csrf'] === 'string' ? form['csrf'] : undefined;
      }
      if (!codec.checkCsrf(c.get('session'), token)) {
        return c.text('403 Forbidden: missing or invalid CSRF token (reload the page and try again).', 403);
      }
    }
    await next();
  };
}

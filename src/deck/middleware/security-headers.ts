// Headers on every answer; pages also get a strict CSP (deck's scripts are same-origin files) and may
// not be framed.
import type { MiddlewareHandler } from 'hono';

const PAGE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

export function securityHeaders({ contentSecurityPolicy = PAGE_CSP }: { contentSecurityPolicy?: string } = {}): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html')) {
      c.header('content-security-policy', contentSecurityPolicy);
      c.header('x-frame-options', 'DENY');
    }
  };
}

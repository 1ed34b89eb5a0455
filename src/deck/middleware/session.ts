// Every visitor has a session (anonymous until sign-in): the CSRF token is bound to it. A missing,
// forged or expired cookie gets a fresh anonymous session.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { DeckContext } from '../app-context.js';
import { SESSION_COOKIE } from '../auth.js';
import type { DeckEnv } from '../deck-deps.js';

export function session({ deck }: { deck: Pick<DeckContext, 'codec' | 'saveSession'> }): MiddlewareHandler<DeckEnv> {
  return async function session(c, next) {
    const s = deck.codec.decode(getCookie(c, SESSION_COOKIE));
    if (s) c.set('session', s);
    else deck.saveSession(c, deck.codec.fresh());
    await next();
  };
}

// Sign-in: GitHub OAuth (upstream's /github-login flow) and, in demo mode, a local sign-in as a seeded
// user of the fake GitHub. Sign-out returns to an anonymous session.
import { Hono } from 'hono';
import { safeDest, type DeckContext } from '../app-context.js';
import type { DeckEnv } from '../deck-deps.js';
import { html, type SafeHtml } from '../html.js';
import { authorizeUrl, loginFromCode } from '../oauth.js';

export function signInRoutes(deck: DeckContext): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const { deps, codec } = deck;
  const demoUsers = new Set(deps.demoUsers ?? []);

  app.get('/login', (c) => {
    const dest = safeDest(c.req.query('dest'));
    const csrf = codec.csrfToken(c.get('session'));
    const parts: SafeHtml[] = [];
    if (deps.oauth) parts.push(html`<p><a class="button" href="/github-login?dest=${encodeURIComponent(dest)}">Sign in with GitHub</a></p>`);
    if (demoUsers.size) {
      parts.push(html`<p>Demo mode: sign in as a seeded user of the built-in fake GitHub.</p>
<form method="post" action="/login/demo" class="login-users"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="dest" value="${dest}">
${[...demoUsers].map((u) => html`<button type="submit" name="user" value="${u}" id="login-${u}">${u}</button>`)}</form>`);
    }
    if (parts.length === 0) parts.push(html`<p>Sign-in is not configured (start deck with <code>--github-oauth-config-file</code>).</p>`);
    return deck.render(c, 'Sign in', html`<h1>Sign in</h1>${parts}`);
  });

  app.post('/login/demo', async (c) => {
    const form = await c.req.parseBody();
    const user = typeof form['user'] === 'string' ? form['user'] : '';
    if (!demoUsers.has(user)) return c.text(`403 Forbidden: ${user || '(nobody)'} is not a demo user`, 403);
    deck.saveSession(c, codec.fresh(user));
    return c.redirect(safeDest(typeof form['dest'] === 'string' ? form['dest'] : undefined), 303);
  });

  app.post('/logout', async (c) => {
    // Back to the page signed out from (a same-site path only).
    const form = await c.req.parseBody();
    deck.saveSession(c, codec.fresh());
    return c.redirect(safeDest(typeof form['dest'] === 'string' ? form['dest'] : undefined), 303);
  });

  app.get('/github-login', (c) => {
    if (!deps.oauth) return c.text('404 Not Found: GitHub OAuth is not configured', 404);
    const dest = safeDest(c.req.query('dest'));
    const state = codec.sign(JSON.stringify({ sid: c.get('session').sid, dest }));
    return c.redirect(authorizeUrl(deps.oauth, state), 302);
  });

  app.get('/github-login/redirect', async (c) => {
    if (!deps.oauth) return c.text('404 Not Found: GitHub OAuth is not configured', 404);
    const stateRaw = codec.verify(c.req.query('state'));
    const state = stateRaw ? (JSON.parse(stateRaw) as { sid: string; dest: string }) : undefined;
    if (!state || state.sid !== c.get('session').sid) return c.text('403 Forbidden: the sign-in state does not match this browser session', 403);
    const code = c.req.query('code');
    if (!code) return c.text(`403 Forbidden: GitHub did not return a code (${c.req.query('error') ?? 'no reason given'})`, 403);
    let login: string;
    try {
      login = await loginFromCode(deps.oauth, code);
    } catch (err) {
      deps.log.warn({ err }, 'GitHub sign-in failed');
      return c.text(`403 Forbidden: ${(err as Error).message}`, 403);
    }
    deck.saveSession(c, codec.fresh(login));
    return c.redirect(deps.oauth.final_redirect_url || safeDest(state.dest), 303);
  });

  return app;
}

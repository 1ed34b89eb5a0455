// What deck's sub-apps share, built once per app: the deps, the session codec, the page renderer and
// the lookups every job route starts with.
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { Registry } from 'prom-client';
import type { ProwJob } from '../api/prowjob.js';
import type { LogSource } from '../artifacts/types.js';
import type { Deck } from '../config/types.js';
import { uploadedBuildLogs } from './bucket-logs.js';
import { SESSION_COOKIE, type Session, type SessionCodec } from './auth.js';
import type { DeckDeps, DeckEnv } from './deck-deps.js';
import { page, type SafeHtml } from './html.js';
import { HttpError } from '../observability/http.js';
import { withGitHubLinks } from './pages/common.js';

export interface DeckContext {
  deps: DeckDeps;
  logs: LogSource;
  codec: SessionCodec;
  /** Where deck's metrics go (served at /metrics). */
  registry: Registry;
  /** The deck section of the current config (read per request). */
  deckConfig(): Partial<Deck> | undefined;
  /** Sets the session cookie and the request's session. */
  saveSession(c: Context<DeckEnv>, s: Session): void;
  /** A full page: layout, CSRF token, signed-in user, branding. */
  render(c: Context<DeckEnv>, title: string, body: SafeHtml, script?: string, status?: 200 | 400 | 403 | 404 | 409 | 413 | 500 | 501 | 502): Response;
  /** A page about jobs or pull requests with its GitHub links pointed at config.yaml github.link_url. */
  githubLinks(body: SafeHtml): SafeHtml;
  /** The named ProwJob, or an HttpError (400 without a name, 404 when there is none). */
  mustGet(name: string | undefined): Promise<ProwJob>;
}

export function createDeckContext(deps: DeckDeps, codec: SessionCodec): DeckContext {
  const deckConfig = (): Partial<Deck> | undefined => deps.config().deck;
  return {
    deps,
    logs: deps.logs ?? uploadedBuildLogs(deps.artifacts, deps.openBucket),
    codec,
    registry: deps.registry ?? new Registry(),
    deckConfig,
    saveSession(c, s) {
      setCookie(c, SESSION_COOKIE, codec.encode(s), {
        path: '/', httpOnly: true, sameSite: 'Lax', secure: deps.secureCookies ?? false, maxAge: 7 * 24 * 3600,
      });
      c.set('session', s);
    },
    render(c, title, body, script, status = 200) {
      const s = c.get('session');
      return c.html(
        page({
          title, body, csrf: codec.csrfToken(s), user: s.login, path: c.req.path + (new URL(c.req.url).search || ''),
          headerColor: deckConfig()?.branding?.header_color, ...(script ? { script } : {}),
        }),
        status,
      );
    },
    githubLinks: (body) => withGitHubLinks(body, deps.config().github?.link_url),
    async mustGet(name) {
      if (!name) throw new HttpError(400, '400 Bad Request: the prowjob parameter is required');
      const pj = await deps.store.getProwJob(name);
      if (!pj) throw new HttpError(404, `404 Not Found: no ProwJob named ${name}`);
      return pj;
    },
  };
}

/** A same-site path to return to, never another origin. */
export function safeDest(d: string | undefined): string {
  return d && d.startsWith('/') && !d.startsWith('//') && !d.includes('\\') ? d : '/';
}

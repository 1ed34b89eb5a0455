// Deck: the web UI and JSON API (upstream cmd/deck/main.go; docs/deck.md). Server-rendered pages readable without
// JavaScript; a little per-page TypeScript adds live logs and in-place rerun/abort.
//
// The app is small Hono apps mounted with app.route(): routes/ holds one per area (job list, job pages
// and logs, rerun/abort, sign-in, help, static assets) and middleware/ the named middleware that runs
// in front of all of them; one app.onError answers every error.
import { listen } from '../observability/http.js';
import { Hono, type Context } from 'hono';
import { html } from './html.js';
import { createDeckContext, safeDest } from './app-context.js';
import { cookieKey, createSessionCodec } from './auth.js';
import type { DeckDeps, DeckEnv } from './deck-deps.js';
import { formBodyLimit } from './middleware/body-limit.js';
import { csrf } from './middleware/csrf.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { securityHeaders } from './middleware/security-headers.js';
import { session } from './middleware/session.js';
import { actionRoutes } from './routes/actions.js';
import { bucketViewRoutes } from './routes/bucket-views.js';
import { helpRoutes } from './routes/help.js';
import { jobListRoutes } from './routes/job-list.js';
import { jobPageRoutes } from './routes/job-pages.js';
import { signInRoutes } from './routes/sign-in.js';
import { staticAssetRoutes } from './routes/static-assets.js';
import { tideRoutes } from './routes/tide.js';

export function createDeckApp(deps: DeckDeps): Hono<DeckEnv> {
  const codec = createSessionCodec(cookieKey(deps.cookieSecret));
  const deck = createDeckContext(deps, codec);
  const app = new Hono<DeckEnv>();

  app.use('*', requestMetrics({ registry: deck.registry }));
  app.use('*', session({ deck }));
  app.use('*', securityHeaders());
  app.use('*', formBodyLimit());
  app.use('*', csrf({ codec }));
  app.onError(errorHandler({
    log: deps.log,
    page: (c, status, message) => {
      let back = '/';
      try {
        back = safeDest(new URL(c.req.header('referer') ?? '/', 'http://deck').pathname);
      } catch {
        // an unparsable Referer: back to the job list
      }
      return deck.render(c as Context<DeckEnv>, `Error ${status}`, html`<h1>${message.split(':')[0]}</h1>
<p class="problem" id="error-message">${message}</p><p><a href="${back}" id="go-back">Go back</a> · <a href="/">All jobs</a></p>`, undefined, status as Parameters<typeof deck.render>[4]);
    },
  }));

  app.get('/healthz', (c) => c.text('OK'));
  app.get('/metrics', async (c) => c.body(await deck.registry.metrics(), 200, { 'content-type': deck.registry.contentType }));

  app.route('/', staticAssetRoutes());
  app.route('/', jobListRoutes(deck));
  app.route('/', jobPageRoutes(deck));
  app.route('/', bucketViewRoutes(deck));
  app.route('/', helpRoutes(deck));
  app.route('/', actionRoutes(deck));
  app.route('/', signInRoutes(deck));
  app.route('/', tideRoutes(deck));
  return app;
}

export interface DeckServerOptions extends DeckDeps {
  port: number;
  hostname?: string;
}

export interface DeckServer {
  url: string;
  close(): Promise<void>;
}

export async function startDeckServer(o: DeckServerOptions): Promise<DeckServer> {
  const app = createDeckApp(o);
  // Live log streams hold connections open: close() ends them at once rather than wait for clients.
  const server = await listen(app, { port: o.port, host: o.hostname ?? '127.0.0.1', log: o.log, name: 'deck', closeTimeoutMs: 0 });
  return { url: server.url, close: () => server.close() };
}

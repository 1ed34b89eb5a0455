// The hook's HTTP app on --port: the webhook receiver, /plugin-help, and 200 for anything else (upstream's
// legacy health check). A valid delivery is written to the Store BEFORE GitHub hears 200, so a crash
// after the answer loses nothing; a redelivered id is acknowledged and not queued again.
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { onHttpError } from '../observability/http.js';
import type { HelpJSON } from './plugin-help.js';
import { createWebhookIntake, type WebhookIntake, type WebhookIntakeDeps } from './intake.js';
import { readRequestBody } from './verify.js';

export interface HookAppDeps extends WebhookIntakeDeps {
  /** Default `/hook` (upstream --webhook-path). */
  webhookPath?: string;
  /** Serves GET /plugin-help when given. */
  pluginHelp?: () => Promise<HelpJSON>;
  /** The intake the route runs (server.ts shares one with its node:http front); default: one built from deps. */
  intake?: WebhookIntake;
}

export function createHookApp(deps: HookAppDeps): Hono {
  const { log, webhookPath = '/hook', pluginHelp } = deps;
  const intake = deps.intake ?? createWebhookIntake(deps);
  const app = new Hono();

  app.all(webhookPath, async (c) => {
    const raw = c.req.raw;
    const answer = await intake({
      method: raw.method,
      header: (name) => raw.headers.get(name) ?? undefined,
      body: (h, limit) => readRequestBody(raw, h, limit),
      headers: () => headersOf(raw.headers),
    });
    if (answer.close) c.header('Connection', 'close');
    return c.text(answer.body, answer.status as ContentfulStatusCode);
  });

  app.all('/plugin-help', async (c) => {
    if (c.req.method !== 'GET') return c.text('405 Method not allowed\n', 405);
    if (pluginHelp === undefined) return c.text('404 Not Found\n', 404);
    const help = await pluginHelp();
    c.header('Cache-Control', 'no-cache');
    return c.json(help);
  });

  // Upstream answers 200 with an empty body on every other path (a legacy health check).
  app.all('*', (c) => c.body(null, 200));

  app.onError(onHttpError({ log, message: 'hook request failed' }));
  return app;
}

function headersOf(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

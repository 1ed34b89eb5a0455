// The HTTP side of an external plugin (`prow needs-rebase`, `prow cherrypicker`), as upstream's
// cmd/external-plugins/*/main.go: webhooks on any path but /help, validated exactly as hook validates them
// (same HMAC secret file, same status codes), answered "Event received. Have a nice day." and then handled
// in the background; POST /help answers the plugin's help for the repos hook says enable it
// (pkg/pluginhelp/externalplugins/externalplugins.go). close() waits for handlers still running.
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { listen } from '../observability/http.js';
import { createMetricsRegistry, startInstrumentation } from '../observability/instrumentation.js';
import type { Logger } from '../observability/logger.js';
import type { Registry } from 'prom-client';
import { ACCEPTED_BODY } from './intake.js';
import type { PluginHelpJSON } from './plugin-help.js';
import type { SecretSource } from './secrets.js';
import { verifyWebhook, WebhookError, type VerifiedDelivery } from './verify.js';

export interface ExternalPluginServerOptions {
  name: string;
  port: number;
  hostname?: string;
  healthPort?: number;
  metricsPort?: number;
  registry?: Registry;
  secrets: SecretSource;
  log: Logger;
  /** Runs after the answer; a throw is logged ("Error handling event."), as upstream does. */
  handle: (delivery: VerifiedDelivery) => Promise<void>;
  /** `enabledRepos`: "org" or "org/repo" strings (upstream hook sends {Org, Repo} objects; both are read). */
  help: (enabledRepos: string[]) => PluginHelpJSON;
  maxBodyBytes?: number;
}

export interface ExternalPluginServer {
  port: number;
  url: string;
  healthPort?: number;
  metricsPort?: number;
  /** Resolves when no handler is running (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function repoString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    const { Org, Repo } = v as { Org?: unknown; Repo?: unknown };
    if (typeof Org === 'string') return typeof Repo === 'string' && Repo !== '' ? `${Org}/${Repo}` : Org;
  }
  return undefined;
}

export async function startExternalPluginServer(o: ExternalPluginServerOptions): Promise<ExternalPluginServer> {
  const { log } = o;
  const running = new Set<Promise<void>>();
  const app = new Hono();

  app.all('/help', async (c) => {
    c.header('Cache-Control', 'no-cache');
    if (c.req.method !== 'POST') return c.text('405 Method not allowed\n', 405);
    let repos: string[];
    try {
      const body: unknown = JSON.parse(await c.req.text());
      if (!Array.isArray(body)) throw new Error('want a JSON list of enabled repos');
      repos = body.map(repoString).filter((r): r is string => r !== undefined);
    } catch (err) {
      log.error({ err }, 'Error unmarshalling request body.');
      return c.text(`500 Internal server error unmarshalling request body: ${(err as Error).message}\n`, 500);
    }
    return c.json(o.help(repos));
  });

  app.all('*', async (c) => {
    let delivery: VerifiedDelivery;
    try {
      delivery = await verifyWebhook(c.req.raw, { secrets: o.secrets, maxBodyBytes: o.maxBodyBytes });
    } catch (err) {
      if (err instanceof WebhookError) {
        log.debug({ delivery: err.deliveryId, status: err.status, response: err.message }, 'webhook rejected');
        if (err.status === 413) c.header('Connection', 'close');
        return c.text(`${err.message}\n`, err.status as ContentfulStatusCode);
      }
      throw err;
    }
    const l = log.child({ 'event-type': delivery.event, event_GUID: delivery.id });
    const p = o.handle(delivery)
      .catch((err: unknown) => l.info({ err }, 'Error handling event.'))
      .finally(() => running.delete(p));
    running.add(p);
    return c.text(ACCEPTED_BODY);
  });

  const main = await listen(app, { port: o.port, host: o.hostname, log, name: o.name });
  const instrumentation = await startInstrumentation({
    healthPort: o.healthPort, metricsPort: o.metricsPort, hostname: o.hostname, registry: o.registry ?? createMetricsRegistry(), ready: () => true, log,
  });
  log.info({ port: main.port, health_port: instrumentation.healthPort, metrics_port: instrumentation.metricsPort }, `${o.name} serving`);
  return {
    port: main.port,
    url: main.url,
    healthPort: instrumentation.healthPort,
    metricsPort: instrumentation.metricsPort,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async close() {
      await main.close();
      await Promise.allSettled([...running]);
      await instrumentation.close();
    },
  };
}

// The hook's HTTP app on --port: the webhook receiver, /plugin-help, and 200 for anything else (upstream's
// legacy health check). A valid delivery is written to the Store BEFORE GitHub hears 200, so a crash
// after the answer loses nothing; a redelivered id is acknowledged and not queued again.
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { onHttpError } from '../observability/http.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryQueue } from '../store/types.js';
import type { HelpJSON } from './plugin-help.js';
import type { HookMetrics } from './metrics.js';
import type { SecretSource } from './secrets.js';
import { verifyWebhook, WebhookError, type VerifiedDelivery } from './verify.js';

export const ACCEPTED_BODY = 'Event received. Have a nice day.';

export interface HookAppDeps {
  store: DeliveryQueue;
  secrets: SecretSource;
  log: Logger;
  metrics: HookMetrics;
  allowSha1?: boolean;
  maxBodyBytes?: number;
  /** Default `/hook` (upstream --webhook-path). */
  webhookPath?: string;
  /**
   * Called after a NEW delivery is stored (not for redeliveries), before the answer is sent: wake the
   * dispatcher, forward to external plugins. Must not throw or block. `headers()` copies the request's
   * headers (only forwards need them, so the common path skips the copy).
   */
  onAccepted?: (delivery: VerifiedDelivery, headers: () => Record<string, string>) => void;
  /**
   * Runs before the delivery is stored, for every valid delivery (redeliveries too): durable side queues
   * (external-plugin forwards) that must be written before GitHub hears 200. A throw answers 500.
   */
  beforeStore?: (delivery: VerifiedDelivery) => Promise<void>;
  /** Serves GET /plugin-help when given. */
  pluginHelp?: () => Promise<HelpJSON>;
}

export function createHookApp(deps: HookAppDeps): Hono {
  const { store, secrets, log, metrics, allowSha1 = false, maxBodyBytes, webhookPath = '/hook', onAccepted, beforeStore, pluginHelp } = deps;
  const app = new Hono();

  app.all(webhookPath, async (c) => {
    let status = 200;
    try {
      const delivery = await verifyWebhook(c.req.raw, { secrets, allowSha1, maxBodyBytes });
      metrics.webhookCounter.inc({ event_type: delivery.event });
      await beforeStore?.(delivery);
      const isNew = await store.enqueueDelivery({
        id: delivery.id,
        event: delivery.event,
        payload: delivery.payload,
        receivedAt: delivery.receivedAt,
        orderKey: delivery.orderKey,
      });
      if (isNew) {
        log.debug({ delivery: delivery.id, event: delivery.event, order_key: delivery.orderKey }, 'delivery stored');
        try {
          onAccepted?.(delivery, () => headersOf(c.req.raw.headers));
        } catch (err) {
          // The delivery is stored: GitHub must hear 200 whatever happens to the extras.
          log.error({ err, delivery: delivery.id }, 'post-intake step failed');
        }
      } else {
        log.info({ delivery: delivery.id, event: delivery.event }, 'redelivery of a stored delivery: not queued again');
      }
      return c.text(ACCEPTED_BODY);
    } catch (err) {
      if (err instanceof WebhookError) {
        status = err.status;
        log.debug({ delivery: err.deliveryId, status: err.status, response: err.message }, 'webhook rejected');
        // The rest of an oversized body is never read: the socket cannot carry another request.
        if (err.status === 413) c.header('Connection', 'close');
        return c.text(`${err.message}\n`, err.status as ContentfulStatusCode);
      }
      status = 500;
      log.error({ err, delivery: c.req.header('x-github-delivery') }, 'webhook intake failed');
      return c.text('500 Internal Server Error\n', 500);
    } finally {
      metrics.responseCounter.inc({ response_code: String(status) });
    }
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

// The webhook intake, once for both ways a delivery arrives: the hook's node:http front (POST to the
// webhook path on a real socket: the body read straight off the IncomingMessage, the answer written on the
// ServerResponse, no web Request or Response built) and the Hono route (app.request in tests). Both run the
// same checks, store, metrics and logging; only how the body is read and the answer written differ.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observability/logger.js';
import type { DeliveryQueue } from '../store/types.js';
import type { HookMetrics } from './metrics.js';
import type { SecretSource } from './secrets.js';
import {
  checkWebhookHeaders,
  MAX_WEBHOOK_BYTES,
  payloadTooLarge,
  verifyWebhookBody,
  WebhookError,
  type VerifiedDelivery,
  type WebhookHeaders,
} from './verify.js';

export const ACCEPTED_BODY = 'Event received. Have a nice day.';

export interface WebhookIntakeDeps {
  store: DeliveryQueue;
  secrets: SecretSource;
  log: Logger;
  metrics: HookMetrics;
  allowSha1?: boolean;
  maxBodyBytes?: number;
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
}

/** One webhook request as the intake sees it, whichever server received it. */
export interface IntakeRequest {
  method: string;
  /** A lower-case header name; undefined when absent. */
  header(name: string): string | undefined;
  /** Reads the whole body; rejects with a WebhookError (413 over `limit`, 500 when the read fails). */
  body(h: WebhookHeaders, limit: number): Promise<Buffer>;
  headers(): Record<string, string>;
}

export interface IntakeAnswer {
  status: number;
  body: string;
  /** The rest of the request was not read: the connection cannot carry another request. */
  close?: boolean;
}

export type WebhookIntake = (req: IntakeRequest) => Promise<IntakeAnswer>;

/** The stored delivery is written before the answer: a crash after a 200 loses nothing. */
export function createWebhookIntake(deps: WebhookIntakeDeps): WebhookIntake {
  const { store, secrets, log, metrics, allowSha1 = false, maxBodyBytes = MAX_WEBHOOK_BYTES, onAccepted, beforeStore } = deps;
  const verifyOptions = { secrets, allowSha1 };
  // prom-client hashes the label set on every inc(): keep the child per label value.
  const events = new Map<string, { inc(): void }>();
  const responses = new Map<number, { inc(): void }>();
  const countResponse = (status: number) => {
    let c = responses.get(status);
    if (c === undefined) responses.set(status, (c = metrics.responseCounter.labels(String(status))));
    c.inc();
  };

  return async (req) => {
    let status = 200;
    try {
      const h = checkWebhookHeaders(req.method, req.header, allowSha1);
      const raw = await req.body(h, maxBodyBytes);
      const delivery = verifyWebhookBody(h, raw, verifyOptions);
      let counter = events.get(delivery.event);
      if (counter === undefined) events.set(delivery.event, (counter = metrics.webhookCounter.labels(delivery.event)));
      counter.inc();
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
          onAccepted?.(delivery, req.headers);
        } catch (err) {
          // The delivery is stored: GitHub must hear 200 whatever happens to the extras.
          log.error({ err, delivery: delivery.id }, 'post-intake step failed');
        }
      } else {
        log.info({ delivery: delivery.id, event: delivery.event }, 'redelivery of a stored delivery: not queued again');
      }
      return { status, body: ACCEPTED_BODY };
    } catch (err) {
      if (err instanceof WebhookError) {
        status = err.status;
        log.debug({ delivery: err.deliveryId, status: err.status, response: err.message }, 'webhook rejected');
        return { status, body: `${err.message}\n`, ...(status === 413 ? { close: true } : {}) };
      }
      status = 500;
      log.error({ err, delivery: req.header('x-github-delivery') }, 'webhook intake failed');
      return { status, body: '500 Internal Server Error\n' };
    } finally {
      countResponse(status);
    }
  };
}

/**
 * A node:http listener that serves every request to `path` (any method, any query) through `intake` and
 * returns false for the rest, which the caller hands to its Hono app.
 */
export function webhookFront(intake: WebhookIntake, path: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== path) return false;
    const headers = req.headers;
    void intake({
      method: req.method ?? '',
      header: (name) => single(headers[name]),
      body: (h, limit) => readIncoming(req, h, limit),
      headers: () => flatten(headers),
    }).then((answer) => {
      const out: Record<string, string | number> = {
        'content-type': 'text/plain; charset=UTF-8',
        'content-length': Buffer.byteLength(answer.body),
      };
      if (answer.close) out.connection = 'close';
      res.writeHead(answer.status, out);
      res.end(answer.body);
    });
    return true;
  };
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = single(v)!;
  return out;
}

/** The body, bounded by `limit` (the declared length is checked before anything is read). */
function readIncoming(req: IncomingMessage, h: WebhookHeaders, limit: number): Promise<Buffer> {
  if (h.contentLength !== undefined && h.contentLength > limit) return Promise.reject(payloadTooLarge(limit, h.id));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const failed = (err: unknown) =>
      new WebhookError(500, '500 Internal Server Error: Failed to read request body', h.id, { cause: err });
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        reject(payloadTooLarge(limit, h.id));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      done();
      reject(failed(err));
    };
    const onClose = () => {
      done();
      reject(failed(new Error('the connection closed before the body was read')));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

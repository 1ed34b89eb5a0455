// Sends one signed webhook delivery, as GitHub would (`prow phony`).
import { randomUUID } from 'node:crypto';
import { webhookHeaders } from './webhook-sign.js';

export interface SendWebhookOptions {
  address: string;
  event: string;
  body: string | Buffer;
  secret: string | Buffer;
  /** Defaults to a fresh UUID, so a receiver that de-duplicates by delivery id sees a new event. */
  deliveryId?: string;
  timeoutMs?: number;
}

export interface SendWebhookResult {
  status: number;
  body: string;
  deliveryId: string;
}

export async function sendWebhook(options: SendWebhookOptions): Promise<SendWebhookResult> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const res = await fetch(options.address, {
    method: 'POST',
    headers: webhookHeaders({ event: options.event, body: options.body, secret: options.secret, deliveryId }),
    body: typeof options.body === 'string' ? options.body : new Uint8Array(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  return { status: res.status, body: await res.text(), deliveryId };
}

// HMAC signatures GitHub puts on webhook deliveries: X-Hub-Signature-256 (sha256) and the legacy
// X-Hub-Signature (sha1). Used by `prow phony` and by tests that post signed payloads to hook.
import { createHmac } from 'node:crypto';

/** `sha256=<hex>`: the X-Hub-Signature-256 header value for `body` (sign the exact bytes sent). */
export function signPayload(secret: string | Buffer, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** `sha1=<hex>`: the legacy X-Hub-Signature header value. */
export function signPayloadSha1(secret: string | Buffer, body: string | Buffer): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

/** Every header GitHub sends with a delivery. */
export function webhookHeaders(options: { event: string; body: string | Buffer; secret: string | Buffer; deliveryId: string }): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': options.event,
    'x-github-delivery': options.deliveryId,
    'x-hub-signature-256': signPayload(options.secret, options.body),
    'x-hub-signature': signPayloadSha1(options.secret, options.body),
    'user-agent': 'GitHub-Hookshot/prow-phony',
  };
}

// Webhook request validation, in upstream's order and with its status codes and messages
// (docs/hook.md, upstream pkg/github/webhooks.go + hmac.go). The first failing
// check answers the request. The HMAC covers the raw bytes exactly as received; JSON is parsed only to
// find the secret's scope and the order key, never re-serialised.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Delivery } from '../store/types.js';
import { NoHmacSecretError, tokensFor, type SecretSource } from './secrets.js';

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** A rejected webhook: `status` is the HTTP answer, the message is its body (upstream's wording). */
export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  constructor(
    readonly status: number,
    message: string,
    readonly deliveryId?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface VerifyOptions {
  secrets: SecretSource;
  /** Accept a request signed only with the legacy SHA-1 `X-Hub-Signature` (upstream dropped it in 2026). */
  allowSha1?: boolean;
  maxBodyBytes?: number;
  now?: () => Date;
}

export interface VerifiedDelivery extends Delivery {
  /** The parsed payload (the same bytes as `payload`). */
  body: Record<string, unknown>;
}

/** What the header checks find: everything the body checks need. */
export interface WebhookHeaders {
  event: string;
  id: string;
  algorithm: 'sha256' | 'sha1';
  signature: string;
  /** The declared content-length, when it is a plain decimal number. */
  contentLength?: number;
}

/**
 * The checks that need no body, in upstream's order: method, event, delivery id, signature header,
 * content type. `header` takes a lower-case name and returns undefined (or "") when it is absent.
 */
export function checkWebhookHeaders(method: string, header: (name: string) => string | undefined, allowSha1 = false): WebhookHeaders {
  if (method !== 'POST') throw new WebhookError(405, '405 Method not allowed');
  const event = header('x-github-event') ?? '';
  if (event === '') throw new WebhookError(400, '400 Bad Request: Missing X-GitHub-Event Header');
  const id = header('x-github-delivery') ?? '';
  if (id === '') throw new WebhookError(400, '400 Bad Request: Missing X-GitHub-Delivery Header', undefined);

  let algorithm: 'sha256' | 'sha1' = 'sha256';
  let signature = header('x-hub-signature-256') ?? '';
  if (signature === '' && allowSha1) {
    signature = header('x-hub-signature') ?? '';
    algorithm = 'sha1';
  }
  if (signature === '') throw new WebhookError(403, '403 Forbidden: Missing X-Hub-Signature-256', id);

  if (header('content-type') !== 'application/json') {
    throw new WebhookError(
      400,
      '400 Bad Request: Hook only accepts content-type: application/json - please reconfigure this hook on GitHub',
      id,
    );
  }
  const length = header('content-length');
  const out: WebhookHeaders = { event, id, algorithm, signature };
  if (length !== undefined && /^\d+$/.test(length)) out.contentLength = Number(length);
  return out;
}

/** The 413 a body over `limit` bytes gets (checked on the declared length first, then on what arrives). */
export function payloadTooLarge(limit: number, id: string): WebhookError {
  return new WebhookError(413, `413 Payload Too Large: the body exceeds ${limit} bytes`, id);
}

/**
 * The checks on the body, read whole (raw bytes exactly as received): JSON object, signature format,
 * the scope's secrets, and an HMAC per token compared in constant time.
 */
export function verifyWebhookBody(h: WebhookHeaders, raw: Buffer, options: VerifyOptions): VerifiedDelivery {
  const { secrets, now = () => new Date() } = options;
  const { id, algorithm, signature } = h;
  const signatureHeader = algorithm === 'sha256' ? 'X-Hub-Signature-256' : 'X-Hub-Signature';
  const payload = raw.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch (err) {
    throw new WebhookError(400, `400 Bad Request: Invalid JSON payload - ${(err as Error).message}`, id, { cause: err });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WebhookError(400, '400 Bad Request: Invalid JSON payload - not an object', id);
  }
  const obj = body as Record<string, unknown>;

  const invalid = (reason: string) => new WebhookError(403, `403 Forbidden: Invalid ${signatureHeader} - ${reason}`, id);
  const prefix = `${algorithm}=`;
  const hexLength = algorithm === 'sha256' ? 64 : 40;
  const hex = signature.startsWith(prefix) ? signature.slice(prefix.length) : '';
  if (hex.length !== hexLength || !HEX_RE.test(hex)) throw invalid('invalid signature');
  const given = Buffer.from(hex, 'hex');

  const scope = payloadScope(obj);
  let tokens: string[];
  try {
    tokens = tokensFor(secrets(), scope, now());
  } catch (err) {
    if (err instanceof NoHmacSecretError) throw invalid('failed to get an appropriate hmac secret');
    throw err;
  }
  // Check every token of the level (no early exit), each with a constant-time compare.
  let matched = false;
  for (const token of tokens) {
    const expected = createHmac(algorithm, token).update(raw).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  if (!matched) throw invalid(`misconfigured webhook secret from organization/repo: ${scope}`);

  return { id, event: h.event, payload, body: obj, receivedAt: now().toISOString(), orderKey: orderKeyOf(obj) };
}

const HEX_RE = /^[0-9a-fA-F]+$/;

/** Every check on a web Request (Hono routes, the external-plugin server). */
export async function verifyWebhook(req: Request, options: VerifyOptions): Promise<VerifiedDelivery> {
  const h = checkWebhookHeaders(req.method, (name) => req.headers.get(name) ?? undefined, options.allowSha1);
  const raw = await readRequestBody(req, h, options.maxBodyBytes ?? MAX_WEBHOOK_BYTES);
  return verifyWebhookBody(h, raw, options);
}

/** The body of a web Request, bounded by `limit`. */
export async function readRequestBody(req: Request, h: WebhookHeaders, limit: number): Promise<Buffer> {
  const { id } = h;
  const tooLarge = () => payloadTooLarge(limit, id);
  if (h.contentLength !== undefined) {
    if (h.contentLength > limit) throw tooLarge();
    // A declared length bounds the body (the HTTP parser delivers no more than it), so it is read whole:
    // on @hono/node-server arrayBuffer() reads the socket directly, where a web stream reader (below) costs
    // a stream conversion per request. GitHub always sends the length.
    let buf: Buffer;
    try {
      buf = Buffer.from(await req.arrayBuffer());
    } catch (err) {
      throw new WebhookError(500, '500 Internal Server Error: Failed to read request body', id, { cause: err });
    }
    if (buf.byteLength > limit) throw tooLarge();
    return buf;
  }
  if (req.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof WebhookError) throw err;
    throw new WebhookError(500, '500 Internal Server Error: Failed to read request body', id, { cause: err });
  }
  return Buffer.concat(chunks, size);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function field(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

/** The HMAC scope: `repository.full_name`, else `organization.login` (org-level events), else "". */
export function payloadScope(body: Record<string, unknown>): string {
  return str(field(body.repository, 'full_name')) ?? str(field(body.organization, 'login')) ?? '';
}

/**
 * Deliveries with the same key are handled in order: `org/repo#number` when the payload names an issue
 * or PR, else `org/repo`, else the org login; undefined when the payload names none of them.
 */
export function orderKeyOf(body: Record<string, unknown>): string | undefined {
  const scope = payloadScope(body);
  if (scope === '') return undefined;
  const number = field(body.issue, 'number') ?? field(body.pull_request, 'number') ?? body.number;
  if (typeof number === 'number' && str(field(body.repository, 'full_name')) !== undefined) return `${scope}#${number}`;
  return scope;
}

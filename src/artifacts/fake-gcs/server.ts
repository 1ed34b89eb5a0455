// A fake of the Google Cloud Storage JSON API (https://cloud.google.com/storage/docs/json_api), small but
// faithful where @google-cloud/storage looks: object insert (media, multipart and resumable uploads),
// metadata, `alt=media` downloads with Range and x-goog-hash, list with prefix/delimiter/pageToken,
// delete, `ifGenerationMatch` preconditions, and GCS's JSON error bodies. Objects live in memory.
// Tests point the real client at it (`apiEndpoint`); `prow fake-gcs` serves it on a port.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32cBase64 } from './crc32c.js';

export interface FakeGcsOptions {
  port?: number;
  hostname?: string;
  /** Buckets that exist from the start; any other bucket answers 404 as GCS does. */
  buckets?: string[];
  /** The largest object or upload body accepted (413 beyond). Default 256 MiB. */
  maxObjectBytes?: number;
  /** Caps list pages below the client's maxResults, so tests exercise pageToken. Default 1000, GCS's cap. */
  maxPageSize?: number;
}

export interface FakeGcs {
  url: string;
  /** Every request as `METHOD path?query` (no bodies), for assertions on what the client sent. */
  requests(): string[];
  /** The Authorization header values seen, for checking that credentials were used. */
  authorizations(): string[];
  /** An object's bytes, or undefined. */
  object(bucket: string, name: string): Buffer | undefined;
  close(): Promise<void>;
}

interface StoredObject {
  data: Buffer;
  /** Computed once at upload: base64 MD5 and CRC-32C. */
  md5: string;
  crc32c: string;
  generation: number;
  contentType: string;
  created: string;
  updated: string;
  metadata?: Record<string, string>;
}

interface PendingUpload {
  bucket: string;
  name: string;
  contentType: string;
  ifGenerationMatch: string | null;
  chunks: Buffer[];
  received: number;
}

class GcsError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string) {
    super(message);
  }
}

const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024;
const GCS_MAX_PAGE = 1000;

export async function startFakeGcs(options: FakeGcsOptions = {}): Promise<FakeGcs> {
  const buckets = new Map<string, Map<string, StoredObject>>((options.buckets ?? []).map((b) => [b, new Map()]));
  const uploads = new Map<string, PendingUpload>();
  const maxBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  const maxPage = Math.min(options.maxPageSize ?? GCS_MAX_PAGE, GCS_MAX_PAGE);
  const requestLog: string[] = [];
  const auths: string[] = [];
  let generation = Date.now() * 1000;
  let base = '';

  const bucketOf = (name: string): Map<string, StoredObject> => {
    const b = buckets.get(name);
    if (!b) throw new GcsError(404, 'notFound', 'The specified bucket does not exist.');
    return b;
  };
  const objectOf = (bucket: string, name: string): StoredObject => {
    const o = bucketOf(bucket).get(name);
    if (!o) throw new GcsError(404, 'notFound', `No such object: ${bucket}/${name}`);
    return o;
  };
  const resource = (bucket: string, name: string, o: StoredObject): Record<string, unknown> => {
    const enc = encodeURIComponent(name);
    return {
      kind: 'storage#object',
      id: `${bucket}/${name}/${o.generation}`,
      selfLink: `${base}/storage/v1/b/${bucket}/o/${enc}`,
      mediaLink: `${base}/download/storage/v1/b/${bucket}/o/${enc}?generation=${o.generation}&alt=media`,
      name,
      bucket,
      generation: String(o.generation),
      metageneration: '1',
      contentType: o.contentType,
      storageClass: 'STANDARD',
      size: String(o.data.length),
      md5Hash: o.md5,
      crc32c: o.crc32c,
      etag: Buffer.from(String(o.generation)).toString('base64'),
      timeCreated: o.created,
      updated: o.updated,
      ...(o.metadata ? { metadata: o.metadata } : {}),
    };
  };
  const checkPrecondition = (bucket: string, name: string, ifGenerationMatch: string | null): void => {
    if (ifGenerationMatch === null) return;
    const current = bucketOf(bucket).get(name)?.generation ?? 0;
    if (String(current) !== ifGenerationMatch) throw new GcsError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.');
  };
  const store = (p: { bucket: string; name: string; data: Buffer; contentType: string; ifGenerationMatch: string | null; metadata?: Record<string, string> }): Record<string, unknown> => {
    if (!p.name) throw new GcsError(400, 'required', 'Required');
    checkPrecondition(p.bucket, p.name, p.ifGenerationMatch);
    const now = new Date().toISOString();
    const prev = bucketOf(p.bucket).get(p.name);
    const o: StoredObject = { data: p.data, md5: createHash('md5').update(p.data).digest('base64'), crc32c: crc32cBase64(p.data), generation: ++generation, contentType: p.contentType, created: prev?.created ?? now, updated: now, ...(p.metadata ? { metadata: p.metadata } : {}) };
    bucketOf(p.bucket).set(p.name, o);
    return resource(p.bucket, p.name, o);
  };

  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new GcsError(413, 'uploadTooLarge', `Upload larger than ${maxBytes} bytes.`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const q = url.searchParams;
    let m: RegExpExecArray | null;
    // Object names arrive percent-encoded in one path segment (slashes as %2F).
    if ((m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname))) {
      const bucket = decodeURIComponent(m[1]!);
      const name = decodeURIComponent(m[2]!);
      if (method === 'DELETE') {
        const b = bucketOf(bucket);
        objectOf(bucket, name);
        b.delete(name);
        res.writeHead(204).end();
        return;
      }
      if (method !== 'GET') throw new GcsError(405, 'methodNotAllowed', `${method} is not allowed here.`);
      const o = objectOf(bucket, name);
      if (q.get('alt') !== 'media') return sendJson(res, 200, resource(bucket, name, o));
      return sendMedia(req, res, o);
    }
    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(url.pathname)) && method === 'GET') {
      return sendJson(res, 200, list(decodeURIComponent(m[1]!), q));
    }
    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(url.pathname))) {
      const bucket = decodeURIComponent(m[1]!);
      bucketOf(bucket);
      const uploadId = q.get('upload_id');
      if (uploadId !== null && method === 'PUT') return resumeUpload(req, res, uploadId);
      if (method !== 'POST') throw new GcsError(405, 'methodNotAllowed', `${method} is not allowed here.`);
      const type = q.get('uploadType') ?? 'media';
      const body = await readBody(req);
      if (type === 'media') {
        const name = q.get('name') ?? '';
        return sendJson(res, 200, store({ bucket, name, data: body, contentType: req.headers['content-type'] ?? 'application/octet-stream', ifGenerationMatch: q.get('ifGenerationMatch') }));
      }
      if (type === 'multipart') {
        const { meta, data, contentType } = parseMultipart(req.headers['content-type'] ?? '', body);
        return sendJson(res, 200, store({
          bucket, name: q.get('name') ?? str(meta['name']), data, contentType: str(meta['contentType']) || contentType,
          ifGenerationMatch: q.get('ifGenerationMatch'), ...metadataOf(meta),
        }));
      }
      if (type === 'resumable') {
        const meta = body.length > 0 ? parseJsonObject(body) : {};
        const name = q.get('name') ?? str(meta['name']);
        if (!name) throw new GcsError(400, 'required', 'Required');
        const id = randomUUID();
        uploads.set(id, {
          bucket, name, chunks: [], received: 0, ifGenerationMatch: q.get('ifGenerationMatch'),
          contentType: str(meta['contentType']) || String(req.headers['x-upload-content-type'] ?? 'application/octet-stream'),
        });
        res.writeHead(200, { location: `${base}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}`, 'content-length': 0 });
        res.end();
        return;
      }
      throw new GcsError(400, 'invalid', `Invalid upload type: ${type}`);
    }
    throw new GcsError(404, 'notFound', 'Not Found');
  }

  function list(bucket: string, q: URLSearchParams): Record<string, unknown> {
    const b = bucketOf(bucket);
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const requested = Number(q.get('maxResults') ?? GCS_MAX_PAGE);
    const pageSize = Math.max(1, Math.min(Number.isFinite(requested) && requested > 0 ? requested : GCS_MAX_PAGE, maxPage));
    const after = q.get('pageToken') ? Buffer.from(q.get('pageToken')!, 'base64url').toString('utf8') : '';
    // GCS orders by name (UTF-8 bytes); each entry is an object or, with a delimiter, a collapsed prefix.
    const entries: Array<{ key: string; prefix?: string; name?: string }> = [];
    const seen = new Set<string>();
    for (const name of [...b.keys()].sort(compareBytes)) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) {
        const p = prefix + rest.slice(0, cut + delimiter.length);
        if (!seen.has(p)) {
          seen.add(p);
          entries.push({ key: p, prefix: p });
        }
      } else entries.push({ key: name, name });
    }
    const page = entries.filter((e) => compareBytes(e.key, after) > 0 || after === '').slice(0, pageSize + 1);
    const more = page.length > pageSize;
    const shown = page.slice(0, pageSize);
    const items = shown.filter((e) => e.name !== undefined).map((e) => resource(bucket, e.name!, b.get(e.name!)!));
    const prefixes = shown.filter((e) => e.prefix !== undefined).map((e) => e.prefix!);
    return {
      kind: 'storage#objects',
      ...(items.length ? { items } : {}),
      ...(prefixes.length ? { prefixes } : {}),
      ...(more ? { nextPageToken: Buffer.from(shown[shown.length - 1]!.key).toString('base64url') } : {}),
    };
  }

  function sendMedia(req: IncomingMessage, res: ServerResponse, o: StoredObject): void {
    const size = o.data.length;
    const headers: Record<string, string | number> = {
      'content-type': o.contentType,
      'x-goog-generation': String(o.generation),
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': String(size),
      'last-modified': new Date(o.updated).toUTCString(),
      'accept-ranges': 'bytes',
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
    if (!range || (range[1] === '' && range[2] === '')) {
      headers['x-goog-hash'] = `crc32c=${o.crc32c},md5=${o.md5}`;
      headers['content-length'] = size;
      res.writeHead(200, headers);
      res.end(o.data);
      return;
    }
    let start: number;
    let end: number;
    if (range[1] === '') {
      start = Math.max(0, size - Number(range[2]));
      end = size - 1;
    } else {
      start = Number(range[1]);
      end = range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
    }
    if (start >= size || end < start) {
      throw new GcsError(416, 'requestedRangeNotSatisfiable', 'The requested range cannot be satisfied.');
    }
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
    headers['content-length'] = end - start + 1;
    res.writeHead(206, headers);
    res.end(o.data.subarray(start, end + 1));
  }

  async function resumeUpload(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const up = uploads.get(id);
    if (!up) throw new GcsError(404, 'notFound', 'No such upload session.');
    const body = await readBody(req);
    if (up.received + body.length > maxBytes) throw new GcsError(413, 'uploadTooLarge', `Upload larger than ${maxBytes} bytes.`);
    // Content-Range: `bytes a-b/total`, `bytes a-b/*` (more to come), `bytes */total` (finish or query).
    const cr = /^bytes (\*|(\d+)-(\d+))\/(\*|\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    if (cr && cr[2] !== undefined) {
      if (Number(cr[2]) !== up.received) throw new GcsError(400, 'invalid', `Chunk starts at ${cr[2]}, expected ${up.received}.`);
      up.chunks.push(body);
      up.received += body.length;
    } else if (!cr) {
      up.chunks.push(body);
      up.received += body.length;
    }
    const total = cr ? cr[4] : String(up.received);
    if (total === '*' || Number(total) > up.received) {
      res.writeHead(308, up.received > 0 ? { range: `bytes=0-${up.received - 1}`, 'content-length': 0 } : { 'content-length': 0 });
      res.end();
      return;
    }
    uploads.delete(id);
    sendJson(res, 200, store({ bucket: up.bucket, name: up.name, data: Buffer.concat(up.chunks), contentType: up.contentType, ifGenerationMatch: up.ifGenerationMatch }));
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-gcs');
    requestLog.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.authorization) auths.push(req.headers.authorization);
    route(req, res, url).catch((err: unknown) => {
      const e = err instanceof GcsError ? err : new GcsError(500, 'backendError', 'Backend Error');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // GCS's error body: {"error":{"code","message","errors":[{"message","domain","reason"}]}}
      // An upload refused half-way leaves unread bytes on the connection: close it rather than reuse it.
      const headers: Record<string, string> = e.status === 413 ? { connection: 'close' } : {};
      sendJson(res, e.status, { error: { code: e.status, message: e.message, errors: [{ message: e.message, domain: 'global', reason: e.reason }] } }, headers);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  base = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;

  return {
    url: base,
    requests: () => [...requestLog],
    authorizations: () => [...auths],
    object: (bucket, name) => buckets.get(bucket)?.get(name)?.data,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function metadataOf(meta: Record<string, unknown>): { metadata?: Record<string, string> } {
  const m = meta['metadata'];
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return {};
  return { metadata: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])) };
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GcsError(400, 'parseError', 'Parse Error');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new GcsError(400, 'parseError', 'Parse Error');
  return v as Record<string, unknown>;
}

/** multipart/related: a JSON metadata part, then the media part. */
function parseMultipart(contentType: string, body: Buffer): { meta: Record<string, unknown>; data: Buffer; contentType: string } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!/^multipart\/related/i.test(contentType) || !boundary) throw new GcsError(400, 'invalid', 'Multipart upload needs a multipart/related body with a boundary.');
  const delim = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delim);
  while (at >= 0) {
    const next = body.indexOf(delim, at + delim.length);
    if (next < 0) break;
    parts.push(body.subarray(at + delim.length, next));
    at = next;
  }
  const split = (part: Buffer): { headers: string; content: Buffer } => {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) throw new GcsError(400, 'invalid', 'Malformed multipart body.');
    // A part is `\r\n<headers>\r\n\r\n<content>\r\n`.
    let content = part.subarray(sep + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    return { headers: part.subarray(0, sep).toString('utf8'), content };
  };
  if (parts.length !== 2) throw new GcsError(400, 'invalid', `Multipart upload needs 2 parts, got ${parts.length}.`);
  const meta = parseJsonObject(split(parts[0]!).content);
  const media = split(parts[1]!);
  const type = /content-type:\s*([^\r\n]+)/i.exec(media.headers)?.[1] ?? 'application/octet-stream';
  return { meta, data: media.content, contentType: type };
}

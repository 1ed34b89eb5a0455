// Answers shared by the job pages and the bucket views: a raw artifact with HTTP byte ranges, a slice
// of a build log (whole lines before a byte, or a byte range), and the artifact path of a request.
import type { Context } from 'hono';
import type { ArtifactStore } from '../../artifacts/types.js';
import { HttpError } from '../../observability/http.js';
import { FilterError } from '../jobs.js';
import { LOG_WINDOW, linesBefore, readRange, type LogReader } from '../logs.js';

/** The object as plain text or JSON (never HTML, whatever it holds), honouring one `Range: bytes=a-b`. */
export async function serveArtifact(c: Context, store: ArtifactStore, path: string): Promise<Response> {
  const st = await store.stat(path);
  if (!st) return c.text('404 Not Found', 404);
  const type = path.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';
  const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header('range') ?? '');
  let start = 0;
  let end = st.size - 1;
  let status: 200 | 206 = 200;
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(end, Number(range[2]));
    } else {
      start = Math.max(0, st.size - Number(range[2]));
    }
    if (start > end) return c.body(null, 416, { 'content-range': `bytes */${st.size}` });
    status = 206;
  }
  const stream = st.size === 0 ? undefined : await store.openRead(path, { start, end });
  const headers: Record<string, string> = {
    'content-type': type, 'accept-ranges': 'bytes', 'content-length': String(st.size === 0 ? 0 : end - start + 1),
    'x-content-type-options': 'nosniff',
  };
  if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${st.size}`;
  if (!stream) return c.body('', status, headers);
  return new Response(nodeToWeb(stream), { status, headers });
}

/**
 * `?before=<byte>`: the whole lines ending right before that byte (the page's "load earlier");
 * otherwise `?start=&end=`, a byte range of at most LOG_WINDOW bytes. Headers carry where the text
 * starts (`x-log-start`) and the log's size (`x-log-size`).
 */
export async function serveLogSlice(c: Context, log: LogReader, missing: string): Promise<Response> {
  const size = await log.size();
  if (size === undefined) return c.text(`404 Not Found: ${missing}`, 404);
  const num = (k: string, d: number): number => {
    const v = c.req.query(k);
    if (v === undefined || v === '') return d;
    if (!/^\d{1,15}$/.test(v)) throw new FilterError(`${k}: not a byte offset`);
    return Number(v);
  };
  if (c.req.query('before') !== undefined) {
    const { start, text } = await linesBefore(log, Math.min(num('before', size), size));
    return c.text(text, 200, { 'x-log-start': String(start), 'x-log-size': String(size) });
  }
  const end = Math.min(num('end', size - 1), size - 1);
  const start = Math.max(num('start', 0), end - LOG_WINDOW + 1, 0);
  const buf = await readRange(log, start, end);
  return c.body(new Uint8Array(buf), 200, { 'content-type': 'text/plain; charset=utf-8', 'x-log-start': String(start), 'x-log-size': String(size) });
}

/** The percent-decoded path after `prefix`, without trailing slashes; malformed encoding is a 400. */
export function artifactPath(c: Context, prefix: string): string {
  let path: string;
  try {
    path = decodeURIComponent(c.req.path.slice(prefix.length));
  } catch {
    throw new HttpError(400, '400 Bad Request: malformed percent-encoding in the path');
  }
  return path.replace(/\/+$/, '');
}

export function nodeToWeb(stream: NodeJS.ReadableStream & { destroy?: () => void }): ReadableStream<Uint8Array> {
  const it = stream[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value as Buffer));
      } catch (err) {
        controller.error(err);
      }
    },
    cancel() {
      stream.destroy?.();
    },
  });
}

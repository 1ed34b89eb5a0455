// Build logs by byte range and as a live server-sent-event stream, read through the LogSource seam
// (the executor's live log while a job runs, the uploaded one afterwards) or straight from one object of
// a bucket (the spyglass build log lens). Nothing here reads a whole log: the page shows the tail, older
// parts load by range, and the stream follows the log as it grows.
import type { ProwJob } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import type { ArtifactStore, ByteRange, LogSource } from '../artifacts/types.js';
import type { ProwJobStore } from '../store/types.js';

/** One log, read by byte range: a job's (through a LogSource) or one object of a bucket. */
export interface LogReader {
  /** Bytes so far, or undefined when there is no log. */
  size(): Promise<number | undefined>;
  read(range: ByteRange): Promise<Buffer | undefined>;
}

export function jobLog(logs: LogSource, pj: ProwJob): LogReader {
  return { size: () => logs.size(pj), read: (range) => logs.read(pj, range) };
}

/** One object of an artifact store as a log (a finished job's build-log.txt in a bucket). */
export function objectLog(store: ArtifactStore, path: string): LogReader {
  return {
    size: async () => (await store.stat(path))?.size,
    async read(range) {
      if (!(await store.stat(path))) return undefined;
      const parts: Buffer[] = [];
      for await (const chunk of await store.openRead(path, range)) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    },
  };
}

/** The most the page renders inline and a range request returns at once. */
export const LOG_WINDOW = 256 * 1024;
const STREAM_CHUNK = 64 * 1024;

/** Reads [start, end] inclusive (at most LOG_WINDOW bytes). */
export async function readRange(log: LogReader, start: number, end: number): Promise<Buffer> {
  const last = Math.min(end, start + LOG_WINDOW - 1);
  if (last < start) return Buffer.alloc(0);
  return (await log.read({ start, end: last })) ?? Buffer.alloc(0);
}

export interface LogTail {
  /** Where the returned text starts in the file. */
  start: number;
  /** The line number (from 1) of the text's first line: the lines before `start`, plus one. */
  firstLine: number;
  /** Bytes read up to (the stream continues from here). */
  end: number;
  size: number;
  text: string;
}

/** The last LOG_WINDOW bytes of the job's build log, or undefined when there is no log yet. */
export async function logTail(log: LogReader): Promise<LogTail | undefined> {
  const size = await log.size();
  if (size === undefined) return undefined;
  let start = Math.max(0, size - LOG_WINDOW);
  let buf = size > 0 ? await readRange(log, start, size - 1) : Buffer.alloc(0);
  if (start > 0) {
    // Start at a line boundary so the first line shown is whole.
    const nl = buf.indexOf(10);
    if (nl !== -1 && nl < buf.length - 1) {
      buf = buf.subarray(nl + 1);
      start += nl + 1;
    }
  }
  return { start, firstLine: start > 0 ? (await countLines(log, start)) + 1 : 1, end: start + buf.length, size, text: new TextDecoder().decode(buf) };
}

/** Newlines in the first `bytes` bytes, read a window at a time (line numbers of a tail are absolute). */
export async function countLines(log: LogReader, bytes: number): Promise<number> {
  let lines = 0;
  for (let at = 0; at < bytes; at += LOG_WINDOW) {
    const buf = await readRange(log, at, Math.min(bytes, at + LOG_WINDOW) - 1);
    if (buf.length === 0) break;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/**
 * The last whole lines before byte `end` (exclusive), at most LOG_WINDOW bytes: the page's "load
 * earlier". Starts at a line boundary, so no line is cut in two.
 */
export async function linesBefore(log: LogReader, end: number): Promise<{ start: number; text: string }> {
  let start = Math.max(0, end - LOG_WINDOW);
  let buf = end > 0 ? await readRange(log, start, end - 1) : Buffer.alloc(0);
  if (start > 0) {
    const nl = buf.indexOf(10);
    if (nl !== -1) {
      buf = buf.subarray(nl + 1);
      start += nl + 1;
    }
  }
  return { start, text: new TextDecoder().decode(buf) };
}

export interface LogStreamOptions {
  store: ProwJobStore;
  logs: LogSource;
  name: string;
  /** Byte offset to continue from. */
  offset: number;
  pollMs: number;
  signal?: AbortSignal;
  /** Called once when the stream ends, from either side. */
  onClose?: () => void;
}

/**
 * text/event-stream: `log` events carry new text (JSON string; `id` is the byte offset reached, so an
 * EventSource that reconnects resumes there), `state` events carry a state change, `done` ends the stream
 * once the job is complete and the whole log was sent.
 */
export function logEventStream(o: LogStreamOptions): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const decoder = new TextDecoder();
  let offset = o.offset;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let lastState: string | undefined;
  let lastBeat = Date.now();
  let reported = false;
  const ended = (): void => {
    if (!reported) {
      reported = true;
      o.onClose?.();
    }
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (s: string): void => {
        if (!closed) controller.enqueue(enc.encode(s));
      };
      const finish = (): void => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // the reader already went away
        }
        ended();
      };
      o.signal?.addEventListener('abort', finish, { once: true });
      const tick = async (): Promise<void> => {
        if (closed) return;
        let again = o.pollMs;
        try {
          const pj = await o.store.getProwJob(o.name);
          if (!pj) {
            send(`event: gone\ndata: ${JSON.stringify(`ProwJob ${o.name} no longer exists`)}\n\n`);
            finish();
            return;
          }
          if (pj.status.state !== lastState) {
            lastState = pj.status.state;
            send(`event: state\ndata: ${JSON.stringify({ state: pj.status.state, description: pj.status.description ?? '' })}\n\n`);
          }
          const size = await o.logs.size(pj);
          if (size !== undefined && size > offset) {
            const buf = await readRange(jobLog(o.logs, pj), offset, Math.min(size, offset + STREAM_CHUNK) - 1);
            offset += buf.length;
            const text = decoder.decode(buf, { stream: true });
            send(`id: ${offset}\nevent: log\ndata: ${JSON.stringify(text)}\n\n`);
            lastBeat = Date.now();
            if (offset < size && buf.length > 0) again = 0;
          }
          // Re-read the job after the log: a job that completed while we read still gets its last lines sent.
          if (again !== 0 && isComplete(pj) && (size === undefined || offset >= size)) {
            const tail = decoder.decode();
            if (tail) send(`id: ${offset}\nevent: log\ndata: ${JSON.stringify(tail)}\n\n`);
            send(`event: done\ndata: ${JSON.stringify({ state: pj.status.state })}\n\n`);
            finish();
            return;
          }
          if (Date.now() - lastBeat > 15_000) {
            send(': keep-alive\n\n');
            lastBeat = Date.now();
          }
        } catch (err) {
          send(`event: problem\ndata: ${JSON.stringify((err as Error).message)}\n\n`);
        }
        if (!closed) timer = setTimeout(() => void tick(), again);
      };
      void tick();
    },
    cancel() {
      closed = true;
      if (timer) clearTimeout(timer);
      ended();
    },
  });
}

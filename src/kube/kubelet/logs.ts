// Container logs as the kubelet keeps them: every line with its time and stream (the CRI log format
// on disk, `<RFC3339Nano> stdout F <line>`), served by `pods/<name>/log` with follow, sinceTime,
// sinceSeconds, tailLines, limitBytes and timestamps as the real endpoint does.
import { EventEmitter } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { PodLogOptions } from '../fake/server.js';

interface LogLine {
  time: Date;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Go's RFC3339Nano with nanosecond digits, as the kubelet prefixes lines with timestamps=true. */
const nanoTime = (d: Date): string => `${d.toISOString().slice(0, 23)}000000Z`;

export class ContainerLog {
  private readonly lines: LogLine[] = [];
  private readonly partial = { stdout: '', stderr: '' };
  private readonly events = new EventEmitter();
  private ended = false;
  private readonly file: WriteStream;

  constructor(path: string) {
    this.file = createWriteStream(path, { flags: 'a' });
    this.events.setMaxListeners(0);
  }

  /** Appends process output; complete lines become log lines at once, a trailing partial line waits. */
  write(stream: 'stdout' | 'stderr', chunk: Buffer | string): void {
    const text = this.partial[stream] + chunk.toString();
    const parts = text.split('\n');
    this.partial[stream] = parts.pop()!;
    for (const p of parts) this.push(stream, p);
  }

  private push(stream: 'stdout' | 'stderr', text: string): void {
    const line = { time: new Date(), stream, text };
    this.lines.push(line);
    this.file.write(`${nanoTime(line.time)} ${stream} F ${text}\n`);
    this.events.emit('line', line);
  }

  /** The container stopped: flush partial lines and end followers. */
  end(): void {
    if (this.ended) return;
    for (const s of ['stdout', 'stderr'] as const) if (this.partial[s] !== '') this.push(s, this.partial[s]);
    this.ended = true;
    this.file.end();
    this.events.emit('end');
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The last `maxLines` lines, at most `maxBytes` (what FallbackToLogsOnError uses). */
  tail(maxLines: number, maxBytes: number): string {
    const text = this.lines.slice(-maxLines).map((l) => l.text).join('\n');
    return text.length > maxBytes ? text.slice(text.length - maxBytes) : text;
  }

  text(): string {
    return this.lines.map((l) => `${l.text}\n`).join('');
  }

  serve(opts: PodLogOptions, res: ServerResponse): Promise<void> {
    const since = opts.sinceTime ?? (opts.sinceSeconds === undefined ? undefined : new Date(Date.now() - opts.sinceSeconds * 1000));
    let lines = this.lines.filter((l) => since === undefined || l.time >= since);
    if (opts.tailLines !== undefined && opts.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - opts.tailLines));
    let budget = opts.limitBytes ?? Infinity;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    const format = (l: LogLine): string => `${opts.timestamps ? `${nanoTime(l.time)} ` : ''}${l.text}\n`;
    const send = (l: LogLine): boolean => {
      if (budget <= 0) return false;
      let s = format(l);
      if (Buffer.byteLength(s) > budget) s = Buffer.from(s).subarray(0, budget).toString();
      budget -= Buffer.byteLength(s);
      res.write(s);
      return budget > 0;
    };
    for (const l of lines) if (!send(l)) return finish(res);
    if (!opts.follow || this.ended) return finish(res);
    return new Promise<void>((resolve) => {
      const onLine = (l: LogLine): void => {
        if (!send(l)) stop();
      };
      const stop = (): void => {
        this.events.off('line', onLine);
        this.events.off('end', stop);
        res.off('close', stop);
        if (!res.writableEnded) res.end();
        resolve();
      };
      this.events.on('line', onLine);
      this.events.once('end', stop);
      res.once('close', stop);
    });
  }
}

function finish(res: ServerResponse): Promise<void> {
  res.end();
  return Promise.resolve();
}

// What `prow up` says once everything serves: where hook and deck are and what to do next. On a terminal
// (text logs) it is a plain framed block a person reads; with JSON logs it is one info record, so a log
// collector never meets a line that is not JSON.
import type { LogFormat, Logger } from '../../observability/logger.js';

export interface UpBanner {
  /** A short phrase: "demo mode (built-in fake GitHub)" or "talking to GitHub". */
  mode: string;
  /** Labelled addresses, in order: hook, deck, the fake GitHub…; `key` names the field in JSON. */
  places: { key: string; label: string; value: string }[];
  /** What to do next, one instruction a line (commands to copy). */
  next: string[];
}

const RULE_WIDTH = 72;

export function formatBanner(b: UpBanner): string {
  const title = ` prow up: ${b.mode} `;
  const head = `──${title}${'─'.repeat(Math.max(2, RULE_WIDTH - title.length - 2))}`;
  const width = Math.max(...b.places.map((p) => p.label.length));
  return [
    '',
    head,
    ...b.places.map((p) => `  ${p.label.padEnd(width)}  ${p.value}`),
    ...(b.next.length ? ['', ...b.next] : []),
    '─'.repeat(head.length),
    '',
  ].join('\n') + '\n';
}

export function printBanner(b: UpBanner, format: LogFormat, log: Logger, out: NodeJS.WritableStream = process.stdout): void {
  if (format === 'json') {
    const fields = Object.fromEntries(b.places.map((p) => [p.key, p.value]));
    log.info({ mode: b.mode, ...fields, next: b.next.join('\n') }, 'prow is up');
    return;
  }
  out.write(formatBanner(b));
}

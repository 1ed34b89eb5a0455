// Log levels as upstream spells them: logrus's ParseLevel (`panic`, `fatal`, `error`, `warn`/`warning`,
// `info`, `debug`, `trace`, any case) for LOG_LEVEL and config.yaml's log_level, mapped onto pino's.
import type { Level } from 'pino';

type PinoLevel = Level | 'silent';

const LEVELS: ReadonlyMap<string, PinoLevel> = new Map<string, PinoLevel>([
  // pino has nothing above fatal: logrus's panic keeps the fatal lines.
  ['panic', 'fatal'],
  ['fatal', 'fatal'],
  ['error', 'error'],
  ['warn', 'warn'],
  ['warning', 'warn'],
  ['info', 'info'],
  ['debug', 'debug'],
  ['trace', 'trace'],
  ['silent', 'silent'],
]);

/** The logrus spellings, in order of severity (what errors list). */
const LOGRUS_LEVELS = ['panic', 'fatal', 'error', 'warning', 'info', 'debug', 'trace'] as const;

export class LogLevelError extends Error {
  override readonly name = 'LogLevelError';
  constructor(readonly source: string, readonly value: string) {
    super(`${source}: ${JSON.stringify(value)} is not a log level (want one of ${LOGRUS_LEVELS.join(', ')})`);
  }
}

/** The pino level for a logrus (or pino) level name; `source` names where the value came from, for the error. */
export function parseLogLevel(value: string, source: string): PinoLevel {
  const level = LEVELS.get(value.trim().toLowerCase());
  if (level === undefined) throw new LogLevelError(source, value);
  return level;
}

/** The word logrus writes for a pino level label (`warn` is `warning` in logrus's JSON). */
export function logrusLevelWord(label: string): string {
  return label === 'warn' ? 'warning' : label;
}

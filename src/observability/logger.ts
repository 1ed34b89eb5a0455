// One pino root per process. JSON lines in the shape of upstream's logrus JSON (pkg/logrusutil/logrusutil.go):
// `level` and `severity` as words, `msg`, `time` in RFC 3339; human-readable coloured lines instead when
// asked for (or when stdout is a terminal). Every line carries each key once, however children nest, and
// no secret (redact.ts).
import { pino, type DestinationStream, type LevelWithSilentOrString, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { logrusLevelWord, parseLogLevel } from './log-level.js';
import { redactFields } from './redact.js';
import { installUniqueChild, uniqueLogMethod } from './unique-fields.js';

export type { Logger };

export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface LoggerOptions {
  /** A logrus or pino level name; defaults to LOG_LEVEL from the environment, else info. */
  level?: string;
  /** `json` (the default off a terminal) or `text` (coloured when the destination is a terminal). */
  format?: LogFormat;
  /** Where lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/** The level from the options or LOG_LEVEL; a bad value throws a LogLevelError naming its source. */
export function resolveLogLevel(level: string | undefined, env: NodeJS.ProcessEnv = process.env): LevelWithSilentOrString {
  if (level !== undefined) return parseLogLevel(level, 'log level');
  const fromEnv = env.LOG_LEVEL;
  if (fromEnv !== undefined && fromEnv !== '') return parseLogLevel(fromEnv, 'LOG_LEVEL');
  return 'info';
}

const isTerminal = (stream: NodeJS.WritableStream): boolean => (stream as { isTTY?: boolean }).isTTY === true;

/** The format asked for, else text on a terminal and JSON anywhere else. */
export function resolveLogFormat(format: LogFormat | undefined, out: NodeJS.WritableStream = process.stdout): LogFormat {
  return format ?? (isTerminal(out) ? 'text' : 'json');
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = resolveLogLevel(options.level);
  const out = options.destination ?? process.stdout;
  const format = resolveLogFormat(options.format, out);
  const common = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { logMethod: uniqueLogMethod },
  };
  let root: Logger;
  if (format === 'text') {
    // pino-pretty in-process and synchronous (no transport worker that could drop the last lines on exit).
    const pretty = prettyFactory({
      colorize: isTerminal(out),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'component',
      messageFormat: '{if component}[{component}] {end}{msg}',
    });
    const destination: DestinationStream = { write: (line: string) => void out.write(pretty(line)) };
    root = pino({ ...common, formatters: { log: redactFields } }, destination);
  } else {
    root = pino(
      {
        ...common,
        formatters: { level: (label) => ({ level: logrusLevelWord(label), severity: logrusLevelWord(label) }), log: redactFields },
      },
      out as DestinationStream,
    );
  }
  return installUniqueChild(root);
}

/**
 * Sets the level of a root logger and of every child made from it (children made with their own `level`
 * keep theirs).
 */
export function setLogLevel(root: Logger, level: string, source: string): void {
  root.level = parseLogLevel(level, source);
}

/** A logger that writes nothing: for tests and library use. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

import { pino, type Logger } from 'pino';

export type { Logger };

// Tokens, secrets and authorization headers never reach a log line.
const REDACT = [
  'token', '*.token', 'secret', '*.secret', 'password', '*.password',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'req.headers.authorization', 'hmac', '*.hmac', 'privateKey', '*.privateKey',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? process.stdout,
  );
}

/** A logger that writes nothing: for tests and library use. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

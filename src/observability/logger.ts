import { pino, type Logger } from 'pino';

export type { Logger };

// Tokens, secrets, cookies and authorization headers never reach a log line, at the top level or nested
// up to four levels deep (an error's request.headers.authorization, an options object's github.token).
const SECRET_KEYS = [
  'token', 'secret', 'password', 'authorization', 'cookie', 'set-cookie', 'hmac',
  'privateKey', 'private_key', 'clientSecret', 'client_secret', 'cookieSecret', 'cookie_secret',
  'accessToken', 'access_token',
];
const keyPath = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`);
const REDACT = SECRET_KEYS.flatMap((key) =>
  ['', '*', '*.*', '*.*.*', '*.*.*.*'].map((prefix) => (prefix === '' ? keyPath(key).replace(/^\./, '') : `${prefix}${keyPath(key)}`)),
);

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

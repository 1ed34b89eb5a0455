// Tokens, secrets, cookies and authorization headers never reach a log line, at the top level or nested
// up to four levels deep (an error's request.headers.authorization, an options object's github.token).
// One walk per line, copying only what it changes: pino's own `redact` with these keys at every depth
// (75 wildcard paths) cost about ten times the rest of a line.

const SECRET_KEYS = new Set([
  'token', 'secret', 'password', 'authorization', 'cookie', 'set-cookie', 'hmac',
  'privateKey', 'private_key', 'clientSecret', 'client_secret', 'cookieSecret', 'cookie_secret',
  'accessToken', 'access_token',
]);
const MAX_DEPTH = 4;
export const REDACTED = '[redacted]';

type Fields = Record<string, unknown>;

/** A copy of an error that keeps its class (so the err serializer names it) and its own properties. */
function copyError(err: Error): Fields {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as Fields;
  for (const key of Object.getOwnPropertyNames(err)) copy[key] = (err as unknown as Fields)[key];
  return copy;
}

function redactValue(value: unknown, depth: number, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof Map || value instanceof Set) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      value.forEach((item, i) => {
        const next = depth < MAX_DEPTH ? redactValue(item, depth + 1, seen) : item;
        if (next !== item) (out ??= [...value])[i] = next;
      });
      return out ?? value;
    }
    const source = value as Fields;
    let out: Fields | undefined;
    const keys = value instanceof Error ? Object.getOwnPropertyNames(value) : Object.keys(source);
    for (const key of keys) {
      const item = source[key];
      const next = SECRET_KEYS.has(key) ? REDACTED : depth < MAX_DEPTH ? redactValue(item, depth + 1, seen) : item;
      if (next !== item) {
        out ??= value instanceof Error ? copyError(value) : { ...source };
        out[key] = next;
      }
    }
    return out ?? value;
  } finally {
    seen.delete(value);
  }
}

/** The fields with every secret-named key, at depth 0 to 4, replaced by "[redacted]"; the input is not changed. */
export function redactFields<T extends object>(fields: T): T {
  return redactValue(fields, 0, new Set()) as T;
}

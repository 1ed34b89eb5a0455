// The webhook HMAC secret file, in upstream's two formats (upstream pkg/github/hmac.go; docs/hook.md):
//   a) a YAML map { "org/repo" | "org" | "*": [ {value, created_at, expiry?}, ... ] }
//   b) anything that does not parse as such a map: one legacy token (the whole file, trimmed).
// Only the most specific level present is used (repo, else org, else "*"), so a repo key that exists
// but does not match never falls back to the org key. Any token of that level may match (rotation).
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';

export interface HmacToken {
  value: string;
  createdAt?: string;
  /** Our extension: a token past its expiry (RFC 3339) no longer verifies. Upstream ignores the key. */
  expiry?: string;
}

export type HmacSecrets =
  | { kind: 'legacy'; token: string }
  | { kind: 'scoped'; scopes: Map<string, HmacToken[]> };

/** Returns the current secrets; implementations may reload a file behind it. */
export type SecretSource = () => HmacSecrets;

export function parseHmacSecrets(text: string): HmacSecrets {
  const trimmed = text.trim();
  let doc: unknown;
  try {
    doc = parse(trimmed, { schema: 'failsafe' }); // every scalar a string: a token like 0123 stays as written
  } catch {
    return { kind: 'legacy', token: trimmed };
  }
  if (doc === null || doc === undefined) return { kind: 'scoped', scopes: new Map() };
  if (typeof doc !== 'object' || Array.isArray(doc)) return { kind: 'legacy', token: trimmed };
  const scopes = new Map<string, HmacToken[]>();
  for (const [key, list] of Object.entries(doc as Record<string, unknown>)) {
    if (!Array.isArray(list)) return { kind: 'legacy', token: trimmed };
    const tokens: HmacToken[] = [];
    for (const item of list) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return { kind: 'legacy', token: trimmed };
      const { value, created_at: createdAt, expiry } = item as Record<string, unknown>;
      if (value === undefined || value === null) return { kind: 'legacy', token: trimmed };
      tokens.push({ value: String(value), createdAt: timeString(createdAt), expiry: timeString(expiry) });
    }
    scopes.set(key, tokens);
  }
  return { kind: 'scoped', scopes };
}

function timeString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return v instanceof Date ? v.toISOString() : String(v);
}

export class NoHmacSecretError extends Error {
  override readonly name = 'NoHmacSecretError';
  constructor(readonly scope: string) {
    super(`no hmac is configured for the org/repo "${scope}" and no global token is configured`);
  }
}

/**
 * The tokens that may sign a payload whose scope is `orgRepo` ("org/repo", or "org" for org-level
 * events). Throws NoHmacSecretError when no level applies.
 */
export function tokensFor(secrets: HmacSecrets, orgRepo: string, now: Date = new Date()): string[] {
  // An empty key is no secret: anyone can compute its HMAC. It never verifies.
  if (secrets.kind === 'legacy') return secrets.token === '' ? [] : [secrets.token];
  const org = orgRepo.split('/')[0] ?? '';
  const level = secrets.scopes.get(orgRepo) ?? secrets.scopes.get(org) ?? secrets.scopes.get('*');
  if (level === undefined) throw new NoHmacSecretError(orgRepo);
  return level
    .filter((t) => t.value !== '' && (t.expiry === undefined || !(Date.parse(t.expiry) <= now.getTime())))
    .map((t) => t.value);
}

/** A SecretSource over a file: re-read when its mtime or size changes, checked at most once a second. */
export function fileSecretSource(path: string, checkEveryMs = 1000): SecretSource {
  let secrets = parseHmacSecrets(readFileSync(path, 'utf8'));
  let stamp = fileStamp(path);
  let checkedAt = Date.now();
  return () => {
    const now = Date.now();
    if (now - checkedAt < checkEveryMs) return secrets;
    checkedAt = now;
    try {
      const next = fileStamp(path);
      if (next !== stamp) {
        secrets = parseHmacSecrets(readFileSync(path, 'utf8'));
        stamp = next;
      }
    } catch {
      // The file vanished mid-rotation (ConfigMap/Secret symlink swap): keep the last secrets we read.
    }
    return secrets;
  };
}

function fileStamp(path: string): string {
  const st = statSync(path);
  return `${st.mtimeMs}:${st.size}:${st.ino}`;
}

/** A fixed SecretSource (tests, `prow phony`-style tools). */
export function staticSecretSource(secrets: HmacSecrets | string): SecretSource {
  const s = typeof secrets === 'string' ? parseHmacSecrets(secrets) : secrets;
  return () => s;
}

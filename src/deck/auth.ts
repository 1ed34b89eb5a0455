// Sessions, CSRF and rerun/abort authorisation (docs/deck.md).
// A session is a cookie signed with an HMAC key; every visitor gets one (anonymous until sign-in) so
// every POST can carry a CSRF token derived from it. Tokens are compared in constant time.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ProwJob, RerunAuthConfig } from '../api/prowjob.js';
import type { Deck } from '../config/types.js';

export const SESSION_COOKIE = 'deck_session';
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface Session {
  /** Random id; the CSRF token is derived from it. */
  sid: string;
  /** GitHub login once signed in. */
  login?: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export interface SessionCodec {
  encode(session: Session): string;
  /** undefined for a missing, forged or expired cookie. */
  decode(cookie: string | undefined): Session | undefined;
  fresh(login?: string): Session;
  csrfToken(session: Session): string;
  checkCsrf(session: Session, token: string | undefined): boolean;
  /** Signs an arbitrary value (OAuth state). */
  sign(value: string): string;
  verify(signed: string | undefined): string | undefined;
}

/** The key: the file's bytes (trimmed; base64 decoded when it is base64 of at least 32 bytes), hashed to 32 bytes. */
export function cookieKey(secret: Buffer | undefined): Buffer {
  if (!secret || secret.length === 0) return randomBytes(32);
  const text = secret.toString('utf8').trim();
  const decoded = /^[A-Za-z0-9+/=_-]+$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  const material = decoded && decoded.length >= 32 ? decoded : Buffer.from(text, 'utf8');
  return createHash('sha256').update(material).digest();
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createSessionCodec(key: Buffer, now: () => number = Date.now): SessionCodec {
  const mac = (purpose: string, value: string): string => createHmac('sha256', key).update(`${purpose}\n${value}`).digest('base64url');
  const sign = (value: string): string => `${Buffer.from(value).toString('base64url')}.${mac('sign', value)}`;
  const verify = (signed: string | undefined): string | undefined => {
    if (!signed) return undefined;
    const dot = signed.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const value = Buffer.from(signed.slice(0, dot), 'base64url').toString('utf8');
    return equal(signed.slice(dot + 1), mac('sign', value)) ? value : undefined;
  };
  return {
    encode: (s) => sign(JSON.stringify(s)),
    decode(cookie) {
      const value = verify(cookie);
      if (!value) return undefined;
      try {
        const s = JSON.parse(value) as Session;
        if (typeof s.sid !== 'string' || typeof s.exp !== 'number' || s.exp < now()) return undefined;
        if (s.login !== undefined && typeof s.login !== 'string') return undefined;
        return s;
      } catch {
        return undefined;
      }
    },
    fresh: (login) => ({ sid: randomBytes(18).toString('base64url'), exp: now() + SESSION_TTL_MS, ...(login ? { login } : {}) }),
    csrfToken: (s) => mac('csrf', s.sid),
    checkCsrf: (s, token) => token !== undefined && token !== '' && equal(token, mac('csrf', s.sid)),
    sign,
    verify,
  };
}

/** The GitHub lookups an authorisation decision may need (the bot's client answers them). */
export interface MembershipChecker {
  isMember(org: string, login: string): Promise<boolean>;
  isTeamMember(org: string, teamSlug: string, login: string): Promise<boolean>;
}

export interface AuthDecision {
  allowed: boolean;
  reason: string;
}

/**
 * The deck-wide entry for a job: `rerun_auth_configs` keyed `*`, `org`, `org/repo` (the most specific wins),
 * then `default_rerun_auth_configs` entries matching repo and cluster (the last match wins).
 */
export function deckAuthConfig(deck: Partial<Deck> | undefined, pj: ProwJob): RerunAuthConfig | undefined {
  const refs = pj.spec.refs ?? pj.spec.extra_refs?.[0];
  const org = refs?.org ?? '';
  const repo = refs ? `${refs.org}/${refs.repo}` : '';
  let found: RerunAuthConfig | undefined;
  for (const entry of deck?.default_rerun_auth_configs ?? []) {
    const repoOk = !entry.repo || entry.repo === '*' || entry.repo === org || entry.repo === repo;
    const clusterOk = !entry.cluster || entry.cluster === '*' || entry.cluster === (pj.spec.cluster || 'default');
    if (repoOk && clusterOk && entry.rerun_auth_configs) found = entry.rerun_auth_configs;
  }
  const map = deck?.rerun_auth_configs ?? {};
  return (repo && map[repo]) || (org && map[org]) || map['*'] || found;
}

function nonEmpty(c: RerunAuthConfig | undefined): c is RerunAuthConfig {
  return !!c && !!(c.allow_anyone || c.github_users?.length || c.github_orgs?.length || c.github_team_slugs?.length || c.github_team_ids?.length);
}

async function grants(c: RerunAuthConfig, login: string, gh: MembershipChecker | undefined): Promise<string | undefined> {
  const lower = login.toLowerCase();
  if (c.github_users?.some((u) => u.toLowerCase() === lower)) return `${login} is listed in github_users`;
  for (const org of c.github_orgs ?? []) {
    if (gh && (await gh.isMember(org, login))) return `${login} is a member of ${org}`;
  }
  for (const t of c.github_team_slugs ?? []) {
    if (gh && (await gh.isTeamMember(t.org, t.slug, login))) return `${login} is in team ${t.org}/${t.slug}`;
  }
  return undefined;
}

/**
 * May `login` (undefined when not signed in) rerun or abort this job? Both the deck entry and the job's own
 * spec.rerun_auth_config are consulted; either may grant.
 */
export async function authorize(
  action: 'rerun' | 'abort',
  deck: Partial<Deck> | undefined,
  pj: ProwJob,
  login: string | undefined,
  gh: MembershipChecker | undefined,
): Promise<AuthDecision> {
  const configs = [deckAuthConfig(deck, pj), pj.spec.rerun_auth_config].filter(nonEmpty);
  if (configs.some((c) => c.allow_anyone)) return { allowed: true, reason: 'allow_anyone is set' };
  if (configs.length === 0) return { allowed: false, reason: `no rerun_auth_configs entry allows anyone to ${action} ${pj.spec.job}` };
  if (!login) return { allowed: false, reason: `sign in to ${action} ${pj.spec.job}` };
  for (const c of configs) {
    const why = await grants(c, login, gh);
    if (why) return { allowed: true, reason: why };
  }
  return { allowed: false, reason: `${login} is not allowed to ${action} ${pj.spec.job} (not in the users, orgs or teams of its rerun_auth_configs)` };
}

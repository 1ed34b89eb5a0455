// What a user can set on the write scheduler (docs/github.md "Rate limits"), with upstream's flag names:
// --github-hourly-tokens / --github-allowed-burst / --github-throttle-org (pkg/flagutil/github.go) and
// ghproxy's spacing (--throttling-time-ms, --get-throttling-time-ms, --throttling-time-v4-ms,
// --throttling-max-delay-duration-seconds in cmd/ghproxy/ghproxy.go).

export interface TokenBucketSettings {
  /** Tokens added per hour (upstream --github-hourly-tokens). */
  hourlyTokens: number;
  /** Bucket size (upstream --github-allowed-burst). */
  burst: number;
}

/** GitHub's documented secondary limits, per token or installation. */
export interface SecondaryLimitSettings {
  /** Requests in flight at once (GitHub: 100). */
  maxConcurrent: number;
  /** REST points per window (GitHub: 900 a minute). */
  points: number;
  /** GraphQL points per window, a budget of its own (GitHub: 2,000 a minute). */
  graphqlPoints: number;
  /** Content-creating requests per window (GitHub: 80 a minute) and per hour (GitHub: 500). */
  contentPerWindow: number;
  contentPerHour: number;
  /** The window (GitHub: one minute). */
  windowMs: number;
  /** Share of `points`, `graphqlPoints` and `maxConcurrent` that writes may not take, so reads always find room. */
  readReserve: number;
}

export interface SpacingSettings {
  /** Between writes (ghproxy --throttling-time-ms). */
  writeMs: number;
  /** Between GETs (ghproxy --get-throttling-time-ms). */
  getMs: number;
  /** Between GraphQL calls (ghproxy --throttling-time-v4-ms); writeMs when 0. */
  v4Ms: number;
  /** No request is held longer than this for spacing (ghproxy --throttling-max-delay-duration-seconds). */
  maxDelayMs: number;
}

export interface SchedulerOptions {
  /** Off unless set (upstream's hook default: --github-hourly-tokens 0). */
  tokenBucket?: TokenBucketSettings;
  /** Per org (App installations only): upstream --github-throttle-org org:hourlyTokens:burst. */
  orgTokenBuckets?: Record<string, TokenBucketSettings>;
  /** GitHub's documented numbers unless overridden; `false` turns the proactive guard off. */
  secondary?: Partial<SecondaryLimitSettings> | false;
  /** Off unless set. */
  spacing?: Partial<SpacingSettings>;
  /**
   * Send a label write (add labels, remove a label) through GraphQL when the REST points are spent and
   * GraphQL's budget has room (graphql-labels.ts). Default: on whenever the secondary-limit guard is on.
   */
  graphqlLabelWrites?: boolean;
  /** Longest wait for a rate-limit reset or retry-after before the call fails (upstream maxSleepTime: 2 min). */
  maxSleepMs?: number;
  /** Attempts after a rate-limit answer before the call fails. Default 3. */
  maxRetries?: number;
}

export const GITHUB_SECONDARY_LIMITS: SecondaryLimitSettings = {
  maxConcurrent: 100,
  points: 900,
  graphqlPoints: 2000,
  contentPerWindow: 80,
  contentPerHour: 500,
  windowMs: 60_000,
  readReserve: 0.1,
};

/** Checks the bucket settings as upstream's flag validation does; throws naming the flag. */
export function validateTokenBucket(flag: string, hourlyTokens: number, burst: number): TokenBucketSettings | undefined {
  if (!Number.isInteger(hourlyTokens) || !Number.isInteger(burst) || hourlyTokens < 0 || burst < 0) {
    throw new Error(`${flag}: hourly tokens and burst must be whole numbers >= 0 (got ${hourlyTokens}, ${burst})`);
  }
  if (hourlyTokens === 0 && burst === 0) return undefined;
  if (hourlyTokens === 0 || burst === 0) throw new Error(`${flag}: --github-hourly-tokens and --github-allowed-burst must be set together (got ${hourlyTokens}, ${burst})`);
  if (burst > hourlyTokens) throw new Error(`${flag}: --github-allowed-burst (${burst}) must not be greater than --github-hourly-tokens (${hourlyTokens})`);
  return { hourlyTokens, burst };
}

/** `org:hourlyTokens:burst` (upstream --github-throttle-org), each checked. */
export function parseOrgThrottlers(values: readonly string[]): Record<string, TokenBucketSettings> {
  const out: Record<string, TokenBucketSettings> = {};
  for (const v of values) {
    const parts = v.split(':');
    if (parts.length !== 3) throw new Error(`--github-throttle-org=${v} is not in org:hourlyTokens:burst format`);
    const [org = '', hourly = '', burst = ''] = parts;
    const bucket = validateTokenBucket(`--github-throttle-org=${v}`, Number(hourly), Number(burst));
    if (!bucket) throw new Error(`--github-throttle-org=${v}: hourlyTokens and burst must be > 0`);
    const key = org.toLowerCase();
    if (out[key]) throw new Error(`got multiple --github-throttle-org for the ${org} org`);
    out[key] = bucket;
  }
  return out;
}

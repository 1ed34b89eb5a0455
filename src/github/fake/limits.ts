// GitHub's rate limits as the fake enforces them (docs: "Rate limits for the REST API"). The primary
// budget (x-ratelimit-*) refills each window. The secondary limits are off unless asked for: requests in
// flight at once, points per window (GET/HEAD/OPTIONS and GraphQL queries 1, other calls and mutations
// 5; REST and GraphQL have separate point budgets, as GitHub documents) and content-creating requests
// per window and per hour (shared by REST and GraphQL), counted per caller. Over a secondary limit the
// answer is 403 with retry-after, as GitHub's.

export interface FakeSecondaryLimits {
  /** GitHub: 100. */
  maxConcurrent: number;
  /** REST points per window (GitHub: 900 a minute). */
  points: number;
  /** GraphQL points per window, a budget of its own (GitHub: 2,000 a minute). */
  graphqlPoints: number;
  /** GitHub: 80 a minute. */
  contentPerWindow: number;
  /** GitHub: 500 an hour. */
  contentPerHour: number;
  /** GitHub: one minute. */
  windowMs: number;
}

export interface FakeLimits {
  /** Primary budget per window (default 5000 an hour, the token's budget). */
  primary?: { limit: number; windowSeconds?: number };
  /** Off unless given; true means GitHub's documented numbers. */
  secondary?: Partial<FakeSecondaryLimits> | boolean;
}

export const DOCUMENTED_SECONDARY_LIMITS: FakeSecondaryLimits = {
  maxConcurrent: 100,
  points: 900,
  graphqlPoints: 2000,
  contentPerWindow: 80,
  contentPerHour: 500,
  windowMs: 60_000,
};

export const SECONDARY_LIMIT_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits';

interface RequestCost {
  points: number;
  content: boolean;
  /** Counts against the GraphQL point budget instead of the REST one. */
  graphql: boolean;
}

interface CallerUse {
  inFlight: number;
  window: { at: number; points: number; graphql: boolean; content: number }[];
  points: number;
  graphqlPoints: number;
  content: number;
  hourContent: number[];
}

const mutationRe = /^\s*mutation\b/;
const contentRe = /\/(comments|issues|pulls|reviews|releases)$/;

/** Points and whether it creates content, for one request. */
export function requestCost(method: string, pathname: string, body: unknown): RequestCost {
  if (pathname.endsWith('/graphql')) {
    const query = typeof body === 'object' && body !== null ? String((body as { query?: unknown }).query ?? '') : '';
    return { points: mutationRe.test(query) ? 5 : 1, content: false, graphql: true };
  }
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return { points: 1, content: false, graphql: false };
  return { points: 5, content: method === 'POST' && contentRe.test(pathname), graphql: false };
}

export class FakeLimiter {
  secondary: FakeSecondaryLimits | undefined;
  primaryWindowSeconds = 3600;
  private readonly callers = new Map<string, CallerUse>();
  /** 403s answered, by limit. */
  readonly refused = { secondary: 0, primary: 0 };
  /** The most requests one caller had in flight at once. */
  maxInFlightSeen = 0;

  constructor(limits: FakeLimits = {}) {
    this.configure(limits);
  }

  configure(limits: FakeLimits): void {
    const s = limits.secondary;
    this.secondary = s === undefined || s === false ? undefined : { ...DOCUMENTED_SECONDARY_LIMITS, ...(s === true ? {} : s) };
    if (limits.primary?.windowSeconds !== undefined) this.primaryWindowSeconds = limits.primary.windowSeconds;
    this.callers.clear();
    this.refused.secondary = 0;
    this.refused.primary = 0;
    this.maxInFlightSeen = 0;
  }

  private use(caller: string): CallerUse {
    let u = this.callers.get(caller);
    if (!u) {
      u = { inFlight: 0, window: [], points: 0, graphqlPoints: 0, content: 0, hourContent: [] };
      this.callers.set(caller, u);
    }
    return u;
  }

  /**
   * Admits a request or says how many seconds to wait (the retry-after GitHub would send). An admitted
   * request must be followed by done(caller).
   */
  admit(caller: string, cost: RequestCost, now: number): { ok: true } | { ok: false; retryAfter: number } {
    const s = this.secondary;
    const u = this.use(caller);
    if (s) {
      while (u.window.length > 0 && u.window[0]!.at + s.windowMs <= now) {
        const old = u.window.shift()!;
        if (old.graphql) u.graphqlPoints -= old.points;
        else u.points -= old.points;
        u.content -= old.content;
      }
      while (u.hourContent.length > 0 && u.hourContent[0]! + 3_600_000 <= now) u.hourContent.shift();
      const oldest = u.window[0]?.at ?? now;
      const untilWindow = Math.max(1, Math.ceil((oldest + s.windowMs - now) / 1000));
      if (u.inFlight >= s.maxConcurrent) return this.refuse(1);
      if (cost.graphql ? u.graphqlPoints + cost.points > s.graphqlPoints : u.points + cost.points > s.points) return this.refuse(untilWindow);
      if (cost.content && u.content >= s.contentPerWindow) return this.refuse(untilWindow);
      if (cost.content && u.hourContent.length >= s.contentPerHour) return this.refuse(Math.max(1, Math.ceil((u.hourContent[0]! + 3_600_000 - now) / 1000)));
      const content = cost.content ? 1 : 0;
      u.window.push({ at: now, points: cost.points, graphql: cost.graphql, content });
      if (cost.graphql) u.graphqlPoints += cost.points;
      else u.points += cost.points;
      u.content += content;
      if (content) u.hourContent.push(now);
    }
    u.inFlight++;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, u.inFlight);
    return { ok: true };
  }

  done(caller: string): void {
    const u = this.callers.get(caller);
    if (u) u.inFlight--;
  }

  private refuse(retryAfter: number): { ok: false; retryAfter: number } {
    this.refused.secondary++;
    return { ok: false, retryAfter };
  }
}

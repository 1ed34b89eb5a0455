// One lane: the requests of one token or App installation. Reads go first and never queue behind
// writes; writes wait by priority (merge, status, label, other, comment) for GitHub's secondary limits
// (REST and GraphQL points per window, each a budget of its own; content per window; requests in
// flight), the optional token bucket and spacing, and any pause GitHub asked for (retry-after, or the
// primary budget spent until x-ratelimit-reset). A write that offers an overflow class (a label write
// that can go as GraphQL) takes it when the REST points are all that hold the write back and the
// overflow may go now.
import { PRIORITIES, type RequestClass } from './classify.js';
import type { SecondaryLimitSettings, SpacingSettings, TokenBucketSettings } from './options.js';

export interface LaneSettings {
  secondary: SecondaryLimitSettings | undefined;
  bucket: TokenBucketSettings | undefined;
  spacing: SpacingSettings | undefined;
}

/** What the request hook holds while its request is out. */
export interface Grant {
  readonly superseded: false;
  /** The request was granted its overflow class: send it that way (a label write as GraphQL). */
  readonly overflow: boolean;
  /** Milliseconds the request waited for its slot. */
  readonly waitedMs: number;
  /** Call once with the answer's status and headers (status 0 when none came). */
  release(status: number, headers: Record<string, unknown> | undefined): RateLimitVerdict;
}

/** A queued status write a newer state for the same SHA and context replaced before it was sent. */
export interface Superseded {
  readonly superseded: true;
  /** Settles as the newer write does. */
  readonly by: Promise<unknown>;
}

/** What an answer said about the limits: nothing, or wait this long and try again. */
export type RateLimitVerdict = { limited: false } | { limited: true; waitMs: number; reason: 'secondary' | 'primary' };

interface Waiter {
  cls: RequestClass;
  overflow?: RequestClass;
  enqueuedAt: number;
  resolve(t: Grant | Superseded): void;
  /** Resolved with the outcome of the write that takes this one's place (status writes only). */
  outcome?: Deferred;
  onWait?: (waiting: boolean) => void;
}

interface Deferred {
  promise: Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

function deferred(): Deferred {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // nobody may be waiting on it
  return { promise, resolve, reject };
}

/** A spend in the secondary-limit window. */
interface Spend {
  at: number;
  points: number;
  graphql: boolean;
  content: number;
}

export interface LaneHooks {
  now(): number;
  onSuperseded(): void;
}

export class Lane {
  private readonly queues: Waiter[][] = PRIORITIES.map(() => []);
  private queued = 0;
  private inFlight = 0;
  private writesInFlight = 0;
  private readonly window: Spend[] = [];
  private windowPoints = 0;
  private windowGraphqlPoints = 0;
  private windowContent = 0;
  private readonly hourContent: number[] = [];
  private pausedUntil = 0;
  /** From the last x-ratelimit-* headers. */
  private remaining = Infinity;
  private resetAt = 0;
  private tokens: number;
  private tokensAt: number;
  private readonly lastSent = { write: -Infinity, get: -Infinity, v4: -Infinity };
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** supersede key → the queued status write holding it. */
  private readonly pendingStatus = new Map<string, Waiter>();

  constructor(private readonly settings: LaneSettings, private readonly hooks: LaneHooks) {
    this.tokens = settings.bucket?.burst ?? 0;
    this.tokensAt = hooks.now();
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.queued;
  }

  /**
   * A slot for one request. Resolves at once when the request may go now; `onWait(true)` is called
   * when it has to wait and `onWait(false)` when the wait ends. `overflow` is another way to send it,
   * granted instead (`grant.overflow`) when only the REST points hold `cls` back.
   */
  acquire(cls: RequestClass, onWait?: (waiting: boolean) => void, overflow?: RequestClass): Grant | Superseded | Promise<Grant | Superseded> {
    const now = this.hooks.now();
    if (!this.hasQueuedAtOrAbove(cls.priority)) {
      const ready = this.readyClass(cls, overflow, now, now);
      if (ready.delay === 0) return this.grant(ready.cls, now, now, ready.cls !== cls);
    }
    return new Promise((resolve) => {
      const w: Waiter = { cls, overflow, enqueuedAt: now, resolve, onWait };
      if (cls.supersedeKey !== undefined) {
        const older = this.pendingStatus.get(cls.supersedeKey);
        w.outcome = older?.outcome ?? deferred();
        if (older) this.drop(older, w.outcome);
        this.pendingStatus.set(cls.supersedeKey, w);
      }
      this.queues[cls.priority]!.push(w);
      this.queued++;
      onWait?.(true);
      this.pump();
    });
  }

  private hasQueuedAtOrAbove(priority: number): boolean {
    if (this.queued === 0) return false;
    for (let p = 0; p <= priority; p++) if (this.queues[p]!.length > 0) return true;
    return false;
  }

  private drop(older: Waiter, outcome: Deferred): void {
    const q = this.queues[older.cls.priority]!;
    const i = q.indexOf(older);
    if (i >= 0) q.splice(i, 1);
    this.queued--;
    this.hooks.onSuperseded();
    older.onWait?.(false);
    older.resolve({ superseded: true, by: outcome.promise });
  }

  /** The class to grant and its delay: `cls`, or `overflow` when only REST points hold `cls` and it may go now. */
  private readyClass(cls: RequestClass, overflow: RequestClass | undefined, now: number, enqueuedAt: number): { cls: RequestClass; delay: number } {
    const delay = this.delayFor(cls, now, enqueuedAt);
    if (delay === 0 || !overflow || this.delayFor(cls, now, enqueuedAt, false) > 0) return { cls, delay };
    return this.delayFor(overflow, now, enqueuedAt) === 0 ? { cls: overflow, delay: 0 } : { cls, delay };
  }

  /**
   * Milliseconds until `cls` may go (0: now; Infinity: when a request in flight finishes). `points`
   * false leaves out the point budget (to tell whether the points alone hold a request back).
   */
  private delayFor(cls: RequestClass, now: number, enqueuedAt: number, points = true): number {
    let wait = Math.max(0, this.pausedUntil - now);
    if (this.remaining !== Infinity && this.remaining - this.inFlight <= 0 && this.resetAt > now) wait = Math.max(wait, this.resetAt - now);
    const s = this.settings.secondary;
    if (s) {
      const reserve = cls.write ? s.readReserve : 0;
      if (this.inFlight >= Math.max(1, Math.floor(s.maxConcurrent * (1 - reserve)))) return Infinity;
      this.expire(now);
      if (points) {
        wait = cls.graphql
          ? Math.max(wait, this.windowWait(now, (sp) => (sp.graphql ? sp.points : 0), this.windowGraphqlPoints, cls.points, Math.floor(s.graphqlPoints * (1 - reserve))))
          : Math.max(wait, this.windowWait(now, (sp) => (sp.graphql ? 0 : sp.points), this.windowPoints, cls.points, Math.floor(s.points * (1 - reserve))));
      }
      if (cls.content) {
        wait = Math.max(wait, this.windowWait(now, (sp) => sp.content, this.windowContent, 1, s.contentPerWindow));
        if (this.hourContent.length >= s.contentPerHour) wait = Math.max(wait, this.hourContent[this.hourContent.length - s.contentPerHour]! + 3_600_000 - now);
      }
    }
    const b = this.settings.bucket;
    if (b) {
      this.refill(now, b);
      if (this.tokens < 1) wait = Math.max(wait, Math.ceil(((1 - this.tokens) * 3_600_000) / b.hourlyTokens));
    }
    const sp = this.settings.spacing;
    if (sp) {
      const gap = cls.graphql ? sp.v4Ms || sp.writeMs : cls.write ? sp.writeMs : sp.getMs;
      const last = cls.graphql ? this.lastSent.v4 : cls.write ? this.lastSent.write : this.lastSent.get;
      let spaced = Math.max(0, last + gap - now);
      // ghproxy never holds a request longer than the max delay for spacing alone.
      if (spaced > 0 && now - enqueuedAt + spaced > sp.maxDelayMs) spaced = Math.max(0, enqueuedAt + sp.maxDelayMs - now);
      wait = Math.max(wait, spaced);
    }
    return wait;
  }

  /** How long until `need` more fits under `limit` in the sliding window. */
  private windowWait(now: number, of: (s: Spend) => number, used: number, need: number, limit: number): number {
    if (used + need <= limit) return 0;
    const windowMs = this.settings.secondary!.windowMs;
    let freed = 0;
    for (const sp of this.window) {
      freed += of(sp);
      if (used - freed + need <= limit) return Math.max(1, sp.at + windowMs - now);
    }
    return windowMs;
  }

  private expire(now: number): void {
    const s = this.settings.secondary!;
    while (this.window.length > 0 && this.window[0]!.at + s.windowMs <= now) {
      const old = this.window.shift()!;
      if (old.graphql) this.windowGraphqlPoints -= old.points;
      else this.windowPoints -= old.points;
      this.windowContent -= old.content;
    }
    while (this.hourContent.length > 0 && this.hourContent[0]! + 3_600_000 <= now) this.hourContent.shift();
  }

  private refill(now: number, b: TokenBucketSettings): void {
    this.tokens = Math.min(b.burst, this.tokens + ((now - this.tokensAt) * b.hourlyTokens) / 3_600_000);
    this.tokensAt = now;
  }

  private grant(cls: RequestClass, now: number, enqueuedAt: number, overflow = false): Grant {
    this.inFlight++;
    if (cls.write) this.writesInFlight++;
    let spend: Spend | undefined;
    if (this.settings.secondary) {
      const content = cls.content ? 1 : 0;
      spend = { at: now, points: cls.points, graphql: cls.graphql, content };
      this.window.push(spend);
      if (cls.graphql) this.windowGraphqlPoints += cls.points;
      else this.windowPoints += cls.points;
      this.windowContent += content;
      if (content) this.hourContent.push(now);
    }
    if (this.settings.bucket) this.tokens -= 1;
    if (cls.graphql) this.lastSent.v4 = now;
    else if (cls.write) this.lastSent.write = now;
    else this.lastSent.get = now;
    let released = false;
    return {
      superseded: false,
      overflow,
      waitedMs: now - enqueuedAt,
      release: (status, headers) => {
        if (released) return { limited: false };
        released = true;
        // GitHub counted the request when it arrived, somewhere before now: counting it from now keeps
        // our window from freeing points before GitHub's does.
        if (spend) spend.at = this.hooks.now();
        this.inFlight--;
        if (cls.write) this.writesInFlight--;
        const verdict = this.observe(status, headers);
        this.pump();
        return verdict;
      },
    };
  }

  /** Reads GitHub's rate-limit headers and answers (pkg/github/client.go requestRetry does the same). */
  private observe(status: number, headers: Record<string, unknown> | undefined): RateLimitVerdict {
    if (!headers) return { limited: false };
    const now = this.hooks.now();
    const remaining = Number(headers['x-ratelimit-remaining']);
    const reset = Number(headers['x-ratelimit-reset']);
    const resource = headers['x-ratelimit-resource'];
    // Only the core budget gates the lane; search and GraphQL have budgets of their own.
    if (Number.isFinite(remaining) && (resource === undefined || resource === 'core')) {
      this.remaining = remaining;
      if (Number.isFinite(reset)) this.resetAt = reset * 1000;
      if (this.settings.bucket) this.tokens = Math.min(this.tokens, remaining);
    }
    if (status !== 403 && status !== 429) return { limited: false };
    const retryAfter = Number(headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter > 0) {
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfter * 1000);
      return { limited: true, waitMs: retryAfter * 1000, reason: 'secondary' };
    }
    if (remaining === 0 && Number.isFinite(reset)) {
      // upstream sleeps until the reset plus a second: the reset is whole seconds.
      const until = reset * 1000 + 1000;
      this.pausedUntil = Math.max(this.pausedUntil, until);
      return { limited: true, waitMs: Math.max(0, until - now), reason: 'primary' };
    }
    return { limited: false };
  }

  /** Grants whatever may go now, in priority order, and sets a timer for the next that must wait. */
  private pump(): void {
    if (this.queued === 0) return;
    const now = this.hooks.now();
    let next = Infinity;
    for (let p = 0; p < this.queues.length; p++) {
      const q = this.queues[p]!;
      let blocked = false;
      while (q.length > 0) {
        const w = q[0]!;
        const { cls, delay } = this.readyClass(w.cls, w.overflow, now, w.enqueuedAt);
        if (delay > 0) {
          next = Math.min(next, delay);
          blocked = true;
          break;
        }
        q.shift();
        this.queued--;
        if (w.cls.supersedeKey !== undefined && this.pendingStatus.get(w.cls.supersedeKey) === w) this.pendingStatus.delete(w.cls.supersedeKey);
        w.onWait?.(false);
        const grant = this.grant(cls, now, w.enqueuedAt, cls !== w.cls);
        w.resolve(w.outcome ? withOutcome(grant, w.outcome) : grant);
      }
      // A blocked write holds back the writes below it (priorities); reads (p = 0) never hold back writes
      // and a comment held by the content limit holds nothing back (it is last).
      if (blocked && p > 0) break;
    }
    if (next !== Infinity) this.wakeIn(next, now);
  }

  private wakeIn(ms: number, now: number): void {
    const at = now + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, ms);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A grant for a status write others were folded into: settles their promise with this write's outcome. */
function withOutcome(grant: Grant, outcome: Deferred): Grant & { settle(value: unknown, failed: boolean): void } {
  return Object.assign(grant, {
    settle(value: unknown, failed: boolean) {
      if (failed) outcome.reject(value);
      else outcome.resolve(value);
    },
  });
}

/** Settles the writes a granted status write superseded (no-op for other grants). */
export function settleSuperseded(grant: Grant, value: unknown, failed: boolean): void {
  (grant as Partial<{ settle(value: unknown, failed: boolean): void }>).settle?.(value, failed);
}

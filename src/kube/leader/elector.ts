// Leader election over a Lease, as client-go's tools/leaderelection/leaderelection.go: candidates try to
// acquire every retryPeriod; a record held by someone else counts as expired only leaseDuration after this
// candidate last saw it change (local time, so clocks need not agree); the leader renews every retryPeriod
// and, when no renewal has succeeded for renewDeadline, has lost (it must stop acting before the others may
// take over, which renewDeadline < leaseDuration guarantees).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../observability/logger.js';
import { microTime, type LeaderElectionRecord, type LeaseLock } from './lease-lock.js';

export interface LeaderElectionOptions {
  lock: LeaseLock;
  /** Who this candidate is (default: hostname_uuid, as controller-runtime). */
  identity?: string;
  /** client-go / controller-runtime defaults: 15 s, 10 s, 2 s. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log: Logger;
  /** Leadership is gone (a renewal deadline passed, or the Lease was taken): stop acting now. */
  onLost(): void;
}

export interface LeaderElector {
  readonly identity: string;
  /** Resolves once this candidate leads (waits as long as another one does). Rejects if closed first. */
  acquire(): Promise<void>;
  isLeader(): boolean;
  /** Stops renewing; when leading, gives the Lease up (holder emptied, duration 1 s) so a standby takes over at once. */
  release(): Promise<void>;
}

export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** client-go's JitterFactor for the acquire loop. */
const JITTER = 1.2;

export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  const { lock, log } = options;
  const identity = options.identity ?? defaultIdentity();
  const leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
  const renewDeadlineMs = options.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
  const retryPeriodMs = options.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
  if (!(leaseDurationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs * JITTER)) {
    throw new Error(`leader election: want leaseDuration (${leaseDurationMs} ms) > renewDeadline (${renewDeadlineMs} ms) > retryPeriod × ${JITTER} (${retryPeriodMs} ms)`);
  }
  const leaseSeconds = Math.ceil(leaseDurationMs / 1000);

  let observed: { record: LeaderElectionRecord; at: number } | undefined;
  let leading = false;
  let closed = false;
  let lastRenew = 0;
  let renewTimer: NodeJS.Timeout | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let acquiring: Promise<void> | undefined;

  const sameRecord = (a: LeaderElectionRecord, b: LeaderElectionRecord): boolean =>
    a.holderIdentity === b.holderIdentity && a.renewTime === b.renewTime && a.acquireTime === b.acquireTime &&
    a.leaseTransitions === b.leaseTransitions && a.leaseDurationSeconds === b.leaseDurationSeconds;

  /** One attempt: true when this candidate holds the Lease afterwards. */
  async function tryAcquireOrRenew(): Promise<boolean> {
    const now = microTime(new Date());
    const desired: LeaderElectionRecord = { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 };
    const current = await lock.get();
    if (!current) {
      if (!(await lock.create(desired))) return false;
      observed = { record: desired, at: performance.now() };
      return true;
    }
    const { record, resourceVersion } = current;
    if (!observed || !sameRecord(observed.record, record)) observed = { record, at: performance.now() };
    const heldByOther = record.holderIdentity !== '' && record.holderIdentity !== identity;
    if (heldByOther && observed.at + record.leaseDurationSeconds * 1000 > performance.now()) return false;
    if (record.holderIdentity === identity) {
      if (record.acquireTime) desired.acquireTime = record.acquireTime;
      desired.leaseTransitions = record.leaseTransitions;
    } else {
      desired.leaseTransitions = record.leaseTransitions + 1;
    }
    if (!(await lock.update(desired, resourceVersion))) return false;
    observed = { record: desired, at: performance.now() };
    return true;
  }

  async function attempt(): Promise<boolean> {
    try {
      return await tryAcquireOrRenew();
    } catch (err) {
      log.warn({ err, lease: lock.describe() }, 'leader election: lease request failed');
      return false;
    }
  }

  function lose(reason: string): void {
    if (!leading) return;
    leading = false;
    if (renewTimer) clearTimeout(renewTimer);
    if (watchdog) clearInterval(watchdog);
    log.error({ lease: lock.describe(), identity, reason }, 'leader election lost');
    options.onLost();
  }

  function scheduleRenew(): void {
    renewTimer = setTimeout(async () => {
      if (!leading || closed) return;
      const ok = await attempt();
      if (!leading || closed) return;
      if (ok) lastRenew = performance.now();
      else if (observed && observed.record.holderIdentity !== identity) {
        lose(`the lease is held by ${observed.record.holderIdentity}`);
        return;
      }
      scheduleRenew();
    }, retryPeriodMs);
  }

  function startLeading(): void {
    leading = true;
    lastRenew = performance.now();
    log.info({ lease: lock.describe(), identity }, 'leader election: acquired the lease');
    scheduleRenew();
    // Checked apart from the renew loop, so a renewal request that hangs cannot keep a stale leader acting.
    watchdog = setInterval(() => {
      if (performance.now() - lastRenew > renewDeadlineMs) lose(`no renewal for ${renewDeadlineMs} ms`);
    }, Math.min(500, retryPeriodMs / 2));
  }

  return {
    identity,
    isLeader: () => leading,
    acquire() {
      acquiring ??= (async () => {
        let waitingLogged = false;
        while (!closed) {
          if (await attempt()) {
            if (closed) break;
            startLeading();
            return;
          }
          if (!waitingLogged) {
            waitingLogged = true;
            log.info({ lease: lock.describe(), identity, holder: observed?.record.holderIdentity }, 'leader election: waiting for the lease');
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, retryPeriodMs * (1 + Math.random() * (JITTER - 1)));
          });
          wake = undefined;
        }
        throw new Error(`leader election on ${lock.describe()} stopped before the lease was acquired`);
      })();
      return acquiring;
    },
    async release() {
      closed = true;
      wake?.();
      if (renewTimer) clearTimeout(renewTimer);
      if (watchdog) clearInterval(watchdog);
      if (!leading) return;
      leading = false;
      try {
        const current = await lock.get();
        if (!current || current.record.holderIdentity !== identity) return;
        const now = microTime(new Date());
        await lock.update({ ...current.record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now }, current.resourceVersion);
        log.info({ lease: lock.describe(), identity }, 'leader election: released the lease');
      } catch (err) {
        log.warn({ err, lease: lock.describe() }, 'leader election: could not release the lease');
      }
    },
  };
}

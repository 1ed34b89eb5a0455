// plank: the controller that runs ProwJobs (reference/lifecycle-spec.md §1). It reconciles by level: for
// every changed ProwJob it re-reads the object and runs the sync for its state (syncTriggered,
// syncPending, syncAborted). Work is queued per ProwJob name, so one job is never synced twice at once.
// Each step is resumable: a run is named after its ProwJob, so after a crash between "start" and
// "mark pending" the next pass finds the run and reuses its build id.
import { createHash } from 'node:crypto';
import type { ProwJob, ProwJobState, Refs } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import { newPeriodicJob, newPostsubmitJob, newPresubmitJob, rfc3339 } from '../api/pjutil.js';
import { parseDuration } from '../go/duration.js';
import type { Config, Periodic, Plank, Postsubmit, Presubmit } from '../config/types.js';
import type { Executor, ExecutorStatus } from '../executor/types.js';
import type { Logger } from '../observability/logger.js';
import { TerminalError } from '../api/terminal-error.js';
import { AlreadyExistsError, ConflictError, type ProwJobStore, type Watch } from '../store/types.js';
import { createSnowflakeBuildIdSource, type BuildIdSource } from './build-id.js';
import { jobURL } from '../api/job-url.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import type { ControllerMetrics } from './metrics.js';

export type ControllerConfig = Pick<Config, 'plank'> & Partial<Pick<Config, 'presubmits' | 'postsubmits' | 'periodics'>>;

export interface ControllerDeps {
  store: ProwJobStore;
  executor: Executor;
  /** The current config snapshot; read at the start of each unit of work, never cached. */
  config: () => ControllerConfig;
  log: Logger;
  clock?: () => Date;
  /** Default: snowflake ids, as upstream without --tot-url. */
  buildIdSource?: BuildIdSource;
  /** spec.agent values this controller runs (default ['kubernetes']: the local executor plays the pod). */
  agents?: readonly string[];
  /** Log what would change, write nothing, start nothing. */
  dryRun?: boolean;
  /** Parallel reconciles (default plank.max_goroutines, else 20). */
  workers?: number;
  /** Full re-list of the Store (default 60 s). */
  resyncMs?: number;
  /** Gathered from a full listing every metricsIntervalMs (upstream: 30 s). */
  metrics?: ControllerMetrics;
  metricsIntervalMs?: number;
  /** Retry after a concurrency limit said wait (upstream 10 s; siblings are also re-queued when a slot frees). */
  concurrencyRetryMs?: number;
}

export interface Controller {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Queue one ProwJob by name. */
  enqueue(name: string): void;
  /** Resolves when nothing is queued or running (timers for later retries may remain). */
  idle(): Promise<void>;
}

/** Description texts are upstream's: clients and dashboards match on them. */
export const DESCRIPTIONS = {
  triggered: 'Job triggered.',
  succeeded: 'Job succeeded.',
  failed: 'Job failed.',
  pendingTimeout: 'Pod pending timeout.',
  runningTimeout: 'Pod running timeout.',
} as const;

const GITHUB_REPORTER = 'github-reporter';
const DEFAULT_PENDING_TIMEOUT = '10m';
const DEFAULT_RUNNING_TIMEOUT = '48h';
const MAX_TIMER_MS = 2 ** 31 - 1;


export function createController(deps: ControllerDeps): Controller {
  const log = deps.log.child({ controller: 'plank' });
  const clock = deps.clock ?? (() => new Date());
  const buildIds = deps.buildIdSource ?? createSnowflakeBuildIdSource(() => clock().getTime());
  const agents = new Set(deps.agents ?? ['kubernetes']);
  const cache = createCache();
  const queued = new Set<string>();
  const order: string[] = [];
  const inFlight = new Set<string>();
  const dirty = new Set<string>();
  const timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  const failures = new Map<string, number>();
  const locks = new Map<string, Promise<void>>();
  let idleWaiters: Array<() => void> = [];
  let running = 0;
  let stopped = true;
  let watch: Watch | undefined;
  let unsubscribe: (() => void) | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let metricsTimer: NodeJS.Timeout | undefined;

  const plank = (): Partial<Plank> => deps.config().plank ?? {};
  const workers = (): number => deps.workers ?? (plank().max_goroutines || 20);
  const now = (): Date => clock();

  function enqueue(name: string): void {
    if (stopped) return;
    if (inFlight.has(name)) {
      dirty.add(name);
      return;
    }
    if (queued.has(name)) return;
    queued.add(name);
    order.push(name);
    pump();
  }

  function requeueAfter(name: string, ms: number): void {
    if (stopped) return;
    const at = Date.now() + ms;
    const existing = timers.get(name);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      timers.delete(name);
      enqueue(name);
    }, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    timer.unref();
    timers.set(name, { at, timer });
  }

  function pump(): void {
    while (!stopped && running < workers() && order.length > 0) {
      const name = order.shift()!;
      queued.delete(name);
      inFlight.add(name);
      running += 1;
      void reconcile(name)
        .then(() => failures.delete(name))
        .catch((err: unknown) => {
          const n = (failures.get(name) ?? 0) + 1;
          failures.set(name, n);
          const delay = Math.min(100 * 2 ** (n - 1), 60_000);
          log.warn({ err, prowjob: name, attempt: n, retry_ms: delay }, 'reconcile failed');
          requeueAfter(name, delay);
        })
        .finally(() => {
          inFlight.delete(name);
          running -= 1;
          if (dirty.delete(name)) enqueue(name);
          pump();
          if (running === 0 && order.length === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    }
  }

  async function withLocks<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const key of sorted) {
        while (locks.has(key)) await locks.get(key);
        let release!: () => void;
        locks.set(key, new Promise<void>((r) => { release = r; }));
        releases.push(() => { locks.delete(key); release(); });
      }
      return await fn();
    } finally {
      for (const r of releases.reverse()) r();
    }
  }

  async function reconcile(name: string): Promise<void> {
    const pj = await deps.store.getProwJob(name);
    if (!pj) {
      cache.remove(name);
      return;
    }
    cache.put(pj);
    if (!isOurs(pj) || isComplete(pj) || pj.status.state === 'scheduling') return;
    const keys: string[] = [];
    if ((pj.spec.max_concurrency ?? 0) > 0) keys.push(`job:${pj.spec.job}`);
    if (pj.spec.job_queue_name) keys.push(`queue:${pj.spec.job_queue_name}`);
    if ((plank().max_concurrency ?? 0) > 0) keys.push('global');
    await withLocks(keys, async () => {
      let current = pj;
      if (current.spec.type === 'presubmit') current = (await terminateDupes(current)) ?? current;
      try {
        switch (current.status.state) {
          case 'triggered':
            await syncTriggered(current);
            break;
          case 'pending':
            await syncPending(current);
            break;
          case 'aborted':
            await syncAborted(current);
            break;
          default:
            break;
        }
      } catch (err) {
        if (err instanceof TerminalError) {
          await transition(current, (p) => {
            if (isComplete(p)) return false;
            p.status.state = 'error';
            p.status.description = `Terminal error: ${err.message}.`;
            p.status.completionTime = rfc3339(now());
            return true;
          });
          return;
        }
        throw err;
      }
    });
  }

  function isOurs(pj: ProwJob): boolean {
    return agents.has(pj.spec.agent ?? 'kubernetes');
  }

  /** §1.9: among incomplete presubmits with the same identity, the older ones are set aborted. */
  async function terminateDupes(pj: ProwJob): Promise<ProwJob | undefined> {
    if (isComplete(pj) || (pj.status.state !== 'triggered' && pj.status.state !== 'pending')) return undefined;
    const group = cache.byDupeKey(dupeKey(pj)).filter((o) =>
      !isComplete(o) && (o.status.state === 'triggered' || o.status.state === 'pending') && isOurs(o));
    if (group.length < 2) return undefined;
    const newest = group.reduce((a, b) => (Date.parse(b.status.startTime) > Date.parse(a.status.startTime) ? b : a));
    let self: ProwJob | undefined;
    for (const older of group) {
      if (older.metadata.name === newest.metadata.name) continue;
      const updated = await transition(older, (p) => {
        if (isComplete(p) || (p.status.state !== 'triggered' && p.status.state !== 'pending')) return false;
        p.status.state = 'aborted';
        p.status.prev_report_states = { ...p.status.prev_report_states, [GITHUB_REPORTER]: 'aborted' };
        return true;
      }, 'superseded by a newer run');
      if (older.metadata.name === pj.metadata.name) self = updated;
      else enqueue(older.metadata.name);
    }
    return self;
  }

  function concurrencyAllows(pj: ProwJob): { ok: true } | { ok: false; why: string } {
    const config = plank();
    const global = config.max_concurrency ?? 0;
    if (global > 0 && cache.pendingCount(agents) >= global) return { ok: false, why: `plank.max_concurrency ${global} reached` };
    const created = createdMs(pj);
    const countOthers = (others: ProwJob[]): number => others.filter((o) => o.metadata.name !== pj.metadata.name && !isComplete(o) && (
      o.status.state === 'pending' || (o.status.state === 'triggered' && createdMs(o) < created))).length;
    const max = pj.spec.max_concurrency ?? 0;
    if (max > 0 && countOthers(cache.byJob(pj.spec.job)) >= max) return { ok: false, why: `max_concurrency ${max} of ${pj.spec.job} reached` };
    const queue = pj.spec.job_queue_name;
    if (queue) {
      const capacity = config.job_queue_capacities?.[queue];
      if (capacity === undefined) throw new Error(`job_queue_name ${JSON.stringify(queue)} is not in plank.job_queue_capacities`);
      if (capacity === 0) return { ok: false, why: `job queue ${queue} has capacity 0` };
      if (capacity > 0 && countOthers(cache.byQueue(queue)) >= capacity) return { ok: false, why: `job queue ${queue} is full (${capacity})` };
    }
    return { ok: true };
  }

  async function syncTriggered(pj: ProwJob): Promise<void> {
    const existing = await deps.executor.status(pj);
    let buildId: string;
    if (existing.phase !== 'missing' && existing.buildId) {
      buildId = existing.buildId; // started before a crash, never marked pending: adopt the run
      log.info({ ...prowJobFields(pj), build_id: buildId }, 'found an existing run');
    } else {
      const allowed = concurrencyAllows(pj);
      if (!allowed.ok) {
        log.debug({ ...prowJobFields(pj), why: allowed.why }, 'waiting for a slot');
        requeueAfter(pj.metadata.name, deps.concurrencyRetryMs ?? 10_000);
        return;
      }
      if (deps.dryRun) {
        log.info({ ...prowJobFields(pj), from: 'triggered', to: 'pending' }, 'dry run: would start');
        return;
      }
      buildId = await buildIds.next(pj.spec.job);
      const withBuild = structuredClone(pj);
      withBuild.status.build_id = buildId;
      try {
        await deps.executor.start(withBuild, { buildId });
      } catch (err) {
        if (err instanceof TerminalError) {
          await transition(pj, (p) => {
            if (p.status.state !== 'triggered') return false;
            p.status.state = 'error';
            p.status.description = `Pod can not be created: ${err.message}`;
            p.status.completionTime = rfc3339(now());
            return true;
          });
          return;
        }
        throw err;
      }
    }
    // Our own write's watch echo is skipped, so look again by the pending deadline at the latest.
    requeueAfter(pj.metadata.name, timeoutMs(pj.spec.decoration_config?.pod_pending_timeout, plank().pod_pending_timeout, DEFAULT_PENDING_TIMEOUT));
    await transition(pj, (p) => {
      if (p.status.state !== 'triggered' || isComplete(p)) return false;
      p.status.state = 'pending';
      p.status.pendingTime = rfc3339(now());
      p.status.pod_name = p.metadata.name;
      p.status.build_id = buildId;
      p.status.description = DESCRIPTIONS.triggered;
      p.status.url = safeJobURL(p);
      return true;
    });
  }

  async function syncPending(pj: ProwJob): Promise<void> {
    const status = await deps.executor.status(pj);
    switch (status.phase) {
      case 'missing': {
        if (deps.dryRun) return;
        // §1.5: the run is gone (workspace wiped): start a new one with a new build id.
        const buildId = await buildIds.next(pj.spec.job);
        const withBuild = structuredClone(pj);
        withBuild.status.build_id = buildId;
        try {
          await deps.executor.start(withBuild, { buildId });
        } catch (err) {
          if (err instanceof TerminalError) {
            await complete(pj, 'error', `Pod can not be created: ${err.message}`);
            return;
          }
          throw err;
        }
        await transition(pj, (p) => {
          if (p.status.state !== 'pending' || isComplete(p)) return false;
          p.status.build_id = buildId;
          p.status.pod_name = p.metadata.name;
          p.status.url = safeJobURL(p);
          return true;
        }, 'run missing: restarted');
        return;
      }
      case 'pending': {
        const limit = timeoutMs(pj.spec.decoration_config?.pod_pending_timeout, plank().pod_pending_timeout, DEFAULT_PENDING_TIMEOUT);
        await endIfTimedOut(pj, status.createdAt ?? pj.status.pendingTime ?? pj.status.startTime, limit, 'error', DESCRIPTIONS.pendingTimeout);
        return;
      }
      case 'running': {
        const limit = timeoutMs(pj.spec.decoration_config?.pod_running_timeout, plank().pod_running_timeout, DEFAULT_RUNNING_TIMEOUT);
        const ended = await endIfTimedOut(pj, status.startedAt ?? pj.status.pendingTime ?? pj.status.startTime, limit, 'aborted', DESCRIPTIONS.runningTimeout);
        if (!ended) await refreshUrl(pj);
        return;
      }
      case 'succeeded':
        await createChildren(pj);
        await complete(pj, 'success', DESCRIPTIONS.succeeded);
        return;
      case 'failed':
        await complete(pj, 'failure', DESCRIPTIONS.failed);
        return;
      case 'unknown':
        await complete(pj, 'error', `Job lost: ${status.reason ?? 'the executor cannot tell what happened to it'}`);
        return;
    }
  }

  /** Stops the run and completes the job once `limitMs` has passed since `since`; otherwise wakes up when it will. */
  async function endIfTimedOut(pj: ProwJob, since: string, limitMs: number, state: ProwJobState, description: string): Promise<boolean> {
    const left = Date.parse(since) + limitMs - now().getTime();
    if (left > 0) {
      requeueAfter(pj.metadata.name, left);
      return false;
    }
    await abortRun(pj);
    await complete(pj, state, description);
    return true;
  }

  async function refreshUrl(pj: ProwJob): Promise<void> {
    const url = safeJobURL(pj);
    if (url === (pj.status.url ?? '')) return;
    await transition(pj, (p) => {
      if (p.status.state !== 'pending') return false;
      p.status.url = url;
      return true;
    });
  }

  async function syncAborted(pj: ProwJob): Promise<void> {
    if (deps.dryRun) {
      log.info(prowJobFields(pj), 'dry run: would stop the aborted run');
      return;
    }
    await abortRun(pj);
    await transition(pj, (p) => {
      if (p.status.state !== 'aborted' || isComplete(p)) return false;
      p.status.completionTime = rfc3339(now());
      return true;
    }, 'abort completed');
  }

  async function abortRun(pj: ProwJob): Promise<void> {
    if (deps.dryRun) return;
    await deps.executor.abort(pj);
  }

  async function complete(pj: ProwJob, state: ProwJobState, description: string): Promise<void> {
    await transition(pj, (p) => {
      if (isComplete(p) || p.status.state !== pj.status.state) return false;
      p.status.state = state;
      p.status.description = description;
      p.status.completionTime = rfc3339(now());
      p.status.url = safeJobURL(p);
      return true;
    });
  }

  /** 2017 behaviour (§1.12): the jobs listed in the config's run_after_success start once the parent succeeds. */
  async function createChildren(pj: ProwJob): Promise<void> {
    const children = childJobs(deps.config(), pj);
    if (children.length === 0 || deps.dryRun) return;
    for (const child of children) {
      let next: ProwJob;
      const options = { name: childName(pj.metadata.name, child.name), now: clock };
      const refs = pj.spec.refs as Refs | undefined;
      if (pj.spec.type === 'periodic' || !refs) next = newPeriodicJob(child as Periodic, {}, options);
      else if (pj.spec.type === 'postsubmit') next = newPostsubmitJob(child as Postsubmit, refs, {}, options);
      else next = newPresubmitJob(child as Presubmit, refs, {}, options);
      try {
        await deps.store.createProwJob(next);
        log.info({ ...prowJobFields(next), parent: pj.metadata.name }, 'created run_after_success job');
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err; // created on an earlier attempt
      }
    }
  }

  function safeJobURL(pj: ProwJob): string {
    return jobURL(plank(), pj, (err) => log.warn({ err, ...prowJobFields(pj) }, 'job url failed'));
  }

  /**
   * Applies `mutate` to the stored job and writes it, re-reading and re-applying on a conflict.
   * `mutate` returns false when the change no longer applies (someone else moved the job on).
   */
  async function transition(pj: ProwJob, mutate: (p: ProwJob) => boolean, why?: string): Promise<ProwJob | undefined> {
    let current: ProwJob | undefined = pj;
    for (let attempt = 0; attempt < 10 && current; attempt++) {
      const next = structuredClone(current);
      if (!mutate(next)) return undefined;
      if (deps.dryRun) {
        log.info({ ...prowJobFields(current), from: current.status.state, to: next.status.state }, 'dry run: would update');
        return undefined;
      }
      try {
        const written = await deps.store.updateProwJob(next);
        cache.put(written);
        if (written.status.state !== current.status.state) {
          log.info({
            ...prowJobFields(written),
            from: current.status.state, to: written.status.state, ...(why ? { why } : {}),
          }, 'transitioning states');
        }
        if (isComplete(written) || written.status.state !== 'triggered') wakeSiblings(written);
        return written;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        current = await deps.store.getProwJob(pj.metadata.name);
      }
    }
    if (current) throw new Error(`update of ${pj.metadata.name} kept conflicting`);
    return undefined;
  }

  /** A slot may have freed: let waiting triggered jobs of the same job or queue try again now. */
  function wakeSiblings(pj: ProwJob): void {
    if (!isComplete(pj)) return;
    const waiting = [
      ...((pj.spec.max_concurrency ?? 0) > 0 ? cache.byJob(pj.spec.job) : []),
      ...(pj.spec.job_queue_name ? cache.byQueue(pj.spec.job_queue_name) : []),
      ...((plank().max_concurrency ?? 0) > 0 ? cache.triggered() : []),
    ].filter((o) => o.status.state === 'triggered').sort((a, b) => createdMs(a) - createdMs(b));
    for (const o of waiting) enqueue(o.metadata.name);
  }

  async function resync(replace = false): Promise<void> {
    const all = (await deps.store.listProwJobs()).items;
    cache.reset(all, replace);
    for (const pj of all) if (!isComplete(pj) && isOurs(pj)) enqueue(pj.metadata.name);
  }

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      const startWatch = (): Watch => deps.store.watchProwJobs({}, (event) => {
        if (event.type === 'bookmark') return;
        if (event.type === 'expired') { // fell behind the store's change log: watch again and list
          if (stopped) return;
          watch = startWatch();
          void resync(true).catch((err: unknown) => log.error({ err }, 'resync failed'));
          return;
        }
        if (event.type === 'deleted') {
          cache.remove(event.prowjob.metadata.name);
          return;
        }
        if (!cache.observe(event.prowjob)) return; // the echo of our own write, or older than what we know
        if (!isComplete(event.prowjob) && isOurs(event.prowjob)) enqueue(event.prowjob.metadata.name);
      });
      watch = startWatch();
      unsubscribe = deps.executor.onChange((name) => enqueue(name));
      await resync();
      resyncTimer = setInterval(() => void resync().catch((err: unknown) => log.error({ err }, 'resync failed')), deps.resyncMs ?? 60_000);
      resyncTimer.unref();
      if (deps.metrics) {
        const metrics = deps.metrics;
        const gather = (): void => void deps.store.listProwJobs().then((all) => metrics.gather(all.items), (err: unknown) => log.warn({ err }, 'metrics gather failed'));
        gather();
        metricsTimer = setInterval(gather, deps.metricsIntervalMs ?? 30_000);
        metricsTimer.unref();
      }
      log.info({ workers: workers(), dry_run: deps.dryRun === true }, 'controller started');
    },

    async stop() {
      stopped = true;
      watch?.close();
      unsubscribe?.();
      if (resyncTimer) clearInterval(resyncTimer);
      if (metricsTimer) clearInterval(metricsTimer);
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      order.length = 0;
      queued.clear();
      if (running > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },

    enqueue,

    idle() {
      if (running === 0 && order.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

function createdMs(pj: ProwJob): number {
  return Date.parse(pj.metadata.creationTimestamp ?? pj.status.startTime);
}

/** Upstream TerminateOlderJobs identity: type, job, and `org/repo@base_ref [sorted PR numbers]` per ref. SHAs are not part of it. */
export function dupeKey(pj: ProwJob): string {
  const digest = (r: Refs): string => `${r.org}/${r.repo}@${r.base_ref ?? ''} [${(r.pulls ?? []).map((p) => p.number).sort((a, b) => a - b).join(' ')}]`;
  const ids = [pj.spec.type, pj.spec.job];
  if (pj.spec.refs) ids.push(digest(pj.spec.refs));
  for (const r of pj.spec.extra_refs ?? []) ids.push(digest(r));
  return ids.sort().join(',');
}

function timeoutMs(own: string | undefined, plankValue: string | undefined, fallback: string): number {
  return parseDuration(own || plankValue || fallback);
}

type AnyJob = Presubmit | Postsubmit | Periodic;

function childJobs(config: ControllerConfig, pj: ProwJob): AnyJob[] {
  const find = (jobs: AnyJob[] | undefined): AnyJob[] => {
    for (const job of jobs ?? []) {
      if (job.name === pj.spec.job) return job.run_after_success ?? [];
      const nested = find(job.run_after_success as AnyJob[] | undefined);
      if (nested.length > 0) return nested;
    }
    return [];
  };
  const refs = pj.spec.refs;
  switch (pj.spec.type) {
    case 'presubmit':
    case 'batch':
      return refs ? find(config.presubmits?.[`${refs.org}/${refs.repo}`]) : [];
    case 'postsubmit':
      return refs ? find(config.postsubmits?.[`${refs.org}/${refs.repo}`]) : [];
    default:
      return find(config.periodics);
  }
}

/** A stable name per (parent, child job): creating the child twice after a crash hits AlreadyExists. */
function childName(parent: string, job: string): string {
  const h = createHash('sha256').update(`${parent}\n${job}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Cache {
  /**
   * A job this controller read from the store or wrote: as new as anything its watch has yet to deliver
   * (read-your-writes, store/types.ts). False when this version is already held.
   */
  put(pj: ProwJob): boolean;
  /** A watch event: false when it is the echo of what put() stored, or older than that. */
  observe(pj: ProwJob): boolean;
  remove(name: string): void;
  /** Jobs the cache does not know yet; with `replace` (the watch expired), every listed job, no echo awaited. */
  reset(all: ProwJob[], replace?: boolean): void;
  byJob(job: string): ProwJob[];
  byQueue(queue: string): ProwJob[];
  /** Incomplete presubmits with this TerminateOlderJobs identity. */
  byDupeKey(key: string): ProwJob[];
  triggered(): ProwJob[];
  pendingCount(agents: Set<string>): number;
}

/** What the informer caches do upstream: incomplete jobs indexed by job name and queue, so limits are counted without a Store query. */
function createCache(): Cache {
  const all = new Map<string, ProwJob>();
  /** Latest resourceVersion seen per name, complete jobs included. */
  const versions = new Map<string, string | undefined>();
  /**
   * resourceVersions put() stored that the watch has not echoed yet. resourceVersions are compared only for
   * equality: the watch delivers in commit order, so until the echo arrives every event for that job is older.
   */
  const awaiting = new Map<string, string | undefined>();
  const jobs = new Map<string, Set<string>>();
  const queues = new Map<string, Set<string>>();
  const dupes = new Map<string, Set<string>>();
  const dupeKeys = new Map<string, string>();
  const pending = new Set<string>();
  const index = (map: Map<string, Set<string>>, key: string | undefined, name: string, add: boolean): void => {
    if (!key) return;
    let set = map.get(key);
    if (add) {
      if (!set) map.set(key, (set = new Set()));
      set.add(name);
    } else if (set) {
      set.delete(name);
      if (set.size === 0) map.delete(key);
    }
  };
  const unindex = (name: string): void => {
    const old = all.get(name);
    if (!old) return;
    all.delete(name);
    index(jobs, old.spec.job, name, false);
    index(queues, old.spec.job_queue_name, name, false);
    index(dupes, dupeKeys.get(name), name, false);
    dupeKeys.delete(name);
    pending.delete(name);
  };
  const pick = (names: Set<string> | undefined): ProwJob[] => [...(names ?? [])].map((n) => all.get(n)!).filter(Boolean);
  const store = (pj: ProwJob): void => {
    const name = pj.metadata.name;
    versions.set(name, pj.metadata.resourceVersion);
    unindex(name);
    if (isComplete(pj)) return; // only live jobs count for limits and dupes
    all.set(name, pj);
    index(jobs, pj.spec.job, name, true);
    index(queues, pj.spec.job_queue_name, name, true);
    if (pj.spec.type === 'presubmit') {
      const key = dupeKey(pj);
      dupeKeys.set(name, key);
      index(dupes, key, name, true);
    }
    if (pj.status.state === 'pending') pending.add(name);
  };
  const known = (pj: ProwJob): boolean => versions.has(pj.metadata.name) && versions.get(pj.metadata.name) === pj.metadata.resourceVersion;
  return {
    put(pj) {
      if (known(pj)) return false;
      awaiting.set(pj.metadata.name, pj.metadata.resourceVersion);
      store(pj);
      return true;
    },
    observe(pj) {
      const name = pj.metadata.name;
      if (awaiting.has(name)) {
        if (awaiting.get(name) === pj.metadata.resourceVersion) awaiting.delete(name);
        return false;
      }
      if (known(pj)) return false;
      store(pj);
      return true;
    },
    remove(name) {
      unindex(name);
      versions.delete(name);
      awaiting.delete(name);
    },
    reset(list, replace = false) {
      // The listing may be older than writes made while it ran: a job already known is left to the watch
      // (deletions arrive as watch events), unless the watch expired and the list is all there is.
      if (replace) awaiting.clear();
      for (const pj of list) if (replace || !versions.has(pj.metadata.name)) this.observe(pj);
    },
    byJob: (job) => pick(jobs.get(job)),
    byQueue: (queue) => pick(queues.get(queue)),
    byDupeKey: (key) => pick(dupes.get(key)),
    triggered: () => [...all.values()].filter((p) => p.status.state === 'triggered'),
    pendingCount(agents) {
      let n = 0;
      for (const name of pending) if (agents.has(all.get(name)?.spec.agent ?? 'kubernetes')) n++;
      return n;
    },
  };
}

export type { ExecutorStatus };

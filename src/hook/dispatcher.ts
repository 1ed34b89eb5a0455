// The dispatcher: claims stored deliveries and runs the enabled plugins on them. Deliveries with
// different order keys run concurrently; the Store hands out one delivery per key at a time, oldest
// first, so one issue's events are handled in order. Each (delivery, plugin, handler kind) is one
// isolated task (upstream pkg/hook/events.go): a failure is logged and counted and stops no other plugin.
// Transient failures (isTransient) put the delivery back with exponential backoff; the retry re-runs
// only the tasks that failed, unless the process restarted in between (then all: handlers are idempotent).
// A delivery whose every running task waits for a GitHub write slot (github/scheduler/) is parked: it
// does not count against `concurrency`, so other events are handled meanwhile (up to `parkedLimit`).
import { performance } from 'node:perf_hooks';
import type { ConfigSnapshot } from '../config/types.js';
import type { GitHubClient } from '../github/types.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryQueue, ProwJobStore, StoredDelivery } from '../store/types.js';
import { demuxEvent } from '../github/events.js';
import { pluginsFor } from '../plugins/select.js';
import { createPluginGitHubView } from '../plugins/github-view.js';
import type { ConfigMapTarget, SlackClient, JiraClient, BugzillaClient, JobCreator, Plugin, PluginContext, PluginHandlers } from '../plugins/types.js';
import type { Clock } from '../api/clock.js';
import type { GitClient, MergedTreeReader } from '../git/types.js';
import type { OwnersClient } from '../owners/types.js';
import type { PluginEvent } from '../github/event-types.js';
import type { HookMetrics } from './metrics.js';
import { isTransient } from './transient.js';
import { withWriteWaitObserver } from '../github/scheduler/wait-observer.js';

export interface DispatcherDeps {
  /** The webhook queue deliveries are claimed from. */
  store: DeliveryQueue;
  /** Where plugins create ProwJobs. */
  jobs: ProwJobStore;
  /** Read once per delivery: the current config (the agent keeps last-known-good on a bad reload). */
  snapshot: () => ConfigSnapshot;
  github: GitHubClient;
  plugins: readonly Plugin[];
  log: Logger;
  metrics: HookMetrics;
  owners?: OwnersClient;
  git?: GitClient;
  mergedTrees?: MergedTreeReader;
  configMaps?: ConfigMapTarget;
  slack?: SlackClient;
  /** Where the jira plugin reads issues and writes remote links. */
  jira?: JiraClient;
  /** Where the bugzilla plugin reads and moves bugs. */
  bugzilla?: BugzillaClient;
  /** What plugins use for HTTP outside GitHub (default: the global fetch). */
  http?: typeof fetch;
  clock?: Clock;
  /** Global gate (--github-enabled-org/repo); disabled repos get no plugin at all. */
  repoEnabled?: (org: string, repo: string) => boolean;
  /** Deliveries handled at once (across order keys). Default 16. */
  concurrency?: number;
  /**
   * Acks first: while this returns true (the intake is taking a burst) at most `busyConcurrency`
   * deliveries are handled at once, so handling does not slow the answers GitHub is waiting for.
   */
  isBusy?: () => boolean;
  /** Default 2. */
  busyConcurrency?: number;
  /** Deliveries parked on GitHub write slots beyond `concurrency`. Default 256. */
  parkedLimit?: number;
  /** How often to look for deliveries when nobody calls wake(). Default 200 ms. */
  pollIntervalMs?: number;
  /** Claims before a delivery with transient failures is given up (the Store marks it failed). Default 5. */
  maxAttempts?: number;
  /** Backoff before the n-th retry: base * 2^(n-1), capped. Defaults 2 s and 5 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * A handler still running after this long is counted as failed (not retried) so that its order key
   * moves on; the handler itself cannot be cancelled and may still finish later. Default 10 min.
   */
  handlerTimeoutMs?: number;
}

/** A handler ran past DispatcherDeps.handlerTimeoutMs. */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
  constructor(readonly plugin: string, readonly timeoutMs: number) {
    super(`plugin ${plugin} did not finish within ${timeoutMs} ms`);
  }
}

export interface Dispatcher {
  /** Requeues deliveries a dead process left claimed, then starts claiming. */
  start(): Promise<void>;
  /** Look for work now (the intake calls this after each enqueue). */
  wake(): void;
  /** Resolves when nothing is in flight and a claim finds nothing ready (tests, benchmarks). */
  idle(): Promise<void>;
  /** Stops claiming and waits for in-flight deliveries to finish. */
  close(): Promise<void>;
  readonly inFlight: number;
  /** Of inFlight, the deliveries whose every running task waits for a GitHub write slot. */
  readonly parked: number;
}

/** Which tasks of one delivery are running and which of them wait for a write slot. */
interface DeliveryWaits {
  running: number;
  waiting: number;
  parked: boolean;
}

interface Task {
  key: string;
  plugin: Plugin;
  kind: keyof PluginHandlers;
  event: PluginEvent;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const {
    store, plugins, metrics,
    clock = { now: () => new Date() },
    repoEnabled = () => true,
    concurrency = 16,
    isBusy = () => false,
    busyConcurrency = 2,
    pollIntervalMs = 200,
    maxAttempts = 5,
    retryBaseMs = 2000,
    retryMaxMs = 5 * 60_000,
    handlerTimeoutMs = 10 * 60_000,
    parkedLimit = 256,
  } = deps;
  const log = deps.log;
  const inFlight = new Map<string, Promise<void>>();
  /** delivery id → task keys still to run after a transient failure (lost on restart: then all run). */
  const pendingRetry = new Map<string, Set<string>>();
  let running = false;
  let loopDone: Promise<void> = Promise.resolve();
  let wakeUp: (() => void) | undefined;
  let wakeRequested = false;
  let idleWaiters: (() => void)[] = [];
  let parked = 0;

  function updateParked(w: DeliveryWaits): void {
    const now = w.running > 0 && w.waiting === w.running;
    if (now === w.parked) return;
    w.parked = now;
    parked += now ? 1 : -1;
    if (now) wake(); // capacity freed: claim more
  }

  function wake(): void {
    wakeRequested = true;
    const w = wakeUp;
    wakeUp = undefined;
    w?.();
  }

  function sleep(ms: number): Promise<void> {
    if (wakeRequested) {
      wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        wakeUp = undefined;
        resolve();
      }, ms);
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        wakeRequested = false;
        resolve();
      };
    });
  }

  async function loop(): Promise<void> {
    while (running) {
      const limit = isBusy() ? Math.min(busyConcurrency, concurrency) : concurrency;
      const active = inFlight.size - parked;
      const free = Math.min(limit - active, limit + parkedLimit - inFlight.size);
      let claimed: StoredDelivery[] = [];
      if (free > 0) {
        try {
          claimed = await store.claimDeliveries(free);
        } catch (err) {
          log.error({ err }, 'claiming deliveries failed');
        }
      }
      for (const d of claimed) {
        const p = handleDelivery(d)
          .catch(async (err: unknown) => {
            // Not a plugin failure (those are caught per task): the Store or the config failed. Put the
            // delivery back rather than leave it claimed until the next restart.
            log.error({ err, delivery: d.id }, 'delivery handling failed');
            const notBefore = new Date(clock.now().getTime() + retryBaseMs).toISOString();
            await store.retryDelivery(d.id, `dispatcher: ${(err as Error)?.message ?? String(err)}`, notBefore).catch(
              (err2: unknown) => log.error({ err: err2, delivery: d.id }, 'could not requeue delivery'),
            );
          })
          .finally(() => {
            inFlight.delete(d.id);
            wake();
          });
        inFlight.set(d.id, p);
      }
      if (claimed.length === 0 && inFlight.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
      if (claimed.length === 0 || inFlight.size - parked >= limit) await sleep(limit < concurrency ? Math.min(pollIntervalMs, 50) : pollIntervalMs);
    }
  }

  async function handleDelivery(d: StoredDelivery): Promise<void> {
    const dlog = log.child({ delivery: d.id, event: d.event });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(d.payload) as Record<string, unknown>;
    } catch (err) {
      dlog.error({ err }, 'stored payload is not JSON: dropped');
      await store.completeDelivery(d.id);
      return;
    }
    const snap = deps.snapshot();
    const { typed, generic } = demuxEvent(d.event, d.id, body, dlog);
    if (typed === undefined || !repoEnabled(typed.org, typed.repo)) {
      await store.completeDelivery(d.id);
      return;
    }
    const tasks: Task[] = [];
    for (const p of pluginsFor(plugins, snap.plugins, typed.org, typed.repo, typed.kind)) {
      tasks.push({ key: `${p.name}:${typed.kind}`, plugin: p, kind: typed.kind, event: typed });
    }
    if (generic !== undefined) {
      for (const p of pluginsFor(plugins, snap.plugins, generic.org, generic.repo, 'genericComment')) {
        tasks.push({ key: `${p.name}:genericComment`, plugin: p, kind: 'genericComment', event: generic });
      }
    }
    const only = pendingRetry.get(d.id);
    const todo = only === undefined ? tasks : tasks.filter((t) => only.has(t.key));
    const number = 'number' in typed ? typed.number : undefined;
    const action = 'action' in typed ? typed.action : undefined;
    const elog = dlog.child({
      org: typed.org, repo: typed.repo, ...(number !== undefined ? { pr: number } : {}), ...(action ? { action } : {}),
    });
    elog.info({ plugins: todo.map((t) => t.key), retry: only !== undefined }, 'handling event');

    const waits: DeliveryWaits = { running: todo.length, waiting: 0, parked: false };
    let failed: ('transient' | 'error' | undefined)[];
    try {
      failed = await Promise.all(todo.map((t) => runTask(t, d, snap, elog, waits)));
    } finally {
      waits.running = 0;
      waits.waiting = 0;
      updateParked(waits);
    }
    const retry = todo.filter((_, i) => failed[i] === 'transient');
    if (retry.length === 0) {
      pendingRetry.delete(d.id);
      await store.completeDelivery(d.id);
      return;
    }
    const message = `transient failure in ${retry.map((t) => t.key).join(', ')}`;
    if (d.attempts >= maxAttempts) {
      pendingRetry.delete(d.id);
      elog.error({ attempts: d.attempts, tasks: retry.map((t) => t.key) }, 'giving up on delivery after transient failures');
    } else {
      pendingRetry.set(d.id, new Set(retry.map((t) => t.key)));
      metrics.deliveryRetries.inc({ event_type: d.event });
    }
    const delay = Math.min(retryBaseMs * 2 ** Math.max(0, d.attempts - 1), retryMaxMs);
    const notBefore = new Date(clock.now().getTime() + delay).toISOString();
    elog.warn({ attempts: d.attempts, not_before: notBefore }, 'delivery will be retried');
    await store.retryDelivery(d.id, message, notBefore);
  }

  /** Runs one handler in isolation; returns undefined on success, else whether the failure is transient. */
  async function runTask(
    t: Task,
    d: StoredDelivery,
    snap: ConfigSnapshot,
    elog: Logger,
    waits: DeliveryWaits,
  ): Promise<'transient' | 'error' | undefined> {
    let myWaits = 0;
    let finished = false;
    const observer = (waiting: boolean): void => {
      if (finished) return; // a timed-out handler still running in the background
      const before = myWaits > 0;
      myWaits += waiting ? 1 : -1;
      const after = myWaits > 0;
      if (before === after) return;
      waits.waiting += after ? 1 : -1;
      updateParked(waits);
    };
    const plog = elog.child({ plugin: t.plugin.name });
    let tookAction = false;
    const mark = () => {
      tookAction = true;
    };
    const ctx: PluginContext = {
      github: createPluginGitHubView(deps.github, { plugin: t.plugin.name, onWrite: mark }),
      snapshot: snap,
      jobs: trackJobs(deps.jobs, mark),
      owners: deps.owners,
      git: deps.git,
      ...(deps.mergedTrees ? { mergedTrees: deps.mergedTrees } : {}),
      configMaps: deps.configMaps,
      slack: deps.slack,
      jira: deps.jira,
      bugzilla: deps.bugzilla,
      http: deps.http ?? fetch,
      log: plog,
      deliveryId: d.id,
      redelivery: d.attempts > 1,
      clock,
    };
    const handler = t.plugin.handlers[t.kind] as (e: PluginEvent, c: PluginContext) => Promise<void>;
    const start = performance.now();
    let outcome: 'transient' | 'error' | undefined;
    try {
      // Promise.resolve().then: a handler that throws synchronously is caught like a rejection.
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(() => withWriteWaitObserver(observer, () => handler(t.event, ctx))),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new HandlerTimeoutError(t.plugin.name, handlerTimeoutMs)), handlerTimeoutMs);
            timer.unref();
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      outcome = isTransient(err) ? 'transient' : 'error';
      plog.error({ err, handler: t.kind, transient: outcome === 'transient' }, 'plugin handler failed');
    }
    // This task no longer runs: the delivery's other tasks decide whether it is parked.
    if (myWaits > 0) waits.waiting--;
    finished = true;
    waits.running--;
    updateParked(waits);
    const action = 'action' in t.event ? t.event.action : 'none';
    const labels = { event_type: d.event, action: action || 'none', plugin: t.plugin.name, took_action: String(tookAction) };
    if (outcome !== undefined) metrics.pluginHandleErrors.inc(labels);
    metrics.pluginHandleDuration.observe(labels, (performance.now() - start) / 1000);
    return outcome;
  }

  return {
    async start() {
      if (running) return;
      const requeued = await store.requeueClaimedDeliveries();
      if (requeued > 0) log.info({ requeued }, 'requeued deliveries left claimed by a stopped process');
      running = true;
      loopDone = loop();
    },
    wake,
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      });
    },
    async close() {
      running = false;
      wake();
      await loopDone;
      await Promise.allSettled([...inFlight.values()]);
      for (const w of idleWaiters) w();
      idleWaiters = [];
    },
    get inFlight() {
      return inFlight.size;
    },
    get parked() {
      return parked;
    },
  };
}

function trackJobs(store: ProwJobStore, mark: () => void): JobCreator {
  return {
    getProwJob: (name) => store.getProwJob(name),
    listProwJobs: (options) => store.listProwJobs(options),
    createProwJob: (pj) => {
      mark();
      return store.createProwJob(pj);
    },
    updateProwJob: (pj) => {
      mark();
      return store.updateProwJob(pj);
    },
  };
}

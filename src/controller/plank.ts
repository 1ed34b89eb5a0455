// plank: the controller that runs ProwJobs (upstream pkg/plank/reconciler.go; docs/jobs.md).
// It reconciles by level: for every changed ProwJob it re-reads the object, asks decide.ts what to do
// for its state and has effects.ts do it. Keys go through the shared work queue: one worker per key,
// rate-limited requeue on error. Each step is resumable: a run is named after its ProwJob, so after a
// crash between "start" and "mark pending" the next pass finds the run and reuses its build id.
import type { ProwJob } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import { systemClock, type Clock } from '../api/clock.js';
import { duplicateKey } from '../api/duplicate-key.js';
import { jobURL } from '../api/job-url.js';
import { TerminalError } from '../api/terminal-error.js';
import { noControllerDescription } from '../api/unhandled-agent.js';
import type { Config, Plank } from '../config/types.js';
import type { Executor } from '../executor/types.js';
import type { Logger } from '../observability/logger.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import { createProwJobInformer, type ProwJobInformer } from '../store/informer.js';
import type { ProwJobStore } from '../store/types.js';
import { WorkQueue } from '../store/workqueue.js';
import { createSnowflakeBuildIdSource, type BuildIdSource } from './build-id.js';
import { concurrencyFacts, createdMs } from './concurrency.js';
import { decideAborted, decidePending, decideTriggered, olderDuplicates, type DecideContext, type Decision } from './decide.js';
import { createEffects } from './effects.js';
import { createKeyLocks } from './key-locks.js';

export type ControllerConfig = Pick<Config, 'plank'> & Partial<Pick<Config, 'presubmits' | 'postsubmits' | 'periodics'>>;

export interface ControllerDeps {
  store: ProwJobStore;
  /**
   * Where plank reads concurrency counts and duplicates (its indexes) and hears of changes; its own writes
   * are recorded in it (read-your-writes). A shared one (also feeding metrics, sinker…) is started by the
   * caller; without one plank starts and closes its own.
   */
  informer?: ProwJobInformer;
  /**
   * One executor per spec.agent this controller runs; jobs of other agents are left alone, as upstream
   * plank leaves non-kubernetes agents to their own controllers. The local executor plays `kubernetes`.
   */
  executors: ReadonlyMap<string, Executor>;
  /** The current config snapshot; read at the start of each unit of work, never cached. */
  config: () => ControllerConfig;
  log: Logger;
  clock?: Clock;
  /** Default: snowflake ids, as upstream without --tot-url. */
  buildIdSource?: BuildIdSource;
  /**
   * This controller owns jobs of agents no running controller handles: it ends them as error with
   * "no controller for agent X is running" (src/api/unhandled-agent.ts) instead of leaving them triggered
   * for ever. Only one component per deployment may own them (`prow up`'s plank does); `except` names
   * agents another controller of the deployment runs (the jenkins-operator of `prow up --jenkins-url`).
   */
  unhandledAgents?: { except?: readonly string[] };
  /** Only jobs this accepts are ours (jenkins-operator's --label-selector); default every job of our agents. */
  accepts?: (pj: ProwJob) => boolean;
  /** Log what would change, write nothing, start nothing. */
  dryRun?: boolean;
  /** Parallel reconciles (default plank.max_goroutines, else 20). */
  workers?: number;
  /** Re-queue every live job of ours from the informer this often (default 60 s). */
  resyncMs?: number;
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

export function createController(deps: ControllerDeps): Controller {
  const log = deps.log.child({ controller: 'plank' });
  const clock = deps.clock ?? systemClock;
  const now = (): Date => clock.now();
  const buildIds = deps.buildIdSource ?? createSnowflakeBuildIdSource(() => now().getTime());
  const ownInformer = deps.informer === undefined;
  const cache = deps.informer ?? createProwJobInformer(deps.store, { log });
  const locks = createKeyLocks();
  let queue: WorkQueue<string> | undefined;
  let workersDone: Promise<void> | undefined;
  let active = 0;
  let idleWaiters: Array<() => void> = [];
  let unsubscribeInformer: (() => void) | undefined;
  let unsubscribes: Array<() => void> = [];
  let resyncTimer: NodeJS.Timeout | undefined;

  const plank = (): Partial<Plank> => deps.config().plank ?? {};
  const workers = (): number => deps.workers ?? (plank().max_goroutines || 20);
  const agentOf = (pj: ProwJob): string => pj.spec.agent ?? 'kubernetes';
  const isOurs = (pj: ProwJob): boolean => deps.executors.has(agentOf(pj)) && (deps.accepts?.(pj) ?? true);
  const isUnhandled = (pj: ProwJob): boolean =>
    deps.unhandledAgents !== undefined && !deps.executors.has(agentOf(pj)) && !(deps.unhandledAgents.except ?? []).includes(agentOf(pj));
  const isWatched = (pj: ProwJob): boolean => isOurs(pj) || isUnhandled(pj);
  const executorFor = (pj: ProwJob): Executor => {
    const executor = deps.executors.get(agentOf(pj));
    if (!executor) throw new TerminalError(pj.metadata.name, `no executor for agent ${JSON.stringify(agentOf(pj))}`);
    return executor;
  };
  // What the executor said about a run: its page (status.url without a template: a Jenkins build) and,
  // for Jenkins, the build number that templates read as .Status.JenkinsBuildID (upstream sets it).
  const runs = new Map<string, { url?: string; jenkinsBuildId?: string }>();
  const urlOf = (pj: ProwJob): string => {
    const run = runs.get(pj.metadata.name);
    const view = run?.jenkinsBuildId && !pj.status.jenkins_build_id ? { ...pj, status: { ...pj.status, jenkins_build_id: run.jenkinsBuildId } } : pj;
    return jobURL(plank(), view, (err) => log.warn({ err, ...prowJobFields(pj) }, 'job url failed')) || run?.url || (pj.status.url ?? '');
  };

  const effects = createEffects({
    store: deps.store, executorFor, buildIds, config: deps.config, log, now, dryRun: deps.dryRun === true, jobURL: urlOf,
    onWritten(pj) {
      cache.recordWrite(pj);
      if (isComplete(pj)) runs.delete(pj.metadata.name);
      wakeSiblings(pj);
    },
    requeueAfter,
  });

  function enqueue(name: string): void {
    queue?.add(name);
  }

  /** A decision's wake-up; of several for one key the earliest stands (the queue's addAfter). */
  function requeueAfter(name: string, ms: number): void {
    queue?.addAfter(name, ms);
  }

  async function reconcile(name: string): Promise<void> {
    // From the informer, as upstream's controller-runtime client reads its cache: plank's own writes are
    // there at once (recordWrite), and a copy made stale by another writer fails its write with a conflict,
    // which re-reads the store (effects.rewrite). Only a job the informer has not seen is read from the store.
    const cached = cache.get(name);
    // Most keys at start-up are finished jobs: leave them before paying for a copy.
    if (cached && (isComplete(cached) || !isWatched(cached))) return;
    const pj = cached ? structuredClone(cached) : await deps.store.getProwJob(name);
    if (!pj) return;
    if (!cached) cache.recordWrite(pj);
    if (isUnhandled(pj) && (pj.status.state === 'triggered' || pj.status.state === 'pending') && !isComplete(pj)) {
      await effects.apply(pj, { kind: 'transition', to: 'error', description: noControllerDescription(agentOf(pj)), stopRun: false, createChildren: false });
      return;
    }
    if (!isOurs(pj) || isComplete(pj) || pj.status.state === 'scheduling') return;
    const keys: string[] = [];
    if ((pj.spec.max_concurrency ?? 0) > 0) keys.push(`job:${pj.spec.job}`);
    if (pj.spec.job_queue_name) keys.push(`queue:${pj.spec.job_queue_name}`);
    if ((plank().max_concurrency ?? 0) > 0) keys.push('global');
    await locks.with(keys, async () => {
      let current = pj;
      if (current.spec.type === 'presubmit' && (current.status.state === 'triggered' || current.status.state === 'pending')) {
        const older = olderDuplicates(cache.byIndex('duplicate', duplicateKey(current)).filter(isOurs));
        if (older.length > 0) current = (await effects.abortDuplicates(current, older)) ?? current;
      }
      try {
        await effects.apply(current, await decide(current));
      } catch (err) {
        if (!(err instanceof TerminalError)) throw err;
        await effects.failTerminally(current, err);
      }
    });
  }

  async function decide(pj: ProwJob): Promise<Decision> {
    const ctx: DecideContext = { now: now(), plank: plank(), concurrencyRetryMs: deps.concurrencyRetryMs ?? 10_000, jobURL: urlOf };
    switch (pj.status.state) {
      case 'triggered': {
        const run = await executorFor(pj).status(pj);
        return decideTriggered(pj, run, concurrencyFacts(pj, cache, isOurs, ctx.plank), ctx);
      }
      case 'pending': {
        const run = await executorFor(pj).status(pj);
        if (run.url || run.externalId) {
          runs.set(pj.metadata.name, { ...(run.url ? { url: run.url } : {}), ...(agentOf(pj) === 'jenkins' && run.externalId ? { jenkinsBuildId: run.externalId } : {}) });
        }
        return decidePending(pj, run, ctx);
      }
      case 'aborted':
        return decideAborted(pj);
      default:
        return { kind: 'none' };
    }
  }

  /** A slot may have freed: let waiting triggered jobs of the same job or queue try again now. */
  function wakeSiblings(pj: ProwJob): void {
    if (!isComplete(pj)) return;
    const waiting = [
      ...((pj.spec.max_concurrency ?? 0) > 0 ? cache.byIndex('job', pj.spec.job) : []),
      ...(pj.spec.job_queue_name ? cache.byIndex('queue', pj.spec.job_queue_name) : []),
      ...((plank().max_concurrency ?? 0) > 0 ? cache.byIndex('state', 'triggered') : []),
    ].filter((o) => o.status.state === 'triggered').sort((a, b) => createdMs(a) - createdMs(b));
    for (const o of waiting) enqueue(o.metadata.name);
  }

  function resync(): void {
    for (const state of ['triggered', 'pending', 'aborted']) {
      for (const pj of cache.byIndex('state', state)) if (isWatched(pj)) enqueue(pj.metadata.name);
    }
  }

  function consider(pj: ProwJob): void {
    if (!isComplete(pj) && isWatched(pj)) enqueue(pj.metadata.name);
  }

  function settle(): void {
    if (active > 0 || (queue?.length ?? 0) > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  return {
    async start() {
      if (queue) return;
      const q = new WorkQueue<string>({ baseDelayMs: 100, maxDelayMs: 60_000 });
      queue = q;
      if (ownInformer) await cache.start();
      unsubscribeInformer = cache.addHandler({
        onAdd: consider,
        onUpdate: (_old, pj, { ownWrite }) => {
          if (!ownWrite) consider(pj); // the echo of a version we acted on: nothing new to do
        },
      });
      unsubscribes = [...new Set(deps.executors.values())].map((executor) => executor.onChange((name) => enqueue(name)));
      workersDone = q.run(workers(), async (name) => {
        active += 1;
        try {
          await reconcile(name);
        } finally {
          active -= 1;
          setImmediate(settle); // after the queue's done(): a key added meanwhile is queued again by then
        }
      }, (name, err) => log.warn({ err, prowjob: name, attempt: q.numRequeues(name) + 1 }, 'reconcile failed'));
      resync();
      resyncTimer = setInterval(resync, deps.resyncMs ?? 60_000);
      resyncTimer.unref();
      log.info({ workers: workers(), agents: [...deps.executors.keys()], dry_run: deps.dryRun === true }, 'controller started');
    },

    async stop() {
      const q = queue;
      if (!q) return;
      queue = undefined;
      unsubscribeInformer?.();
      unsubscribeInformer = undefined;
      if (ownInformer) cache.close();
      for (const unsubscribe of unsubscribes) unsubscribe();
      unsubscribes = [];
      if (resyncTimer) clearInterval(resyncTimer);
      q.shutDown();
      await workersDone;
      settle();
    },

    enqueue,

    idle() {
      if (active === 0 && (queue?.length ?? 0) === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

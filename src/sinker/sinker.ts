// sinker: garbage collection (upstream cmd/sinker/main.go). Deletes complete ProwJobs older than
// sinker.max_prowjob_age (counted from startTime), except the newest run of each periodic still in
// config, which horologium reads as the "last run". Optionally removes the executor's leftovers
// (workspaces, processes: upstream's pods) through SinkerCleanup. Reads jobs from the informer, as upstream's
// sinker reads its cache (cmd/sinker/main.go).
import type { ProwJob } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import { systemClock, type Clock } from '../api/clock.js';
import { timeSliced, timeSlicer } from '../api/time-slice.js';
import { Gauge, type Registry } from 'prom-client';
import type { Config } from '../config/types.js';
import { parseDuration } from '../go/duration.js';
import type { Logger } from '../observability/logger.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import type { ProwJobInformer } from '../store/informer.js';
import type { ProwJobStore } from '../store/types.js';
import { NotFoundError } from '../store/types.js';

/** One run an executor keeps for a ProwJob (upstream: a pod labelled created-by-prow). */
export interface SinkerRun {
  /** The executor's name for the run (passed back to deleteRun). */
  name: string;
  /** The owning ProwJob's name (upstream: label prow.k8s.io/id); defaults to `name`. */
  prowjob?: string;
  /** Build cluster alias; runs in sinker.exclude_clusters are left alone. Defaults to `default`. */
  cluster?: string;
  /** When the run was created (the orphan grace period counts from here). */
  createdAt: Date;
  /** When it started running (max_pod_age counts from here); unset if it never started. */
  startedAt?: Date;
}

/** What sinker needs from an executor to clean its leftovers. */
export interface SinkerCleanup {
  listRuns(): Promise<SinkerRun[]>;
  /** Removes a run; `cluster` is the run's SinkerRun.cluster. */
  deleteRun(name: string, cluster?: string): Promise<void>;
}

/** Old webhook deliveries (SqliteStore has it): done and failed ones received before `before` are deleted. */
export interface DeliveryPruner {
  pruneDeliveries(before: Date): number | Promise<number>;
}

export interface SinkerDeps {
  /** Deletes, and the read that confirms a run is orphaned. */
  store: Pick<ProwJobStore, 'getProwJob' | 'deleteProwJob'>;
  /** Where each pass reads the jobs (started: it has synced). */
  informer: Pick<ProwJobInformer, 'list'>;
  /** The current config snapshot; read at the start of every pass. */
  config: () => Config;
  log: Logger;
  clock?: Clock;
  executor?: SinkerCleanup;
  /** Also delete handled webhook deliveries older than max_prowjob_age (not in dry run). */
  deliveries?: DeliveryPruner;
  /** Log what would be deleted and delete nothing. */
  dryRun?: boolean;
  /** Where upstream's sinker_* gauges are registered; none when absent. */
  registry?: Registry;
}

export type ProwJobCleanReason = 'aged' | 'aged-periodic';
export type RunCleanReason = 'aged' | 'ttled' | 'orphaned';

export interface SinkerPassResult {
  prowjobsSeen: number;
  /** Names of deleted ProwJobs by reason (in dry-run: what would have been deleted). */
  prowjobsDeleted: Record<ProwJobCleanReason, string[]>;
  prowjobErrors: number;
  runsSeen: number;
  runsDeleted: Record<RunCleanReason, string[]>;
  runErrors: number;
  deliveriesDeleted: number;
}

export interface Sinker {
  syncOnce(): Promise<SinkerPassResult>;
  /** Runs a pass now and then every sinker.resync_period (re-read each time); the timer keeps the process alive until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** The result of the last finished pass. */
  lastResult(): SinkerPassResult | undefined;
}

/** Never treat a run younger than this as orphaned: its ProwJob may not be visible yet. */
export const ORPHAN_GRACE_MS = 30_000;

/** Upstream's gauges, set after every pass (runs are upstream's pods, so the names keep "pods"). */
function createSinkerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    podsExisting: new Gauge({ name: 'sinker_pods_existing', help: 'Number of the existing pods in each sinker cleaning.', registers }),
    loopDuration: new Gauge({ name: 'sinker_loop_duration_seconds', help: 'Time used in each sinker cleaning.', registers }),
    podsRemoved: new Gauge({ name: 'sinker_pods_removed', help: 'Number of pods removed in each sinker cleaning.', labelNames: ['reason'], registers }),
    podRemovalErrors: new Gauge({ name: 'sinker_pod_removal_errors', help: 'Number of errors which occurred in each sinker pod cleaning.', labelNames: ['reason'], registers }),
    prowJobsExisting: new Gauge({ name: 'sinker_prow_jobs_existing', help: 'Number of the existing prow jobs in each sinker cleaning.', registers }),
    prowJobsCleaned: new Gauge({ name: 'sinker_prow_jobs_cleaned', help: 'Number of prow jobs cleaned in each sinker cleaning.', labelNames: ['reason'], registers }),
    prowJobsCleaningErrors: new Gauge({ name: 'sinker_prow_jobs_cleaning_errors', help: 'Number of errors which occurred in each sinker prow job cleaning.', labelNames: ['reason'], registers }),
  };
}

function durationField(config: Config, field: 'resync_period' | 'max_prowjob_age' | 'max_pod_age' | 'terminated_pod_ttl'): number {
  const value = config.sinker[field];
  try {
    return parseDuration(value);
  } catch (err) {
    throw new Error(`sinker.${field}: ${JSON.stringify(value)} is not a duration`, { cause: err });
  }
}

function startMs(pj: ProwJob): number {
  const ms = Date.parse(pj.status.startTime);
  return Number.isNaN(ms) ? 0 : ms;
}

/** The newest ProwJob (by startTime) of each job of the given type, any state (upstream GetLatestProwJobs). */
export async function latestProwJobs(pjs: readonly ProwJob[], type: ProwJob['spec']['type']): Promise<Map<string, ProwJob>> {
  const latest = new Map<string, ProwJob>();
  await timeSliced(pjs, (pj) => {
    if (pj.spec.type !== type) return;
    const current = latest.get(pj.spec.job);
    if (!current || startMs(pj) > startMs(current)) latest.set(pj.spec.job, pj);
  });
  return latest;
}

export function createSinker(deps: SinkerDeps): Sinker {
  const log = deps.log;
  const clock = deps.clock ?? systemClock;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let last: SinkerPassResult | undefined;
  const metrics = deps.registry ? createSinkerMetrics(deps.registry) : undefined;

  async function deleteProwJob(pj: ProwJob, reason: ProwJobCleanReason, result: SinkerPassResult): Promise<void> {
    const fields = { ...prowJobFields(pj), reason };
    if (deps.dryRun) {
      log.info(fields, 'would delete prowjob (dry run)');
      result.prowjobsDeleted[reason].push(pj.metadata.name);
      return;
    }
    try {
      await deps.store.deleteProwJob(pj.metadata.name);
      log.info(fields, 'deleted prowjob');
      result.prowjobsDeleted[reason].push(pj.metadata.name);
    } catch (err) {
      if (err instanceof NotFoundError) return; // someone else deleted it first
      result.prowjobErrors++;
      log.error({ ...fields, err }, 'error deleting prowjob');
    }
  }

  async function syncOnce(): Promise<SinkerPassResult> {
    const config = deps.config();
    const maxProwJobAge = durationField(config, 'max_prowjob_age');
    const maxPodAge = durationField(config, 'max_pod_age');
    const terminatedPodTTL = durationField(config, 'terminated_pod_ttl');
    const now = clock.now().getTime();
    const startedAt = performance.now();
    const result: SinkerPassResult = {
      prowjobsSeen: 0,
      prowjobsDeleted: { aged: [], 'aged-periodic': [] },
      prowjobErrors: 0,
      runsSeen: 0,
      runsDeleted: { aged: [], ttled: [], orphaned: [] },
      runErrors: 0,
      deliveriesDeleted: 0,
    };

    const prowjobs = deps.informer.list();
    result.prowjobsSeen = prowjobs.length;
    const activePeriodics = new Set(config.periodics.map((p) => p.name));
    const latestPeriodics = await latestProwJobs(prowjobs, 'periodic');

    const slice = timeSlicer();
    for (const pj of prowjobs) {
      await slice();
      if (!isComplete(pj)) continue;
      const isPeriodic = pj.spec.type === 'periodic';
      if (isPeriodic && activePeriodics.has(pj.spec.job) && latestPeriodics.get(pj.spec.job)?.metadata.name === pj.metadata.name) {
        continue; // horologium's "last run"
      }
      if (now - startMs(pj) <= maxProwJobAge) continue;
      await deleteProwJob(pj, isPeriodic ? 'aged-periodic' : 'aged', result);
    }

    if (deps.executor) {
      const byName = new Map<string, ProwJob>();
      await timeSliced(prowjobs, (pj) => byName.set(pj.metadata.name, pj));
      await cleanRuns(deps.executor, config, byName, { now, maxPodAge, terminatedPodTTL }, result);
    }

    if (deps.deliveries && !deps.dryRun) {
      try {
        result.deliveriesDeleted = await deps.deliveries.pruneDeliveries(new Date(now - maxProwJobAge));
      } catch (err) {
        log.error({ err }, 'error pruning deliveries');
      }
    }

    // A pass that deleted nothing is debug: an idle system does not log a line a minute.
    const deletedAny = result.prowjobsDeleted.aged.length + result.prowjobsDeleted['aged-periodic'].length > 0 || result.deliveriesDeleted > 0
      || result.runsDeleted.aged.length + result.runsDeleted.ttled.length + result.runsDeleted.orphaned.length > 0;
    log[deletedAny ? 'info' : 'debug']({
      prowjobs: result.prowjobsSeen,
      deleted: result.prowjobsDeleted.aged.length + result.prowjobsDeleted['aged-periodic'].length,
      runs: result.runsSeen,
      runs_deleted: result.runsDeleted.aged.length + result.runsDeleted.ttled.length + result.runsDeleted.orphaned.length,
      deliveries_deleted: result.deliveriesDeleted,
      dry_run: deps.dryRun ?? false,
    }, 'sinker pass complete');
    if (metrics) {
      metrics.loopDuration.set((performance.now() - startedAt) / 1000);
      metrics.prowJobsExisting.set(result.prowjobsSeen);
      metrics.podsExisting.set(result.runsSeen);
      for (const [reason, names] of Object.entries(result.prowjobsDeleted)) metrics.prowJobsCleaned.set({ reason }, names.length);
      for (const [reason, names] of Object.entries(result.runsDeleted)) metrics.podsRemoved.set({ reason }, names.length);
      metrics.prowJobsCleaningErrors.set({ reason: 'error' }, result.prowjobErrors);
      metrics.podRemovalErrors.set({ reason: 'error' }, result.runErrors);
    }
    last = result;
    return result;
  }

  async function cleanRuns(
    executor: SinkerCleanup,
    config: Config,
    byName: Map<string, ProwJob>,
    limits: { now: number; maxPodAge: number; terminatedPodTTL: number },
    result: SinkerPassResult,
  ): Promise<void> {
    const excluded = new Set(config.sinker.exclude_clusters ?? []);
    let runs: SinkerRun[];
    try {
      runs = await executor.listRuns();
    } catch (err) {
      result.runErrors++;
      log.error({ err }, 'error listing runs');
      return;
    }
    const slice = timeSlicer();
    for (const run of runs) {
      await slice();
      const cluster = run.cluster || 'default';
      if (excluded.has(cluster)) continue;
      result.runsSeen++;
      const pjName = run.prowjob ?? run.name;
      const pj = byName.get(pjName);
      let reason: RunCleanReason | undefined;
      // A run of a job that is not complete is never removed: the controller would start it again.
      if (pj && isComplete(pj)) {
        const completedAt = Date.parse(pj.status.completionTime ?? '');
        if (run.startedAt && limits.now - run.startedAt.getTime() > limits.maxPodAge) reason = 'aged';
        else if (!Number.isNaN(completedAt) && limits.now - completedAt > limits.terminatedPodTTL) reason = 'ttled';
      }
      // The list may be stale (and jobs were just deleted above): ask the store again before calling it orphaned.
      if (limits.now - run.createdAt.getTime() > ORPHAN_GRACE_MS && (await deps.store.getProwJob(pjName)) === undefined) {
        reason = 'orphaned';
      }
      if (!reason) continue;
      const fields = { run: run.name, prowjob: pjName, cluster, reason };
      if (deps.dryRun) {
        log.info(fields, 'would delete run (dry run)');
        result.runsDeleted[reason].push(run.name);
        continue;
      }
      try {
        await executor.deleteRun(run.name, cluster);
        log.info(fields, 'deleted run');
        result.runsDeleted[reason].push(run.name);
      } catch (err) {
        result.runErrors++;
        log.error({ ...fields, err }, 'error deleting run');
      }
    }
  }

  function schedule(): void {
    if (stopped) return;
    let period: number;
    try {
      period = durationField(deps.config(), 'resync_period');
    } catch (err) {
      log.error({ err }, 'bad sinker.resync_period, retrying in 1m');
      period = 60_000;
    }
    timer = setTimeout(() => {
      timer = undefined;
      running = syncOnce()
        .catch((err: unknown) => log.error({ err }, 'sinker pass failed'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, Math.max(1000, period));
  }

  return {
    syncOnce,
    lastResult: () => last,
    start() {
      if (!stopped) return;
      stopped = false;
      running = syncOnce()
        .catch((err: unknown) => log.error({ err }, 'sinker pass failed'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

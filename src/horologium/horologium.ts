// horologium: starts periodic jobs (upstream cmd/horologium/main.go). It keeps no schedule state on disk: the "last
// run" of a periodic is its newest ProwJob (which sinker keeps), and cron fires live in memory only,
// so after downtime a job runs once, never a catch-up storm.
import type { ProwJob } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import { RERUN_LABEL } from '../api/labels.js';
import { newPeriodicJob } from '../api/pjutil.js';
import { systemClock, type Clock } from '../api/clock.js';
import { parseDuration } from '../go/duration.js';
import { timeSlicer } from '../api/time-slice.js';
import type { Config, Periodic } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import type { ProwJobStore } from '../store/types.js';
import { parseCronSchedule, type CronSchedule } from './cron.js';

export const DEFAULT_TICK_INTERVAL = '1m';
/** Upstream's cap on periodic retries, whatever retry.attempts says. */
export const MAX_RETRIES = 10;

export interface PeriodicBuildOptions {
  /** The periodic's own labels, plus prow.k8s.io/re-run on a retry. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** status.startTime of the new job. */
  now: Date;
  /** Create in `scheduling` instead of `triggered` (config scheduler.enabled). */
  scheduling: boolean;
}

/** Builds the ProwJob of one run of a periodic (upstream NewProwJob(PeriodicSpec(p), …)). */
export type BuildPeriodicProwJob = (periodic: Periodic, options: PeriodicBuildOptions) => ProwJob;

/** The production builder: upstream's NewProwJob(PeriodicSpec(p), labels, annotations) from src/api. */
export const buildPeriodicProwJob: BuildPeriodicProwJob = (periodic, options) =>
  newPeriodicJob(periodic, options.labels, {
    now: () => options.now,
    state: options.scheduling ? 'scheduling' : 'triggered',
  });

export interface HorologiumDeps {
  store: ProwJobStore;
  config: () => Config;
  log: Logger;
  /** Defaults to buildPeriodicProwJob. */
  buildProwJob?: BuildPeriodicProwJob;
  clock?: Clock;
  /** Log the runs it would create and create none. */
  dryRun?: boolean;
}

export type TriggerReason = 'first-run' | 'interval' | 'minimum-interval' | 'cron' | 'retry';

export interface HorologiumTickResult {
  /** The jobs created this tick (in dry run: that would have been): periodic name, reason, ProwJob name. */
  triggered: { job: string; reason: TriggerReason; prowjob: string }[];
  errors: { job: string; error: string }[];
}

export interface Horologium {
  syncOnce(): Promise<HorologiumTickResult>;
  /** Ticks now and then every horologium.tick_interval (re-read each time); keeps the process alive until stop(). */
  start(): void;
  stop(): Promise<void>;
}

interface CronEntry {
  schedule: CronSchedule;
  nextFire: Date | undefined;
  fired: boolean;
}

function ms(iso: string | undefined): number {
  const value = Date.parse(iso ?? '');
  return Number.isNaN(value) ? 0 : value;
}

function durationOf(p: Periodic, field: 'interval' | 'minimum_interval', value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new Error(`periodic ${p.name}: ${field} ${JSON.stringify(value)} is not a duration`, { cause: err });
  }
}

export function createHorologium(deps: HorologiumDeps): Horologium {
  const { store, log } = deps;
  const clock = deps.clock ?? systemClock;
  const buildProwJob = deps.buildProwJob ?? buildPeriodicProwJob;
  const cronEntries = new Map<string, CronEntry>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  /** Adds, re-adds (changed expression) and removes cron entries; returns per-job parse errors. */
  function syncCron(periodics: readonly Periodic[], now: Date, errors: HorologiumTickResult['errors']): void {
    const wanted = new Set<string>();
    for (const p of periodics) {
      if (!p.cron) continue;
      wanted.add(p.name);
      const existing = cronEntries.get(p.name);
      if (existing && existing.schedule.expression === p.cron) continue;
      try {
        const schedule = parseCronSchedule(p.cron);
        cronEntries.set(p.name, { schedule, nextFire: schedule.next(now), fired: schedule.firesOnRegistration });
        log.info({ job: p.name, cron: p.cron }, existing ? 'cron entry changed' : 'cron entry added');
      } catch (err) {
        cronEntries.delete(p.name);
        errors.push({ job: p.name, error: (err as Error).message });
        log.error({ job: p.name, err }, 'cannot schedule periodic');
      }
    }
    for (const name of [...cronEntries.keys()]) {
      if (!wanted.has(name)) {
        cronEntries.delete(name);
        log.info({ job: name }, 'cron entry removed');
      }
    }
  }

  /** The cron jobs that fired since the last tick; their flags are cleared (several fires count once). */
  function takeFired(now: Date): Set<string> {
    const fired = new Set<string>();
    for (const [name, entry] of cronEntries) {
      if (entry.nextFire && entry.nextFire.getTime() <= now.getTime()) {
        entry.fired = true;
        entry.nextFire = entry.schedule.next(now);
      }
      if (entry.fired) fired.add(name);
      entry.fired = false;
    }
    return fired;
  }

  /** Upstream shouldTriggerFailedRun; the retry interval is its own (not upstream's overwritten one). */
  function retryLabels(p: Periodic, last: ProwJob, now: number): Record<string, string> | undefined {
    const retry = p.retry;
    if (!retry) return undefined;
    if (!isComplete(last) && !retry.run_all) return undefined;
    let runCount = 1;
    const countLabel = last.metadata.labels?.[RERUN_LABEL];
    if (countLabel !== undefined) {
      if (!/^\d+$/.test(countLabel)) {
        log.warn({ ...prowJobFields(last), value: countLabel }, 'unreadable re-run label');
        return undefined;
      }
      runCount = Number(countLabel) + 1;
    }
    if (runCount > Math.min(retry.attempts ?? 0, MAX_RETRIES)) return undefined;
    const interval = retry.interval ? parseDuration(retry.interval) : 0;
    if (now - ms(last.status.startTime) <= interval) return undefined;
    if (!retry.run_all && last.status.state === 'success') return undefined;
    return { [RERUN_LABEL]: String(runCount) };
  }

  async function syncOnce(): Promise<HorologiumTickResult> {
    const config = deps.config();
    const nowDate = clock.now();
    const now = nowDate.getTime();
    const result: HorologiumTickResult = { triggered: [], errors: [] };

    // The newest run of each configured periodic, one indexed query each (newest start first): the cost
    // follows the config, not the history.
    const latest = new Map<string, ProwJob>();
    const slice = timeSlicer();
    for (const p of config.periodics) {
      // A SQLite store answers without leaving the turn: a thousand periodics would be one long stall.
      await slice();
      const [newest] = (await store.queryProwJobs({ job: p.name, type: 'periodic', limit: 1 })).prowjobs;
      if (newest) latest.set(p.name, newest);
    }

    syncCron(config.periodics, nowDate, result.errors);
    const fired = takeFired(nowDate);

    for (const p of config.periodics) {
      try {
        const last = latest.get(p.name);
        let reason: TriggerReason | undefined;
        if (p.cron) {
          if (!fired.has(p.name)) continue; // a cron job runs only when it fires, history or not
          if (!last || isComplete(last)) reason = last ? 'cron' : 'first-run';
          else log.info(prowJobFields(last), 'cron fired while the last run is still going: skipped');
        } else if (p.minimum_interval) {
          const min = durationOf(p, 'minimum_interval', p.minimum_interval);
          if (!last) reason = 'first-run';
          else if (isComplete(last) && now - ms(last.status.completionTime) > min) reason = 'minimum-interval';
        } else if (p.interval) {
          const interval = durationOf(p, 'interval', p.interval);
          if (!last) reason = 'first-run';
          else if (isComplete(last) && now - ms(last.status.startTime) > interval) reason = 'interval';
        } else {
          throw new Error(`periodic ${p.name}: one of cron, interval or minimum_interval must be set`);
        }
        const labels: Record<string, string> = { ...(p.labels ?? {}) };
        if (!reason && last) {
          const retry = retryLabels(p, last, now);
          if (retry) {
            Object.assign(labels, retry);
            reason = 'retry';
          }
        }
        if (!reason) continue;
        const pj = buildProwJob(p, {
          labels,
          annotations: { ...(p.annotations ?? {}) },
          now: nowDate,
          scheduling: config.scheduler?.enabled ?? false,
        });
        if (config.prowjob_namespace) pj.metadata.namespace = config.prowjob_namespace;
        const fields = { ...prowJobFields(pj), reason };
        if (deps.dryRun) {
          log.info(fields, 'would trigger new run (dry run)');
        } else {
          await store.createProwJob(pj);
          log.info(fields, 'triggering new run');
        }
        result.triggered.push({ job: p.name, reason, prowjob: pj.metadata.name });
      } catch (err) {
        result.errors.push({ job: p.name, error: (err as Error).message });
        log.error({ job: p.name, err }, 'cannot trigger periodic');
      }
    }
    return result;
  }

  function tickInterval(): number {
    const value = deps.config().horologium?.tick_interval || DEFAULT_TICK_INTERVAL;
    try {
      return Math.max(1000, parseDuration(value));
    } catch (err) {
      log.error({ err, tick_interval: value }, `horologium.tick_interval is not a duration, using ${DEFAULT_TICK_INTERVAL}`);
      return parseDuration(DEFAULT_TICK_INTERVAL);
    }
  }

  function tick(): void {
    running = syncOnce()
      .catch((err: unknown) => log.error({ err }, 'horologium tick failed'))
      .finally(() => {
        running = undefined;
        if (stopped) return;
        timer = setTimeout(() => {
          timer = undefined;
          tick();
        }, tickInterval());
      });
  }

  return {
    syncOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}

// crier, the reporting framework (docs/crier.md; upstream pkg/crier/controller.go and
// reconciler.go): one work queue per reporter, keyed by ProwJob name with one worker per key, all fed by
// every job change. For each key: read the job, ask the reporter's shouldReport, skip a state already in
// status.prev_report_states[reporter], report, then record the reported state. A failed report is requeued
// with per-key exponential back-off and records nothing; one reporter failing never delays another.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ProwJob } from '../api/prowjob.js';
import { systemClock, type Clock } from '../api/clock.js';
import type { Logger } from '../observability/logger.js';
import type { ProwJobStore } from '../store/types.js';
import { WorkQueue } from '../store/workqueue.js';
import type { JobSource } from './job-source.js';
import type { Reporter } from './reporter.js';
import { isAlreadyReported, recordReportState } from './report-state.js';

export interface ReporterRegistration {
  reporter: Reporter;
  /** Jobs this reporter works on at once (upstream --<reporter>-workers). Default 1. */
  workers?: number;
}

export interface CrierDeps {
  jobs: JobSource;
  /** Where prev_report_states is written. */
  store: Pick<ProwJobStore, 'getProwJob' | 'updateProwJob'>;
  reporters: ReporterRegistration[];
  log: Logger;
  /** First retry delay after a failed report; doubles per failure up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Where upstream's crier_reporting_results and crier_report_latency go. */
  registry?: Registry;
  clock?: Clock;
}

export interface Crier {
  /** Resolves once every existing job was seen and nothing is queued or running (scheduled retries excepted). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Lane {
  reporter: Reporter;
  queue: WorkQueue<string>;
  log: Logger;
  done?: Promise<void>;
}

export function startCrier(deps: CrierDeps): Crier {
  const names = deps.reporters.map((r) => r.reporter.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`crier: reporter ${JSON.stringify(dup)} registered twice`);
  const clock = deps.clock ?? systemClock;
  const registers = deps.registry ? [deps.registry] : [];
  const results = new Counter({
    name: 'crier_reporting_results', help: 'Count of successful and failed reporting attempts by reporter.',
    labelNames: ['reporter', 'result'], registers,
  });
  const latency = new Histogram({
    name: 'crier_report_latency',
    help: 'Histogram of time spent reporting, calculated by the time difference between job completion and end of reporting.',
    labelNames: ['reporter'], buckets: [1, 10, 20, 30, 60, 120, 180, 300, 600, 1200, 1800, 2700, 3600, 5400, 7200], registers,
  });

  let active = 0;
  let synced = false;
  let idleWaiters: Array<() => void> = [];
  const lanes: Lane[] = deps.reporters.map(({ reporter }) => ({
    reporter,
    queue: new WorkQueue<string>({ baseDelayMs: deps.retryDelayMs ?? 500, maxDelayMs: deps.maxRetryDelayMs ?? 5 * 60_000 }),
    log: deps.log.child({ reporter: reporter.name }),
  }));

  const isIdle = (): boolean => synced && active === 0 && lanes.every((l) => l.queue.length === 0);
  const checkIdle = (): void => {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const reconcile = async (lane: Lane, name: string): Promise<void> => {
    const { reporter, log } = lane;
    const cached = deps.jobs.peek?.(name);
    if (cached && (isAlreadyReported(cached, reporter.name) || !reporter.shouldReport(cached, log))) return;
    const pj = await deps.jobs.get(name);
    if (!pj) return; // deleted while queued
    if (!reporter.shouldReport(pj, log)) return;
    if (isAlreadyReported(pj, reporter.name)) return;
    let reported: ProwJob[];
    try {
      const result = await reporter.report(pj, log);
      if (result.requeueAfterMs !== undefined) {
        lane.queue.addAfter(name, result.requeueAfterMs);
        return;
      }
      reported = result.reported ?? [pj];
    } catch (err) {
      results.inc({ reporter: reporter.name, result: 'error' });
      throw err;
    }
    results.inc({ reporter: reporter.name, result: 'success' });
    if (pj.status.completionTime) {
      const seconds = (clock.now().getTime() - Date.parse(pj.status.completionTime)) / 1000;
      if (Number.isFinite(seconds)) latency.observe({ reporter: reporter.name }, Math.max(0, seconds));
    }
    let lastErr: unknown;
    for (const job of reported) {
      try {
        const stored = await recordReportState(deps.store, reporter.name, job);
        if (stored) await deps.jobs.waitUntilSeen(stored);
      } catch (err) {
        log.error({ err, prowjob: job.metadata.name }, 'recording the reported state failed');
        lastErr = err;
      }
    }
    if (lastErr !== undefined) throw lastErr;
  };

  for (const lane of lanes) {
    const workers = deps.reporters.find((r) => r.reporter === lane.reporter)?.workers ?? 1;
    lane.done = lane.queue.run(
      workers,
      async (name) => {
        active++;
        try {
          await reconcile(lane, name);
        } finally {
          active--;
          // After the queue's own bookkeeping (done() may requeue the key) has run.
          setImmediate(checkIdle);
        }
      },
      (name, err) => lane.log.warn({ err, prowjob: name, attempt: lane.queue.numRequeues(name) + 1 }, 'report failed'),
    );
  }

  const subscription = deps.jobs.subscribe((name) => {
    for (const lane of lanes) lane.queue.add(name);
  });
  const started = subscription.synced
    .catch((err: unknown) => deps.log.error({ err }, 'listing prowjobs at start failed'))
    .finally(() => {
      synced = true;
      setImmediate(checkIdle);
    });

  return {
    async idle() {
      await started;
      if (isIdle()) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      subscription.close();
      for (const lane of lanes) lane.queue.shutDown();
      await started;
      await Promise.all(lanes.map((l) => l.done));
      for (const w of idleWaiters.splice(0)) w();
    },
  };
}

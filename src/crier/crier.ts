// crier with the GitHub reporter (lifecycle-spec.md §3.1, §3.2): watches ProwJobs in the Store, reports
// each state change once per reporter, then records it in status.prev_report_states so that a restart
// or a redelivered watch event does not report it again.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';
import type { ProwJob } from '../api/prowjob.js';
import { ORG_LABEL, PULL_LABEL, REPO_LABEL } from '../api/labels.js';
import type { ProwJobStore, Watch } from '../store/types.js';
import { ConflictError } from '../store/types.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import type { CrierGitHub, GitHubReporterConfig } from './github-report.js';
import { reportComment, reportStatus, reportTemplateForRepo, shouldReportGitHub } from './github-report.js';

export const GITHUB_REPORTER_NAME = 'github-reporter';

export interface CrierDeps {
  store: ProwJobStore;
  github: CrierGitHub;
  config: () => GitHubReporterConfig;
  log: Logger;
  /** Jobs reported at once (upstream --github-workers; k8s runs 5). */
  workers?: number;
  /** Only report jobs of this agent (upstream --report-agent). */
  reportAgent?: string;
  /** First retry delay after a failed report; doubles up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Where upstream's crier_reporting_results and crier_report_latency go. */
  registry?: Registry;
}

export interface Crier {
  /** Resolves once nothing is queued or running (scheduled retries excepted). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A FIFO of ProwJob names: one report per name at a time, a name queued twice runs once more. */
export function startCrier(deps: CrierDeps): Crier {
  const log = deps.log.child({ reporter: GITHUB_REPORTER_NAME });
  const workers = Math.max(1, deps.workers ?? 5);
  const baseDelay = deps.retryDelayMs ?? 500;
  const maxDelay = deps.maxRetryDelayMs ?? 5 * 60_000;
  const queue: string[] = [];
  const queued = new Set<string>();
  const running = new Set<string>();
  const attempts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const prLocks = new Map<string, Promise<void>>();
  let active = 0;
  let closed = false;
  let idleWaiters: (() => void)[] = [];
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

  const enqueue = (name: string): void => {
    if (closed || queued.has(name)) return;
    queued.add(name);
    queue.push(name);
    pump();
  };

  const checkIdle = (): void => {
    if (active === 0 && queue.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const pump = (): void => {
    while (!closed && active < workers) {
      const i = queue.findIndex((n) => !running.has(n));
      if (i < 0) break;
      const name = queue.splice(i, 1)[0]!;
      queued.delete(name);
      running.add(name);
      active++;
      void reconcile(name)
        .then(() => attempts.delete(name))
        .catch((err: unknown) => retryLater(name, err))
        .finally(() => {
          running.delete(name);
          active--;
          pump();
          checkIdle();
        });
    }
    checkIdle();
  };

  const retryLater = (name: string, err: unknown): void => {
    const n = (attempts.get(name) ?? 0) + 1;
    attempts.set(name, n);
    const delay = Math.min(maxDelay, baseDelay * 2 ** (n - 1));
    log.warn({ err, prowjob: name, attempt: n, retry_ms: delay }, 'report failed');
    if (closed) return;
    const t = setTimeout(() => {
      timers.delete(t);
      enqueue(name);
    }, delay);
    t.unref();
    timers.add(t);
  };

  /** Serialises comment work per PR, like upstream's sharded lock. */
  const withPrLock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = prLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = prev.then(() => mine);
    prLocks.set(key, chained);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (prLocks.get(key) === chained) prLocks.delete(key);
    }
  };

  const jobsForSummary = async (pj: ProwJob): Promise<ProwJob[]> => {
    if (pj.spec.refs?.pulls?.length !== 1) return [];
    const labels: Record<string, string> = {};
    for (const l of [ORG_LABEL, REPO_LABEL, PULL_LABEL]) labels[l] = pj.metadata.labels?.[l] ?? '';
    const all = (await deps.store.listProwJobs({ labels })).items;
    const latest = new Map<string, ProwJob>();
    for (const job of all) {
      if (!job.status.completionTime) return []; // wait until every job of the PR is done
      if (!job.spec.report) continue;
      const prev = latest.get(job.spec.job);
      const created = (j: ProwJob): string => j.metadata.creationTimestamp ?? j.status.startTime;
      if (!prev || created(job) > created(prev)) latest.set(job.spec.job, job);
    }
    return [...latest.values()];
  };

  const report = async (pj: ProwJob): Promise<void> => {
    const cfg = deps.config();
    const statusSet = await reportStatus(deps.github, pj, cfg);
    const refs = pj.spec.refs;
    if (pj.spec.type !== 'presubmit' || !refs || refs.pulls?.length !== 1) {
      log.info({ ...prowJobFields(pj), status: statusSet }, 'reported');
      return;
    }
    const key = `${refs.org}/${refs.repo}#${refs.pulls[0]!.number}`;
    await withPrLock(key, async () => {
      const full = `${refs.org}/${refs.repo}`;
      const gr = cfg.github_reporter ?? {};
      if ((gr.no_comment_repos ?? []).some((r) => r === refs.org || r === full)) return;
      let toReport = [pj];
      let mustCreate = false;
      if ((gr.summary_comment_repos ?? []).some((r) => r === refs.org || r === full)) {
        mustCreate = true;
        toReport = await jobsForSummary(pj);
      }
      const template = reportTemplateForRepo(cfg, refs.org, refs.repo);
      const done = await reportComment(deps.github, template, toReport, cfg, mustCreate);
      log.info({ ...prowJobFields(pj), status: statusSet, ...done }, 'reported');
    });
  };

  /** Records the reported state; retries on conflicts with other writers (plank updating status). */
  const recordReported = async (name: string, state: ProwJob['status']['state']): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      const fresh = await deps.store.getProwJob(name);
      if (!fresh) return;
      if (fresh.status.prev_report_states?.[GITHUB_REPORTER_NAME] === state) return;
      fresh.status.prev_report_states = { ...fresh.status.prev_report_states, [GITHUB_REPORTER_NAME]: state };
      try {
        await deps.store.updateProwJob(fresh);
        return;
      } catch (err) {
        if (err instanceof ConflictError) continue;
        throw err;
      }
    }
    throw new Error(`prowjob ${name}: gave up recording prev_report_states after repeated conflicts`);
  };

  const reconcile = async (name: string): Promise<void> => {
    const pj = await deps.store.getProwJob(name);
    if (!pj) return;
    if (!shouldReportGitHub(pj, deps.reportAgent)) return;
    // Waiting for the scheduler: GitHub has no state for it (upstream errors and retries until it moves on).
    if (pj.status.state === 'scheduling') return;
    if (pj.status.prev_report_states?.[GITHUB_REPORTER_NAME] === pj.status.state) return;
    try {
      await report(pj);
    } catch (err) {
      results.inc({ reporter: GITHUB_REPORTER_NAME, result: 'error' });
      throw err;
    }
    results.inc({ reporter: GITHUB_REPORTER_NAME, result: 'success' });
    if (pj.status.completionTime) {
      const seconds = (Date.now() - Date.parse(pj.status.completionTime)) / 1000;
      if (Number.isFinite(seconds)) latency.observe({ reporter: GITHUB_REPORTER_NAME }, Math.max(0, seconds));
    }
    await recordReported(name, pj.status.state);
  };

  const startWatch = (): Watch => deps.store.watchProwJobs({}, (ev) => {
    if (ev.type === 'added' || ev.type === 'modified') enqueue(ev.prowjob.metadata.name);
    if (ev.type === 'expired' && !closed) { // fell behind the store's change log: watch again and list
      watch = startWatch();
      void deps.store.listProwJobs().then((all) => {
        for (const pj of all.items) enqueue(pj.metadata.name);
      }, (err: unknown) => log.error({ err }, 'listing prowjobs failed'));
    }
  });
  let watch: Watch | undefined = startWatch();
  let starting = true;
  const initial = deps.store
    .listProwJobs()
    .then((all) => {
      for (const pj of all.items) enqueue(pj.metadata.name);
    })
    .catch((err: unknown) => log.error({ err }, 'listing prowjobs at start failed'))
    .finally(() => {
      starting = false;
      checkIdle();
    });

  return {
    async idle() {
      await initial;
      if (!starting && active === 0 && queue.length === 0) return;
      await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      watch?.close();
      watch = undefined;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      queue.length = 0;
      queued.clear();
      await initial;
      while (active > 0) await new Promise<void>((r) => idleWaiters.push(r));
    },
  };
}

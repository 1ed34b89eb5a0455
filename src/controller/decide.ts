// plank's decisions as pure functions of the ProwJob, its run as the executor reports it, the config
// snapshot, the clock and the concurrency facts (upstream pkg/plank/reconciler.go syncTriggeredJob,
// syncPendingJob, syncAbortedJob; docs/jobs.md "What the controller does"). A Decision is data; the
// effect layer (effects.ts) carries it out. Nothing here reads the Store or talks to an executor.
import { isComplete, type ProwJob } from '../api/prowjob.js';
import type { Plank } from '../config/types.js';
import type { ExecutorStatus, StopCause } from '../executor/types.js';
import { parseDuration } from '../go/duration.js';

/** Description texts are upstream's: clients and dashboards match on them. */
export const DESCRIPTIONS = {
  triggered: 'Job triggered.',
  succeeded: 'Job succeeded.',
  failed: 'Job failed.',
  pendingTimeout: 'Pod pending timeout.',
  unscheduledTimeout: 'Pod scheduling timeout.',
  unfinished: "Pod was in succeeded phase but some containers didn't finish",
  runningTimeout: 'Pod running timeout.',
  oomKilled: 'Job pod was OOM killed by the cluster.',
  evicted: 'Job pod was evicted by the cluster.',
  deleted: 'Pod got deleted unexpectedly',
} as const;

type CompleteState = 'success' | 'failure' | 'error' | 'aborted';

export type Decision =
  /** Nothing to do until something changes. */
  | { kind: 'none' }
  /** triggered: vend a build id, start a run, then mark the job pending. */
  | { kind: 'start' }
  /** triggered: a run started before a crash was never recorded; mark the job pending with its build id. */
  | { kind: 'adopt'; buildId: string }
  /** pending: the run is gone; start a new one with a new build id. */
  | { kind: 'restart' }
  /** pending: the run stopped unexpectedly; count a revival and remove the run (the next pass restarts it). */
  | { kind: 'revive'; cause: StopCause; revivals: number }
  /** Complete the job; stop its run first when `stopRun`, create run_after_success jobs first when `createChildren`. */
  | { kind: 'transition'; to: CompleteState; description: string; stopRun: boolean; createChildren: boolean }
  /** aborted: stop the run and set completionTime. */
  | { kind: 'abort-run' }
  /** Look again after `ms` (a slot may free, a deadline comes); write `url` first when it changed. */
  | { kind: 'requeue-after'; ms: number; why: string; url?: string }
  /** Not decidable from this config: retried with back-off (upstream returns an error). */
  | { kind: 'retry'; why: string };

/**
 * What the cache says about the jobs competing for a slot (upstream canExecuteConcurrently). A count is only
 * needed when its limit applies; the rest may be 0.
 */
export interface ConcurrencyFacts {
  /** Pending jobs of the agents this controller runs (plank.max_concurrency). */
  pending: number;
  /** Other jobs of the same spec.job that are pending, or triggered and created earlier. */
  jobAhead: number;
  /** The same, over the jobs of the same spec.job_queue_name. */
  queueAhead: number;
}

export interface DecideContext {
  now: Date;
  /** The plank section of the current config snapshot. */
  plank: Partial<Plank>;
  /** Wait after a concurrency limit said no (upstream 10 s). */
  concurrencyRetryMs: number;
  /** status.url as it would be computed now (pjutil.JobURL). */
  jobURL: (pj: ProwJob) => string;
}

const DEFAULT_PENDING_TIMEOUT = '10m';
const DEFAULT_UNSCHEDULED_TIMEOUT = '5m';
const DEFAULT_RUNNING_TIMEOUT = '48h';
const DEFAULT_MAX_REVIVALS = 3;

/** syncTriggeredJob: adopt a run that exists, else start one when the limits allow. */
export function decideTriggered(pj: ProwJob, run: ExecutorStatus, facts: ConcurrencyFacts, ctx: DecideContext): Decision {
  if (pj.status.state !== 'triggered') return { kind: 'none' };
  if (run.phase !== 'missing' && run.buildId) return { kind: 'adopt', buildId: run.buildId };
  const global = ctx.plank.max_concurrency ?? 0;
  if (global > 0 && facts.pending >= global) return waitForSlot(ctx, `plank.max_concurrency ${global} reached`);
  const max = pj.spec.max_concurrency ?? 0;
  if (max > 0 && facts.jobAhead >= max) return waitForSlot(ctx, `max_concurrency ${max} of ${pj.spec.job} reached`);
  const queue = pj.spec.job_queue_name;
  if (queue) {
    const capacity = ctx.plank.job_queue_capacities?.[queue];
    if (capacity === undefined) return { kind: 'retry', why: `job_queue_name ${JSON.stringify(queue)} is not in plank.job_queue_capacities` };
    if (capacity === 0) return waitForSlot(ctx, `job queue ${queue} has capacity 0`);
    if (capacity > 0 && facts.queueAhead >= capacity) return waitForSlot(ctx, `job queue ${queue} is full (${capacity})`);
  }
  return { kind: 'start' };
}

function waitForSlot(ctx: DecideContext, why: string): Decision {
  return { kind: 'requeue-after', ms: ctx.concurrencyRetryMs, why };
}

/** syncPendingJob: follow the run (first match wins). */
export function decidePending(pj: ProwJob, run: ExecutorStatus, ctx: DecideContext): Decision {
  if (pj.status.state !== 'pending') return { kind: 'none' };
  if (run.phase === 'missing') return { kind: 'restart' };
  const cause = unexpectedStop(run);
  if (cause === 'oom') return complete('error', DESCRIPTIONS.oomKilled);
  if (cause === 'evicted' && pj.spec.error_on_eviction) return complete('error', DESCRIPTIONS.evicted);
  if (cause === 'evicted' || cause === 'node-lost' || cause === 'unknown') {
    const revivals = pj.status.pod_revival_count ?? 0;
    const max = ctx.plank.max_revivals ?? DEFAULT_MAX_REVIVALS;
    if (revivals >= max) {
      return complete('error', `Job pod reached max revivals (${revivals}) after being stopped unexpectedly (${UPSTREAM_CAUSE[cause]})`);
    }
    return { kind: 'revive', cause, revivals: revivals + 1 };
  }
  const deleted = run.stopCause === 'deleted';
  switch (run.phase) {
    case 'succeeded':
      // A pod can claim success while a container never terminated cleanly (kubernetes#58711): upstream errors it.
      if (run.unfinished) return complete('error', DESCRIPTIONS.unfinished);
      return { kind: 'transition', to: 'success', description: DESCRIPTIONS.succeeded, stopRun: false, createChildren: true };
    case 'failed':
      return complete('failure', DESCRIPTIONS.failed);
    case 'unknown':
      return complete('error', `Job lost: ${run.reason ?? 'the executor cannot tell what happened to it'}`);
    case 'pending': {
      if (run.unscheduled) {
        // Not placed yet: upstream counts pod_unscheduled_timeout from the pod's creation.
        const limit = timeoutMs(pj.spec.decoration_config?.pod_unscheduled_timeout, ctx.plank.pod_unscheduled_timeout, DEFAULT_UNSCHEDULED_TIMEOUT);
        const left = msLeft(run.createdAt ?? pj.status.pendingTime ?? pj.status.startTime, limit, ctx.now);
        if (left <= 0) return { ...complete('error', DESCRIPTIONS.unscheduledTimeout), stopRun: true };
        if (deleted) return complete('error', DESCRIPTIONS.deleted);
        return { kind: 'requeue-after', ms: left, why: 'unscheduled deadline' };
      }
      const limit = pendingTimeoutMs(pj, ctx.plank);
      const left = msLeft(run.scheduledAt ?? run.createdAt ?? pj.status.pendingTime ?? pj.status.startTime, limit, ctx.now);
      if (left <= 0) return { ...complete('error', DESCRIPTIONS.pendingTimeout), stopRun: true };
      if (deleted) return complete('error', DESCRIPTIONS.deleted);
      return { kind: 'requeue-after', ms: left, why: 'pending deadline' };
    }
    case 'running': {
      if (deleted) return complete('error', DESCRIPTIONS.deleted);
      const limit = timeoutMs(pj.spec.decoration_config?.pod_running_timeout, ctx.plank.pod_running_timeout, DEFAULT_RUNNING_TIMEOUT);
      const left = msLeft(run.startedAt ?? pj.status.pendingTime ?? pj.status.startTime, limit, ctx.now);
      if (left <= 0) return { ...complete('aborted', DESCRIPTIONS.runningTimeout), stopRun: true };
      const url = ctx.jobURL(pj);
      return { kind: 'requeue-after', ms: left, why: 'running deadline', ...(url !== (pj.status.url ?? '') ? { url } : {}) };
    }
  }
}

/** syncAbortedJob: an abort was requested; the run is stopped and the job completed. */
export function decideAborted(pj: ProwJob): Decision {
  return pj.status.state === 'aborted' && !isComplete(pj) ? { kind: 'abort-run' } : { kind: 'none' };
}

/**
 * TerminateOlderJobs (upstream pkg/pjutil/abort.go) over the incomplete triggered or pending presubmits that
 * share a duplicate key: every one but the newest (by status.startTime) is to be aborted.
 */
export function olderDuplicates(group: readonly ProwJob[]): ProwJob[] {
  const live = group.filter((o) => !isComplete(o) && (o.status.state === 'triggered' || o.status.state === 'pending'));
  if (live.length < 2) return [];
  const newest = live.reduce((a, b) => (Date.parse(b.status.startTime) > Date.parse(a.status.startTime) ? b : a));
  return live.filter((o) => o.metadata.name !== newest.metadata.name);
}

/** The cause as upstream's PodUnexpectedStopCause spells it in the max-revivals description. */
const UPSTREAM_CAUSE = { evicted: 'evicted', 'node-lost': 'unreachable', unknown: 'unknown' } as const;

/**
 * Upstream getPodUnexpectedStopCause: eviction, node loss and an Unknown pod in any phase, an OOM kill only
 * while the run still counts as running (a run that already failed because of it is just a failure).
 */
function unexpectedStop(run: ExecutorStatus): StopCause | undefined {
  switch (run.stopCause) {
    case 'evicted':
    case 'node-lost':
    case 'unknown':
      return run.stopCause;
    case 'oom':
      return run.phase === 'running' ? 'oom' : undefined;
    default:
      return undefined;
  }
}

function complete(to: CompleteState, description: string): Extract<Decision, { kind: 'transition' }> {
  return { kind: 'transition', to, description, stopRun: false, createChildren: false };
}

/** pod_pending_timeout: the job's decoration_config, else plank's, else 10m. */
export function pendingTimeoutMs(pj: ProwJob, plank: Partial<Plank>): number {
  return timeoutMs(pj.spec.decoration_config?.pod_pending_timeout, plank.pod_pending_timeout, DEFAULT_PENDING_TIMEOUT);
}

function timeoutMs(own: string | undefined, plankValue: string | undefined, fallback: string): number {
  return parseDuration(own || plankValue || fallback);
}

function msLeft(since: string, limitMs: number, now: Date): number {
  return Date.parse(since) + limitMs - now.getTime();
}

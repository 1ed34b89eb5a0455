// Table tests in the shape of upstream's TestSyncTriggeredJobs / TestSyncPendingJob / TestSyncAbortedJob /
// TestTerminateDupes (pkg/plank/controller_test.go): named cases, one loop, pure inputs → the Decision.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProwJob, ProwJobSpec, ProwJobStatus } from '../../src/api/prowjob.js';
import type { Plank } from '../../src/config/types.js';
import {
  decideAborted, decidePending, decideTriggered, olderDuplicates,
  type ConcurrencyFacts, type DecideContext, type Decision,
} from '../../src/controller/decide.js';
import type { ExecutorStatus } from '../../src/executor/types.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

function job(state: ProwJobStatus['state'], spec: Partial<ProwJobSpec> = {}, status: Partial<ProwJobStatus> = {}): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: 'boop-41', creationTimestamp: ago(HOUR) },
    spec: { type: 'postsubmit', job: 'boop', agent: 'kubernetes', ...spec },
    status: { startTime: ago(HOUR), state, ...(state === 'pending' ? { pendingTime: ago(HOUR), build_id: '41', url: 'https://prow.example/boop/41' } : {}), ...status },
  };
}

function ctx(plank: Partial<Plank> = {}): DecideContext {
  return {
    now: new Date(NOW),
    plank: { pod_pending_timeout: '10m', pod_running_timeout: '48h', max_revivals: 3, ...plank },
    concurrencyRetryMs: 10_000,
    jobURL: (pj) => `https://prow.example/${pj.spec.job}/${pj.status.build_id ?? ''}`,
  };
}

const none: ConcurrencyFacts = { pending: 0, jobAhead: 0, queueAhead: 0 };
const missing: ExecutorStatus = { phase: 'missing' };
const wait = (why: string): Decision => ({ kind: 'requeue-after', ms: 10_000, why });
const end = (to: 'success' | 'failure' | 'error' | 'aborted', description: string, stopRun = false): Decision =>
  ({ kind: 'transition', to, description, stopRun, createChildren: to === 'success' });

describe('decideTriggered (TestSyncTriggeredJobs)', () => {
  const cases: Array<{ name: string; pj: ProwJob; run?: ExecutorStatus; facts?: Partial<ConcurrencyFacts>; plank?: Partial<Plank>; want: Decision }> = [
    { name: 'start a new run', pj: job('triggered'), want: { kind: 'start' } },
    { name: 'a run exists from before a crash: adopt it and its build id', pj: job('triggered'),
      run: { phase: 'running', buildId: '77', startedAt: ago(MIN) }, want: { kind: 'adopt', buildId: '77' } },
    { name: 'an existing run is adopted even when the limits are reached', pj: job('triggered', { max_concurrency: 1 }),
      run: { phase: 'pending', buildId: '78' }, facts: { jobAhead: 5 }, want: { kind: 'adopt', buildId: '78' } },
    { name: 'a run that exists without a build id is started again (start is idempotent)', pj: job('triggered'),
      run: { phase: 'pending' }, want: { kind: 'start' } },
    { name: 'not triggered: nothing', pj: job('pending'), want: { kind: 'none' } },
    { name: 'plank.max_concurrency reached: wait', pj: job('triggered'), plank: { max_concurrency: 2 }, facts: { pending: 2 },
      want: wait('plank.max_concurrency 2 reached') },
    { name: 'plank.max_concurrency not reached: start', pj: job('triggered'), plank: { max_concurrency: 2 }, facts: { pending: 1 }, want: { kind: 'start' } },
    { name: 'plank.max_concurrency 0 is unlimited', pj: job('triggered'), plank: { max_concurrency: 0 }, facts: { pending: 100 }, want: { kind: 'start' } },
    { name: 'max_concurrency reached by older or pending runs of the job: wait', pj: job('triggered', { max_concurrency: 1 }), facts: { jobAhead: 1 },
      want: wait('max_concurrency 1 of boop reached') },
    { name: 'max_concurrency with a free slot: start', pj: job('triggered', { max_concurrency: 2 }), facts: { jobAhead: 1 }, want: { kind: 'start' } },
    { name: 'job queue not in job_queue_capacities: retried with back-off', pj: job('triggered', { job_queue_name: 'nope' }),
      plank: { job_queue_capacities: { other: 1 } }, want: { kind: 'retry', why: 'job_queue_name "nope" is not in plank.job_queue_capacities' } },
    { name: 'job queue with capacity 0 blocks every job', pj: job('triggered', { job_queue_name: 'q' }), plank: { job_queue_capacities: { q: 0 } },
      want: wait('job queue q has capacity 0') },
    { name: 'job queue full: wait', pj: job('triggered', { job_queue_name: 'q' }), plank: { job_queue_capacities: { q: 2 } }, facts: { queueAhead: 2 },
      want: wait('job queue q is full (2)') },
    { name: 'job queue with room: start', pj: job('triggered', { job_queue_name: 'q' }), plank: { job_queue_capacities: { q: 2 } }, facts: { queueAhead: 1 },
      want: { kind: 'start' } },
    { name: 'a negative queue capacity is unlimited', pj: job('triggered', { job_queue_name: 'q' }), plank: { job_queue_capacities: { q: -1 } },
      facts: { queueAhead: 50 }, want: { kind: 'start' } },
    { name: 'the global limit is checked before the job limit', pj: job('triggered', { max_concurrency: 1 }), plank: { max_concurrency: 1 },
      facts: { pending: 1, jobAhead: 1 }, want: wait('plank.max_concurrency 1 reached') },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decideTriggered(c.pj, c.run ?? missing, { ...none, ...c.facts }, ctx(c.plank)), c.want);
    });
  }
});

describe('decidePending (TestSyncPendingJob)', () => {
  const running = (extra: Partial<ExecutorStatus> = {}): ExecutorStatus => ({ phase: 'running', buildId: '41', createdAt: ago(HOUR), startedAt: ago(HOUR), ...extra });
  const pendingRun = (extra: Partial<ExecutorStatus> = {}): ExecutorStatus => ({ phase: 'pending', buildId: '41', createdAt: ago(MIN), ...extra });
  const cases: Array<{ name: string; pj?: ProwJob; run: ExecutorStatus; plank?: Partial<Plank>; want: Decision }> = [
    { name: 'reset when the run goes missing: a new run, a new build id', run: missing, want: { kind: 'restart' } },
    { name: 'not pending: nothing', pj: job('triggered'), run: running(), want: { kind: 'none' } },
    { name: 'run succeeded: success, children created first', run: { phase: 'succeeded', buildId: '41' }, want: end('success', 'Job succeeded.') },
    { name: 'run failed: failure', run: { phase: 'failed', exitCode: 1 }, want: end('failure', 'Job failed.') },
    { name: 'run unknown: error with the executor\'s reason', run: { phase: 'unknown', reason: 'The executor restarted while cloning refs.' },
      want: end('error', 'Job lost: The executor restarted while cloning refs.') },
    { name: 'run unknown without a reason', run: { phase: 'unknown' }, want: end('error', 'Job lost: the executor cannot tell what happened to it') },
    { name: 'pending within the pending timeout: look again at the deadline', run: pendingRun(), want: { kind: 'requeue-after', ms: 9 * MIN, why: 'pending deadline' } },
    { name: 'pending past plank.pod_pending_timeout: error, run stopped', run: pendingRun({ createdAt: ago(11 * MIN) }),
      want: end('error', 'Pod pending timeout.', true) },
    { name: 'pending exactly at the deadline times out', run: pendingRun({ createdAt: ago(10 * MIN) }), want: end('error', 'Pod pending timeout.', true) },
    { name: 'decoration_config.pod_pending_timeout overrides plank\'s', pj: job('pending', { decoration_config: { pod_pending_timeout: '30s' } }),
      run: pendingRun({ createdAt: ago(MIN) }), want: end('error', 'Pod pending timeout.', true) },
    { name: 'the pending timeout counts from scheduling when the executor reports it', run: pendingRun({ createdAt: ago(20 * MIN), scheduledAt: ago(2 * MIN) }),
      want: { kind: 'requeue-after', ms: 8 * MIN, why: 'pending deadline' } },
    { name: 'pending timeout falls back to pendingTime without executor times', pj: job('pending', {}, { pendingTime: ago(12 * MIN) }),
      run: { phase: 'pending' }, want: end('error', 'Pod pending timeout.', true) },
    { name: 'running within the running timeout: look again at the deadline', run: running(),
      want: { kind: 'requeue-after', ms: 47 * HOUR, why: 'running deadline' } },
    { name: 'running with a changed job URL: the URL is written', pj: job('pending', {}, { url: 'https://old.example/' }), run: running(),
      want: { kind: 'requeue-after', ms: 47 * HOUR, why: 'running deadline', url: 'https://prow.example/boop/41' } },
    { name: 'running past plank.pod_running_timeout: aborted, run stopped', run: running({ startedAt: ago(49 * HOUR) }),
      want: end('aborted', 'Pod running timeout.', true) },
    { name: 'decoration_config.pod_running_timeout overrides plank\'s', pj: job('pending', { decoration_config: { pod_running_timeout: '30m' } }),
      run: running(), want: end('aborted', 'Pod running timeout.', true) },
    { name: 'running timeout from pendingTime when the run has no start time', pj: job('pending', {}, { pendingTime: ago(2 * HOUR) }),
      run: { phase: 'running' }, plank: { pod_running_timeout: '1h' }, want: end('aborted', 'Pod running timeout.', true) },
    { name: 'OOM-killed while running: error', run: running({ stopCause: 'oom' }), want: end('error', 'Job pod was OOM killed by the cluster.') },
    { name: 'OOM-killed and already failed: just a failure', run: { phase: 'failed', stopCause: 'oom' }, want: end('failure', 'Job failed.') },
    { name: 'evicted with error_on_eviction: error', pj: job('pending', { error_on_eviction: true }), run: { phase: 'failed', stopCause: 'evicted' },
      want: end('error', 'Job pod was evicted by the cluster.') },
    { name: 'evicted: remove the run and count a revival (the next pass restarts it)', run: { phase: 'failed', stopCause: 'evicted' },
      want: { kind: 'revive', cause: 'evicted', revivals: 1 } },
    { name: 'evicted again: the revival count goes on', pj: job('pending', {}, { pod_revival_count: 2 }), run: { phase: 'failed', stopCause: 'evicted' },
      want: { kind: 'revive', cause: 'evicted', revivals: 3 } },
    { name: 'evicted at max_revivals: error instead of another revival', pj: job('pending', {}, { pod_revival_count: 3 }),
      run: { phase: 'failed', stopCause: 'evicted' }, want: end('error', 'Job pod reached max revivals (3) after being stopped unexpectedly (evicted)') },
    { name: 'node lost: revival', run: running({ stopCause: 'node-lost' }), want: { kind: 'revive', cause: 'node-lost', revivals: 1 } },
    { name: 'node lost at plank.max_revivals: error, cause named as upstream', pj: job('pending', {}, { pod_revival_count: 1 }),
      run: running({ stopCause: 'node-lost' }), plank: { max_revivals: 1 }, want: end('error', 'Job pod reached max revivals (1) after being stopped unexpectedly (unreachable)') },
    { name: 'max_revivals 0: the first eviction is an error', run: { phase: 'pending', stopCause: 'evicted' }, plank: { max_revivals: 0 },
      want: end('error', 'Job pod reached max revivals (0) after being stopped unexpectedly (evicted)') },
    { name: 'deleted while running: error', run: running({ stopCause: 'deleted' }), want: end('error', 'Pod got deleted unexpectedly') },
    { name: 'deleted while pending: error', run: pendingRun({ stopCause: 'deleted' }), want: end('error', 'Pod got deleted unexpectedly') },
    { name: 'deleted after the pending deadline: the timeout wins', run: pendingRun({ stopCause: 'deleted', createdAt: ago(11 * MIN) }),
      want: end('error', 'Pod pending timeout.', true) },
    { name: 'deleted after it succeeded: success', run: { phase: 'succeeded', stopCause: 'deleted' }, want: end('success', 'Job succeeded.') },
    // Pods (the kubernetes executor): upstream's scheduling rules.
    { name: 'unscheduled within pod_unscheduled_timeout: look again at that deadline', run: pendingRun({ unscheduled: true, createdAt: ago(MIN) }),
      plank: { pod_unscheduled_timeout: '5m' }, want: { kind: 'requeue-after', ms: 4 * MIN, why: 'unscheduled deadline' } },
    { name: 'unscheduled past pod_unscheduled_timeout: error, pod deleted', run: pendingRun({ unscheduled: true, createdAt: ago(6 * MIN) }),
      plank: { pod_unscheduled_timeout: '5m' }, want: end('error', 'Pod scheduling timeout.', true) },
    { name: 'unscheduled: the pending timeout does not apply yet', run: pendingRun({ unscheduled: true, createdAt: ago(11 * MIN) }),
      plank: { pod_unscheduled_timeout: '1h' }, want: { kind: 'requeue-after', ms: 49 * MIN, why: 'unscheduled deadline' } },
    { name: 'decoration_config.pod_unscheduled_timeout overrides plank\'s', pj: job('pending', { decoration_config: { pod_unscheduled_timeout: '30s' } }),
      run: pendingRun({ unscheduled: true, createdAt: ago(MIN) }), want: end('error', 'Pod scheduling timeout.', true) },
    { name: 'unscheduled and deleted: error', run: pendingRun({ unscheduled: true, stopCause: 'deleted' }), want: end('error', 'Pod got deleted unexpectedly') },
    { name: 'pod phase Unknown: revival', run: { phase: 'unknown', stopCause: 'unknown' }, want: { kind: 'revive', cause: 'unknown', revivals: 1 } },
    { name: 'pod phase Unknown at max_revivals: error naming the cause as upstream', pj: job('pending', {}, { pod_revival_count: 3 }),
      run: { phase: 'unknown', stopCause: 'unknown' }, want: end('error', 'Job pod reached max revivals (3) after being stopped unexpectedly (unknown)') },
    { name: 'node lost with error_on_eviction: still revived (only eviction errors)', pj: job('pending', { error_on_eviction: true }),
      run: running({ stopCause: 'node-lost' }), want: { kind: 'revive', cause: 'node-lost', revivals: 1 } },
    { name: 'succeeded but a container did not finish: error', run: { phase: 'succeeded', unfinished: true },
      want: end('error', "Pod was in succeeded phase but some containers didn't finish") },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(decidePending(c.pj ?? job('pending'), c.run, ctx(c.plank)), c.want);
    });
  }
});

describe('decideAborted (TestSyncAbortedJob)', () => {
  const cases: Array<{ name: string; pj: ProwJob; want: Decision }> = [
    { name: 'an abort request: stop the run, complete the job', pj: job('aborted'), want: { kind: 'abort-run' } },
    { name: 'an abort already completed: nothing', pj: job('aborted', {}, { completionTime: ago(MIN) }), want: { kind: 'none' } },
    { name: 'not aborted: nothing', pj: job('pending'), want: { kind: 'none' } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(decideAborted(c.pj), c.want));
});

describe('olderDuplicates (TestTerminateDupes)', () => {
  const dupe = (name: string, startMinAgo: number, state: ProwJobStatus['state'] = 'pending', completion?: string): ProwJob => {
    const pj = job(state, { type: 'presubmit' }, { startTime: ago(startMinAgo * MIN), ...(completion ? { completionTime: completion } : {}) });
    pj.metadata.name = name;
    return pj;
  };
  const cases: Array<{ name: string; group: ProwJob[]; want: string[] }> = [
    { name: 'one job: nothing to abort', group: [dupe('a', 3)], want: [] },
    { name: 'the older of two is aborted', group: [dupe('old', 5), dupe('new', 1, 'triggered')], want: ['old'] },
    { name: 'all but the newest of three', group: [dupe('b', 4), dupe('c', 1), dupe('a', 9, 'triggered')], want: ['b', 'a'] },
    { name: 'complete and already aborted jobs take no part', group: [dupe('done', 9, 'success', ago(MIN)), dupe('gone', 8, 'aborted'), dupe('live', 1)], want: [] },
    { name: 'a complete newer job does not supersede a live one', group: [dupe('live', 9), dupe('newer-done', 1, 'failure', ago(MIN))], want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(olderDuplicates(c.group).map((p) => p.metadata.name), c.want));
  }
});

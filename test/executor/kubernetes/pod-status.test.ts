// How a pod reads to plank (upstream pkg/plank/reconciler.go getPodUnexpectedStopCause, didPodSucceed,
// getPodBuildID and the phase switch of syncPendingJob): one pod in, the ExecutorStatus out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutorStatus } from '../../../src/executor/types.js';
import { podToStatus, type PodLike } from '../../../src/executor/kubernetes/pod-status.js';

const created = '2026-03-01T11:00:00Z';
const started = '2026-03-01T11:01:00Z';
const done = (exitCode: number, reason?: string) => ({ terminated: { exitCode, finishedAt: '2026-03-01T11:05:00Z', ...(reason ? { reason } : {}) } });

function pod(status: NonNullable<PodLike['status']>, meta: Partial<NonNullable<PodLike['metadata']>> = {}): PodLike {
  return {
    metadata: { name: 'pj-1', labels: { 'prow.k8s.io/build-id': '7', 'prow.k8s.io/id': 'pj-1' }, creationTimestamp: created, ...meta },
    spec: { containers: [{ name: 'test' }] },
    status,
  };
}

const base = { externalId: 'pj-1', createdAt: created, buildId: '7' };

describe('podToStatus', () => {
  const cases: Array<{ name: string; pod: PodLike; deletedByUs?: boolean; want: ExecutorStatus }> = [
    { name: 'created, not yet placed: pending and unscheduled', pod: pod({ phase: 'Pending' }), want: { ...base, phase: 'pending', unscheduled: true } },
    { name: 'placed (startTime set): pending, scheduled at startTime', pod: pod({ phase: 'Pending', startTime: started }),
      want: { ...base, phase: 'pending', scheduledAt: started, startedAt: started } },
    { name: 'running', pod: pod({ phase: 'Running', startTime: started }), want: { ...base, phase: 'running', scheduledAt: started, startedAt: started } },
    { name: 'succeeded with every container done: succeeded', pod: pod({ phase: 'Succeeded', startTime: started, containerStatuses: [{ name: 'test', state: done(0) }] }),
      want: { ...base, phase: 'succeeded', scheduledAt: started, startedAt: started, finishedAt: '2026-03-01T11:05:00Z', exitCode: 0 } },
    { name: 'succeeded but a container never terminated: unfinished', pod: pod({ phase: 'Succeeded', startTime: started, containerStatuses: [{ name: 'test', state: {} }] }),
      want: { ...base, phase: 'succeeded', scheduledAt: started, startedAt: started, unfinished: true } },
    { name: 'failed with the test exit code', pod: pod({ phase: 'Failed', startTime: started, containerStatuses: [{ name: 'test', state: done(3) }] }),
      want: { ...base, phase: 'failed', scheduledAt: started, startedAt: started, finishedAt: '2026-03-01T11:05:00Z', exitCode: 3 } },
    { name: 'evicted (status.reason Evicted) in any phase', pod: pod({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' }),
      want: { ...base, phase: 'failed', reason: 'Evicted: low on memory', stopCause: 'evicted' } },
    { name: 'node lost: NodeLost and being deleted', pod: pod({ phase: 'Running', reason: 'NodeLost', startTime: started }, { deletionTimestamp: '2026-03-01T11:06:00Z' }),
      want: { ...base, phase: 'running', reason: 'NodeLost', scheduledAt: started, startedAt: started, stopCause: 'node-lost' } },
    { name: 'OOM-killed container while running', pod: pod({ phase: 'Running', startTime: started, containerStatuses: [{ name: 'test', state: done(137, 'OOMKilled') }] }),
      want: { ...base, phase: 'running', scheduledAt: started, startedAt: started, exitCode: 137, stopCause: 'oom' } },
    { name: 'OOM-killed init container while running', pod: pod({ phase: 'Running', startTime: started, initContainerStatuses: [{ name: 'clonerefs', state: done(137, 'OOMKilled') }] }),
      want: { ...base, phase: 'running', scheduledAt: started, startedAt: started, stopCause: 'oom' } },
    { name: 'phase Unknown: the unknown stop cause', pod: pod({ phase: 'Unknown', startTime: started }),
      want: { ...base, phase: 'unknown', scheduledAt: started, startedAt: started, stopCause: 'unknown' } },
    { name: 'being deleted by someone else: deleted', pod: pod({ phase: 'Running', startTime: started }, { deletionTimestamp: '2026-03-01T11:06:00Z' }),
      want: { ...base, phase: 'running', scheduledAt: started, startedAt: started, stopCause: 'deleted' } },
    { name: 'being deleted by us: no stop cause', deletedByUs: true, pod: pod({ phase: 'Running', startTime: started }, { deletionTimestamp: '2026-03-01T11:06:00Z' }),
      want: { ...base, phase: 'running', scheduledAt: started, startedAt: started } },
    { name: 'client-node Date objects read like the JSON strings', pod: pod({ phase: 'Running', startTime: new Date(started) }, { creationTimestamp: new Date(created) }),
      want: { ...base, phase: 'running', scheduledAt: started, startedAt: started } },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(podToStatus(c.pod, { deletedByUs: c.deletedByUs ?? false }), c.want));
  }

  it('takes the build id from BUILD_ID of the first container when the label is missing (older pods)', () => {
    const p: PodLike = { metadata: { name: 'x' }, spec: { containers: [{ name: 'test', env: [{ name: 'BUILD_ID', value: '99' }] }] }, status: { phase: 'Running' } };
    assert.equal(podToStatus(p).buildId, '99');
  });
});

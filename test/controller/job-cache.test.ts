import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProwJob, ProwJobSpec, ProwJobStatus } from '../../src/api/prowjob.js';
import { duplicateKey } from '../../src/api/duplicate-key.js';
import { createJobCache } from '../../src/controller/job-cache.js';

function pj(name: string, rv: string, spec: Partial<ProwJobSpec> = {}, status: Partial<ProwJobStatus> = {}): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name, resourceVersion: rv },
    spec: { type: 'presubmit', job: 'pull-x', agent: 'kubernetes', refs: { org: 'o', repo: 'r', base_ref: 'main', pulls: [{ number: 1, author: 'u', sha: 's' }] }, ...spec },
    status: { startTime: '2026-01-01T00:00:00Z', state: 'triggered', ...status },
  };
}
const names = (list: ProwJob[]): string[] => list.map((p) => p.metadata.name).sort();

describe('job cache', () => {
  it('indexes live jobs by job, queue and duplicate key', () => {
    const cache = createJobCache();
    cache.apply({ type: 'added', prowjob: pj('a', '1', { job_queue_name: 'q' }) });
    cache.apply({ type: 'added', prowjob: pj('b', '2', { job: 'other', job_queue_name: 'q' }) });
    cache.apply({ type: 'added', prowjob: pj('c', '3', { type: 'periodic', refs: undefined }) });
    assert.deepEqual(names(cache.byIndex('job', 'pull-x')), ['a', 'c']);
    assert.deepEqual(names(cache.byIndex('queue', 'q')), ['a', 'b']);
    assert.deepEqual(names(cache.byIndex('duplicate', duplicateKey(pj('x', '0')))), ['a'], 'only presubmits take part in duplicates');
    assert.deepEqual(names(cache.list()), ['a', 'b', 'c']);
  });

  it('drops complete and deleted jobs from every index', () => {
    const cache = createJobCache();
    cache.apply({ type: 'added', prowjob: pj('a', '1', { job_queue_name: 'q' }) });
    cache.apply({ type: 'modified', prowjob: pj('a', '2', { job_queue_name: 'q' }, { state: 'success', completionTime: '2026-01-01T00:01:00Z' }) });
    assert.equal(cache.get('a'), undefined);
    assert.deepEqual(cache.byIndex('queue', 'q'), []);
    cache.apply({ type: 'added', prowjob: pj('b', '3') });
    cache.apply({ type: 'deleted', prowjob: pj('b', '3') });
    assert.deepEqual(cache.list(), []);
  });

  it('ignores the echo of a version it has and anything older (our write before its watch event)', () => {
    const cache = createJobCache();
    assert.equal(cache.apply({ type: 'modified', prowjob: pj('a', '5', {}, { state: 'pending' }) }), true);
    assert.equal(cache.apply({ type: 'modified', prowjob: pj('a', '5', {}, { state: 'pending' }) }), false);
    assert.equal(cache.apply({ type: 'modified', prowjob: pj('a', '4') }), false);
    assert.equal(cache.get('a')?.status.state, 'pending');
    assert.equal(cache.apply({ type: 'modified', prowjob: pj('a', '6', {}, { state: 'aborted' }) }), true);
    assert.equal(cache.get('a')?.status.state, 'aborted');
  });
});

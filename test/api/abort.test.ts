import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requestAbort } from '../../src/api/abort.js';
import type { ProwJob, ProwJobState } from '../../src/api/prowjob.js';
import { duplicateKey } from '../../src/api/duplicate-key.js';

function pj(state: ProwJobState, extra: Partial<ProwJob['status']> = {}): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: 'a', resourceVersion: '7' },
    spec: { type: 'presubmit', job: 'pull-x', agent: 'kubernetes' },
    status: { startTime: '2026-01-01T00:00:00Z', state, description: 'Job triggered.', ...extra },
  };
}

describe('requestAbort', () => {
  const cases: Array<{ name: string; state: ProwJobState; extra?: Partial<ProwJob['status']>; why: Parameters<typeof requestAbort>[1]; want?: Partial<ProwJob['status']> }> = [
    { name: 'deck: a pending job gets state aborted and who aborted it', state: 'pending', why: { description: 'alice successfully aborted a.' },
      want: { state: 'aborted', description: 'alice successfully aborted a.' } },
    { name: 'trigger: a triggered job gets the trigger plugin description', state: 'triggered', why: { description: 'Aborted by trigger plugin.' },
      want: { state: 'aborted', description: 'Aborted by trigger plugin.' } },
    { name: 'a scheduling job can be aborted too', state: 'scheduling', why: { description: 'x' }, want: { state: 'aborted', description: 'x' } },
    { name: 'plank duplicate: description kept, the GitHub reporter silenced, other reporters kept', state: 'pending',
      extra: { prev_report_states: { 'gcs-reporter': 'pending' } }, why: { silence: ['github-reporter'] },
      want: { state: 'aborted', description: 'Job triggered.', prev_report_states: { 'gcs-reporter': 'pending', 'github-reporter': 'aborted' } } },
    { name: 'an aborted job: nothing to write', state: 'aborted', why: { description: 'x' } },
    { name: 'a complete job: nothing to write', state: 'success', extra: { completionTime: '2026-01-01T00:01:00Z' }, why: { description: 'x' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = pj(c.state, c.extra);
      const snapshot = structuredClone(before);
      const got = requestAbort(before, c.why);
      assert.deepEqual(before, snapshot, 'the input is not changed');
      if (!c.want) {
        assert.equal(got, undefined);
        return;
      }
      assert.ok(got);
      assert.equal(got.metadata.resourceVersion, '7', 'the copy keeps the resourceVersion it was read at');
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got.status[k as keyof ProwJob['status']], v, k);
      assert.equal(got.status.completionTime, undefined, 'only the controller completes an abort');
    });
  }
});

describe('duplicateKey', () => {
  const refs = (pulls: number[], sha: string, base = 'main') => ({ org: 'o', repo: 'r', base_ref: base, base_sha: 'b', pulls: pulls.map((number) => ({ number, author: 'u', sha })) });
  const key = (r: ReturnType<typeof refs>, job = 'pull-x') => duplicateKey({ ...pj('pending'), spec: { type: 'presubmit', job, refs: r } });
  it('ignores SHAs and the order of PR numbers', () => {
    assert.equal(key(refs([7, 3], 's1')), key(refs([3, 7], 's2')));
    assert.equal(key(refs([7], 's1')), 'o/r@main [7],presubmit,pull-x');
  });
  it('differs by PR, base branch and job', () => {
    assert.notEqual(key(refs([7], 's')), key(refs([8], 's')));
    assert.notEqual(key(refs([7], 's')), key(refs([7], 's', 'dev')));
    assert.notEqual(key(refs([7], 's')), key(refs([7], 's'), 'pull-y'));
  });
});

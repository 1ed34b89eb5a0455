import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProwJob, ProwJobState } from '../../src/api/prowjob.js';
import { createControllerMetrics } from '../../src/controller/metrics.js';

function pj(name: string, state: ProwJobState, buildId = '1'): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name, labels: { 'prow.k8s.io/retest': 'true' } },
    spec: { type: 'presubmit', job: 'pull-a', cluster: 'default', refs: { org: 'o', repo: 'r', base_ref: 'main', pulls: [{ number: 1, author: 'u', sha: 's' }] } },
    status: { startTime: '', state, build_id: buildId },
  };
}

describe('controller metrics', () => {
  it('gauges jobs by state and counts transitions between snapshots', async () => {
    const m = createControllerMetrics();
    m.gather([pj('a', 'pending', '1'), pj('b', 'pending', '2')]);
    m.gather([pj('a', 'success', '1'), pj('b', 'pending', '2')]);
    m.gather([pj('a', 'success', '1'), pj('b', 'pending', '2')]);
    const text = await m.registry.metrics();
    const line = (name: string, state: string) => text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`state="${state}"`));
    assert.equal(line('prowjobs', 'pending'), 'prowjobs{job_namespace="",job_name="pull-a",type="presubmit",state="pending",org="o",repo="r",base_ref="main",cluster="default",retest="true"} 1');
    assert.match(line('prowjobs', 'success') ?? '', / 1$/);
    assert.match(line('prowjob_state_transitions', 'pending') ?? '', / 2$/); // a and b seen pending once each
    assert.match(line('prowjob_state_transitions', 'success') ?? '', / 1$/); // a moved once; the third gather adds nothing
  });
});

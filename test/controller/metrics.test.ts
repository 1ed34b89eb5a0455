import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob, ProwJobState } from '../../src/api/prowjob.js';
import { createControllerMetrics, startMetricsGathering } from '../../src/controller/metrics.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { createProwJobInformer } from '../../src/store/informer.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';

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
    await m.gather([pj('a', 'pending', '1'), pj('b', 'pending', '2')]);
    await m.gather([pj('a', 'success', '1'), pj('b', 'pending', '2')]);
    await m.gather([pj('a', 'success', '1'), pj('b', 'pending', '2')]);
    const text = await m.registry.metrics();
    const line = (name: string, state: string) => text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`state="${state}"`));
    assert.equal(line('prowjobs', 'pending'), 'prowjobs{job_namespace="",job_name="pull-a",type="presubmit",state="pending",org="o",repo="r",base_ref="main",cluster="default",retest="true"} 1');
    assert.match(line('prowjobs', 'success') ?? '', / 1$/);
    assert.match(line('prowjob_state_transitions', 'pending') ?? '', / 2$/); // a and b seen pending once each
    assert.match(line('prowjob_state_transitions', 'success') ?? '', / 1$/); // a moved once; the third gather adds nothing
  });

  it('gathers from an informer: at once, then every interval, following the store', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-metrics-'));
    const store = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 10 });
    const informer = createProwJobInformer(store, { log: createSilentLogger() });
    const m = createControllerMetrics();
    let stop = (): void => undefined;
    t.after(async () => {
      stop();
      informer.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await store.createProwJob(pj('a', 'pending', '1'));
    await informer.start();
    stop = startMetricsGathering(m, informer, { intervalMs: 10, log: createSilentLogger() });
    const gauge = async (state: string): Promise<string | undefined> =>
      (await m.registry.metrics()).split('\n').find((l) => l.startsWith('prowjobs{') && l.includes(`state="${state}"`));
    const until = async (state: string): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!(await gauge(state)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    await until('pending');
    assert.match((await gauge('pending')) ?? '', / 1$/);
    const a = (await store.getProwJob('a'))!;
    a.status.state = 'success';
    await store.updateProwJob(a);
    await until('success');
    assert.match((await gauge('success')) ?? '', / 1$/);
    assert.equal(await gauge('pending'), undefined);
  });
});

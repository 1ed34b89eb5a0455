// The pod executor under the real controller against the API fake with its kubelet simulation: pods
// really run (containers as local processes, the image ignored). A pod's exit decides the job, the live
// log is followed from the pod log API, a pod deleted behind the controller's back errors the job, an
// OOM kill errors it, and a lost node's pod is revived with a new build.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requestAbort } from '../../../src/api/abort.js';
import type { ProwJob } from '../../../src/api/prowjob.js';
import type { Plank } from '../../../src/config/types.js';
import { createStoreBuildIdSource } from '../../../src/controller/build-id.js';
import { createController, type Controller } from '../../../src/controller/plank.js';
import { createKubernetesExecutor } from '../../../src/executor/kubernetes/executor.js';
import type { Executor } from '../../../src/executor/types.js';
import { kubeConfigFromString } from '../../../src/kube/client/kubeconfig.js';
import { startKubeApiFake, type KubeApiFake } from '../../../src/kube/fake/server.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { retryOnConflict } from '../../../src/store/retry-on-conflict.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/store.js';
import { waitFor } from '../../support/wait.js';

const log = createSilentLogger();
const NS = 'default';
const plank = {
  job_url_template: '', max_concurrency: 0, max_goroutines: 20, pod_pending_timeout: '10m',
  pod_running_timeout: '48h', pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
} satisfies Plank;

let seq = 0;
function job(script: string): ProwJob {
  seq += 1;
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `44444444-0000-4000-8000-${String(seq).padStart(12, '0')}` },
    spec: { type: 'periodic', job: 'kubelet-e2e', agent: 'kubernetes', pod_spec: { containers: [{ image: 'alpine', command: ['sh', '-c', script] }] } },
    status: { startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), state: 'triggered' },
  };
}

describe('the kubernetes executor with the kubelet simulation', () => {
  let dir: string;
  let store: SqliteStore;
  let fake: KubeApiFake;
  let executor: Executor;
  let controller: Controller;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kexec-kubelet-'));
    store = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 20 });
    fake = await startKubeApiFake({ kubelet: { backoffMs: 100 } });
    executor = createKubernetesExecutor({ clusters: new Map([['default', kubeConfigFromString(fake.kubeconfig())]]), podNamespace: () => NS, log });
    controller = createController({
      store, executors: new Map([['kubernetes', executor]]), config: () => ({ plank }), log, buildIdSource: createStoreBuildIdSource(store),
    });
    await controller.start();
  });
  after(async () => {
    await controller.stop();
    await executor.close();
    await fake.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (name: string): Promise<ProwJob> => (await store.getProwJob(name))!;
  const until = <T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> =>
    waitFor(async () => (await check()) ?? undefined, { timeoutMs: ms, intervalMs: 25, message: what });
  const completed = (name: string): Promise<ProwJob> => until(`${name} complete`, async () => { const p = await get(name); return p.status.completionTime ? p : undefined; });
  const running = (name: string): Promise<ProwJob> => until(`${name} running`, async () => {
    const p = await get(name);
    return p.status.state === 'pending' && (await executor.status(p)).phase === 'running' ? p : undefined;
  });

  it('a pod whose command exits 0 succeeds the job; one that exits 3 fails it', async () => {
    const ok = job('echo hello from the pod');
    const bad = job('echo about to fail; exit 3');
    await store.createProwJob(ok);
    await store.createProwJob(bad);
    const done = await completed(ok.metadata.name);
    assert.equal(done.status.state, 'success', done.status.description);
    const failed = await completed(bad.metadata.name);
    assert.equal(failed.status.state, 'failure', failed.status.description);
    assert.equal(failed.status.description, 'Job failed.');
  });

  it("follows a running pod's log through the pod log API (follow=true)", async () => {
    const pj = job('echo first; sleep 1; echo second; sleep 60');
    await store.createProwJob(pj);
    const current = await running(pj.metadata.name);
    const text = await until('both lines in the live log', async () => {
      const s = (await executor.logs.read(await get(pj.metadata.name)))?.toString() ?? '';
      return s.includes('second') ? s : undefined;
    });
    assert.equal(text, 'first\nsecond\n');
    assert.equal(await executor.logs.size(current), Buffer.byteLength('first\nsecond\n'));
    assert.deepEqual((await executor.logs.read(current, { start: 6 }))?.toString(), 'second\n');
    await retryOnConflict(store, pj.metadata.name, (p) => requestAbort(p, {}));
    assert.equal((await completed(pj.metadata.name)).status.state, 'aborted');
    // The fake records a request when it ends: the follow ends with the aborted pod.
    const follows = await until('the log request recorded', () => {
      const found = fake.requests().filter((r) => r.resource === 'pods' && r.subresource === 'log' && r.name === pj.metadata.name);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(follows.length, 1, 'every read shares one stream');
    assert.equal(follows[0]!.query['follow'], 'true');
    assert.equal(follows[0]!.query['container'], 'test');
  });

  it('a pod deleted behind the controller\'s back errors the job', async () => {
    const pj = job('sleep 60');
    await store.createProwJob(pj);
    await running(pj.metadata.name);
    const res = await fetch(`${fake.url}/api/v1/namespaces/${NS}/pods/${pj.metadata.name}`, { method: 'DELETE' });
    assert.ok(res.status === 200 || res.status === 202, `DELETE answered ${res.status}`);
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'error');
    assert.equal(done.status.description, 'Pod got deleted unexpectedly');
  });

  it('a container OOM-killed while its pod runs on errors the job', async () => {
    // As a decorated pod's sidecar does, a second container keeps the pod Running after the test container dies
    // (a pod whose only container is OOM-killed is Failed, and the job just fails, as upstream).
    const pj = job('sleep 60');
    pj.spec.pod_spec = { containers: [
      { name: 'test', image: 'alpine', command: ['sleep', '60'] },
      { name: 'sidecar', image: 'alpine', command: ['sleep', '60'] },
    ] };
    await store.createProwJob(pj);
    await running(pj.metadata.name);
    await fake.kubelet!.oomKill(NS, pj.metadata.name, 'test');
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'error');
    assert.equal(done.status.description, 'Job pod was OOM killed by the cluster.');
  });

  it("a lost node's pod is revived: a new pod, a new build, and the job still ends", async () => {
    const pj = job('sleep 2; echo done');
    await store.createProwJob(pj);
    const before = await running(pj.metadata.name);
    await fake.kubelet!.loseNode({ recoverAfterMs: 200 });
    const revived = await until('revived', async () => {
      const p = await get(pj.metadata.name);
      return p.status.pod_revival_count === 1 && p.status.build_id !== before.status.build_id ? p : undefined;
    });
    assert.equal(revived.status.state, 'pending');
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'success', done.status.description);
    assert.equal(done.status.pod_revival_count, 1);
  });
});

// The pod executor under the real controller against the Kubernetes API fake (real HTTP, real watch,
// pods validated against Kubernetes' schemas). Pod phases are written through the fake's API as a
// kubelet would write them: a pod that no node takes times out, eviction is revived up to
// max_revivals, Succeeded/Failed end the job, an abort deletes the pod, and syncs cost no pod GETs.
// executor-kubelet.test.ts runs pods for real with the kubelet simulation.
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
const NS = 'test-pods';
const basePlank = {
  job_url_template: 'https://prow.example/view/{{.Status.BuildID}}', max_concurrency: 0, max_goroutines: 20, pod_pending_timeout: '10m',
  pod_running_timeout: '48h', pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
} satisfies Plank;

let seq = 0;
function job(extra: { cluster?: string } = {}): ProwJob {
  seq += 1;
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `22222222-0000-4000-8000-${String(seq).padStart(12, '0')}`, labels: { team: 'infra' } },
    spec: {
      type: 'periodic', job: 'pod-e2e', agent: 'kubernetes', ...(extra.cluster ? { cluster: extra.cluster } : {}),
      pod_spec: { containers: [{ image: 'alpine', command: ['sh', '-c', 'echo hi'] }] },
    },
    status: { startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), state: 'triggered' },
  };
}

type Pod = { metadata: { name: string; labels: Record<string, string>; resourceVersion: string }; spec: Record<string, unknown>; status?: Record<string, unknown> };

describe('the kubernetes executor under plank, against the API fake', () => {
  let dir: string;
  let store: SqliteStore;
  let fake: KubeApiFake;
  let executor: Executor;
  let controller: Controller;
  let plank: Plank = basePlank;

  const pods = () => fake.api.type('', 'pods');
  const getPod = (name: string): Pod | undefined => {
    try {
      return fake.api.get(pods(), 'v1', NS, name) as unknown as Pod;
    } catch {
      return undefined;
    }
  };
  /** What a kubelet writes to pods/status. */
  const setPodStatus = async (name: string, status: Record<string, unknown>): Promise<void> => {
    const pod = getPod(name)!;
    await fake.api.update(pods(), 'v1', NS, name, { ...pod, status }, { subresource: 'status' });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kexec-'));
    store = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 20 });
    fake = await startKubeApiFake();
    const res = await fetch(`${fake.url}/api/v1/namespaces`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }),
    });
    assert.equal(res.status, 201);
    const kc = kubeConfigFromString(fake.kubeconfig());
    executor = createKubernetesExecutor({ clusters: new Map([['default', kc]]), podNamespace: () => NS, log, plankVersion: 'v0.1.0' });
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
  const until = <T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> =>
    waitFor(async () => (await check()) ?? undefined, { timeoutMs: ms, intervalMs: 20, message: what });
  const completed = (name: string): Promise<ProwJob> => until(`${name} complete`, async () => { const p = await get(name); return p.status.completionTime ? p : undefined; });
  const podOf = (name: string, buildId?: string): Promise<Pod> =>
    until(`pod ${name}${buildId ? ` of build ${buildId}` : ''}`, () => { const p = getPod(name); return p && (!buildId || p.metadata.labels['prow.k8s.io/build-id'] === buildId) ? p : undefined; });

  it('creates the pod upstream would (the fake validates it), then follows its phases to success', async () => {
    const pj = job();
    await store.createProwJob(pj);
    const pending = await until('pending', async () => { const p = await get(pj.metadata.name); return p.status.state === 'pending' ? p : undefined; });
    assert.equal(pending.status.pod_name, pj.metadata.name);
    assert.match(pending.status.build_id ?? '', /^\d+$/);
    assert.equal(pending.status.url, `https://prow.example/view/${pending.status.build_id}`);
    const pod = await podOf(pj.metadata.name);
    assert.deepEqual(pod.metadata.labels, {
      'created-by-prow': 'true', 'prow.k8s.io/build-id': pending.status.build_id, 'prow.k8s.io/context': '', 'prow.k8s.io/id': pj.metadata.name,
      'prow.k8s.io/job': 'pod-e2e', 'prow.k8s.io/plank-version': 'v0.1.0', 'prow.k8s.io/type': 'periodic', team: 'infra',
    });
    assert.equal(pod.spec['restartPolicy'], 'Never');
    assert.equal(pod.spec['automountServiceAccountToken'], false);
    await setPodStatus(pj.metadata.name, { phase: 'Running', startTime: new Date().toISOString() });
    assert.equal((await executor.status(pending)).phase === 'running' || (await until('running', async () => (await executor.status(pending)).phase === 'running' || undefined)), true);
    const finished = new Date().toISOString();
    await setPodStatus(pj.metadata.name, {
      phase: 'Succeeded', startTime: finished,
      containerStatuses: [{ name: 'test', ready: false, restartCount: 0, image: 'alpine', imageID: '', state: { terminated: { exitCode: 0, finishedAt: finished, reason: 'Completed' } } }],
    });
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'success', done.status.description);
    assert.equal(done.status.description, 'Job succeeded.');
  });

  it('a Failed pod fails the job', async () => {
    const pj = job();
    await store.createProwJob(pj);
    await podOf(pj.metadata.name);
    await setPodStatus(pj.metadata.name, { phase: 'Failed', startTime: new Date().toISOString() });
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'failure');
    assert.equal(done.status.description, 'Job failed.');
  });

  it('an evicted pod is deleted and started again with a new build id until max_revivals, then the job errors', async () => {
    plank = { ...basePlank, max_revivals: 2 };
    try {
      const pj = job();
      await store.createProwJob(pj);
      let build = (await until('pending', async () => { const p = await get(pj.metadata.name); return p.status.state === 'pending' ? p : undefined; })).status.build_id!;
      for (let revival = 1; revival <= 2; revival++) {
        await podOf(pj.metadata.name, build);
        await setPodStatus(pj.metadata.name, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
        const revived = await until(`revival ${revival}`, async () => {
          const p = await get(pj.metadata.name);
          return (p.status.pod_revival_count ?? 0) === revival && p.status.build_id !== build ? p : undefined;
        });
        assert.equal(revived.status.state, 'pending');
        build = revived.status.build_id!;
      }
      await podOf(pj.metadata.name, build);
      await setPodStatus(pj.metadata.name, { phase: 'Failed', reason: 'Evicted' });
      const done = await completed(pj.metadata.name);
      assert.equal(done.status.state, 'error');
      assert.equal(done.status.description, 'Job pod reached max revivals (2) after being stopped unexpectedly (evicted)');
      assert.equal(done.status.pod_revival_count, 2);
    } finally {
      plank = basePlank;
    }
  });

  it('a pod no node takes errors the job after pod_unscheduled_timeout, and is deleted', async () => {
    plank = { ...basePlank, pod_unscheduled_timeout: '1s' };
    try {
      const pj = job();
      await store.createProwJob(pj);
      await podOf(pj.metadata.name);
      const done = await completed(pj.metadata.name);
      assert.equal(done.status.state, 'error');
      assert.equal(done.status.description, 'Pod scheduling timeout.');
      await until('pod deleted', () => (getPod(pj.metadata.name) === undefined ? true : undefined));
    } finally {
      plank = basePlank;
    }
  });

  it('an abort deletes the pod and completes the job', async () => {
    const pj = job();
    await store.createProwJob(pj);
    await podOf(pj.metadata.name);
    await retryOnConflict(store, pj.metadata.name, (p) => requestAbort(p, {}));
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'aborted');
    await until('pod deleted', () => (getPod(pj.metadata.name) === undefined ? true : undefined));
  });

  it('a job naming an unknown build cluster ends in error, in upstream\'s words', async () => {
    const pj = job({ cluster: 'nope' });
    await store.createProwJob(pj);
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'error');
    assert.equal(done.status.description, 'Terminal error: no build client found for cluster "nope".');
  });

  it('lists its pods as runs, with their ProwJob and cluster, for sinker', async () => {
    const runs = await executor.listRuns();
    assert.ok(runs.length > 0);
    for (const r of runs) {
      assert.equal(r.cluster, 'default');
      assert.match(r.name, /^22222222-/);
    }
  });

  it('reads pods from its watch: syncs GET no single pod', () => {
    const gets = fake.requests().filter((r) => r.method === 'GET' && r.resource === 'pods' && r.name !== '' && r.subresource === '');
    assert.deepEqual(gets.map((r) => r.path), []);
    assert.ok(fake.requests().some((r) => r.resource === 'pods' && r.query['watch'] === 'true'), 'pods are watched');
  });
});

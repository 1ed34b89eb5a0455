// sinker in cluster mode (upstream cmd/sinker/main.go clean): the pods of complete ProwJobs after
// terminated_pod_ttl, and pods labelled created-by-prow=true whose ProwJob is gone, in every build
// cluster but sinker.exclude_clusters, through the pod executor against two Kubernetes API fakes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { loadConfig } from '../../src/config/load.js';
import { createKubernetesExecutor } from '../../src/executor/kubernetes/executor.js';
import type { Executor } from '../../src/executor/types.js';
import { kubeConfigFromString } from '../../src/kube/client/kubeconfig.js';
import { startKubeApiFake, type KubeApiFake } from '../../src/kube/fake/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { sinkerCleanupFromExecutor } from '../../src/sinker/executor-cleanup.js';
import { createSinker } from '../../src/sinker/sinker.js';
import { createProwJobInformer } from '../../src/store/informer.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';

const log = createSilentLogger();
const NS = 'test-pods';

const kubeConfigOf = (fake: KubeApiFake) => kubeConfigFromString(fake.kubeconfig());

async function post(fake: KubeApiFake, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 201, await res.text());
}

const podFor = (name: string, prowjob = name) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, labels: { 'created-by-prow': 'true', 'prow.k8s.io/id': prowjob } },
  spec: { containers: [{ name: 'test', image: 'alpine' }] },
});

const podNames = (fake: KubeApiFake): string[] =>
  (fake.api.list(fake.api.type('', 'pods'), 'v1', NS).items as { metadata: { name: string } }[]).map((p) => p.metadata.name).sort();

describe('sinker deletes pods in every build cluster', () => {
  let dir: string;
  let store: SqliteStore;
  let main: KubeApiFake;
  let second: KubeApiFake;
  let excluded: KubeApiFake;
  let executor: Executor;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sinker-pods-'));
    store = openSqliteStore(join(dir, 'prow.db'));
    [main, second, excluded] = await Promise.all([startKubeApiFake(), startKubeApiFake(), startKubeApiFake()]);
    for (const fake of [main, second, excluded]) await post(fake, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    executor = createKubernetesExecutor({
      clusters: new Map([['default', kubeConfigOf(main)], ['build-2', kubeConfigOf(second)], ['private', kubeConfigOf(excluded)]]),
      podNamespace: () => NS,
      log,
    });
  });
  after(async () => {
    await executor.close();
    await Promise.all([main.close(), second.close(), excluded.close()]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes ttled and orphaned pods, keeps running jobs\' pods, leaves excluded clusters alone', async () => {
    const now = Date.now();
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const pj = (name: string, done?: number): ProwJob => ({
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name },
      spec: { type: 'periodic', job: 'j', agent: 'kubernetes' },
      status: { startTime: iso(now - 3 * 3600_000), state: done === undefined ? 'pending' : 'success', ...(done === undefined ? {} : { completionTime: iso(done) }) },
    });
    await store.createProwJob(pj('done-long-ago', now - 2 * 3600_000));
    await store.createProwJob(pj('done-just-now', now - 60_000));
    await store.createProwJob(pj('still-running'));
    await post(main, `/api/v1/namespaces/${NS}/pods`, podFor('done-long-ago'));
    await post(main, `/api/v1/namespaces/${NS}/pods`, podFor('done-just-now'));
    await post(main, `/api/v1/namespaces/${NS}/pods`, podFor('still-running'));
    await post(main, `/api/v1/namespaces/${NS}/pods`, podFor('no-such-job'));
    await post(second, `/api/v1/namespaces/${NS}/pods`, podFor('orphan-in-build-2'));
    await post(excluded, `/api/v1/namespaces/${NS}/pods`, podFor('orphan-in-private'));

    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, JSON.stringify({ pod_namespace: NS, sinker: { terminated_pod_ttl: '1h', max_pod_age: '48h', exclude_clusters: ['private'] } }));
    const config = loadConfig({ configPath: configFile }).config;
    const informer = createProwJobInformer(store, { log });
    await informer.start();
    try {
      // Pods younger than 30 s are never orphans: sinker's clock runs a minute ahead of the fakes'.
      const sinker = createSinker({
        store, informer, config: () => config, log, executor: sinkerCleanupFromExecutor(executor), clock: { now: () => new Date(Date.now() + 60_000) },
      });
      const result = await sinker.syncOnce();
      assert.deepEqual(result.runsDeleted.ttled, ['done-long-ago']);
      assert.deepEqual(result.runsDeleted.orphaned.sort(), ['no-such-job', 'orphan-in-build-2']);
      assert.equal(result.runErrors, 0);
      assert.deepEqual(podNames(main), ['done-just-now', 'still-running']);
      assert.deepEqual(podNames(second), []);
      assert.deepEqual(podNames(excluded), ['orphan-in-private']);
    } finally {
      informer.close();
    }
  });
});

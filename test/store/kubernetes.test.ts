// The Kubernetes CRD store against the API fake: the same contract as the SQLite store, plus what only a
// Kubernetes store does (chunked lists, watches that resume, the API server's own refusals).
import { describe, it, before, after } from 'node:test';
import { kubeConfigFromString } from '../../src/kube/client/kubeconfig.js';
import assert from 'node:assert/strict';
import { startKubeApiFake } from '../kube/support/kube-cluster.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openKubernetesStore, type KubernetesProwJobStore } from '../../src/store/kubernetes/store.js';
import type { ObjectWatchEvent } from '../../src/store/types.js';
import { startKubeCluster, type KubeCluster } from '../kube/support/kube-cluster.js';
import { waitFor } from '../support/wait.js';
import { makeProwJob } from './fixtures/prowjobs.js';
import { describeProwJobStoreContract } from './prowjob-store-contract.js';

const log = createSilentLogger();

let cluster: KubeCluster;
before(async () => {
  cluster = await startKubeCluster();
});
after(async () => {
  await cluster.close();
});

function storeIn(namespace: string, options: { pageSize?: number; watchTimeoutSeconds?: number } = {}): KubernetesProwJobStore {
  return openKubernetesStore({ kubeconfig: cluster.kubeconfig(), namespace, log, ...options });
}

describeProwJobStoreContract('kubernetes', async () => {
  const namespace = await cluster.namespace('contract');
  const store = storeIn(namespace);
  return {
    store,
    namespace,
    async expireHistory() {
      cluster.fake.compact();
    },
    async openAnother() {
      return storeIn(namespace);
    },
    close: () => store.close(),
  };
});

describe('kubernetes store', () => {
  it('lists in chunks (limit/continue) as one snapshot, sorted by name', async () => {
    const namespace = await cluster.namespace('chunks');
    const store = storeIn(namespace, { pageSize: 2 });
    try {
      for (const name of ['e', 'c', 'a', 'd', 'b']) await store.createProwJob(makeProwJob(name));
      cluster.fake.clearRequests();
      const list = await store.listProwJobs();
      assert.deepEqual(list.items.map((pj) => pj.metadata.name), ['a', 'b', 'c', 'd', 'e']);
      const lists = cluster.fake.requests().filter((r) => r.verb === 'list' && r.namespace === namespace);
      assert.equal(lists.length, 3);
      assert.equal(lists[0]!.query['limit'], '2');
      assert.ok(lists[1]!.query['continue']);
    } finally {
      await store.close();
    }
  });

  it('puts jobs in its namespace and refuses one that names another', async () => {
    const namespace = await cluster.namespace('ns');
    const store = storeIn(namespace);
    try {
      const created = await store.createProwJob(makeProwJob('here'));
      assert.equal(created.metadata.namespace, namespace);
      const elsewhere = makeProwJob('there');
      elsewhere.metadata.namespace = 'other';
      await assert.rejects(store.createProwJob(elsewhere), new RegExp(`metadata.namespace "other" is not the prowjob_namespace "${namespace}"`));
    } finally {
      await store.close();
    }
  });

  it('passes on what the API server refuses, naming the call', async () => {
    const namespace = await cluster.namespace('invalid');
    const store = storeIn(namespace);
    try {
      const bad = makeProwJob('bad');
      (bad.spec as { max_concurrency: unknown }).max_concurrency = 'two';
      await assert.rejects(store.createProwJob(bad), /create prowjob bad: 422 Invalid: .*spec\.max_concurrency/);
    } finally {
      await store.close();
    }
  });

  it('says the CRD is missing when the API does not serve ProwJobs', async () => {
    const fake = await startKubeApiFake();
    const kc = kubeConfigFromString(fake.kubeconfig());
    const store = openKubernetesStore({ kubeconfig: kc, namespace: 'default', log });
    try {
      await assert.rejects(store.listProwJobs(), /list prowjobs: 404 NotFound: .*is the ProwJob CRD prowjobs\.prow\.k8s\.io installed\? kubectl apply --server-side -f deploy\/prowjob-crd\.yaml\)/);
    } finally {
      await store.close();
      await fake.close();
    }
  });

  it('a watch carries on across the server ending its stream', async () => {
    const namespace = await cluster.namespace('resume');
    const store = storeIn(namespace, { watchTimeoutSeconds: 1 });
    try {
      const list = await store.listProwJobs();
      const events: ObjectWatchEvent[] = [];
      const watch = store.watchProwJobs({ resourceVersion: list.resourceVersion }, (e) => { if ('prowjob' in e) events.push(e); });
      await store.createProwJob(makeProwJob('one'));
      await waitFor(() => events.length >= 1, { message: 'the first event' });
      // The server ends each stream after a second: the store's watch resumes from the last resourceVersion it saw.
      const watches = (): number => cluster.fake.requests().filter((r) => r.verb === 'watch' && r.namespace === namespace).length;
      await waitFor(() => watches() >= 2, { message: 'a second watch request' });
      await store.createProwJob(makeProwJob('two'));
      await waitFor(() => events.length >= 2, { message: 'the second event' });
      watch.close();
      assert.deepEqual(events.map((e) => `${e.type}:${e.prowjob.metadata.name}`), ['added:one', 'added:two']);
    } finally {
      await store.close();
    }
  });
});

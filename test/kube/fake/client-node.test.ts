// @kubernetes/client-node against the fake, as the Kubernetes ProwJob store uses it: typed clients,
// Watch, and the ListWatch informer (list, watch, relist after 410 Expired).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import * as k8s from '@kubernetes/client-node';
import { startKubeApiFake, type KubeApiFake } from '../../../src/kube/fake/server.js';
import { waitFor } from '../../support/wait.js';

const crdYaml = readFileSync(new URL('../../../deploy/prowjob-crd.yaml', import.meta.url), 'utf8');

const prowJob = (name: string, state = 'triggered'): Record<string, unknown> => ({
  apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
  metadata: { name, labels: { 'created-by-prow': 'true', 'prow.k8s.io/job': 'unit' } },
  spec: { type: 'periodic', agent: 'kubernetes', job: 'unit' },
  status: { state, startTime: '2026-12-07T10:00:00Z' },
});

describe('@kubernetes/client-node against kube-fake', () => {
  let fake: KubeApiFake;
  let kc: k8s.KubeConfig;
  let custom: k8s.CustomObjectsApi;
  before(async () => {
    fake = await startKubeApiFake({ watchBookmarkIntervalMs: 20 });
    kc = new k8s.KubeConfig();
    kc.loadFromString(fake.kubeconfig({ namespace: 'default' }));
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: parse(crdYaml) as k8s.V1CustomResourceDefinition });
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
  });
  after(() => fake.close());

  const create = (name: string, state?: string): Promise<Record<string, unknown>> =>
    custom.createNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs', body: prowJob(name, state) }) as Promise<Record<string, unknown>>;

  it('typed errors carry the Status code (409 on conflict, 404 on missing)', async () => {
    const pj = (await create('conflict')) as { metadata: { resourceVersion: string } };
    await custom.replaceNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs', name: 'conflict', body: { ...prowJob('conflict', 'pending'), metadata: { ...(prowJob('conflict').metadata as object), resourceVersion: pj.metadata.resourceVersion } } });
    await assert.rejects(
      custom.replaceNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs', name: 'conflict', body: { ...prowJob('conflict', 'success'), metadata: { ...(prowJob('conflict').metadata as object), resourceVersion: pj.metadata.resourceVersion } } }),
      (err: k8s.ApiException<string>) => err.code === 409 && JSON.parse(err.body).reason === 'Conflict',
    );
    await assert.rejects(
      custom.getNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs', name: 'missing' }),
      (err: k8s.ApiException<string>) => err.code === 404 && JSON.parse(err.body).message === 'prowjobs.prow.k8s.io "missing" not found',
    );
  });

  it('Watch streams events and bookmarks from a resourceVersion', async () => {
    const list = (await custom.listNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs' })) as { metadata: { resourceVersion: string } };
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch('/apis/prow.k8s.io/v1/namespaces/default/prowjobs',
      { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true },
      (phase, obj: { metadata: { name?: string } }) => seen.push(phase === 'BOOKMARK' ? phase : `${phase}:${obj.metadata.name}`),
      () => undefined);
    await create('watched');
    await custom.deleteNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs', name: 'watched' });
    await waitFor(() => seen.includes('DELETED:watched') && seen.includes('BOOKMARK'), { message: `events, got ${seen.join(' ')}` });
    ctl.abort();
    assert.deepEqual(seen.filter((s) => s !== 'BOOKMARK'), ['ADDED:watched', 'DELETED:watched']);
  });

  it('an informer lists, watches, and relists after its resourceVersion expired', async () => {
    const path = '/apis/prow.k8s.io/v1/namespaces/default/prowjobs';
    const listFn = (): Promise<k8s.KubernetesListObject<k8s.KubernetesObject>> =>
      custom.listNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs', labelSelector: 'created-by-prow=true' }) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
    const informer = k8s.makeInformer(kc, path, listFn, 'created-by-prow=true');
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    await create('inf-1');
    await waitFor(() => informer.get('inf-1', 'default'), { message: 'inf-1 in the cache' });
    fake.clearRequests();
    // In one turn of the event loop: the watch ends, inf-2 is written in-process and history is compacted,
    // so the informer resumes from a resourceVersion the server no longer has.
    fake.closeWatches();
    await fake.api.create(fake.api.type('prow.k8s.io', 'prowjobs'), 'v1', 'default', prowJob('inf-2'));
    fake.compact();
    await waitFor(() => informer.get('inf-2', 'default'), { message: 'inf-2 after the relist', timeoutMs: 15_000 });
    await informer.stop();
    const verbs = fake.requests().map((r) => r.verb);
    assert.deepEqual(verbs.slice(0, 2), ['watch', 'list'], 'the resumed watch expired (410), so the informer relisted');
    assert.ok(added.includes('inf-1') && added.includes('inf-2'));
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApiFake, type KubeApiFake } from '../../../src/kube/fake/server.js';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(fake: KubeApiFake, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
}

const meta = (r: Reply): Record<string, unknown> => r.body.metadata as Record<string, unknown>;

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{
      name: 'v1', served: true, storage: true, subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string', enum: ['red', 'blue'] }, free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
            status: { type: 'object', properties: { phase: { type: 'string' } } },
          },
        },
      },
    }],
  },
};

/** Reads a watch stream until `count` events arrived (or the stream ends). */
async function watchEvents(
  fake: KubeApiFake, path: string, count: number, counts: (type: string) => boolean = () => true,
): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const ctl = new AbortController();
  const res = await fetch(`${fake.url}${path}`, { signal: ctl.signal });
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  while (events.filter((e) => counts(e.type)).length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, nl)) as { type: string; object: Record<string, unknown> });
      buf = buf.slice(nl + 1);
    }
  }
  ctl.abort();
  return events;
}

describe('kube-fake API server', () => {
  let fake: KubeApiFake;
  before(async () => {
    fake = await startKubeApiFake({ watchBookmarkIntervalMs: 20 });
  });
  after(() => fake.close());

  it('serves discovery for core and groups', async () => {
    assert.equal((await call(fake, 'GET', '/version')).body.major, '1');
    const core = await call(fake, 'GET', '/api/v1');
    const names = (core.body.resources as { name: string }[]).map((r) => r.name);
    for (const n of ['pods', 'pods/log', 'pods/status', 'secrets', 'configmaps', 'events', 'namespaces', 'services']) assert.ok(names.includes(n), n);
    const groups = await call(fake, 'GET', '/apis');
    assert.ok((groups.body.groups as { name: string }[]).some((g) => g.name === 'coordination.k8s.io'));
  });

  it('creates, conflicts and reports errors as metav1.Status', async () => {
    const created = await call(fake, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'c1' }, data: { a: '1' } });
    assert.equal(created.status, 201);
    assert.ok(typeof meta(created).uid === 'string' && typeof meta(created).creationTimestamp === 'string');
    const dup = await call(fake, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'c1' } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "c1" already exists',
      reason: 'AlreadyExists', details: { name: 'c1', kind: 'configmaps' }, code: 409,
    });
    const rv = meta(created).resourceVersion as string;
    const upd = await call(fake, 'PUT', '/api/v1/namespaces/default/configmaps/c1', { metadata: { name: 'c1', resourceVersion: rv }, data: { a: '2' } });
    assert.equal(upd.status, 200);
    assert.notEqual(meta(upd).resourceVersion, rv);
    const stale = await call(fake, 'PUT', '/api/v1/namespaces/default/configmaps/c1', { metadata: { name: 'c1', resourceVersion: rv }, data: { a: '3' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(stale.body.message, 'Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again');
    const missing = await call(fake, 'GET', '/api/v1/namespaces/default/configmaps/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'configmaps "nope" not found');
    const noNs = await call(fake, 'POST', '/api/v1/namespaces/ghost/configmaps', { metadata: { name: 'x' } });
    assert.equal(noNs.status, 404);
    assert.equal(noNs.body.message, 'namespaces "ghost" not found');
  });

  it('an update that changes nothing keeps the resourceVersion', async () => {
    const c = await call(fake, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'same' }, data: { a: '1' } });
    const again = await call(fake, 'PUT', '/api/v1/namespaces/default/configmaps/same', c.body);
    assert.equal(meta(again).resourceVersion, meta(c).resourceVersion);
  });

  it('refuses invalid pods as the API server words it (422, field named)', async () => {
    const bad = await call(fake, 'POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'bad' }, spec: { containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'Allways' }] },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.reason, 'Invalid');
    assert.equal(bad.body.message, 'Pod "bad" is invalid: spec.containers[0].imagePullPolicy: Unsupported value: "Allways": supported values: "Always", "IfNotPresent", "Never"');
    const causes = (bad.body.details as { causes: { field: string }[] }).causes;
    assert.equal(causes[0]!.field, 'spec.containers[0].imagePullPolicy');
    const noImage = await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'noimg' }, spec: { containers: [{ name: 'c' }] } });
    assert.equal(noImage.status, 422);
    assert.match(String(noImage.body.message), /spec\.containers\[0\]\.image: Required value/);
  });

  it('unknown fields: Strict refuses (400), Warn warns and drops, dryRun stores nothing', async () => {
    const pod = { metadata: { name: 'typo' }, spec: { containers: [{ name: 'c', image: 'busybox', comand: ['x'] }] } };
    const strict = await call(fake, 'POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', pod);
    assert.equal(strict.status, 400);
    assert.equal(strict.body.message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].comand"');
    const dry = await call(fake, 'POST', '/api/v1/namespaces/default/pods?dryRun=All', pod);
    assert.equal(dry.status, 201);
    assert.match(dry.headers.get('warning') ?? '', /unknown field \\?"spec\.containers\[0\]\.comand/);
    assert.equal((await call(fake, 'GET', '/api/v1/namespaces/default/pods/typo')).status, 404);
    const warn = await call(fake, 'POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(warn.status, 201);
    const c0 = ((warn.body.spec as Record<string, unknown>).containers as Record<string, unknown>[])[0]!;
    assert.equal(c0.comand, undefined);
    assert.equal(c0.terminationMessagePolicy, 'File');
    assert.deepEqual(warn.body.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('CRDs serve their kind: status subresource, pruning, schema validation, requires resourceVersion on PUT', async () => {
    assert.equal((await call(fake, 'GET', '/apis/example.com/v1/namespaces/default/widgets')).status, 404);
    assert.equal((await call(fake, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd)).status, 201);
    const w = await call(fake, 'POST', '/apis/example.com/v1/namespaces/default/widgets', {
      apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' },
      spec: { size: 3, extra: true, free: { any: { thing: 1 } } }, status: { phase: 'ignored on create' },
    });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    assert.deepEqual(w.body.spec, { size: 3, free: { any: { thing: 1 } } });
    assert.equal(w.body.status, undefined);
    const badType = await call(fake, 'POST', '/apis/example.com/v1/namespaces/default/widgets', { metadata: { name: 'w2' }, spec: { size: 'big', color: 'green' } });
    assert.equal(badType.status, 422);
    assert.equal(badType.body.message, 'Widget.example.com "w2" is invalid: [spec.size: Invalid value: "string": spec.size in body must be of type integer: "string", spec.color: Unsupported value: "green": supported values: "red", "blue"]');
    const noRv = await call(fake, 'PUT', '/apis/example.com/v1/namespaces/default/widgets/w1', { metadata: { name: 'w1' }, spec: { size: 4 } });
    assert.equal(noRv.status, 422);
    const main = await call(fake, 'PUT', '/apis/example.com/v1/namespaces/default/widgets/w1', { ...w.body, spec: { size: 4 }, status: { phase: 'main' } });
    assert.equal(main.status, 200);
    assert.equal(main.body.status, undefined, 'the main endpoint ignores status');
    assert.equal(meta(main).generation, 2);
    const st = await call(fake, 'PUT', '/apis/example.com/v1/namespaces/default/widgets/w1/status', { ...main.body, spec: { size: 99 }, status: { phase: 'Ready' } });
    assert.equal(st.status, 200);
    assert.deepEqual(st.body.status, { phase: 'Ready' });
    assert.deepEqual(st.body.spec, { size: 4 }, 'the status endpoint ignores spec');
    assert.equal(meta(st).generation, 2);
    const gone = await call(fake, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.equal(gone.status, 200);
    assert.equal((await call(fake, 'GET', '/apis/example.com/v1/namespaces/default/widgets')).status, 404);
  });

  it('lists by label and field selectors, in pages', async () => {
    for (const [name, labels] of [['s1', { app: 'a', tier: 'x' }], ['s2', { app: 'b' }], ['s3', { app: 'a' }], ['s4', {}]] as const) {
      assert.equal((await call(fake, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name, labels }, type: 'Opaque' })).status, 201);
    }
    const names = async (q: string): Promise<string[]> => {
      const r = await call(fake, 'GET', `/api/v1/namespaces/default/secrets?${q}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return (r.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    };
    const cases: [string, string[]][] = [
      ['labelSelector=app%3Da', ['s1', 's3']],
      ['labelSelector=app%3D%3Da', ['s1', 's3']],
      ['labelSelector=app!%3Da', ['s2', 's4']],
      ['labelSelector=app%20in%20(a,b)', ['s1', 's2', 's3']],
      ['labelSelector=app%20notin%20(a)', ['s2', 's4']],
      ['labelSelector=tier', ['s1']],
      ['labelSelector=!app', ['s4']],
      ['labelSelector=app%3Da,tier', ['s1']],
      ['fieldSelector=metadata.name%3Ds2', ['s2']],
      ['fieldSelector=metadata.name!%3Ds2,type%3DOpaque', ['s1', 's3', 's4']],
    ];
    for (const [q, want] of cases) assert.deepEqual(await names(q), want, q);
    const bad = await call(fake, 'GET', '/api/v1/namespaces/default/secrets?fieldSelector=spec.bogus%3D1');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'field label not supported: spec.bogus');
    const page1 = await call(fake, 'GET', '/api/v1/namespaces/default/secrets?limit=3');
    assert.equal((page1.body.items as unknown[]).length, 3);
    const token = meta(page1).continue as string;
    assert.equal(meta(page1).remainingItemCount, 1);
    const page2 = await call(fake, 'GET', `/api/v1/namespaces/default/secrets?limit=3&continue=${token}`);
    assert.deepEqual((page2.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name), ['s4']);
    assert.equal(meta(page2).continue, undefined);
    const del = await call(fake, 'DELETE', '/api/v1/namespaces/default/secrets?labelSelector=app%3Da');
    assert.equal(del.status, 200);
    assert.deepEqual(await names(''), ['s2', 's4']);
  });

  it('patches: merge, JSON patch, strategic merge (containers by name), apply refused without fieldManager', async () => {
    const base = { metadata: { name: 'pp', labels: { a: '1' } }, spec: { containers: [{ name: 'one', image: 'x:1', env: [{ name: 'A', value: '1' }] }, { name: 'two', image: 'y:1' }] } };
    assert.equal((await call(fake, 'POST', '/api/v1/namespaces/default/pods', base)).status, 201);
    const merge = await call(fake, 'PATCH', '/api/v1/namespaces/default/pods/pp', { metadata: { labels: { a: null, b: '2' } } }, 'application/merge-patch+json');
    assert.deepEqual(meta(merge).labels, { b: '2' });
    const json = await call(fake, 'PATCH', '/api/v1/namespaces/default/pods/pp', [{ op: 'add', path: '/metadata/annotations', value: { k: 'v' } }, { op: 'test', path: '/metadata/labels/b', value: '2' }], 'application/json-patch+json');
    assert.deepEqual(meta(json).annotations, { k: 'v' });
    const failedTest = await call(fake, 'PATCH', '/api/v1/namespaces/default/pods/pp', [{ op: 'test', path: '/metadata/labels/b', value: '3' }], 'application/json-patch+json');
    assert.equal(failedTest.status, 422);
    const smp = await call(fake, 'PATCH', '/api/v1/namespaces/default/pods/pp', { spec: { containers: [{ name: 'two', image: 'y:2' }] } }, 'application/strategic-merge-patch+json');
    assert.equal(smp.status, 200, JSON.stringify(smp.body));
    const cs = (smp.body.spec as { containers: { name: string; image: string; env?: unknown[] }[] }).containers;
    assert.deepEqual(cs.map((c) => [c.name, c.image]), [['one', 'x:1'], ['two', 'y:2']]);
    assert.equal(cs[0]!.env?.length, 1);
    const immutable = await call(fake, 'PATCH', '/api/v1/namespaces/default/pods/pp', { spec: { containers: [{ name: 'two', command: ['sh'] }] } }, 'application/strategic-merge-patch+json');
    assert.equal(immutable.status, 422);
    assert.match(String(immutable.body.message), /pod updates may not change fields other than/);
    const apply = await call(fake, 'PATCH', '/api/v1/namespaces/default/pods/pp', { metadata: { name: 'pp' } }, 'application/apply-patch+yaml');
    assert.equal(apply.status, 400);
  });

  it('server-side apply creates, merges and drops what the manager no longer applies', async () => {
    const path = '/api/v1/namespaces/default/configmaps/ssa?fieldManager=me';
    const first = await call(fake, 'PATCH', path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n  b: "2"\n', 'application/apply-patch+yaml');
    assert.equal(first.status, 201);
    await call(fake, 'PATCH', '/api/v1/namespaces/default/configmaps/ssa', { data: { other: 'x' } }, 'application/merge-patch+json');
    const second = await call(fake, 'PATCH', path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "3"\n', 'application/apply-patch+yaml');
    assert.equal(second.status, 200);
    assert.deepEqual(second.body.data, { a: '3', other: 'x' });
  });

  it('watches: initial ADDED, changes, selector transitions, bookmarks', async () => {
    const ns = '/api/v1/namespaces/default/configmaps';
    await call(fake, 'POST', ns, { metadata: { name: 'wa', labels: { w: 'yes' } } });
    const listed = await call(fake, 'GET', `${ns}?labelSelector=w%3Dyes`);
    const rv = meta(listed).resourceVersion as string;
    const stream = watchEvents(fake, `${ns}?watch=1&labelSelector=w%3Dyes&resourceVersion=${rv}&allowWatchBookmarks=true`, 4, (t) => t !== 'BOOKMARK');
    await new Promise((r) => setTimeout(r, 50));
    await call(fake, 'POST', ns, { metadata: { name: 'wb', labels: { w: 'yes' } } });
    await call(fake, 'POST', ns, { metadata: { name: 'wc', labels: { w: 'no' } } });
    await call(fake, 'PATCH', `${ns}/wb`, { metadata: { labels: { w: 'no' } } }, 'application/merge-patch+json');
    await call(fake, 'PATCH', `${ns}/wc`, { metadata: { labels: { w: 'yes' } } }, 'application/merge-patch+json');
    await call(fake, 'DELETE', `${ns}/wc`);
    const events = (await stream).filter((e) => e.type !== 'BOOKMARK');
    const seen = events.map((e) => `${e.type}:${(e.object.metadata as { name: string }).name}`);
    assert.deepEqual(seen, ['ADDED:wb', 'DELETED:wb', 'ADDED:wc', 'DELETED:wc']);
    const initial = await watchEvents(fake, `${ns}?watch=true&labelSelector=w%3Dyes&allowWatchBookmarks=true`, 2);
    assert.deepEqual(initial.map((e) => e.type), ['ADDED', 'BOOKMARK']);
    assert.equal((initial[0]!.object.metadata as { name: string }).name, 'wa');
    assert.ok(Number((initial[1]!.object.metadata as { resourceVersion: string }).resourceVersion) >= Number(rv));
  });

  it('a watch from a compacted resourceVersion gets an ERROR event with a 410 Expired Status', async () => {
    const r = await call(fake, 'GET', '/api/v1/namespaces/default/configmaps');
    const rv = Number(meta(r).resourceVersion);
    await call(fake, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after-compact' } });
    fake.compact();
    const [ev] = await watchEvents(fake, `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, 1);
    assert.equal(ev!.type, 'ERROR');
    assert.equal(ev!.object.code, 410);
    assert.equal(ev!.object.reason, 'Expired');
    assert.match(String(ev!.object.message), new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
  });

  it('a watch ends after timeoutSeconds', async () => {
    const events = await watchEvents(fake, '/api/v1/namespaces/kube-system/configmaps?watch=1&timeoutSeconds=1', 10);
    assert.deepEqual(events, []);
  });

  it('finalizers hold a delete; removing the last one completes it; owners take dependents with them', async () => {
    const ns = '/api/v1/namespaces/default/configmaps';
    const owner = await call(fake, 'POST', ns, { metadata: { name: 'owner', finalizers: ['example.com/hold'] } });
    await call(fake, 'POST', ns, { metadata: { name: 'child', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: meta(owner).uid }] } });
    const del = await call(fake, 'DELETE', `${ns}/owner`);
    assert.equal(del.status, 202);
    assert.ok(typeof meta(del).deletionTimestamp === 'string');
    const held = await call(fake, 'GET', `${ns}/owner`);
    await call(fake, 'PATCH', `${ns}/owner`, [{ op: 'remove', path: '/metadata/finalizers' }], 'application/json-patch+json');
    assert.equal((await call(fake, 'GET', `${ns}/owner`)).status, 404);
    assert.equal(meta(held).name, 'owner');
    assert.equal((await call(fake, 'GET', `${ns}/child`)).status, 404);
  });

  it('records requests with their verbs', async () => {
    fake.clearRequests();
    await call(fake, 'GET', '/api/v1/namespaces/default/configmaps');
    await call(fake, 'GET', '/api/v1/namespaces/default/configmaps/nope');
    await call(fake, 'PATCH', '/api/v1/namespaces/default/configmaps/nope', {}, 'application/merge-patch+json');
    assert.deepEqual(fake.requests().map((r) => [r.verb, r.resource, r.name, r.status]), [
      ['list', 'configmaps', '', 200], ['get', 'configmaps', 'nope', 404], ['patch', 'configmaps', 'nope', 404],
    ]);
  });

  it('answers kubectl get with a Table from the CRD printer columns', async () => {
    const res = await fetch(`${fake.url}/api/v1/namespaces`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    const table = (await res.json()) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Status', 'Age']);
    assert.ok(table.rows.some((r) => r.cells[0] === 'default' && r.cells[1] === 'Active'));
  });
});

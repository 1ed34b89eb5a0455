import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeApiFake, type KubeApiFake } from '../../../src/kube/fake/server.js';
import { waitFor } from '../../support/wait.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- pod JSON read in tests

async function call(fake: KubeApiFake, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Obj; text: string }> {
  const res = await fetch(`${fake.url}${path}`, {
    method, headers: body === undefined ? {} : { 'Content-Type': contentType },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: Obj = {};
  try {
    parsed = JSON.parse(text) as Obj;
  } catch {
    parsed = {};
  }
  return { status: res.status, body: parsed, text };
}

const podPath = (name: string): string => `/api/v1/namespaces/default/pods/${name}`;
const getPod = async (fake: KubeApiFake, name: string): Promise<Obj | undefined> => {
  const r = await call(fake, 'GET', podPath(name));
  return r.status === 200 ? r.body : undefined;
};
const phaseIs = (fake: KubeApiFake, name: string, phase: string) => async () => {
  const p = await getPod(fake, name);
  return p?.status?.phase === phase ? p : undefined;
};

describe('kubelet simulation', () => {
  let fake: KubeApiFake;
  before(async () => {
    fake = await startKubeApiFake({ kubelet: { backoffMs: 50 } });
    await call(fake, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'creds' }, stringData: { token: 's3cret' } });
    await call(fake, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'settings' }, data: { mode: 'fast', 'app.conf': 'x=1\n' } });
  });
  after(() => fake.close());

  it('runs init containers in order, then containers, with volumes, env and downward API; statuses and logs written back', async () => {
    const pod = {
      metadata: { name: 'full', labels: { team: 'infra' } },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'work', emptyDir: {} }, { name: 'secret', secret: { secretName: 'creds' } }, { name: 'conf', configMap: { name: 'settings' } }, { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }],
        initContainers: [
          { name: 'first', image: 'busybox', command: ['sh', '-c', 'echo one > /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          { name: 'second', image: 'busybox', command: ['sh', '-c', 'echo two >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        ],
        containers: [
          {
            name: 'main', image: 'golang:1.22', workingDir: '/work', command: ['sh', '-c'],
            args: ['cat order; echo "pod=$POD ns=$NS team=$TEAM token=$TOKEN mode=$MODE"; cat /etc/creds/token; echo; cat /etc/conf/app.conf; cat /etc/info/labels; echo; echo "$(GREETING) world"'],
            env: [
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
              { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
              { name: 'GREETING', value: 'hello' },
            ],
            volumeMounts: [{ name: 'work', mountPath: '/work' }, { name: 'secret', mountPath: '/etc/creds', readOnly: true }, { name: 'conf', mountPath: '/etc/conf' }, { name: 'info', mountPath: '/etc/info' }],
          },
          { name: 'failing', image: 'busybox', command: ['sh', '-c', 'echo about to fail >&2; exit 3'], terminationMessagePolicy: 'FallbackToLogsOnError' },
        ],
      },
    };
    assert.equal((await call(fake, 'POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    const done = await waitFor(phaseIs(fake, 'full', 'Failed'), { timeoutMs: 20_000, message: 'pod full Failed' });
    assert.equal(done.spec.nodeName, 'kube-fake-node');
    assert.deepEqual(done.status.initContainerStatuses.map((s: Obj) => [s.name, s.state.terminated.exitCode, s.state.terminated.reason]), [['first', 0, 'Completed'], ['second', 0, 'Completed']]);
    const byName = Object.fromEntries(done.status.containerStatuses.map((s: Obj) => [s.name, s.state.terminated]));
    assert.equal(byName.main.exitCode, 0);
    assert.equal(byName.main.reason, 'Completed');
    assert.equal(byName.failing.exitCode, 3);
    assert.equal(byName.failing.reason, 'Error');
    assert.equal(byName.failing.message, 'about to fail');
    assert.ok(done.status.conditions.some((c: Obj) => c.type === 'PodScheduled' && c.status === 'True'));
    const log = await call(fake, 'GET', `${podPath('full')}/log?container=main`);
    assert.equal(log.status, 200);
    assert.equal(log.text, 'one\ntwo\npod=full ns=default team=infra token=s3cret mode=fast\ns3cret\nx=1\nteam="infra"\nhello world\n');
    const tail = await call(fake, 'GET', `${podPath('full')}/log?container=main&tailLines=1`);
    assert.equal(tail.text, 'hello world\n');
    const which = await call(fake, 'GET', `${podPath('full')}/log`);
    assert.equal(which.status, 400);
    assert.equal(which.body.message, 'a container name must be specified for pod full, choose one of: [main failing] or one of the init containers: [first second]');
  });

  it('follows a running container\'s log until it ends; succeeds with exit 0', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'follow' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', command: ['sh', '-c', 'echo start; sleep 0.5; echo end'] }] } });
    await waitFor(phaseIs(fake, 'follow', 'Running'), { timeoutMs: 20_000, message: 'follow Running' });
    const streamed = await call(fake, 'GET', `${podPath('follow')}/log?follow=true`);
    assert.equal(streamed.text, 'start\nend\n');
    const p = await waitFor(phaseIs(fake, 'follow', 'Succeeded'), { timeoutMs: 20_000, message: 'follow Succeeded' });
    assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 0);
  });

  it('a failing init container fails the pod (restartPolicy Never); the containers never start', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'badinit' }, spec: { restartPolicy: 'Never', initContainers: [{ name: 'i', image: 'x', command: ['false'] }], containers: [{ name: 'c', image: 'x', command: ['true'] }] } });
    const p = await waitFor(phaseIs(fake, 'badinit', 'Failed'), { timeoutMs: 20_000, message: 'badinit Failed' });
    assert.equal(p.status.initContainerStatuses[0].state.terminated.exitCode, 1);
    assert.ok('waiting' in p.status.containerStatuses[0].state);
  });

  it('graceful delete: SIGTERM, the process exits, then the pod is gone', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'graceful' }, spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 20, containers: [{ name: 'c', image: 'x', command: ['sh', '-c', 'trap "echo got TERM; exit 0" TERM; while true; do sleep 0.1; done'] }] } });
    await waitFor(phaseIs(fake, 'graceful', 'Running'), { timeoutMs: 20_000, message: 'graceful Running' });
    const del = await call(fake, 'DELETE', podPath('graceful'));
    assert.equal(del.status, 202);
    assert.ok(typeof del.body.metadata.deletionTimestamp === 'string');
    await waitFor(async () => (await getPod(fake, 'graceful')) === undefined, { timeoutMs: 10_000, message: 'graceful gone' });
  });

  it('graceful delete of a process that ignores SIGTERM: SIGKILL after the grace period', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'stubborn' }, spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'x', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'] }] } });
    await waitFor(phaseIs(fake, 'stubborn', 'Running'), { timeoutMs: 20_000, message: 'stubborn Running' });
    const seen: Obj[] = [];
    const watch = fetch(`${fake.url}/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dstubborn&timeoutSeconds=8`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await call(fake, 'DELETE', podPath('stubborn'))).status, 202);
    await waitFor(async () => (await getPod(fake, 'stubborn')) === undefined, { timeoutMs: 8_000, message: 'stubborn gone' });
    for (const line of (await watch).split('\n').filter((l) => l !== '')) seen.push(JSON.parse(line) as Obj);
    const last = seen[seen.length - 1]!;
    assert.equal(last.type, 'DELETED');
    assert.equal(last.object.status.containerStatuses[0].state.terminated.exitCode, 137);
  });

  it('eviction injection leaves the pod Failed with reason Evicted', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'evictee' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', command: ['sleep', '30'] }] } });
    await waitFor(phaseIs(fake, 'evictee', 'Running'), { timeoutMs: 20_000, message: 'evictee Running' });
    await fake.kubelet!.evict('default', 'evictee');
    const p = await waitFor(phaseIs(fake, 'evictee', 'Failed'), { message: 'evictee Failed' });
    assert.equal(p.status.reason, 'Evicted');
    assert.equal(p.status.containerStatuses[0].state.terminated.exitCode, 137);
  });

  it('OOM kill injection: the container terminates with reason OOMKilled, exit 137', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'oom' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', command: ['sleep', '30'] }] } });
    await waitFor(phaseIs(fake, 'oom', 'Running'), { timeoutMs: 20_000, message: 'oom Running' });
    await fake.kubelet!.oomKill('default', 'oom', 'c');
    const p = await waitFor(phaseIs(fake, 'oom', 'Failed'), { message: 'oom Failed' });
    assert.deepEqual([p.status.containerStatuses[0].state.terminated.reason, p.status.containerStatuses[0].state.terminated.exitCode], ['OOMKilled', 137]);
  });

  it('an unschedulable node leaves pods Pending (PodScheduled False); uncordoning schedules them', async () => {
    fake.kubelet!.setUnschedulable(true);
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'waiting' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', command: ['true'] }] } });
    const p = await waitFor(async () => {
      const pod = await getPod(fake, 'waiting');
      return pod?.status?.conditions?.some((c: Obj) => c.type === 'PodScheduled' && c.reason === 'Unschedulable') === true ? pod : undefined;
    }, { message: 'waiting Unschedulable' });
    assert.equal(p.spec.nodeName, undefined);
    fake.kubelet!.setUnschedulable(false);
    await waitFor(phaseIs(fake, 'waiting', 'Succeeded'), { timeoutMs: 20_000, message: 'waiting Succeeded' });
  });

  it('a lost node: pods get reason NodeLost and a deletionTimestamp, then the pod GC removes them', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'orphan' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', command: ['sleep', '30'] }] } });
    await waitFor(phaseIs(fake, 'orphan', 'Running'), { timeoutMs: 20_000, message: 'orphan Running' });
    const seen: Obj[] = [];
    const lost = fake.kubelet!.loseNode({ recoverAfterMs: 300 });
    const marked = await waitFor(async () => {
      const p = await getPod(fake, 'orphan');
      if (p !== undefined) seen.push(p);
      return p?.status?.reason === 'NodeLost' && p.metadata.deletionTimestamp !== undefined ? p : undefined;
    }, { message: 'orphan NodeLost' });
    assert.match(marked.status.message, /which was running pod orphan is unresponsive/);
    await lost;
    assert.equal(await getPod(fake, 'orphan'), undefined);
  });

  it('restartPolicy OnFailure restarts a failing container and counts restarts', async () => {
    await call(fake, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'flaky' }, spec: { restartPolicy: 'OnFailure', volumes: [{ name: 'w', emptyDir: {} }], containers: [{ name: 'c', image: 'x', command: ['sh', '-c', 'if [ -f /w/once ]; then exit 0; fi; touch /w/once; exit 1'], volumeMounts: [{ name: 'w', mountPath: '/w' }] }] } });
    const p = await waitFor(phaseIs(fake, 'flaky', 'Succeeded'), { timeoutMs: 20_000, message: 'flaky Succeeded' });
    assert.equal(p.status.containerStatuses[0].restartCount, 1);
    assert.equal(p.status.containerStatuses[0].lastState.terminated.exitCode, 1);
  });
});

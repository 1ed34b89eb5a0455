// Cluster mode end to end at the command line: two `prow controller --store kubernetes` replicas against the
// API fake, one leading by the Lease; the leader is SIGKILLed mid-job and the standby finishes the job once.
// Also: crier/sinker/horologium/tide/hook/deck take the same flags, and refuse kubeconfig flags without a use.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openKubernetesStore, type KubernetesProwJobStore } from '../../src/store/kubernetes/store.js';
import type { WatchEvent } from '../../src/store/types.js';
import { getText, spawnProw, type CliProcess } from '../support/spawn-cli.js';
import { startKubeCluster, type KubeCluster } from './support/kube-cluster.js';

const ELECTION = ['--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '250ms'];

describe('cluster mode: --store kubernetes', () => {
  let cluster: KubeCluster;
  let dir: string;
  let kubeconfig: string;
  let namespace: string;
  let store: KubernetesProwJobStore;
  const children: CliProcess[] = [];

  before(async () => {
    // With --store kubernetes, `kubernetes`-agent jobs are pods: the kubelet simulation runs them.
    cluster = await startKubeCluster({ kubelet: true });
    namespace = await cluster.namespace('cli');
    dir = mkdtempSync(join(tmpdir(), 'prow-cluster-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.fake.kubeconfig());
    writeFileSync(join(dir, 'config.yaml'), [
      `prowjob_namespace: ${namespace}`,
      'plank:',
      '  job_url_template: "http://deck/{{.Spec.Job}}/{{.Status.BuildID}}"',
      '',
    ].join('\n'));
    store = openKubernetesStore({ kubeconfig: cluster.kubeconfig(), namespace, log: createSilentLogger() });
  });
  after(async () => {
    for (const c of children) c.kill();
    await store.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (command: string, extra: string[] = []): CliProcess => {
    const child = spawnProw([command, '--config-path', join(dir, 'config.yaml'), '--data-dir', join(dir, 'data'),
      '--store', 'kubernetes', '--kubeconfig', kubeconfig, ...extra]);
    children.push(child);
    return child;
  };

  it('a standby controller takes over from a SIGKILLed leader and the job ends once', async () => {
    const leader = run('controller', [...ELECTION, '--health-port', '0']);
    await leader.waitForLog('leader election: acquired the lease', 90_000);
    const standby = run('controller', [...ELECTION, '--health-port', '0', '--metrics-port', '0']);
    await standby.waitForLog('leader election: waiting for the lease', 90_000);
    // The standby has synced its informer: it is ready, though it does not lead.
    const ports = await standby.waitForLog('instrumentation serving', 90_000) as { health_port?: number; metrics_port?: number };
    assert.equal(await standby.waitUntil(async () => (await getText(`http://127.0.0.1:${ports.health_port}/healthz/ready`)) === 'OK' || undefined, 'ready', 90_000), true);
    const masterStatus = async (): Promise<string | undefined> =>
      /leader_election_master_status\{name="prow-controller-manager-leader-lock"\} (\d)/.exec(await getText(`http://127.0.0.1:${ports.metrics_port}/metrics`))?.[1];
    assert.equal(await masterStatus(), '0');

    const events: WatchEvent[] = [];
    const { resourceVersion } = await store.listProwJobs();
    const watch = store.watchProwJobs({ resourceVersion }, (e) => events.push(e));
    // The job outlives the handover (about a lease duration): the local executor re-attaches to a run that is
    // still going.
    const name = '33333333-0000-4000-8000-000000000001';
    const pj: ProwJob = {
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name, namespace },
      spec: { type: 'periodic', job: 'cluster-job', agent: 'kubernetes', pod_spec: { containers: [{ name: 'test', image: 'alpine', command: ['sh', '-c', 'sleep 3; echo ran'] }] } },
      status: { startTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), state: 'triggered' },
    };
    await store.createProwJob(pj);
    await leader.waitUntil(async () => (await store.getProwJob(name))?.status.state === 'pending' || undefined, 'the job pending', 90_000);
    assert.doesNotMatch(standby.output(), /acquired the lease/);
    leader.child.kill('SIGKILL');
    await leader.exited();
    await standby.waitForLog('leader election: acquired the lease', 90_000);
    assert.equal(await masterStatus(), '1');
    const done = await standby.waitUntil(async () => {
      const now = await store.getProwJob(name);
      return now?.status.completionTime ? now : undefined;
    }, 'the job to complete', 90_000);
    // The standby completed it. Normally `success`; the local executor reports a run it could not re-attach to
    // (its process gone without an exit code, seen on a heavily loaded machine) as `error`: either way it ends once.
    assert.ok(done.status.state === 'success' || (done.status.state === 'error' && /unknown|exit code/i.test(standby.output())), standby.output());
    assert.equal(done.status.url, `http://deck/cluster-job/${done.status.build_id}`);
    watch.close();
    const states = events.flatMap((e) => ('prowjob' in e && e.prowjob.metadata.name === name ? [e.prowjob.status.state] : []));
    // triggered → pending → one terminal state, each transition once, whatever the handover.
    assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), ['triggered', 'pending', done.status.state]);
    assert.equal(states.filter((s) => s === done.status.state).length, 1);
    assert.equal(await standby.stop('SIGTERM', 30_000), 0, standby.output());
  });

  it('crier, sinker, horologium, tide, hook and deck start against the CRD; kubeconfig flags without --store kubernetes are refused', async () => {
    // sinker deletes a ProwJob older than max_prowjob_age (7 days by default) through the API.
    await store.createProwJob({
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: '33333333-0000-4000-8000-000000000003' },
      spec: { type: 'presubmit', job: 'old-job', agent: 'kubernetes' },
      status: { startTime: '2020-01-01T00:00:00Z', completionTime: '2020-01-01T00:10:00Z', state: 'success' },
    });
    const sinker = run('sinker', ['--run-once']);
    assert.equal(await sinker.exited(90_000), 0, sinker.output());
    assert.equal(await store.getProwJob('33333333-0000-4000-8000-000000000003'), undefined, sinker.output());
    const horologium = run('horologium', [...ELECTION]);
    await horologium.waitForLog('leader election: acquired the lease', 90_000);
    assert.equal(await horologium.stop('SIGTERM', 30_000), 0, horologium.output());
    writeFileSync(join(dir, 'token'), 'a-token\n');
    const crier = run('crier', [...ELECTION, '--github-token-path', join(dir, 'token'), '--github-endpoint', 'http://127.0.0.1:9', '--report-agent', 'jenkins']);
    await crier.waitForLog('leader election: acquired the lease', 90_000);
    assert.equal(await crier.stop('SIGTERM', 30_000), 0, crier.output());
    const tide = run('tide', [...ELECTION, '--port', '0', '--dry-run=false', '--github-token-path', join(dir, 'token'), '--github-endpoint', 'http://127.0.0.1:9']);
    await tide.waitForLog('leader election: acquired the lease', 90_000);
    assert.equal(await tide.stop('SIGTERM', 30_000), 0, tide.output());
    // deck lists jobs from the CRD.
    await store.createProwJob({
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: '33333333-0000-4000-8000-000000000002' },
      spec: { type: 'periodic', job: 'listed-by-deck', agent: 'kubernetes' },
      status: { startTime: '2026-01-01T00:00:00Z', state: 'triggered' },
    });
    const deck = run('deck', ['--port', '0', '--hostname', '127.0.0.1']);
    const [, url] = await deck.waitFor(/deck listening on (\S+)/, 'deck listening', 90_000);
    const jobs = await getText(`${url}/prowjobs.js`);
    assert.match(jobs, /listed-by-deck/);
    await deck.stop('SIGTERM', 30_000);
    // hook: ProwJobs in the CRD, its webhook queue in <data-dir>/prow.db.
    writeFileSync(join(dir, 'hmac'), 'secret\n');
    const hook = run('hook', ['--hmac-secret-file', join(dir, 'hmac'), '--github-token-path', join(dir, 'token'), '--github-endpoint', 'http://127.0.0.1:9', '--port', '0', '--health-port', '0', '--metrics-port', '0']);
    await hook.waitForLog('hook serving', 90_000);
    assert.ok(existsSync(join(dir, 'data', 'prow.db')));
    await hook.stop('SIGTERM', 30_000);
    const refused = spawnProw(['horologium', '--config-path', join(dir, 'config.yaml'), '--kubeconfig', kubeconfig]);
    children.push(refused);
    assert.notEqual(await refused.exited(90_000), 0);
    assert.match(refused.stderr(), /--kubeconfig is only used with --store kubernetes/);
  });
});

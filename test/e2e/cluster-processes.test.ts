// Cluster mode end to end (issue 9): hook, controller, crier and sinker as separate `prow` processes with
// `--store kubernetes` against the Kubernetes API fake and its kubelet simulation, and the fake GitHub.
// A signed `/test all` → ProwJob custom resources → pods run by the kubelet → success/failure statuses.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import type { ProwJob } from '../../src/api/prowjob.js';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { sendWebhook } from '../../src/github/send-webhook.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openKubernetesStore, type KubernetesProwJobStore } from '../../src/store/kubernetes/store.js';
import { spawnProw, type CliProcess } from '../support/spawn-cli.js';
import { startKubeCluster, type KubeCluster } from '../kube/support/kube-cluster.js';
import { examplePayload, prepareUpEnv, pullRequestEvent, waitFor, type UpEnv } from './support/up-process.js';

const REPO = `${DEMO_ORG}/${DEMO_REPO}`;
// Upstream's default timings (15 s / 10 s / 2 s): nothing here takes over from a leader (test/kube/leader-cli.test.ts
// does), and shorter leases let a loaded machine miss a renewal, after which the component exits as upstream's does.
const ELECTION = ['--leader-elect-lease-duration', '15s', '--leader-elect-renew-deadline', '10s', '--leader-elect-retry-period', '2s'];
const WAIT_MS = 90_000;

describe('cluster mode end to end: hook, controller, crier, sinker as processes', { timeout: 300_000 }, () => {
  let root: string;
  let fake: FakeGitHub;
  let env: UpEnv;
  let cluster: KubeCluster;
  let kubeconfig: string;
  let namespace: string;
  let podNamespace: string;
  let store: KubernetesProwJobStore;
  const children: CliProcess[] = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prow-cluster-e2e-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
    env = await prepareUpEnv(root, fake, REPO);
    cluster = await startKubeCluster({ kubelet: true });
    namespace = await cluster.namespace('prowjobs');
    podNamespace = await cluster.namespace('pods');
    kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.fake.kubeconfig());
    writeFileSync(join(root, 'config.yaml'), [
      `prowjob_namespace: ${namespace}`,
      `pod_namespace: ${podNamespace}`,
      'plank:',
      '  job_url_template: "http://deck/{{.Spec.Job}}/{{.Status.BuildID}}"',
      '',
    ].join('\n'));
    const job = (name: string, script: string): string[] => [
      `  - name: ${name}`,
      '    agent: kubernetes',
      '    always_run: true',
      '    decorate: false',
      '    spec:',
      '      containers:',
      '      - name: test',
      '        image: alpine',
      `        command: [sh, -c, '${script}']`,
    ];
    writeFileSync(join(root, 'jobs.yaml'), [
      'presubmits:',
      `  ${REPO}:`,
      ...job('good', 'echo hello; sleep 1; exit 0'),
      ...job('bad', 'echo hello; sleep 1; exit 1'),
      // Still running when the next push comes: that push aborts it.
      ...job('slow', 'echo hello; sleep 300'),
      '',
    ].join('\n'));
    writeFileSync(join(root, 'plugins.yaml'), [
      'plugins:',
      `  ${DEMO_ORG}:`,
      '    plugins:',
      '    - trigger',
      '',
    ].join('\n'));
    store = openKubernetesStore({ kubeconfig: cluster.kubeconfig(), namespace, log: createSilentLogger() });
  });

  after(async () => {
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.exited(30_000).catch(() => undefined)));
    await store?.close();
    await cluster?.close();
    await fake?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const run = (command: string, extra: string[]): CliProcess => {
    const child = spawnProw([command, '--config-path', join(root, 'config.yaml'), '--job-config-path', join(root, 'jobs.yaml'),
      '--data-dir', join(root, `data-${command}`), '--store', 'kubernetes', '--kubeconfig', kubeconfig, ...extra]);
    children.push(child);
    return child;
  };
  const outputs = (): string => children.map((c) => `--- ${c.child.spawnargs.slice(2, 4).join(' ')}\n${c.output().slice(-6000)}`).join('\n');

  let slowJob: string | undefined;
  let hookPort: number | undefined;

  it('a signed /test all runs the jobs as pods and reports success and failure on the commit', async () => {
    const controller = run('controller', [...ELECTION, '--dry-run=false']);
    const crier = run('crier', [...ELECTION, '--github-token-path', env.tokenFile, '--github-endpoint', fake.url]);
    const sinker = run('sinker', [...ELECTION]);
    const hook = run('hook', ['--plugin-config', join(root, 'plugins.yaml'), '--hmac-secret-file', env.hmacFile,
      '--github-token-path', env.tokenFile, '--github-endpoint', fake.url, '--dry-run=false',
      '--port', '0', '--health-port', '0', '--metrics-port', '0']);
    await controller.waitForLog('leader election: acquired the lease', WAIT_MS);
    await crier.waitForLog('leader election: acquired the lease', WAIT_MS);
    await sinker.waitForLog('leader election: acquired the lease', WAIT_MS);
    const { port } = await hook.waitForLog('hook serving', WAIT_MS) as { port: number };
    hookPort = port;

    const sha = await fake.headSha(REPO, DEMO_PULL);
    const payload = examplePayload('issue_comment-test-all.json');
    const res = await sendWebhook({ address: `http://127.0.0.1:${port}/hook`, event: 'issue_comment', body: JSON.stringify(payload), secret: env.secret });
    assert.equal(res.status, 200, res.body);

    // hook wrote the ProwJobs as custom resources.
    const all = await waitFor('three ProwJob custom resources', async () => {
      const { items } = await store.listProwJobs();
      const ours = items.filter((pj) => pj.spec.refs?.pulls?.[0]?.sha === sha);
      return ours.length >= 3 ? ours : undefined;
    }, WAIT_MS).catch((err: Error) => { throw new Error(`${err.message}\n${outputs()}`); });
    assert.deepEqual(all.map((pj) => pj.spec.job).sort(), ['bad', 'good', 'slow']);
    slowJob = all.find((pj) => pj.spec.job === 'slow')!.metadata.name;
    const jobs = all.filter((pj) => pj.spec.job !== 'slow');
    for (const pj of jobs) {
      assert.equal(pj.spec.agent, 'kubernetes');
      assert.equal(pj.spec.type, 'presubmit');
      assert.equal(pj.metadata.namespace, namespace);
    }

    // The controller ran them as pods in the pod namespace, and the kubelet ran their command.
    const core = cluster.kubeconfig().makeApiClient(CoreV1Api);
    const pods = await waitFor('three pods in the pod namespace', async () => {
      const list = await core.listNamespacedPod({ namespace: podNamespace });
      return list.items.length >= 3 ? list.items : undefined;
    }, WAIT_MS).catch((err: Error) => { throw new Error(`${err.message}\n${outputs()}`); });
    assert.deepEqual(pods.map((p) => p.metadata?.labels?.['prow.k8s.io/job']).sort(), ['bad', 'good', 'slow']);

    // crier reported each job's end on the commit.
    const final = (context: string): string | undefined => fake.statuses(REPO, sha).filter((s) => s.context === context).at(-1)?.state;
    await waitFor('good success and bad failure on the commit', () => (final('good') === 'success' && final('bad') === 'failure' ? true : undefined), WAIT_MS)
      .catch((err: Error) => { throw new Error(`${err.message}\nstatuses: ${JSON.stringify(fake.statuses(REPO, sha))}\n${outputs()}`); });
    const ended = await waitFor('both ProwJobs complete', async () => {
      const all = await Promise.all(jobs.map((pj) => store.getProwJob(pj.metadata.name!)));
      return all.every((pj) => pj?.status.completionTime) ? all as ProwJob[] : undefined;
    }, WAIT_MS);
    const states = Object.fromEntries(ended.map((pj) => [pj.spec.job, pj.status.state]));
    assert.deepEqual(states, { good: 'success', bad: 'failure' });
    for (const pj of ended) {
      assert.ok(pj.status.pod_name, JSON.stringify(pj.status));
      assert.equal(pj.status.url, `http://deck/${pj.spec.job}/${pj.status.build_id}`);
    }
    const log = await core.readNamespacedPodLog({ namespace: podNamespace, name: ended[0]!.status.pod_name!, container: 'test' });
    assert.match(String(log), /hello/);
  });

  it('a new push aborts the old run: its ProwJob ends aborted and its pod is deleted', async (t) => {
    if (!slowJob || !hookPort) return t.skip('the first test did not get as far as the slow job');
    const core = cluster.kubeconfig().makeApiClient(CoreV1Api);
    const running = await waitFor('the slow job running in its pod', async () => {
      const pj = await store.getProwJob(slowJob!);
      if (!pj?.status.pod_name || pj.status.state !== 'pending') return undefined;
      const pod = await core.readNamespacedPod({ namespace: podNamespace, name: pj.status.pod_name });
      return pod.status?.phase === 'Running' ? pj : undefined;
    }, WAIT_MS).catch((err: Error) => { throw new Error(`${err.message}\n${outputs()}`); });
    const podName = running.status.pod_name!;

    const newSha = await fake.pushToPull(REPO, DEMO_PULL, { 'NEWS.md': 'a new push\n' }, { message: 'a new push' });
    const payload = await pullRequestEvent(fake, REPO, DEMO_PULL, 'synchronize');
    assert.equal(payload.pull_request.head.sha, newSha);
    const res = await sendWebhook({ address: `http://127.0.0.1:${hookPort}/hook`, event: 'pull_request', body: JSON.stringify(payload), secret: env.secret });
    assert.equal(res.status, 200, res.body);

    const aborted = await waitFor('the old slow ProwJob aborted and complete', async () => {
      const pj = await store.getProwJob(slowJob!);
      return pj?.status.state === 'aborted' && pj.status.completionTime ? pj : undefined;
    }, WAIT_MS).catch((err: Error) => { throw new Error(`${err.message}\n${outputs()}`); });
    assert.equal(aborted.status.state, 'aborted');
    await waitFor('the old slow pod deleted', async () => {
      const { items } = await core.listNamespacedPod({ namespace: podNamespace, fieldSelector: `metadata.name=${podName}` });
      return items.length === 0 ? true : undefined;
    }, WAIT_MS).catch((err: Error) => { throw new Error(`${err.message}\n${outputs()}`); });
    // The new head is tested.
    await waitFor('a slow ProwJob for the new head', async () => {
      const { items } = await store.listProwJobs();
      return items.some((pj) => pj.spec.job === 'slow' && pj.spec.refs?.pulls?.[0]?.sha === newSha) ? true : undefined;
    }, WAIT_MS).catch((err: Error) => { throw new Error(`${err.message}\n${outputs()}`); });
  });
});

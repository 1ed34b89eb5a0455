// deploy/ applied with real kubectl, then each Deployment's pod template run as a pod by the API fake's
// kubelet simulation: the components start with the manifests' own flags, mounted ConfigMaps and Secrets,
// become ready, and the echo-test periodic of config.yaml runs to success (`kubectl get prowjobs`).
// What a cluster does and the fake does not, the test does instead, and only that:
// - the image's entrypoint is `tini -- prow`; here the command is this Node running bin/prow (the
//   kubelet simulation ignores images and needs a command);
// - pods share the host's network here, so the ports in the flags move to free ones;
// - kube-fake mounts no service-account token: KUBECONFIG points the components at the fake instead.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeApiFake, type KubeApiFake } from '../../src/kube/fake/server.js';
import { PROW_BIN } from '../support/spawn-cli.js';
import { waitFor } from '../support/wait.js';
import { DEPLOY_DIR, deploymentsOf, kustomize, type Deployment } from './support/manifests.js';

const WAIT_MS = 120_000;
const PORT_FLAGS = ['--port', '--health-port', '--metrics-port'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface BootedPod {
  deployment: string;
  pod: object;
  /** Where the component answers its readiness probe on this host. */
  readyUrl: string;
}

/** The Deployment's pod, with only the three substitutions above. */
async function podFor(d: Deployment, kubeconfig: string): Promise<BootedPod> {
  const spec = structuredClone(d.spec.template.spec);
  const c = spec.containers[0]!;
  const ports = new Map<string, number>();
  c.args = await Promise.all((c.args ?? []).map(async (a) => {
    const flag = PORT_FLAGS.find((f) => a.startsWith(`${f}=`));
    if (flag === undefined) return a;
    const port = await freePort();
    ports.set(flag, port);
    return `${flag}=${port}`;
  }));
  c.command = [process.execPath, PROW_BIN];
  c.env = [...(c.env ?? []), { name: 'KUBECONFIG', value: kubeconfig } as { name: string }];
  const probe = c.readinessProbe!.httpGet!;
  const probePort = c.ports!.find((p) => p.name === probe.port || p.containerPort === probe.port)!.containerPort;
  // The flag that serves the probe's port: --health-port, or deck's --port.
  const flag = PORT_FLAGS.find((f) => (d.spec.template.spec.containers[0]!.args ?? []).includes(`${f}=${probePort}`))!;
  return {
    deployment: d.metadata.name,
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${d.metadata.name}-0`, namespace: 'prow', labels: { app: d.metadata.name } }, spec },
    readyUrl: `http://127.0.0.1:${ports.get(flag)}${probe.path}`,
  };
}

describe('deploy/ boots on the API fake: every component ready, echo-test succeeds', { timeout: 400_000 }, () => {
  let fake: KubeApiFake;
  let dir: string;
  let kubeconfig: string;
  let pods: BootedPod[] = [];

  const kubectl = (args: string[], stdin?: string): Promise<Run> => new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const logsOf = async (name: string): Promise<string> => (await kubectl(['logs', '-n', 'prow', `${name}-0`, '--tail=20'])).stdout;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-boot-'));
    fake = await startKubeApiFake({ kubelet: { rootDir: join(dir, 'pods') } });
    kubeconfig = join(dir, 'kubeconfig');
    fake.writeKubeconfig(kubeconfig);
  });
  after(async () => {
    for (const p of pods) await kubectl(['delete', 'pod', '-n', 'prow', `${p.deployment}-0`, '--wait=false']);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs each Deployment as a pod; each becomes ready and horologium, the controller and the kubelet run echo-test to success', async () => {
    await ok(['apply', '--server-side', '-f', join(DEPLOY_DIR, 'namespaces.yaml')]);
    for (const [name, key, value] of [['hmac-token', 'hmac', 'not-a-real-hmac'], ['oauth-token', 'oauth', 'not-a-real-token']] as const) {
      const yaml = await ok(['create', 'secret', 'generic', name, '-n', 'prow', `--from-literal=${key}=${value}`, '--dry-run=client', '-o', 'yaml']);
      await ok(['create', '-f', '-'], yaml);
    }
    await ok(['apply', '--server-side', '-k', DEPLOY_DIR]);
    pods = await Promise.all(deploymentsOf(await kustomize()).map((d) => podFor(d, kubeconfig)));
    for (const p of pods) await ok(['create', '-f', '-'], JSON.stringify(p.pod));

    for (const p of pods) {
      await waitFor(async () => {
        const res = await fetch(p.readyUrl, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        return res?.status === 200;
      }, { timeoutMs: WAIT_MS, intervalMs: 500, message: `${p.deployment} ready at ${p.readyUrl}` })
        .catch(async (err: Error) => assert.fail(`${err.message}\n${await logsOf(p.deployment)}`));
    }
    const phases = await ok(['get', 'pods', '-n', 'prow', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase}{"\\n"}{end}']);
    for (const p of pods) assert.match(phases, new RegExp(`^${p.deployment}-0=Running$`, 'm'), phases);

    const state = await waitFor(async () => {
      const out = (await kubectl(['get', 'prowjobs', '-n', 'prow', '-l', 'prow.k8s.io/job=echo-test', '-o', 'jsonpath={.items[*].status.state}'])).stdout.trim();
      return out.split(' ').includes('success') ? out : undefined;
    }, { timeoutMs: WAIT_MS, intervalMs: 1000, message: 'echo-test to succeed' })
      .catch(async (err: Error) => assert.fail(`${err.message}\n${await ok(['get', 'prowjobs', '-n', 'prow', '-o', 'yaml'])}\n${await logsOf('prow-controller-manager')}`));
    assert.match(state, /success/);
    const holder = await ok(['get', 'lease', '-n', 'prow', 'prow-controller-manager-leader-lock', '-o', 'jsonpath={.spec.holderIdentity}']);
    assert.match(holder, /^\S+_[0-9a-f-]{36}$/, 'the controller leads by its Lease');
  });
});

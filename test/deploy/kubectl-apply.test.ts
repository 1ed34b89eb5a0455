// docs/deploy.md's commands with real kubectl (Debian's 1.32: kustomize, discovery, OpenAPI, server-side
// apply and dry run) against the Kubernetes API fake, which validates objects as a real API server does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeApiFake, type KubeApiFake } from '../../src/kube/fake/server.js';
import { DEPLOY_DIR, deploymentsOf, kustomize, type Manifest } from './support/manifests.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('kubectl apply -k deploy/ against the API fake', () => {
  let fake: KubeApiFake;
  let dir: string;
  let kubeconfig: string;
  let objects: Manifest[];

  const kubectl = (args: string[], stdin?: string): Promise<Run> => new Promise((resolve) => {
    // A cache per run, so discovery never comes from another server that had this port.
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
  /** `kubectl create secret generic` builds the object locally; the fake takes JSON or YAML, not the protobuf kubectl would send. */
  const createSecret = async (name: string, key: string, value: string): Promise<void> => {
    const yaml = await ok(['create', 'secret', 'generic', name, '-n', 'prow', `--from-literal=${key}=${value}`, '--dry-run=client', '-o', 'yaml']);
    await ok(['create', '-f', '-'], yaml);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-kubectl-'));
    fake = await startKubeApiFake();
    kubeconfig = join(dir, 'kubeconfig');
    fake.writeKubeconfig(kubeconfig);
    objects = await kustomize();
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl apply --server-side --dry-run=server -k deploy/ accepts every object and stores none', async () => {
    // On a real server too, objects cannot be dry-run into namespaces that do not exist yet.
    assert.match(await ok(['apply', '--server-side', '-f', join(DEPLOY_DIR, 'namespaces.yaml')]), /namespace\/prow serverside-applied\nnamespace\/test-pods serverside-applied/);
    const out = await ok(['apply', '--server-side', '--dry-run=server', '-k', DEPLOY_DIR]);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, objects.length, out);
    for (const line of lines) assert.match(line, / serverside-applied \(server dry run\)$/);
    for (const want of ['customresourcedefinition.apiextensions.k8s.io/prowjobs.prow.k8s.io', 'deployment.apps/hook', 'persistentvolumeclaim/hook-data', 'ingress.networking.k8s.io/prow', 'secret/hmac-token']) {
      assert.ok(lines.some((l) => l.startsWith(`${want} `)), `${want} in: ${out}`);
    }
    assert.equal((await ok(['get', 'deployments', '-n', 'prow', '-o', 'name'])).trim(), '');
    assert.equal((await ok(['get', 'crd', '-o', 'name'])).trim(), '');
    // The same command refuses a manifest a real server refuses, naming the field.
    const hook = structuredClone(deploymentsOf(objects).find((d) => d.metadata.name === 'hook')!);
    (hook.spec.template.spec as Record<string, unknown>).serviceAcountName = 'hook';
    const refused = await kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], JSON.stringify(hook));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /unknown field "spec\.template\.spec\.serviceAcountName"/);
  });

  it("client-side apply is refused for upstream's CRD alone (its last-applied annotation exceeds 256 KiB), as a real server refuses it", async () => {
    const r = await kubectl(['apply', '--dry-run=server', '-k', DEPLOY_DIR]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /CustomResourceDefinition\.apiextensions\.k8s\.io "prowjobs\.prow\.k8s\.io" is invalid: metadata\.annotations: Too long: may not be more than 262144 bytes/);
    const errors = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Warning:'));
    assert.equal(errors.length, 1, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, objects.length - 1, r.stdout);
  });

  it('docs/deploy.md: secrets first, then kubectl apply --server-side -k deploy/; applying again changes nothing and the secrets keep their keys', async () => {
    await createSecret('hmac-token', 'hmac', 'not-a-real-hmac');
    await createSecret('oauth-token', 'oauth', 'not-a-real-token');
    const out = await ok(['apply', '--server-side', '-k', DEPLOY_DIR]);
    assert.equal(out.trim().split('\n').length, objects.length, out);
    assert.deepEqual(
      (await ok(['get', 'deployments', '-n', 'prow', '-o', 'name'])).trim().split('\n').sort(),
      ['crier', 'deck', 'hook', 'horologium', 'prow-controller-manager', 'sinker', 'tide'].map((n) => `deployment.apps/${n}`),
    );
    assert.match(await ok(['get', 'crd', 'prowjobs.prow.k8s.io', '-o', 'name']), /prowjobs\.prow\.k8s\.io/);
    assert.equal(await ok(['get', 'prowjobs', '-n', 'prow', '-o', 'name']), '');
    const version = async (): Promise<string> => ok(['get', 'deployment', 'hook', '-n', 'prow', '-o', 'jsonpath={.metadata.resourceVersion}']);
    const before = await version();
    await ok(['apply', '--server-side', '-k', DEPLOY_DIR]);
    assert.equal(await version(), before, 'a second apply changes nothing');
    const hmac = await ok(['get', 'secret', 'hmac-token', '-n', 'prow', '-o', 'jsonpath={.data.hmac}']);
    assert.equal(Buffer.from(hmac, 'base64').toString('utf8'), 'not-a-real-hmac');
    const oauth = await ok(['get', 'secret', 'oauth-token', '-n', 'prow', '-o', 'jsonpath={.data.oauth}']);
    assert.equal(Buffer.from(oauth, 'base64').toString('utf8'), 'not-a-real-token');
  });

  it("docs/deploy.md's checks print the columns a real server prints: kubectl get deployments, kubectl get lease", async () => {
    const deployments = (await ok(['get', 'deployments', '-n', 'prow', '-o', 'wide'])).trim().split('\n');
    assert.match(deployments[0]!, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    // No controller runs Deployments here: nothing is ready, as on a cluster whose pods have not started.
    assert.match(deployments.find((l) => l.startsWith('hook '))!, /^hook\s+0\/1\s+0\s+0\s+\S+\s+hook\s+registry\.example\.com\/prow:0\.1\.0\s+app=hook$/);
    // The Lease prow controller takes when it leads (src/kube/leader/lease-lock.ts writes the same fields).
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'prow-controller-manager-leader-lock', namespace: 'prow' }, spec: { holderIdentity: 'prow-controller-manager-7d9f_1b2c', leaseDurationSeconds: 15 } };
    await ok(['create', '-f', '-'], JSON.stringify(lease));
    const leases = (await ok(['get', 'lease', '-n', 'prow'])).trim().split('\n');
    assert.match(leases[0]!, /^NAME\s+HOLDER\s+AGE$/);
    assert.match(leases[1]!, /^prow-controller-manager-leader-lock\s+prow-controller-manager-7d9f_1b2c\s+\S+$/);
  });
});

// Real kubectl (v1.32, Debian's kubernetes-client) against the fake: the flows an operator uses for
// cluster mode, from upstream's ProwJob CRD to a pod the kubelet simulation runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { mkpj, prowJobToYaml } from '../../src/api/mkpj.js';
import { loadConfig } from '../../src/config/load.js';
import { startKubeApiFake, type KubeApiFake } from '../../src/kube/fake/server.js';
import { waitFor } from '../support/wait.js';

const CRD = fileURLToPath(new URL('../../deploy/prowjob-crd.yaml', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('kubectl against kube-fake', () => {
  let fake: KubeApiFake;
  let dir: string;
  let kubeconfig: string;

  const kubectl = (args: string[], stdin?: string): Promise<Run> => new Promise((resolve) => {
    // A cache per test run, so discovery never comes from another server that had this port.
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await kubectl(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-test-'));
    fake = await startKubeApiFake({ kubelet: { rootDir: join(dir, 'pods') } });
    kubeconfig = join(dir, 'kubeconfig');
    fake.writeKubeconfig(kubeconfig, { namespace: 'default' });
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies upstream's ProwJob CRD server-side (client-side apply is refused for its size, as a real server refuses it)", async () => {
    const client = await kubectl(['apply', '-f', CRD]);
    assert.notEqual(client.code, 0);
    assert.match(client.stderr, /metadata\.annotations: Too long: may not be more than 262144 bytes/);
    assert.match(await ok(['apply', '--server-side=true', '-f', CRD]), /customresourcedefinition\.apiextensions\.k8s\.io\/prowjobs\.prow\.k8s\.io serverside-applied/);
    assert.match(await ok(['get', 'crd', 'prowjobs.prow.k8s.io']), /prowjobs\.prow\.k8s\.io/);
    assert.match(await ok(['apply', '--server-side=true', '-f', CRD]), /serverside-applied/);
  });

  it('prow mkpj | kubectl create -f -, then get, get -o yaml, selectors, apply twice, conflict, delete', async () => {
    const configPath = file('config.yaml', 'periodics:\n- name: ci-nightly\n  interval: 24h\n  spec:\n    containers:\n    - name: test\n      image: alpine\n      command: [echo, hi]\n');
    const { config } = loadConfig({ configPath });
    const yaml = prowJobToYaml(mkpj(config, { job: 'ci-nightly' }));
    const name = (parse(yaml) as { metadata: { name: string } }).metadata.name;
    assert.match(await ok(['create', '-f', '-'], yaml), new RegExp(`prowjob\\.prow\\.k8s\\.io/${name} created`));
    const table = await ok(['get', 'prowjobs']);
    assert.match(table.split('\n')[0]!, /^NAME\s+JOB\s+BUILDID\s+TYPE\s+ORG\s+REPO\s+PULLS\s+STARTTIME\s+COMPLETIONTIME\s+STATE/);
    assert.match(table, new RegExp(`${name}\\s+ci-nightly\\s+periodic\\s+.*triggered`));
    const got = parse(await ok(['get', 'prowjob', name, '-o', 'yaml'])) as { spec: { job: string }; status: { state: string }; metadata: { uid: string } };
    assert.equal(got.spec.job, 'ci-nightly');
    assert.equal(got.status.state, 'triggered');
    assert.match(got.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal((await ok(['get', 'prowjobs', '-l', 'prow.k8s.io/job=ci-nightly', '-o', 'name'])).trim(), `prowjob.prow.k8s.io/${name}`);
    assert.equal((await ok(['get', 'prowjobs', '-l', 'prow.k8s.io/job!=ci-nightly', '-o', 'name'])).trim(), '');
    assert.equal((await ok(['get', 'prowjobs', '--field-selector', `metadata.name=${name}`, '-o', 'name'])).trim(), `prowjob.prow.k8s.io/${name}`);

    const applied = file('pj.yaml', 'apiVersion: prow.k8s.io/v1\nkind: ProwJob\nmetadata:\n  name: applied\n  labels: {team: a}\nspec:\n  type: periodic\n  job: first\nstatus:\n  state: triggered\n');
    assert.match(await ok(['apply', '-f', applied]), /prowjob\.prow\.k8s\.io\/applied created/);
    assert.match(await ok(['apply', '-f', applied]), /prowjob\.prow\.k8s\.io\/applied unchanged/);
    writeFileSync(applied, 'apiVersion: prow.k8s.io/v1\nkind: ProwJob\nmetadata:\n  name: applied\nspec:\n  type: periodic\n  job: second\nstatus:\n  state: triggered\n');
    assert.match(await ok(['apply', '-f', applied]), /prowjob\.prow\.k8s\.io\/applied configured/);
    const after = parse(await ok(['get', 'prowjob', 'applied', '-o', 'yaml'])) as { spec: { job: string }; metadata: { labels?: Record<string, string>; resourceVersion: string } };
    assert.equal(after.spec.job, 'second');
    assert.equal(after.metadata.labels, undefined, 'apply removed the label the new manifest dropped');

    const stale = file('stale.yaml', `apiVersion: prow.k8s.io/v1\nkind: ProwJob\nmetadata:\n  name: applied\n  resourceVersion: "1"\nspec:\n  type: periodic\n  job: third\nstatus:\n  state: triggered\n`);
    const conflict = await kubectl(['replace', '-f', stale]);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /Operation cannot be fulfilled on prowjobs\.prow\.k8s\.io "applied": the object has been modified; please apply your changes to the latest version and try again/);

    const bad = await kubectl(['create', '-f', '-'], 'apiVersion: prow.k8s.io/v1\nkind: ProwJob\nmetadata:\n  name: bad\nspec:\n  type: nightly\n  job: x\n');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.type: Unsupported value: "nightly": supported values: "presubmit", "postsubmit", "periodic", "batch"/);

    assert.match(await ok(['delete', 'prowjob', name]), new RegExp(`prowjob\\.prow\\.k8s\\.io "${name}" deleted`));
    const missing = await kubectl(['get', 'prowjob', name]);
    assert.match(missing.stderr, new RegExp(`Error from server \\(NotFound\\): prowjobs\\.prow\\.k8s\\.io "${name}" not found`));
  });

  it('refuses a pod spec typo as a real API server does', async () => {
    const typo = await kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: c\n    image: busybox\n    imagePullPolicy: Allways\n');
    assert.notEqual(typo.code, 0);
    assert.match(typo.stderr, /The Pod "typo" is invalid: spec\.containers\[0\]\.imagePullPolicy: Unsupported value: "Allways": supported values: "Always", "IfNotPresent", "Never"/);
    const unknown = await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: c\n    image: busybox\n    comand: [sh]\n');
    assert.match(unknown.stderr, /strict decoding error: unknown field "spec\.containers\[0\]\.comand"/);
    const dry = await ok(['apply', '--dry-run=server', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\ndata: {a: "1"}\n');
    assert.match(dry, /configmap\/dry created \(server dry run\)/);
    assert.notEqual((await kubectl(['get', 'configmap', 'dry'])).code, 0);
  });

  it('runs a pod: init containers, then containers; kubectl sees exit codes and logs', async () => {
    const pod = [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: job-pod', 'spec:', '  restartPolicy: Never',
      '  volumes:', '  - name: logs', '    emptyDir: {}',
      '  initContainers:', '  - name: clone', '    image: gcr.io/k8s-prow/clonerefs', '    command: [sh, -c, "echo cloned > /logs/clone.txt"]',
      '    volumeMounts:', '    - {name: logs, mountPath: /logs}',
      '  containers:', '  - name: test', '    image: golang', '    command: [sh, -c, "cat /logs/clone.txt; echo testing; exit 2"]',
      '    volumeMounts:', '    - {name: logs, mountPath: /logs}', '',
    ].join('\n');
    await ok(['create', '-f', '-'], pod);
    await ok(['wait', '--for=jsonpath={.status.phase}=Failed', 'pod/job-pod', '--timeout=30s']);
    assert.equal((await ok(['get', 'pod', 'job-pod', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}'])), '2');
    assert.equal((await ok(['get', 'pod', 'job-pod', '-o', 'jsonpath={.status.initContainerStatuses[0].state.terminated.reason}'])), 'Completed');
    assert.equal(await ok(['logs', 'job-pod', '-c', 'test']), 'cloned\ntesting\n');
    assert.match(await ok(['get', 'pods']), /job-pod\s+0\/1\s+Error\s+0/);
    await ok(['delete', 'pod', 'job-pod']);
  });

  it('kubectl get -w sees changes as they happen', async () => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'configmaps', '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => fake.requests().some((r) => r.verb === 'watch' && r.resource === 'configmaps'), { timeoutMs: 15_000, message: 'kubectl watching' });
      // `kubectl create configmap` itself would send protobuf, which the fake does not decode (docs/kube-fake.md).
      await ok(['create', 'configmap', 'watched', '--from-literal=a=1', '--dry-run=client', '-o', 'yaml']).then((y) => ok(['create', '-f', '-'], y));
      await ok(['delete', 'configmap', 'watched']);
      await waitFor(() => out.includes('DELETED'), { timeoutMs: 15_000, message: `watch output, got ${out}` });
      assert.match(out, /^EVENT\s+NAME\s+AGE\nADDED\s+watched\s+\S+\nDELETED\s+watched\s+\S+\n$/);
    } finally {
      child.kill();
    }
  });

  it('an evicted pod is Failed with reason Evicted', async () => {
    await ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: evictee\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: x\n    command: [sleep, "30"]\n');
    await ok(['wait', '--for=jsonpath={.status.phase}=Running', 'pod/evictee', '--timeout=30s']);
    await fake.kubelet!.evict('default', 'evictee');
    // kubectl's STATUS column prefers the containers' terminated reason (Error) over the pod's, as for a real eviction.
    assert.match(await ok(['get', 'pod', 'evictee']), /evictee\s+0\/1\s+Error/);
    assert.equal(await ok(['get', 'pod', 'evictee', '-o', 'jsonpath={.status.phase}']), 'Failed');
    assert.equal(await ok(['get', 'pod', 'evictee', '-o', 'jsonpath={.status.reason}']), 'Evicted');
  });
});

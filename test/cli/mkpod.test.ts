import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { commandArgs } from '../support/spawn-cli.js';

/** Upstream's TestProwJobToPod case 3 as a ProwJob document (its pod is test/fixtures/upstream-decorate/TestProwJobToPod_3.yaml). */
const PROWJOB = `apiVersion: prow.k8s.io/v1
kind: ProwJob
metadata:
  name: pod
  labels: {needstobe: inherited}
spec:
  type: presubmit
  job: job-name
  context: job-context
  agent: kubernetes
  decoration_config:
    timeout: 2h
    grace_period: 10s
    utility_images: {clonerefs: "clonerefs:tag", initupload: "initupload:tag", entrypoint: "entrypoint:tag", sidecar: "sidecar:tag"}
    gcs_configuration: {bucket: my-bucket, path_strategy: legacy, default_org: kubernetes, default_repo: kubernetes}
    gcs_credentials_secret: secret-name
    ssh_key_secrets: [ssh-1, ssh-2]
    ssh_host_fingerprints: [hello, world]
  refs:
    org: org-name
    repo: repo-name
    base_ref: base-ref
    base_sha: base-sha
    pulls: [{number: 1, author: author-name, sha: pull-sha, head_ref: fixes-fixes-fixes, title: pull-title}]
    path_alias: somewhere/else
  pod_spec:
    containers:
    - image: tester
      command: [/bin/thing]
      args: [some, args]
      env: [{name: MY_ENV, value: rocks}]
      terminationMessagePolicy: File
status:
  state: triggered
  startTime: "2026-01-01T00:00:00Z"
`;

function mkpod(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, commandArgs('mkpod', ...args), { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin ?? '');
  });
}

describe('prow mkpod', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'mkpod-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints what upstream mkpod prints: the decorated pod with apiVersion/kind and without created-by-prow', async () => {
    const golden = readFileSync(new URL('../fixtures/upstream-decorate/TestProwJobToPod_3.yaml', import.meta.url), 'utf8');
    const want = `apiVersion: v1\nkind: Pod\n${golden.replace('    created-by-prow: "true"\n', '')}\n`;
    const { code, stdout, stderr } = await mkpod(['--prow-job', '-', '--build-id', 'blabla'], PROWJOB);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, want);
  });

  it('takes the build id from the ProwJob status when --build-id is not given', async () => {
    const file = join(dir, 'pj.yaml');
    writeFileSync(file, PROWJOB.replace('  state: triggered', '  state: pending\n  build_id: "777"'));
    const { code, stdout } = await mkpod(['--prow-job', file]);
    assert.equal(code, 0);
    const pod = parse(stdout) as { metadata: { labels: Record<string, string> } };
    assert.equal(pod.metadata.labels['prow.k8s.io/build-id'], '777');
  });

  it('--local copies to a hostPath under --out-dir/<build id> instead of uploading', async () => {
    const file = join(dir, 'local.yaml');
    writeFileSync(file, PROWJOB);
    const { code, stdout, stderr } = await mkpod(['--prow-job', file, '--build-id', '42', '--local', '--out-dir', '/var/out'], 'empty\n/host/ssh2\n\n');
    assert.equal(code, 0, stderr);
    const pod = parse(stdout) as { spec: { volumes: Record<string, unknown>[]; containers: { name: string; env: { name: string; value?: string }[] }[] } };
    const byName = new Map(pod.spec.volumes.map((v) => [v['name'], v]));
    assert.deepEqual(byName.get('output'), { name: 'output', hostPath: { path: '/var/out/42' } });
    assert.equal(byName.has('gcs-credentials'), false, 'no credentials in local mode');
    // The prompt turned the ssh secrets into an emptyDir and a hostPath, in volume order.
    assert.deepEqual(byName.get('ssh-keys-ssh-1'), { name: 'ssh-keys-ssh-1', emptyDir: {} });
    assert.deepEqual(byName.get('ssh-keys-ssh-2'), { name: 'ssh-keys-ssh-2', hostPath: { path: '/host/ssh2' } });
    const sidecar = pod.spec.containers.find((c) => c.name === 'sidecar')!;
    const options = JSON.parse(sidecar.env.find((e) => e.name === 'SIDECAR_OPTIONS')!.value!) as { gcs_options: Record<string, unknown> };
    assert.equal(options.gcs_options['local_output_dir'], '/output');
    assert.match(stderr, /Volume "ssh-keys-ssh-1": /);
  });

  it('refuses bad options and bad input with a message naming them', async () => {
    assert.match((await mkpod([])).stderr, /required flag --prow-job was unset/);
    assert.match((await mkpod(['--prow-job', '-', '--out-dir', '/x'], PROWJOB)).stderr, /out-dir may only be specified in --local mode/);
    const noSpec = await mkpod(['--prow-job', '-'], PROWJOB.replace(/  pod_spec:[\s\S]*?status:/, 'status:'));
    assert.equal(noSpec.code, 1);
    assert.match(noSpec.stderr, /prowjob "pod" lacks a pod spec/);
  });
});

// The operator's cluster-mode flow from issue 9, with real kubectl and real `prow` processes, in one test:
// `kubectl apply` upstream's ProwJob CRD to the API fake, `prow mkpj … | kubectl create -f -`, then
// `prow controller --store kubernetes` runs the job as a pod under the kubelet simulation, and
// `kubectl get prowjobs` shows its state moving to success (and `kubectl logs` the test's output).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startKubeApiFake, type KubeApiFake } from '../../src/kube/fake/server.js';
import { PROW_BIN, spawnProw, type CliProcess } from '../support/spawn-cli.js';
import { waitFor } from '../support/wait.js';
import { PROWJOB_CRD_FILE } from './support/kube-cluster.js';

interface Run { code: number; stdout: string; stderr: string }

describe('kubectl flow: CRD, prow mkpj | kubectl create, the controller runs it, kubectl get prowjobs', { timeout: 240_000 }, () => {
  let dir: string;
  let fake: KubeApiFake;
  let kubeconfig: string;
  let controller: CliProcess | undefined;

  const sh = (script: string, stdin?: string): Promise<Run> => new Promise((resolve) => {
    const child = execFile('bash', ['-o', 'pipefail', '-c', script], {
      timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'kube-cache') },
    }, (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }));
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
  const ok = async (script: string): Promise<string> => {
    const r = await sh(script);
    assert.equal(r.code, 0, `${script}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-flow-'));
    fake = await startKubeApiFake({ kubelet: { rootDir: join(dir, 'pods') } });
    kubeconfig = join(dir, 'kubeconfig');
    fake.writeKubeconfig(kubeconfig, { namespace: 'default' });
    writeFileSync(join(dir, 'config.yaml'), [
      'prowjob_namespace: default',
      'pod_namespace: test-pods',
      'plank:',
      '  job_url_template: "http://deck.example/view/{{.Spec.Job}}/{{.Status.BuildID}}"',
      'periodics:',
      '- name: ci-nightly',
      '  interval: 24h',
      '  agent: kubernetes',
      '  decorate: false',
      '  spec:',
      '    containers:',
      '    - name: test',
      '      image: alpine',
      "      command: [sh, -c, 'echo nightly says hi; exit 0']",
      '',
    ].join('\n'));
  });

  after(async () => {
    controller?.kill();
    await controller?.exited(30_000).catch(() => undefined);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with the ProwJob in success, its pod Succeeded and its log readable', async () => {
    await ok(`kubectl apply --server-side=true -f ${PROWJOB_CRD_FILE}`);
    await ok('kubectl create namespace test-pods --dry-run=client -o yaml | kubectl create -f -');
    const created = await ok(`${process.execPath} ${PROW_BIN} mkpj --config-path ${join(dir, 'config.yaml')} --job ci-nightly | kubectl create -f -`);
    const name = /^prowjob\.prow\.k8s\.io\/(\S+) created$/m.exec(created)?.[1];
    assert.ok(name, `kubectl create printed: ${created}`);
    assert.match(await ok('kubectl get prowjobs'), new RegExp(`${name}\\s+ci-nightly\\s+periodic\\s+.*triggered`));

    controller = spawnProw(['controller', '--config-path', join(dir, 'config.yaml'), '--data-dir', join(dir, 'data'),
      '--store', 'kubernetes', '--kubeconfig', kubeconfig, '--dry-run=false']);

    const table = await waitFor(async () => {
      const out = await ok('kubectl get prowjobs');
      return /\ssuccess\s*$/m.test(out) ? out : undefined;
    }, { timeoutMs: 120_000, intervalMs: 500, message: () => `the ProwJob to succeed; controller output:\n${controller?.output().slice(-4000)}` });
    const row = table.split('\n').find((l) => l.startsWith(name))!;
    assert.match(row, /ci-nightly\s+\d+\s+periodic\s+.*success$/, 'BUILDID is set and STATE is success');

    const pj = parse(await ok(`kubectl get prowjob ${name} -o yaml`)) as {
      status: { state: string; pod_name?: string; build_id?: string; url?: string; completionTime?: string };
    };
    assert.equal(pj.status.state, 'success');
    assert.equal(pj.status.pod_name, name);
    assert.ok(pj.status.completionTime);
    assert.equal(pj.status.url, `http://deck.example/view/ci-nightly/${pj.status.build_id}`);

    assert.match(await ok(`kubectl get pod ${name} -n test-pods -o jsonpath='{.status.phase}'`), /^Succeeded$/);
    assert.match(await ok(`kubectl logs ${name} -n test-pods`), /nightly says hi/);
  });
});

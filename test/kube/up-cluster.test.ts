// `prow up --store kubernetes`: the whole embedded system with its ProwJobs in the API fake's CRD. A signed
// `/test all` makes hook create the ProwJob custom resources, the controller runs them, crier reports to
// the fake GitHub, and real kubectl lists them; the webhook queue stays in <data-dir>/prow.db.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import Database from 'better-sqlite3';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { examplePayload, prepareUpEnv, sendEvent, waitFor, type UpEnv, type UpProcess } from '../e2e/support/up-process.js';
import { startKubeCluster, type KubeCluster } from './support/kube-cluster.js';

const execFileP = promisify(execFile);
const REPO = `${DEMO_ORG}/${DEMO_REPO}`;

describe('prow up --store kubernetes', { timeout: 240_000 }, () => {
  let root: string;
  let fake: FakeGitHub;
  let env: UpEnv;
  let cluster: KubeCluster;
  let kubeconfig: string;
  let up: (UpProcess & { exited: Promise<void> }) | undefined;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prow-up-cluster-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
    env = await prepareUpEnv(root, fake, REPO);
    cluster = await startKubeCluster();
    kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.fake.kubeconfig());
    // examples/config.yaml puts ProwJobs in `prow`.
    await cluster.kubeconfig().makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'prow' } } });
  });

  after(async () => {
    if (up && up.child.exitCode === null && up.child.signalCode === null) up.child.kill('SIGKILL');
    await up?.exited;
    await cluster.close();
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs /test all with the ProwJobs as custom resources, and kubectl shows them', async () => {
    const child = spawn(process.execPath, [
      'bin/prow', 'up', '--log-format', 'text', '--data-dir', env.dataDir, '--hook-port', '0', '--deck-port', '0',
      '--github-endpoint', fake.url, '--github-token-path', env.tokenFile, '--hmac-secret-file', env.hmacFile,
      '--clone-url-rewrite', `https://github.com/=file://${env.reposRoot}/`,
      '--store', 'kubernetes', '--kubeconfig', kubeconfig,
    ], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const urls = await waitFor('prow up to serve', () => {
      if (child.exitCode !== null) throw new Error(`prow up exited ${child.exitCode}:\n${out}`);
      const hook = /hook\s+(http:\/\/\S+)\/hook/.exec(out)?.[1];
      const deck = /deck\s+(http:\/\/\S+?)\/?\s/.exec(out)?.[1];
      return hook && deck ? { hook, deck } : undefined;
    });
    up = {
      child, hookUrl: urls.hook, deckUrl: urls.deck, output: () => out, exited,
      stop: async () => { child.kill('SIGTERM'); await exited; },
      kill: async () => { child.kill('SIGKILL'); await exited; },
    };
    const sha = await fake.headSha(REPO, DEMO_PULL);
    await sendEvent(up, env, 'issue_comment', examplePayload('issue_comment-test-all.json'));
    try {
      await waitFor('unit status success', () => (fake.statuses(REPO, sha).filter((s) => s.context === 'unit').at(-1)?.state === 'success' ? true : undefined), 120_000);
    } catch (err) {
      const jobs = await execFileP('kubectl', ['--kubeconfig', kubeconfig, 'get', 'prowjobs', '-A', '-o', 'json']).then((r) => r.stdout, (e: Error) => e.message);
      throw new Error(`${(err as Error).message}\nstatuses: ${JSON.stringify(fake.statuses(REPO, sha))}\nprowjobs: ${jobs.slice(0, 3000)}\nprow up:\n${out}`);
    }

    const { stdout } = await execFileP('kubectl', ['--kubeconfig', kubeconfig, 'get', 'prowjobs', '-n', 'prow', '-o', 'json']);
    const items = (JSON.parse(stdout) as { items: { spec: { job: string; refs?: { pulls?: { sha: string }[] } }; status: { state: string; prev_report_states?: Record<string, string> } }[] }).items;
    const unit = items.find((pj) => pj.spec.job === 'unit' && pj.spec.refs?.pulls?.[0]?.sha === sha);
    assert.ok(unit, stdout);
    assert.equal(unit.status.state, 'success');
    assert.equal(unit.status.prev_report_states?.['github-reporter'], 'success');
    // The table kubectl prints from the CRD's printer columns.
    const table = (await execFileP('kubectl', ['--kubeconfig', kubeconfig, 'get', 'prowjobs', '-n', 'prow'])).stdout;
    assert.match(table, /unit\s+\d+\s+presubmit\s+/);

    // ProwJobs went to the CRD only; the delivery was queued in SQLite.
    const db = new Database(join(env.dataDir, 'prow.db'), { readonly: true });
    try {
      assert.equal((db.prepare('SELECT count(*) AS n FROM prowjobs').get() as { n: number }).n, 0);
      assert.ok((db.prepare('SELECT count(*) AS n FROM deliveries').get() as { n: number }).n >= 1);
    } finally {
      db.close();
    }
    await up.stop();
    assert.equal(child.exitCode, 0, out);
  });
});

// `prow crier` as a process: it shares the SQLite file with this test and talks to the fake GitHub.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPostsubmitJob } from '../../src/api/pjutil.js';
import { openSqliteStore, storePath } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';

describe('prow crier', () => {
  let gh: FakeGitHub;
  let dir: string;
  let store: Store;
  let child: ChildProcess | undefined;

  before(async () => {
    gh = await startFakeGitHub();
    await gh.reset({ bot: 'prow-bot', repos: [{ repo: 'o/r', files: { 'README.md': 'hi\n' } }] });
    dir = mkdtempSync(join(tmpdir(), 'crier-cli-'));
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: default\n');
    writeFileSync(join(dir, 'token'), 'secret-token\n');
    store = openSqliteStore(storePath(dir), { log: createSilentLogger(), pollIntervalMs: 20 });
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await store.close();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a job created by another process, then stops on SIGTERM', async () => {
    const base = (await gh.branchSha('o/r', 'main'))!;
    child = spawn('node', [
      'bin/prow', 'crier', '--config-path', join(dir, 'config.yaml'), '--data-dir', dir,
      '--github-endpoint', gh.url, '--github-token-path', join(dir, 'token'), '--health-port', '0', '--metrics-port', '0',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    await store.createProwJob(newPostsubmitJob({ name: 'post-r', context: 'post-r' }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: base }));
    const end = Date.now() + 20_000;
    while (gh.statuses('o/r', base).length === 0) {
      if (Date.now() > end || child.exitCode !== null) assert.fail(`no status was set; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(gh.statuses('o/r', base).map((s) => [s.context, s.state, s.creator]), [['post-r', 'pending', 'prow-bot']]);
    const ports = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg?: string; healthPort?: number; metricsPort?: number })
      .find((l) => l.msg === 'instrumentation serving');
    assert.ok(ports?.healthPort && ports.metricsPort, stdout);
    assert.equal(await (await fetch(`http://127.0.0.1:${ports.healthPort}/healthz`)).text(), 'OK');
    let metrics = '';
    while (!/crier_reporting_results\{reporter="github-reporter",result="success"\} 1/.test(metrics)) {
      if (Date.now() > end) assert.fail(metrics);
      metrics = await (await fetch(`http://127.0.0.1:${ports.metricsPort}/metrics`)).text();
    }
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});

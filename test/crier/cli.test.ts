// `prow crier` as a process: it shares the SQLite file with this test and talks to the fake GitHub.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPostsubmitJob } from '../../src/api/pjutil.js';
import { openSqliteStore, storePath } from '../../src/store/sqlite/store.js';
import type { Store } from '../../src/store/types.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { getText, spawnProw, type CliProcess } from '../support/spawn-cli.js';

describe('prow crier', () => {
  let gh: FakeGitHub;
  let dir: string;
  let store: Store;
  let cli: CliProcess | undefined;

  before(async () => {
    gh = await startFakeGitHub();
    await gh.reset({ bot: 'prow-bot', repos: [{ repo: 'o/r', files: { 'README.md': 'hi\n' } }] });
    dir = mkdtempSync(join(tmpdir(), 'crier-cli-'));
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: default\n');
    writeFileSync(join(dir, 'token'), 'secret-token\n');
    store = openSqliteStore(storePath(dir), { log: createSilentLogger(), pollIntervalMs: 20 });
  });
  after(async () => {
    cli?.kill();
    await store.close();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a job created by another process, then stops on SIGTERM', async () => {
    const base = (await gh.branchSha('o/r', 'main'))!;
    const child = spawnProw([
      'crier', '--config-path', join(dir, 'config.yaml'), '--data-dir', dir,
      '--github-endpoint', gh.url, '--github-token-path', join(dir, 'token'), '--health-port', '0', '--metrics-port', '0',
    ]);
    cli = child;

    await store.createProwJob(newPostsubmitJob({ name: 'post-r', context: 'post-r' }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: base }));
    await child.waitUntil(() => gh.statuses('o/r', base).length > 0, 'commit status');
    assert.deepEqual(gh.statuses('o/r', base).map((s) => [s.context, s.state, s.creator]), [['post-r', 'pending', 'prow-bot']]);
    const ports = await child.waitForLog('instrumentation serving') as { health_port?: number; metrics_port?: number };
    assert.ok(ports?.health_port && ports.metrics_port, child.stdout());
    assert.equal(await getText(`http://127.0.0.1:${ports.health_port}/healthz`), 'OK');
    const success = /crier_reporting_results\{reporter="github-reporter",result="success"\} 1/;
    await child.waitUntil(async () => success.test(await getText(`http://127.0.0.1:${ports.metrics_port}/metrics`)), 'crier success metric');
    assert.equal(await child.stop(), 0);
  });
});

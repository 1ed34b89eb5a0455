import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore, storePath } from '../../src/store/sqlite.js';

const RUNNER = fileURLToPath(new URL('./fixtures/run-command.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/horologium.ts', import.meta.url));

describe('prow horologium', () => {
  it('starts a due periodic in <data-dir>/prow.db, serves /healthz, and stops on SIGTERM', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-horologium-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, [
      'periodics:',
      '- name: nightly',
      '  interval: 24h',
      '  spec: {containers: [{image: alpine, command: [echo, hi]}]}',
      '',
    ].join('\n'));
    const dataDir = join(dir, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, CLI,
      '--config-path', configPath, '--data-dir', dataDir, '--health-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 20_000;
    while (!/triggering new run/.test(out) || !/"healthPort":\d+/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`horologium did not start a run:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const healthPort = Number(/"healthPort":(\d+)/.exec(out)![1]);
    assert.equal(await (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).text(), 'OK');

    const store = openSqliteStore(storePath(dataDir));
    try {
      const jobs = await store.listProwJobs({ labels: { 'prow.k8s.io/job': 'nightly' } });
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.spec.type, 'periodic');
      assert.equal(jobs[0]!.status.state, 'triggered');
    } finally {
      await store.close();
    }
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  });
});

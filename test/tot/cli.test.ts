import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore, storePath } from '../../src/store/sqlite.js';

const RUNNER = fileURLToPath(new URL('../horologium/fixtures/run-command.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/tot.ts', import.meta.url));

describe('prow tot', () => {
  it('imports --storage, vends over HTTP from <data-dir>/prow.db, and stops on SIGTERM', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-tot-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const storage = join(dir, 'tot.json');
    writeFileSync(storage, JSON.stringify({ Number: { 'ci-kubernetes-e2e': 1041 } }));
    const dataDir = join(dir, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, CLI,
      '--port', '0', '--data-dir', dataDir, '--storage', storage], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!/"msg":"tot listening"/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`tot did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const port = Number(/"port":(\d+),"msg":"tot listening"/.exec(out)![1]);
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/vend/ci-kubernetes-e2e`)).text(), '1042');
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/vend/new-job`)).text(), '1');
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    const store = openSqliteStore(storePath(dataDir));
    try {
      assert.equal(await store.currentBuildNumber('ci-kubernetes-e2e'), 1042);
    } finally {
      await store.close();
    }
  });
});

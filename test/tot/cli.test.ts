import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, storePath } from '../../src/store/sqlite/store.js';
import { getText, spawnCommand } from '../support/spawn-cli.js';

describe('prow tot', () => {
  it('imports --storage, vends over HTTP from <data-dir>/prow.db, and stops on SIGTERM', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-tot-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const storage = join(dir, 'tot.json');
    writeFileSync(storage, JSON.stringify({ Number: { 'ci-kubernetes-e2e': 1041 } }));
    const dataDir = join(dir, 'data');
    const cli = spawnCommand('tot', ['--port', '0', '--data-dir', dataDir, '--storage', storage]);
    t.after(() => cli.kill());
    const port = Number((await cli.waitFor(/"port":(\d+),"msg":"tot listening"/, 'tot listening'))[1]);
    assert.equal(await getText(`http://127.0.0.1:${port}/vend/ci-kubernetes-e2e`), '1042');
    assert.equal(await getText(`http://127.0.0.1:${port}/vend/new-job`), '1');
    assert.equal(await cli.stop(), 0, cli.output());
    const store = openSqliteStore(storePath(dataDir));
    try {
      assert.equal(await store.currentBuildNumber('ci-kubernetes-e2e'), 1042);
    } finally {
      await store.close();
    }
  });
});

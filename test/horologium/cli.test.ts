import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, storePath } from '../../src/store/sqlite/store.js';
import { getText, spawnCommand } from '../support/spawn-cli.js';

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
    const cli = spawnCommand('horologium', ['--config-path', configPath, '--data-dir', dataDir, '--health-port', '0']);
    t.after(() => cli.kill());

    await cli.waitFor(/triggering new run/, 'started run');
    const healthPort = Number((await cli.waitFor(/"health_port":(\d+)/, 'health port'))[1]);
    assert.equal(await getText(`http://127.0.0.1:${healthPort}/healthz`), 'OK');

    const store = openSqliteStore(storePath(dataDir));
    try {
      const jobs = (await store.listProwJobs({ labels: { 'prow.k8s.io/job': 'nightly' } })).items;
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.spec.type, 'periodic');
      assert.equal(jobs[0]!.status.state, 'triggered');
    } finally {
      await store.close();
    }
    assert.equal(await cli.stop(), 0, cli.output());
  });
});

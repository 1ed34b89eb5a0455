import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../../src/api/prowjob.js';
import { openSqliteStore, storePath } from '../../src/store/sqlite/store.js';
import { commandArgs, runCli } from '../support/spawn-cli.js';

function oldDoneJob(name: string): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name },
    spec: { type: 'postsubmit', job: 'post' },
    status: { state: 'success', startTime: '2020-01-01T00:00:00Z', completionTime: '2020-01-01T00:10:00Z' },
  };
}

describe('prow sinker', () => {
  it('--run-once deletes old jobs from <data-dir>/prow.db; --dry-run deletes nothing', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-sinker-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, 'sinker:\n  max_prowjob_age: 48h\n');
    const dataDir = join(dir, 'data');
    const store = openSqliteStore(storePath(dataDir));
    t.after(() => store.close());
    await store.createProwJob(oldDoneJob('old'));
    const run = (...flags: string[]) =>
      runCli(process.execPath, commandArgs('sinker', '--config-path', configPath, '--data-dir', dataDir, '--run-once', ...flags));

    const dry = await run('--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would delete prowjob/);
    assert.ok(await store.getProwJob('old'));

    const real = await run('--dry-run=false');
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /deleted prowjob/);
    assert.equal(await store.getProwJob('old'), undefined);
  });

  it('a bad config exits non-zero naming the file', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-sinker-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, 'sinker:\n  max_prowjob_age: forever\n');
    const res = await runCli(process.execPath, commandArgs('sinker', '--config-path', configPath, '--data-dir', join(dir, 'd'), '--run-once'));
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /config\.yaml/);
  });
});

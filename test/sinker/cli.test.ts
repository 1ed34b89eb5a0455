import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProwJob } from '../../src/api/prowjob.js';
import { openSqliteStore, storePath } from '../../src/store/sqlite.js';

const execFileP = promisify(execFile);
const RUNNER = fileURLToPath(new URL('../horologium/fixtures/run-command.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/sinker.ts', import.meta.url));

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
    const run = (...flags: string[]) => execFileP(process.execPath,
      ['--import', 'tsx', RUNNER, CLI, '--config-path', configPath, '--data-dir', dataDir, '--run-once', ...flags], { timeout: 30_000 });

    const dry = await run('--dry-run');
    assert.match(dry.stdout, /would delete prowjob/);
    assert.ok(await store.getProwJob('old'));

    const real = await run('--dry-run=false');
    assert.match(real.stdout, /deleted prowjob/);
    assert.equal(await store.getProwJob('old'), undefined);
  });

  it('a bad config exits non-zero naming the file', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-sinker-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, 'sinker:\n  max_prowjob_age: forever\n');
    await assert.rejects(
      execFileP(process.execPath, ['--import', 'tsx', RUNNER, CLI, '--config-path', configPath, '--data-dir', join(dir, 'd'), '--run-once'], { timeout: 30_000 }),
      (err: { code?: number; stderr?: string }) => err.code !== 0 && /config\.yaml/.test(err.stderr ?? ''),
    );
  });
});

// `prow crier --blob-storage-workers` as a process: it shares the SQLite file with this test and uploads to s3rver.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPeriodicJob } from '../../../src/api/pjutil.js';
import { createS3ArtifactStore, createS3Client, parseS3Credentials } from '../../../src/artifacts/s3.js';
import { openSqliteStore, storePath } from '../../../src/store/sqlite/store.js';
import type { Store } from '../../../src/store/types.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { runCli, spawnProw, PROW_BIN, type CliProcess } from '../../support/spawn-cli.js';
import { startS3rver, type S3Server } from '../../support/s3rver.js';

describe('prow crier --blob-storage-workers', () => {
  let dir: string;
  let store: Store;
  let s3: S3Server;
  let cli: CliProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crier-blob-cli-'));
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: default\n');
    s3 = await startS3rver(['prow-logs']);
    store = openSqliteStore(storePath(dir), { log: createSilentLogger(), pollIntervalMs: 20 });
  });
  after(async () => {
    cli?.kill();
    await store.close();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads prowjob.json for a job created by another process, with the GitHub reporter off', async () => {
    const child = spawnProw([
      'crier', '--config-path', join(dir, 'config.yaml'), '--data-dir', dir, '--github-workers', '0',
      '--blob-storage-workers', '1', '--s3-credentials-file', s3.credentialsFile,
    ]);
    cli = child;
    const pj = newPeriodicJob({ name: 'ci-periodic' });
    pj.spec.decoration_config = { gcs_configuration: { bucket: 's3://prow-logs', path_strategy: 'explicit' } };
    pj.status.build_id = '42';
    await store.createProwJob(pj);
    const bucket = createS3ArtifactStore({ client: createS3Client(parseS3Credentials(readFileSync(s3.credentialsFile, 'utf8'), 'f')), bucket: 'prow-logs' });
    await child.waitUntil(async () => (await bucket.stat('logs/ci-periodic/42/prowjob.json')) !== undefined, 'prowjob.json in s3rver', 60_000);
    assert.match((await bucket.get('logs/ci-periodic/42/prowjob.json'))!.toString(), /"state": "triggered"/);
    assert.equal(await child.stop(), 0);
  });

  const refused = [
    { name: 'a missing credentials file', args: ['--blob-storage-workers', '1', '--s3-credentials-file', '/nonexistent/s3.json'], want: /^prow crier: --s3-credentials-file \/nonexistent\/s3.json: cannot read: ENOENT\n$/ },
    { name: 'the Kubernetes blob-storage reporter', args: ['--kubernetes-blob-storage-workers', '1'], want: /^prow crier: --kubernetes-blob-storage-workers is not supported yet/ },
    { name: 'no reporter at all', args: ['--github-workers', '0'], want: /^prow crier: no reporter enabled/ },
  ];
  for (const c of refused) {
    it(`exits 1 with one line for ${c.name}`, async () => {
      const res = await runCli(process.execPath, [PROW_BIN, 'crier', '--config-path', join(dir, 'config.yaml'), '--data-dir', dir, ...c.args], 60_000);
      assert.equal(res.code, 1, res.stdout + res.stderr);
      assert.match(res.stderr, c.want);
    });
  }
});

// crier's blob-storage reporter (gcsreporter) through crier's real work queue: the SQLite store, an
// informer, and buckets that are a file:// directory, s3rver or the fake GCS.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { newPostsubmitJob, newPresubmitJob } from '../../../src/api/pjutil.js';
import type { ProwJob, ProwJobState } from '../../../src/api/prowjob.js';
import { REPORTER_NAMES } from '../../../src/api/reporters.js';
import { createBucketOpener, type BucketOpener } from '../../../src/artifacts/buckets.js';
import { createRemoteBucketOpener } from '../../../src/artifacts/remote.js';
import type { ArtifactStore } from '../../../src/artifacts/types.js';
import { createBlobReporter, type BlobReporterConfig } from '../../../src/crier/blob/reporter.js';
import { startCrier, type Crier } from '../../../src/crier/crier.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { retryOnConflict } from '../../../src/store/retry-on-conflict.js';
import { openSqliteStore } from '../../../src/store/sqlite/store.js';
import type { Store } from '../../../src/store/types.js';
import { startS3rver, type S3Server } from '../../support/s3rver.js';
import { startFakeGcs, type FakeGcs } from '../../../src/artifacts/fake-gcs/server.js';
import { waitFor } from '../../support/wait.js';
import { closeInformers, informerJobs } from '../informer-jobs.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const refs = { org: 'o', repo: 'r', base_ref: 'main', base_sha: SHA };

describe('blob-storage reporter (gcsreporter)', () => {
  const log = createSilentLogger();
  let dir: string;
  let store: Store;
  let crier: Crier | undefined;
  let s3: S3Server;
  let gcs: FakeGcs;
  let buckets: BucketOpener;
  let config: BlobReporterConfig;

  before(async () => {
    s3 = await startS3rver(['prow-logs']);
    gcs = await startFakeGcs({ buckets: ['gcs-logs'] });
  });
  after(async () => {
    await s3.close();
    await gcs.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crier-blob-'));
    store = openSqliteStore(join(dir, 'prow.db'), { log, pollIntervalMs: 20 });
    buckets = createBucketOpener({ remote: createRemoteBucketOpener({ s3CredentialsFile: s3.credentialsFile, gcsEndpoint: gcs.url }) });
    config = {};
  });
  afterEach(async () => {
    await crier?.close();
    crier = undefined;
    closeInformers();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (registry?: Registry, dryRun = false): void => {
    const reporter = createBlobReporter({ buckets, config: () => config, dryRun });
    crier = startCrier({ jobs: informerJobs(store), store, log, retryDelayMs: 10, maxRetryDelayMs: 40, reporters: [{ reporter, workers: 2 }], ...(registry ? { registry } : {}) });
  };
  const fileBucket = (): string => `file://${join(dir, 'bucket')}`;
  const create = (bucket: string | undefined, buildId: string | undefined, type: 'postsubmit' | 'presubmit' = 'postsubmit'): Promise<ProwJob> => {
    const pj = type === 'postsubmit'
      ? newPostsubmitJob({ name: 'post-r', context: 'post-r' }, refs)
      : newPresubmitJob({ name: 'pull-r', context: 'pull-r' }, { ...refs, pulls: [{ number: 7, author: 'a', sha: 'feedbeef' }] });
    if (bucket) pj.spec.decoration_config = { gcs_configuration: { bucket, path_strategy: 'explicit' } };
    if (buildId) pj.status.build_id = buildId;
    return store.createProwJob(pj);
  };
  const finish = (name: string, state: ProwJobState): Promise<ProwJob> =>
    retryOnConflict(store, name, (pj) => {
      pj.status.state = state;
      pj.status.completionTime = '2026-03-04T05:06:07Z';
      return pj;
    });
  const recorded = async (name: string): Promise<string | undefined> => (await store.getProwJob(name))?.status.prev_report_states?.[REPORTER_NAMES.gcs];
  const json = async (s: ArtifactStore, path: string): Promise<Record<string, unknown> | undefined> => {
    const data = await s.get(path);
    return data === undefined ? undefined : JSON.parse(data.toString()) as Record<string, unknown>;
  };

  for (const kind of ['file', 's3', 'gs'] as const) {
    it(`writes prowjob.json, started.json and, for a job that never ran, finished.json (${kind})`, async () => {
      const bucket = { file: fileBucket(), s3: 's3://prow-logs', gs: 'gs://gcs-logs' }[kind];
      const bstore = buckets({ file: { provider: 'file', bucket: join(dir, 'bucket') }, s3: { provider: 's3', bucket: 'prow-logs' }, gs: { provider: 'gs', bucket: 'gcs-logs' } }[kind]);
      start();
      const pj = await create(bucket, '1001');
      const name = pj.metadata.name;
      const buildDir = 'logs/post-r/1001';
      await waitFor(async () => (await recorded(name)) === 'triggered', { timeoutMs: 60_000, message: 'triggered reported' });
      const started = await json(bstore, `${buildDir}/started.json`);
      assert.deepEqual(started?.['metadata'], { uploader: 'crier' });
      assert.equal(started?.['repo-commit'], SHA);
      assert.deepEqual(started?.['repos'], { 'o/r': `main:${SHA}` });
      assert.equal(started?.['timestamp'], Math.floor(Date.parse(pj.status.startTime) / 1000));
      assert.equal(await bstore.get(`${buildDir}/finished.json`), undefined, 'not complete yet');
      assert.equal(((await json(bstore, `${buildDir}/prowjob.json`))?.['status'] as { state?: string } | undefined)?.state, 'triggered');
      assert.match((await bstore.get(`${buildDir}/prowjob.json`))!.toString(), /^\{\n\t"kind": "ProwJob",\n\t"apiVersion": "prow.k8s.io\/v1",/, 'tab-indented, Go field order');

      await finish(name, 'error');
      await waitFor(async () => (await recorded(name)) === 'error', { timeoutMs: 60_000, message: 'error reported' });
      assert.equal((await bstore.get(`${buildDir}/finished.json`))!.toString(),
        '{\n\t"timestamp": 1772600767,\n\t"passed": false,\n\t"metadata": {\n\t\t"uploader": "crier"\n\t},\n\t"result": "error"\n}');
      assert.equal(((await json(bstore, `${buildDir}/prowjob.json`))!['status'] as { state: string }).state, 'error');
    });
  }

  it("leaves the pod utilities' started.json and finished.json alone, and still writes prowjob.json", async () => {
    const bstore = buckets({ provider: 'file', bucket: join(dir, 'bucket') });
    const buildDir = 'pr-logs/pull/o_r/7/pull-r/2002';
    await bstore.put(`${buildDir}/started.json`, '{"timestamp":1,"repo-commit":"abc"}');
    await bstore.put(`${buildDir}/finished.json`, '{"timestamp":2,"passed":true,"result":"SUCCESS"}');
    start();
    const pj = await create(fileBucket(), '2002', 'presubmit');
    await finish(pj.metadata.name, 'success');
    await waitFor(async () => (await recorded(pj.metadata.name)) === 'success', { timeoutMs: 60_000, message: 'success reported' });
    assert.equal((await bstore.get(`${buildDir}/started.json`))!.toString(), '{"timestamp":1,"repo-commit":"abc"}');
    assert.equal((await bstore.get(`${buildDir}/finished.json`))!.toString(), '{"timestamp":2,"passed":true,"result":"SUCCESS"}');
    assert.equal(((await json(bstore, `${buildDir}/prowjob.json`))!['status'] as { state: string }).state, 'success');
  });

  it('waits for a build id, and places an undecorated job by the default decoration config', async () => {
    config = { plank: { default_decoration_config_entries: [{ config: { gcs_configuration: { bucket: fileBucket(), path_strategy: 'explicit' } } }] } };
    const bstore = buckets({ provider: 'file', bucket: join(dir, 'bucket') });
    start();
    const pj = await create(undefined, undefined);
    await crier!.idle();
    assert.equal(await recorded(pj.metadata.name), undefined, 'no build id: not reported, not recorded');
    assert.deepEqual(await bstore.list(''), []);
    await retryOnConflict(store, pj.metadata.name, (j) => {
      j.status.build_id = '3003';
      j.status.state = 'pending';
      return j;
    });
    await waitFor(async () => (await recorded(pj.metadata.name)) === 'pending', { timeoutMs: 60_000, message: 'pending reported' });
    assert.deepEqual((await bstore.list('logs/post-r/3003')).map((e) => e.path), ['logs/post-r/3003/prowjob.json', 'logs/post-r/3003/started.json']);
  });

  it('retries a bucket that fails, recording nothing', async () => {
    const registry = new Registry();
    start(registry);
    const pj = await create('s3://no-such-bucket', '4004');
    await waitFor(async () => /reporter="gcsreporter",result="error"\} [2-9]/.test(await registry.getSingleMetricAsString('crier_reporting_results')),
      { timeoutMs: 60_000, message: 'failed reports counted' });
    assert.equal(await recorded(pj.metadata.name), undefined);
  });

  it('records a job with no bucket anywhere as reported (nothing to retry)', async () => {
    start();
    const pj = await create(undefined, '5005');
    await waitFor(async () => (await recorded(pj.metadata.name)) === 'triggered', { timeoutMs: 60_000, message: 'triggered recorded' });
  });

  it('writes nothing on a dry run, and records the state as reported', async () => {
    start(undefined, true);
    const pj = await create(fileBucket(), '6006');
    await finish(pj.metadata.name, 'aborted');
    await waitFor(async () => (await recorded(pj.metadata.name)) === 'aborted', { timeoutMs: 60_000, message: 'aborted recorded' });
    assert.deepEqual(await buckets({ provider: 'file', bucket: join(dir, 'bucket') }).list(''), []);
  });
});

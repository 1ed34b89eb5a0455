// The uploads of initupload and the sidecar into a real local artifact store, and JobSpec from the env.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshalJobSpec, newJobSpec } from '../../src/api/jobspec.js';
import { newProwJob } from '../../src/api/pjutil.js';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import type { ArtifactStore } from '../../src/artifacts/types.js';
import { createUploadedLogSource } from '../../src/podutils/build-log.js';
import { resolveSpecFromEnv } from '../../src/podutils/downwardapi.js';
import { buildDirFor, indexFilesFor } from '../../src/podutils/paths.js';
import { marshalProwJob, uploadArtifactsDir, uploadIndexFiles, uploadProwJob } from '../../src/podutils/upload.js';

function presubmit(gcs?: Record<string, string>): ProwJob {
  const pj = newProwJob({
    type: 'presubmit', job: 'pull-r-unit', agent: 'kubernetes',
    refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'b', pulls: [{ number: 4, author: 'a', sha: 's' }] },
    ...(gcs ? { decoration_config: { gcs_configuration: gcs } } : {}),
  });
  pj.metadata.name = 'pj-1';
  pj.status.build_id = '100';
  return pj;
}

describe('podutils uploads', () => {
  let dir: string;
  let store: ArtifactStore;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'podutils-'));
    store = createLocalArtifactStore({ root: join(dir, 'bucket') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lays out an undecorated presubmit as explicit, a decorated one by its path strategy and prefix', () => {
    assert.equal(buildDirFor(presubmit(), '100'), 'pr-logs/pull/o_r/4/pull-r-unit/100');
    const legacy = presubmit({ bucket: 'gs://b', path_strategy: 'legacy', default_org: 'o', default_repo: 'r', path_prefix: 'pfx' });
    assert.equal(buildDirFor(legacy, '100'), 'pfx/pr-logs/pull/4/pull-r-unit/100');
  });

  it('writes latest-build.txt files and the presubmit alias with the bucket URL', async () => {
    const pj = presubmit({ bucket: 'gs://bkt', path_strategy: 'explicit' });
    assert.deepEqual([...indexFilesFor(pj, '100')], [
      ['pr-logs/directory/pull-r-unit/latest-build.txt', '100'],
      ['pr-logs/pull/o_r/4/pull-r-unit/latest-build.txt', '100'],
      ['pr-logs/directory/pull-r-unit/100.txt', 'gs://bkt/pr-logs/pull/o_r/4/pull-r-unit/100'],
    ]);
    await uploadIndexFiles(store, pj, '100');
    assert.equal((await store.get('pr-logs/directory/pull-r-unit/100.txt'))?.toString(), 'gs://bkt/pr-logs/pull/o_r/4/pull-r-unit/100');
    const periodic = newProwJob({ type: 'periodic', job: 'ci-nightly', agent: 'kubernetes' });
    assert.deepEqual([...indexFilesFor(periodic, '7')], [['logs/ci-nightly/latest-build.txt', '7']]);
  });

  it('writes prowjob.json tab-indented with keys in Go struct order', async () => {
    const pj = presubmit();
    const reordered = { status: pj.status, spec: pj.spec, metadata: pj.metadata, apiVersion: pj.apiVersion, kind: pj.kind } as ProwJob;
    await uploadProwJob(store, 'logs/x/1', reordered);
    const text = (await store.get('logs/x/1/prowjob.json'))!.toString();
    assert.equal(text, marshalProwJob(pj));
    assert.match(text, /^\{\n\t"kind": "ProwJob",\n\t"apiVersion": "prow\.k8s\.io\/v1",\n\t"metadata": \{\n\t\t"name": "pj-1"/);
    assert.match(text, /\n\t"status": \{\n\t\t"startTime": /);
  });

  it('uploads $ARTIFACTS and returns its metadata.json; a bad one is reported under sidecar-errors', async () => {
    const local = join(dir, 'artifacts-a');
    mkdirSync(join(local, 'junit'), { recursive: true });
    writeFileSync(join(local, 'junit', 'junit_01.xml'), '<testsuite/>');
    writeFileSync(join(local, 'metadata.json'), '{"k":"v"}');
    assert.deepEqual(await uploadArtifactsDir(store, 'logs/y/2', local), { k: 'v' });
    assert.equal((await store.get('logs/y/2/artifacts/junit/junit_01.xml'))?.toString(), '<testsuite/>');
    writeFileSync(join(local, 'metadata.json'), '[1]');
    assert.deepEqual(Object.keys((await uploadArtifactsDir(store, 'logs/y/3', local))!), ['sidecar-errors']);
    assert.equal(await uploadArtifactsDir(store, 'logs/y/4', join(dir, 'none')), undefined);
  });

  it("reads the uploaded build log by the job's build dir", async () => {
    const pj = presubmit();
    const logs = createUploadedLogSource(store);
    assert.equal(await logs.size(pj), undefined);
    await store.put('pr-logs/pull/o_r/4/pull-r-unit/100/build-log.txt', 'line one\nline two\n');
    assert.equal(await logs.size(pj), 18);
    assert.equal((await logs.read(pj, { start: 5, end: 7 }))?.toString(), 'one');
    assert.equal(await logs.read({ ...pj, status: { ...pj.status, build_id: undefined } }), undefined);
  });
});

describe('downward API', () => {
  it('resolves the JobSpec from JOB_SPEC as plank wrote it', () => {
    const spec = newJobSpec(presubmit().spec, '100', 'pj-1');
    assert.deepEqual(resolveSpecFromEnv({ JOB_SPEC: marshalJobSpec(spec) }), JSON.parse(marshalJobSpec(spec)));
  });
  it('refuses a missing or malformed JOB_SPEC', () => {
    assert.throws(() => resolveSpecFromEnv({}), /JOB_SPEC unset/);
    assert.throws(() => resolveSpecFromEnv({ JOB_SPEC: '{' }), /malformed \$JOB_SPEC/);
    assert.throws(() => resolveSpecFromEnv({ JOB_SPEC: '{"job":"x"}' }), /want an object with type and job/);
  });
});

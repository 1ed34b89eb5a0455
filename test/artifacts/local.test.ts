import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import { buildDirForProwJob } from '../../src/artifacts/layout.js';
import { ArtifactNotFoundError, ArtifactPathError } from '../../src/artifacts/types.js';
import type { ProwJob } from '../../src/api/prowjob.js';

describe('local artifact store', () => {
  const root = mkdtempSync(join(tmpdir(), 'artifacts-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const store = createLocalArtifactStore({ root: join(root, 'bucket') });

  it('puts atomically, gets, stats and lists under a prefix', async () => {
    await store.put('logs/job/1/started.json', '{"timestamp":1}');
    await store.put('logs/job/1/started.json', '{"timestamp":2}');
    await store.put('logs/job/1/artifacts/junit.xml', '<x/>');
    await store.put('logs/job/2/finished.json', '{}');
    assert.equal((await store.get('logs/job/1/started.json'))!.toString(), '{"timestamp":2}');
    assert.equal(await store.get('logs/job/1/nope.json'), undefined);
    assert.equal((await store.stat('logs/job/1/started.json'))!.size, 15);
    const listed = await store.list('logs/job/1/');
    assert.deepEqual(listed.map((e) => e.path), ['logs/job/1/artifacts/junit.xml', 'logs/job/1/started.json']);
    assert.deepEqual((await store.list('')).length, 3);
    assert.deepEqual(await store.list('logs/other'), []);
    // no temp files left behind by the atomic writes
    assert.deepEqual(readdirSync(join(root, 'bucket', 'logs', 'job', '1')).sort(), ['artifacts', 'started.json']);
  });

  it('appends and reads byte ranges', async () => {
    await store.append('logs/job/3/build-log.txt', 'hello ');
    await store.append('logs/job/3/build-log.txt', 'world\n');
    assert.equal(await text(await store.openRead('logs/job/3/build-log.txt')), 'hello world\n');
    assert.equal(await text(await store.openRead('logs/job/3/build-log.txt', { start: 6 })), 'world\n');
    assert.equal(await text(await store.openRead('logs/job/3/build-log.txt', { start: 0, end: 4 })), 'hello');
    await assert.rejects(store.openRead('logs/job/3/none.txt'), ArtifactNotFoundError);
  });

  it('refuses paths that escape the root', async () => {
    await assert.rejects(store.put('../evil', 'x'), ArtifactPathError);
    await assert.rejects(store.get('/etc/passwd'), ArtifactPathError);
    await assert.rejects(store.get('logs//x'), ArtifactPathError);
  });
});

describe('build dir layout', () => {
  const pj = (type: ProwJob['spec']['type'], extra: Partial<ProwJob['spec']> = {}): ProwJob => ({
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: 'x' },
    spec: { type, job: 'pull-test', ...extra }, status: { startTime: '', state: 'triggered' },
  });
  const refs = { org: 'kubernetes', repo: 'test-infra', base_ref: 'main', pulls: [{ number: 7, author: 'a', sha: 's' }] };
  const legacy = { gcs_configuration: { path_strategy: 'legacy', default_org: 'kubernetes', default_repo: 'kubernetes' } };
  const cases: Array<[string, ProwJob, string]> = [
    ['periodic', pj('periodic'), 'logs/pull-test/5'],
    ['postsubmit', pj('postsubmit', { refs }), 'logs/pull-test/5'],
    ['batch', pj('batch', { refs }), 'pr-logs/pull/batch/pull-test/5'],
    ['presubmit explicit', pj('presubmit', { refs }), 'pr-logs/pull/kubernetes_test-infra/7/pull-test/5'],
    ['presubmit legacy, default org', pj('presubmit', { refs, decoration_config: legacy }), 'pr-logs/pull/test-infra/7/pull-test/5'],
    ['presubmit legacy, default repo', pj('presubmit', { refs: { ...refs, repo: 'kubernetes' }, decoration_config: legacy }), 'pr-logs/pull/7/pull-test/5'],
    ['path prefix', pj('periodic', { decoration_config: { gcs_configuration: { path_prefix: '/pfx/' } } }), 'pfx/logs/pull-test/5'],
  ];
  for (const [name, job, want] of cases) it(name, () => assert.equal(buildDirForProwJob(job, '5'), want));
});

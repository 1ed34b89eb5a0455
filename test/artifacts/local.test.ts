import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import { ArtifactNotFoundError, ArtifactPathError } from '../../src/artifacts/types.js';

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

  it('reads byte ranges', async () => {
    await store.put('logs/job/3/build-log.txt', 'hello world\n');
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

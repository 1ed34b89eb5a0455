// The ArtifactStore contract (src/artifacts/types.ts) as one set of cases, run against every store:
// the local directory, S3 (s3rver) and GCS (the fake GCS JSON API).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { ArtifactNotFoundError, ArtifactPathError, type ArtifactStore } from '../../src/artifacts/types.js';

/** Registers the contract's cases in the calling describe(); `store()` is read when each case runs. */
export function artifactStoreContract(store: () => ArtifactStore): void {
  it('puts, replaces, gets, stats and lists under a prefix, sorted', async () => {
    const s = store();
    await s.put('logs/job/1/started.json', '{"timestamp":1}');
    await s.put('logs/job/1/started.json', '{"timestamp":2}');
    await s.put('logs/job/1/artifacts/junit.xml', '<x/>');
    await s.put('logs/job/10/finished.json', '{}');
    await s.put('logs/job/2/finished.json', new TextEncoder().encode('{"passed":true}'));
    assert.equal((await s.get('logs/job/1/started.json'))!.toString(), '{"timestamp":2}');
    assert.equal(await s.get('logs/job/1/nope.json'), undefined);
    const st = await s.stat('logs/job/1/started.json');
    assert.equal(st?.path, 'logs/job/1/started.json');
    assert.equal(st?.size, 15);
    assert.ok(!Number.isNaN(Date.parse(st.modified)), st.modified);
    assert.equal(await s.stat('logs/job/1/nope.json'), undefined);
    assert.deepEqual((await s.list('logs/job/1/')).map((e) => e.path), ['logs/job/1/artifacts/junit.xml', 'logs/job/1/started.json']);
    assert.deepEqual((await s.list('logs/job/1')).map((e) => e.path), ['logs/job/1/artifacts/junit.xml', 'logs/job/1/started.json'], 'a prefix is a directory: job/10 is not under job/1');
    assert.deepEqual((await s.list('')).map((e) => e.path), [
      'logs/job/1/artifacts/junit.xml', 'logs/job/1/started.json', 'logs/job/10/finished.json', 'logs/job/2/finished.json',
    ]);
    assert.equal((await s.list('logs/job/2'))[0]?.size, 15);
    assert.deepEqual(await s.list('logs/other'), []);
  });

  it('streams byte ranges of an object, several MiB long', async () => {
    const s = store();
    await s.put('logs/job/3/build-log.txt', 'hello world\n');
    assert.equal(await text(await s.openRead('logs/job/3/build-log.txt')), 'hello world\n');
    assert.equal(await text(await s.openRead('logs/job/3/build-log.txt', { start: 6 })), 'world\n');
    assert.equal(await text(await s.openRead('logs/job/3/build-log.txt', { start: 0, end: 4 })), 'hello');
    assert.equal(await text(await s.openRead('logs/job/3/build-log.txt', { start: 12 })), '', 'a start at the end reads nothing');
    await assert.rejects(s.openRead('logs/job/3/none.txt'), ArtifactNotFoundError);
    await assert.rejects(s.openRead('logs/job/3/build-log.txt', { start: 5, end: 2 }), ArtifactPathError);

    const big = Buffer.alloc(5 * 1024 * 1024 + 3);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    await s.put('logs/job/3/big.bin', big);
    assert.equal((await s.stat('logs/job/3/big.bin'))?.size, big.length);
    const chunks: Buffer[] = [];
    for await (const chunk of await s.openRead('logs/job/3/big.bin', { start: 1_000_000, end: 4_000_000 })) chunks.push(chunk as Buffer);
    assert.ok(chunks.length > 1, 'delivered as a stream of chunks');
    assert.ok(Buffer.concat(chunks).equals(big.subarray(1_000_000, 4_000_001)));
    assert.ok((await s.get('logs/job/3/big.bin'))!.equals(big));
  });

  it('creates an object only if there is none, when the store offers putIfAbsent', async (t) => {
    const s = store();
    if (!s.putIfAbsent) {
      t.skip('this store has no preconditions; callers check, then put');
      return;
    }
    assert.equal(await s.putIfAbsent('logs/job/5/finished.json', '{"first":true}'), true);
    assert.equal(await s.putIfAbsent('logs/job/5/finished.json', '{"second":true}'), false);
    assert.equal((await s.get('logs/job/5/finished.json'))?.toString(), '{"first":true}');
    assert.deepEqual((await s.list('logs/job/5')).map((e) => e.path), ['logs/job/5/finished.json']);
    const racers = await Promise.all([1, 2, 3, 4].map((i) => s.putIfAbsent!('logs/job/5/started.json', `{"racer":${i}}`)));
    assert.equal(racers.filter(Boolean).length, 1, 'exactly one of concurrent creators wins');
  });

  it('deletes one object; deleting a missing one is no error', async () => {
    const s = store();
    await s.put('logs/job/4/a.txt', 'a');
    await s.put('logs/job/4/b.txt', 'b');
    await s.delete('logs/job/4/a.txt');
    await s.delete('logs/job/4/a.txt');
    assert.equal(await s.get('logs/job/4/a.txt'), undefined);
    assert.deepEqual((await s.list('logs/job/4')).map((e) => e.path), ['logs/job/4/b.txt']);
  });

  it('refuses paths that escape the bucket', async () => {
    const s = store();
    await assert.rejects(s.put('../evil', 'x'), ArtifactPathError);
    await assert.rejects(s.get('/etc/passwd'), ArtifactPathError);
    await assert.rejects(s.get('logs//x'), ArtifactPathError);
    await assert.rejects(s.list('../'), ArtifactPathError);
  });
}

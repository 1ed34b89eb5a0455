// The fake GCS JSON API as the real client and plain HTTP see it: every upload kind, preconditions, errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CRC32C, Storage } from '@google-cloud/storage';
import { startFakeGcs, type FakeGcs } from '../../../src/artifacts/fake-gcs/server.js';

describe('fake GCS', () => {
  let gcs: FakeGcs;
  let storage: Storage;
  before(async () => {
    gcs = await startFakeGcs({ buckets: ['prow-logs'], maxObjectBytes: 1024 * 1024 });
    storage = new Storage({ apiEndpoint: gcs.url, projectId: 'test' });
  });
  after(() => gcs.close());

  it('takes resumable uploads in chunks as the client sends them', async () => {
    const data = Buffer.alloc(600 * 1024, 7);
    await storage.bucket('prow-logs').file('logs/job/1/big.bin').save(data, { resumable: true, chunkSize: 256 * 1024 });
    assert.ok(gcs.object('prow-logs', 'logs/job/1/big.bin')?.equals(data));
    const puts = gcs.requests().filter((r) => r.startsWith('PUT /upload/storage/v1/b/prow-logs/o?') && r.includes('upload_id='));
    assert.ok(puts.length >= 3, gcs.requests().join('\n'));
  });

  it('takes media uploads and answers metadata with size, hashes and generation', async () => {
    const res = await fetch(`${gcs.url}/upload/storage/v1/b/prow-logs/o?uploadType=media&name=logs%2Fjob%2F2%2Fbuild-log.txt`, {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello\n',
    });
    assert.equal(res.status, 200);
    const meta = await res.json() as Record<string, string>;
    assert.equal(meta['name'], 'logs/job/2/build-log.txt');
    assert.equal(meta['size'], '6');
    assert.equal(meta['md5Hash'], 'sZRqySSS0jR8YjW00mERhA==');
    const crc = new CRC32C();
    crc.update(Buffer.from('hello\n'));
    assert.equal(meta['crc32c'], crc.toString(), 'as the client library computes it');
    const [got] = await storage.bucket('prow-logs').file('logs/job/2/build-log.txt').getMetadata();
    assert.equal(got.generation, meta['generation']);
  });

  it('refuses a create-only write over an existing object with 412', async () => {
    const file = storage.bucket('prow-logs').file('logs/job/3/finished.json');
    await file.save('{}', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    await assert.rejects(file.save('{"x":1}', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }), (err: { code?: number }) => err.code === 412);
    assert.equal(gcs.object('prow-logs', 'logs/job/3/finished.json')?.toString(), '{}');
  });

  it('answers errors with GCS JSON bodies and bounds uploads', async () => {
    const missing = await fetch(`${gcs.url}/storage/v1/b/prow-logs/o/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: { code: 404, message: 'No such object: prow-logs/nope', errors: [{ message: 'No such object: prow-logs/nope', domain: 'global', reason: 'notFound' }] } });
    const noBucket = await fetch(`${gcs.url}/storage/v1/b/other/o`);
    assert.equal(noBucket.status, 404);
    assert.match(await noBucket.text(), /The specified bucket does not exist/);
    const tooBig = await fetch(`${gcs.url}/upload/storage/v1/b/prow-logs/o?uploadType=media&name=x`, { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024) });
    assert.equal(tooBig.status, 413);
    const badRange = await fetch(`${gcs.url}/storage/v1/b/prow-logs/o/logs%2Fjob%2F2%2Fbuild-log.txt?alt=media`, { headers: { range: 'bytes=10-' } });
    assert.equal(badRange.status, 416);
  });

  it('lists with a delimiter as directories', async () => {
    const res = await fetch(`${gcs.url}/storage/v1/b/prow-logs/o?prefix=logs%2Fjob%2F&delimiter=%2F`);
    const body = await res.json() as { prefixes?: string[]; items?: unknown[] };
    assert.deepEqual(body.prefixes, ['logs/job/1/', 'logs/job/2/', 'logs/job/3/']);
    assert.equal(body.items, undefined);
  });
});

// The one bucket helper every command uses: upstream's credentials flags → a BucketOpener, or one clear line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketFlagError, openBucketsFromFlags } from '../../src/cli/support/buckets.js';
import { startFakeGcs, type FakeGcs } from '../../src/artifacts/fake-gcs/server.js';
import { startS3rver, type S3Server } from '../support/s3rver.js';

describe('openBucketsFromFlags', () => {
  let dir: string;
  let s3: S3Server;
  let gcs: FakeGcs;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bucket-flags-'));
    s3 = await startS3rver(['prow-logs']);
    gcs = await startFakeGcs({ buckets: ['gcs-logs'] });
  });
  after(async () => {
    await s3.close();
    await gcs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens s3://, gs:// and file:// buckets from the flags', async () => {
    const open = openBucketsFromFlags({ s3CredentialsFile: s3.credentialsFile, gcsEndpoint: gcs.url });
    await open({ provider: 's3', bucket: 'prow-logs' }).put('logs/a/1/started.json', '{}');
    await open({ provider: 'gs', bucket: 'gcs-logs' }).put('logs/a/1/started.json', '{"gs":1}');
    await open({ provider: 'file', bucket: join(dir, 'local') }).put('logs/a/1/started.json', '{"file":1}');
    assert.equal((await open({ provider: 's3', bucket: 'prow-logs' }).get('logs/a/1/started.json'))?.toString(), '{}');
    assert.equal(gcs.object('gcs-logs', 'logs/a/1/started.json')?.toString(), '{"gs":1}');
    assert.equal((await open({ provider: 'file', bucket: join(dir, 'local') }).get('logs/a/1/started.json'))?.toString(), '{"file":1}');
  });

  const bad = (name: string, content: string | undefined): string => {
    const file = join(dir ?? tmpdir(), name);
    if (content !== undefined) writeFileSync(file, content);
    return file;
  };
  const cases: Array<{ name: string; flags: () => Parameters<typeof openBucketsFromFlags>[0]; want: (d: string) => string }> = [
    { name: 'a missing S3 file', flags: () => ({ s3CredentialsFile: bad('none.json', undefined) }), want: (d) => `--s3-credentials-file ${d}/none.json: cannot read: ENOENT` },
    { name: 'an S3 file that is not JSON', flags: () => ({ s3CredentialsFile: bad('s3.json', 'region=x') }), want: (d) => `--s3-credentials-file ${d}/s3.json: not valid JSON` },
    { name: 'a GCS key without its private key', flags: () => ({ gcsCredentialsFile: bad('sa.json', '{"type":"service_account","client_email":"a@b"}') }), want: (d) => `--gcs-credentials-file ${d}/sa.json: private_key: a service account key needs it` },
    { name: 'a missing GCS file', flags: () => ({ gcsCredentialsFile: bad('gone.json', undefined) }), want: (d) => `--gcs-credentials-file ${d}/gone.json: cannot read: ENOENT` },
  ];
  for (const c of cases) {
    it(`names the flag and file for ${c.name}`, () => {
      assert.throws(() => openBucketsFromFlags(c.flags()), (err: Error) => {
        assert.ok(err instanceof BucketFlagError, String(err));
        assert.ok(err.message.startsWith(c.want(dir)), err.message);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    });
  }
});

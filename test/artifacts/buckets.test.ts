import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketConfigError, bucketRefOf, createBucketOpener } from '../../src/artifacts/buckets.js';

test('bucketRefOf names the provider as upstream: a bare name is GCS', () => {
  assert.deepEqual(bucketRefOf('kubernetes-jenkins'), { provider: 'gs', bucket: 'kubernetes-jenkins' });
  assert.deepEqual(bucketRefOf('gs://kubernetes-jenkins/sub'), { provider: 'gs', bucket: 'kubernetes-jenkins' });
  assert.deepEqual(bucketRefOf('s3://prow-logs'), { provider: 's3', bucket: 'prow-logs' });
  assert.deepEqual(bucketRefOf('file:///tmp/prow'), { provider: 'file', bucket: '/tmp/prow' });
  assert.throws(() => bucketRefOf('file://relative'), BucketConfigError);
});

test('createBucketOpener opens file:// buckets, caches them, and refuses providers it has no client for', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'buckets-'));
  const open = createBucketOpener();
  const store = open({ provider: 'file', bucket: dir });
  await store.put('logs/job/1/started.json', '{}');
  assert.equal(open({ provider: 'file', bucket: dir }), store);
  assert.equal((await store.get('logs/job/1/started.json'))?.toString(), '{}');
  assert.throws(() => open({ provider: 's3', bucket: 'prow-logs' }), /provider "s3" cannot be opened here/);
});

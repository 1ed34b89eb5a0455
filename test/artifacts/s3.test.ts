// The S3 store against s3rver, a real S3 wire server, through an upstream-format credentials file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createS3ArtifactStore, createS3Client, parseS3Credentials, S3CredentialsError } from '../../src/artifacts/s3.js';
import type { ArtifactStore } from '../../src/artifacts/types.js';
import { artifactStoreContract } from '../support/artifact-store-contract.js';
import { startS3rver, type S3Server } from '../support/s3rver.js';

describe('S3 artifact store (s3rver)', () => {
  let server: S3Server;
  let store: ArtifactStore;
  before(async () => {
    server = await startS3rver(['prow-logs']);
    const creds = parseS3Credentials(readFileSync(server.credentialsFile, 'utf8'), server.credentialsFile);
    store = createS3ArtifactStore({ client: await createS3Client(creds), bucket: 'prow-logs' });
  });
  after(() => server.close());

  artifactStoreContract(() => store);

  it('labels logs and metadata with a content type a browser shows', async () => {
    const client = await createS3Client(parseS3Credentials(readFileSync(server.credentialsFile, 'utf8'), server.credentialsFile));
    await store.put('logs/job/5/build-log.txt', 'hi');
    await store.put('logs/job/5/finished.json', '{}');
    await store.put('logs/job/5/artifacts/blob', 'x');
    const typeOf = async (key: string): Promise<string | undefined> => (await client.send(new HeadObjectCommand({ Bucket: 'prow-logs', Key: key }))).ContentType;
    assert.equal(await typeOf('logs/job/5/build-log.txt'), 'text/plain; charset=utf-8');
    assert.equal(await typeOf('logs/job/5/finished.json'), 'application/json');
    assert.match(String(await typeOf('logs/job/5/artifacts/blob')), /octet-stream/, 'the server default (S3 says binary/, s3rver application/)');
  });

  it('a missing bucket is an error, not a missing object', async () => {
    const creds = parseS3Credentials(readFileSync(server.credentialsFile, 'utf8'), server.credentialsFile);
    const missing = createS3ArtifactStore({ client: await createS3Client(creds), bucket: 'no-such-bucket' });
    await assert.rejects(missing.get('logs/x'), /bucket/i);
  });
});

describe('parseS3Credentials', () => {
  const cases: Array<{ name: string; text: string; want?: object; error?: RegExp }> = [
    { name: 'upstream MinIO example', text: '{"region":"minio","endpoint":"https://minio-hl-svc.minio-operator-ns:9000","s3_force_path_style":true,"access_key":"a","secret_key":"s"}',
      want: { region: 'minio', endpoint: 'https://minio-hl-svc.minio-operator-ns:9000', s3_force_path_style: true, access_key: 'a', secret_key: 's' } },
    { name: 'unknown keys are ignored as Go does', text: '{"region":"us-east-1","extra":1}', want: { region: 'us-east-1' } },
    { name: 'not JSON', text: 'region: x', error: /creds.json: not valid JSON$/ },
    { name: 'a broken file is not quoted back (it holds secrets)', text: '{"secret_key":"hunter2",', error: /^creds\.json: not valid JSON$/ },
    { name: 'a boolean as a string', text: '{"insecure":"true"}', error: /creds.json: insecure: want true or false/ },
    { name: 'an endpoint without scheme', text: '{"endpoint":"minio:9000"}', error: /endpoint: want an http/ },
    { name: 'a key without its secret', text: '{"access_key":"a"}', error: /access_key and secret_key go together/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error) assert.throws(() => parseS3Credentials(c.text, 'creds.json'), (err: Error) => err instanceof S3CredentialsError && c.error!.test(err.message));
      else assert.deepEqual(parseS3Credentials(c.text, 'creds.json'), c.want);
    });
  }
});

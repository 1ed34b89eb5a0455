// The GCS store: @google-cloud/storage over HTTP to the fake GCS JSON API (src/artifacts/fake-gcs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGcsArtifactStore, createGcsClient, GcsCredentialsError, parseGcsCredentials } from '../../src/artifacts/gcs.js';
import type { ArtifactStore } from '../../src/artifacts/types.js';
import { startFakeGcs, type FakeGcs } from '../../src/artifacts/fake-gcs/server.js';
import { artifactStoreContract } from '../support/artifact-store-contract.js';

describe('GCS artifact store (fake GCS)', () => {
  let gcs: FakeGcs;
  let store: ArtifactStore;
  before(async () => {
    gcs = await startFakeGcs({ buckets: ['prow-logs'], maxPageSize: 2 });
    store = createGcsArtifactStore({ client: await createGcsClient({ apiEndpoint: gcs.url }), bucket: 'prow-logs' });
  });
  after(() => gcs.close());

  artifactStoreContract(() => store);

  it('follows page tokens and sends no credentials when it has none', async () => {
    const listed = await store.list('');
    assert.ok(listed.length > 2);
    assert.ok(gcs.requests().some((r) => r.startsWith('GET /storage/v1/b/prow-logs/o?') && r.includes('pageToken=')), gcs.requests().join('\n'));
    assert.deepEqual(gcs.authorizations(), []);
  });

  it('a missing bucket is an error, not a missing object', async () => {
    const missing = createGcsArtifactStore({ client: await createGcsClient({ apiEndpoint: gcs.url }), bucket: 'no-such-bucket' });
    await assert.rejects(missing.get('logs/x'), /bucket does not exist/);
    await assert.rejects(missing.stat('logs/x'), /bucket does not exist/);
  });
});

describe('parseGcsCredentials', () => {
  it('accepts a service account key and names the file and field it refuses', () => {
    const key = { type: 'service_account', project_id: 'p', client_email: 'prow@p.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\n' };
    assert.deepEqual(parseGcsCredentials(JSON.stringify(key), 'sa.json'), key);
    assert.throws(() => parseGcsCredentials('{', 'sa.json'), (e: Error) => e instanceof GcsCredentialsError && /^sa\.json: not valid JSON$/.test(e.message));
    assert.throws(() => parseGcsCredentials('{"client_email":"x"}', 'sa.json'), /sa\.json: type: want/);
    assert.throws(() => parseGcsCredentials('{"type":"service_account","client_email":"x"}', 'sa.json'), /sa\.json: private_key: a service account key needs it/);
  });
});

// `prow fake-gcs` as a process, written to and read by the GCS store over HTTP.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGcsArtifactStore, createGcsClient } from '../../src/artifacts/gcs.js';
import { spawnProw, type CliProcess } from '../support/spawn-cli.js';

describe('prow fake-gcs', () => {
  let cli: CliProcess | undefined;
  after(() => cli?.kill());

  it('serves the buckets it is given until SIGTERM', async () => {
    cli = spawnProw(['fake-gcs', '--port', '0', '--bucket', 'prow-logs']);
    const url = (await cli.waitFor(/^(http:\/\/\S+)$/m, 'the URL on stdout', 60_000))[1]!;
    const store = createGcsArtifactStore({ client: await createGcsClient({ apiEndpoint: url }), bucket: 'prow-logs' });
    await store.put('logs/job/1/started.json', '{"timestamp":1}');
    assert.equal((await store.get('logs/job/1/started.json'))?.toString(), '{"timestamp":1}');
    assert.equal(await cli.stop(), 0);
  });
});

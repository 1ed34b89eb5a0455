import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import { artifactStoreContract } from '../support/artifact-store-contract.js';

describe('local artifact store', () => {
  const root = mkdtempSync(join(tmpdir(), 'artifacts-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const store = createLocalArtifactStore({ root: join(root, 'bucket') });

  artifactStoreContract(() => store);

  it('leaves no temp files behind its atomic writes', async () => {
    await store.put('logs/job/9/started.json', '{"timestamp":1}');
    await store.put('logs/job/9/started.json', '{"timestamp":2}');
    assert.deepEqual(readdirSync(join(root, 'bucket', 'logs', 'job', '9')), ['started.json']);
  });
});

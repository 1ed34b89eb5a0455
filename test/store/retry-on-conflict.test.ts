import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retryOnConflict } from '../../src/store/retry-on-conflict.js';
import { ConflictError, NotFoundError } from '../../src/store/types.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import { newProwJob } from '../../src/api/pjutil.js';

describe('retryOnConflict', () => {
  it('re-reads and re-applies after another writer wins, and writes nothing when the mutation says so', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'roc-'));
    const store = openSqliteStore(join(dir, 'prow.db'));
    t.after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const pj = await store.createProwJob(newProwJob({ type: 'periodic', job: 'j' }));
    let first = true;
    const updated = await retryOnConflict(store, pj.metadata.name, (cur) => {
      if (first) {
        first = false;
        // another writer changes the job between our read and our write
        void store.updateProwJob({ ...cur, status: { ...cur.status, description: 'theirs' } });
      }
      return { ...cur, metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, mine: 'yes' } } };
    });
    assert.equal(updated.metadata.labels?.mine, 'yes');
    assert.equal(updated.status.description, 'theirs');
    const same = await retryOnConflict(store, pj.metadata.name, () => undefined);
    assert.equal(same.metadata.resourceVersion, updated.metadata.resourceVersion);
    await assert.rejects(retryOnConflict(store, 'missing', (c) => c), NotFoundError);
  });

  it('gives up with the ConflictError after the attempts run out', async () => {
    let n = 0;
    const fake = {
      getProwJob: async () => newProwJob({ type: 'periodic', job: 'j' }),
      updateProwJob: async () => {
        n++;
        throw new ConflictError('ProwJob', 'x', '1');
      },
    };
    await assert.rejects(retryOnConflict(fake, 'x', (c) => c, 3), ConflictError);
    assert.equal(n, 3);
  });
});

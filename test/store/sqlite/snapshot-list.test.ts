import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteStore } from '../../../src/store/sqlite/store.js';
import { makeProwJob } from '../fixtures/prowjobs.js';

describe('sqlite list over many jobs', () => {
  it('reads page by page, letting writes in, and still returns the one snapshot its resourceVersion names', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-snapshot-list-'));
    const store = openSqliteStore(join(dir, 'prow.db'));
    t.after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const n = 1300; // more than two pages
    for (let i = 0; i < n; i++) await store.createProwJob(makeProwJob(`pj-${String(i).padStart(5, '0')}`));
    const last = await store.getProwJob(`pj-${String(n - 1).padStart(5, '0')}`);

    let loopRan = false;
    setImmediate(() => (loopRan = true));
    let loopRanBeforeList = false;
    const listing = store.listProwJobs().then((l) => {
      loopRanBeforeList = loopRan;
      return l;
    });
    // Between the pages: one new job, one deleted, and a change to a job on the last page.
    let writesDone = false;
    const writes = (async () => {
      await new Promise((r) => setImmediate(r));
      await store.createProwJob(makeProwJob('pj-zzzzz'));
      await store.deleteProwJob('pj-01200');
      await store.updateProwJob({ ...last!, status: { ...last!.status, description: 'changed while listing' } });
      writesDone = true;
    })();
    const list = await listing;
    await writes;
    assert.ok(writesDone);
    assert.ok(loopRanBeforeList, 'the list yielded to the event loop between pages');
    assert.equal(list.items.length, n, 'neither the new job nor the deletion');
    assert.ok(list.items.some((pj) => pj.metadata.name === 'pj-01200'));
    assert.notEqual(list.items.at(-1)!.status.description, 'changed while listing');
    assert.equal(list.resourceVersion, last!.metadata.resourceVersion);
    const after = await store.listProwJobs();
    assert.equal(after.items.length, n);
    assert.equal(after.items.at(-1)!.metadata.name, 'pj-zzzzz');
  });
});

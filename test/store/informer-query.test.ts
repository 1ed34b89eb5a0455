import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { createProwJobInformer, type ProwJobInformer } from '../../src/store/informer.js';
import { createInformerQuery, queryProwJobsIn } from '../../src/store/informer-query.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { InvalidCursorError, type ProwJobQuery } from '../../src/store/types.js';
import { makeProwJob } from './fixtures/prowjobs.js';

// The same jobs in SQLite and in an informer: every query must give the same pages, cursors included.
const cases: { name: string; query: ProwJobQuery }[] = [
  { name: 'everything, newest first', query: {} },
  { name: 'a small page', query: { limit: 4 } },
  { name: 'by job', query: { job: 'unit' } },
  { name: 'by job pattern', query: { jobPattern: 'pull-*-e2e' } },
  { name: 'a pattern with GLOB characters matched literally', query: { jobPattern: 'odd[1]?*' } },
  { name: 'by type and state', query: { type: 'presubmit', state: 'pending' } },
  { name: 'one pull request', query: { org: 'o', repo: 'r', pull: 3 } },
  { name: 'an org', query: { org: 'o' } },
  { name: 'by author', query: { author: 'alice' } },
  { name: 'complete ones', query: { complete: true } },
  { name: 'incomplete ones, paged', query: { complete: false, limit: 3 } },
  { name: 'by label', query: { labels: { team: 'x' } } },
  { name: 'by cluster', query: { cluster: 'gpu' } },
  { name: 'no match', query: { job: 'nope' } },
];

function fixtures(): ProwJob[] {
  const jobs: ProwJob[] = [];
  for (let i = 0; i < 24; i++) {
    const job = ['unit', 'pull-a-e2e', 'pull-b-e2e', 'odd[1]?x'][i % 4]!;
    const pj = makeProwJob(`pj-${String(i).padStart(2, '0')}`, {
      job,
      type: i % 3 === 0 ? 'periodic' : 'presubmit',
      state: i % 5 === 0 ? 'success' : i % 2 === 0 ? 'pending' : 'triggered',
      // Some share a start time: the name breaks the tie.
      startTime: `2026-01-01T00:00:${String(Math.floor(i / 2)).padStart(2, '0')}Z`,
      ...(i % 5 === 0 ? { completionTime: '2026-01-02T00:00:00Z' } : {}),
      ...(i % 3 === 0 ? {} : { org: i % 2 ? 'o' : 'p', repo: 'r', pull: i % 4 }),
      labels: i % 3 === 1 ? { team: 'x' } : {},
    });
    if (pj.spec.refs?.pulls?.[0]) pj.spec.refs.pulls[0].author = i % 2 ? 'alice' : 'bob';
    if (i % 7 === 0) pj.spec.cluster = 'gpu';
    jobs.push(pj);
  }
  return jobs;
}

describe('informer query', () => {
  let dir: string;
  let store: SqliteStore;
  let informer: ProwJobInformer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prow-informer-query-'));
    store = openSqliteStore(join(dir, 'prow.db'));
    for (const pj of fixtures()) await store.createProwJob(pj);
    informer = createProwJobInformer(store, { log: createSilentLogger() });
    await informer.start();
  });

  after(async () => {
    informer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pageNames = (page: { prowjobs: ProwJob[] }): string[] => page.prowjobs.map((pj) => pj.metadata.name);

  for (const { name, query } of cases) {
    it(`answers as the SQLite store does: ${name}`, async () => {
      const fromInformer = createInformerQuery(informer);
      let sqlite = await store.queryProwJobs(query);
      let scanned = await fromInformer(query);
      for (let pages = 0; ; pages++) {
        assert.deepEqual(pageNames(scanned), pageNames(sqlite));
        assert.equal(scanned.next, sqlite.next);
        if (!sqlite.next || pages > 30) break;
        sqlite = await store.queryProwJobs({ ...query, before: sqlite.next });
        scanned = await fromInformer({ ...query, before: scanned.next! });
      }
    });
  }

  it('pages a list without overlap or gap', async () => {
    const seen: string[] = [];
    let page = queryProwJobsIn(informer.list(), { limit: 5 });
    seen.push(...pageNames(page));
    while (page.next) {
      page = queryProwJobsIn(informer.list(), { limit: 5, before: page.next });
      seen.push(...pageNames(page));
    }
    assert.equal(seen.length, 24);
    assert.equal(new Set(seen).size, 24);
  });

  it('refuses a cursor no page handed out with InvalidCursorError, as the SQLite store does', async () => {
    for (const cursor of ['garbage', Buffer.from('[1,2]').toString('base64url')]) {
      assert.throws(() => queryProwJobsIn([], { before: cursor }), InvalidCursorError);
      await assert.rejects(store.queryProwJobs({ before: cursor }), InvalidCursorError);
    }
  });
});

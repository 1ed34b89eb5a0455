import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { describe, it } from 'node:test';
import { ProwJobQueries } from '../../../src/store/sqlite/query.js';
import { migrateSchema } from '../../../src/store/sqlite/schema.js';
import { StatementCache } from '../../../src/store/sqlite/statement-cache.js';
import type { ProwJobQuery } from '../../../src/store/types.js';

/** The plan SQLite picks for the SQL a query builds, with its parameters. */
function planOf(query: ProwJobQuery): string {
  const db = new Database(':memory:');
  migrateSchema(db);
  const seen: string[] = [];
  class Recording extends StatementCache {
    override get(sql: string) {
      seen.push(sql);
      return super.get(sql);
    }
  }
  new ProwJobQueries(db, new Recording(db)).query(query);
  const sql = seen.at(-1)!;
  const params: unknown[] = [];
  for (const k of ['job', 'type', 'state', 'org', 'repo', 'pull', 'cluster'] as const) if (query[k] !== undefined) params.push(query[k]);
  if (query.complete !== undefined) params.push(query.complete ? 1 : 0);
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params, 2) as { detail: string }[];
  db.close();
  return rows.map((r) => r.detail).join('; ');
}

describe('sqlite ProwJob queries pick a selective index', () => {
  it("a job's newest run of a type (horologium) reads that job's rows, not every job of the type", () => {
    assert.match(planOf({ job: 'ci-nightly', type: 'periodic', limit: 1 }), /USING INDEX prowjobs_job\b/);
  });

  it('a repository with a state reads the repository index', () => {
    assert.match(planOf({ org: 'o', repo: 'r', state: 'pending', complete: false }), /USING INDEX prowjobs_(repo|org_repo)\b/);
  });

  it('a type alone still uses its own index', () => {
    assert.match(planOf({ type: 'periodic' }), /USING INDEX prowjobs_type\b/);
  });
});

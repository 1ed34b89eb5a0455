// Listing every ProwJob without stalling the process: a read-only second connection holds one snapshot
// (a WAL read transaction) open while the rows are read and parsed a page at a time, yielding to the event
// loop between pages. The list is exactly the snapshot its resourceVersion names, as a single read would be,
// however many writes the main connection commits meanwhile. Lists take turns on the connection.
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { nextTurn as yieldToLoop } from '../../api/time-slice.js';
import type { ProwJob } from '../../api/prowjob.js';
import type { LabelSelector, ProwJobList } from '../types.js';
import { RESOURCE_VERSION_COUNTER } from './schema.js';

/** Rows read and parsed between two yields: a few milliseconds of work. */
const PAGE = 500;

export class SnapshotLister {
  private db: Db | undefined;
  private readonly pages = new Map<string, Statement>();
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string, private readonly busyTimeoutMs: number) {}

  list(selector: LabelSelector | undefined): Promise<ProwJobList> {
    const run = this.turn.then(() => this.read(selector));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private connection(): Db {
    if (!this.db) {
      this.db = new Database(this.path, { readonly: true });
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    }
    return this.db;
  }

  private async read(selector: LabelSelector | undefined): Promise<ProwJobList> {
    const db = this.connection();
    const { sql, params } = pageQuery(selector);
    let page = this.pages.get(sql);
    if (!page) {
      page = db.prepare(sql);
      this.pages.set(sql, page);
    }
    db.exec('BEGIN');
    try {
      // The first read starts the snapshot: the counter and every page come from it.
      const rv = (db.prepare(`SELECT value FROM counters WHERE name = '${RESOURCE_VERSION_COUNTER}'`).get() as { value: number }).value;
      const items: ProwJob[] = [];
      let after = '';
      for (;;) {
        const rows = page.all(...params, after) as { name: string; doc: string }[];
        for (const row of rows) items.push(JSON.parse(row.doc) as ProwJob);
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.name;
        await yieldToLoop();
      }
      return { items, resourceVersion: String(rv) };
    } finally {
      db.exec('COMMIT');
    }
  }

  /** Closes the connection once the list in progress (if any) is done. */
  async close(): Promise<void> {
    await this.turn;
    this.db?.close();
    this.db = undefined;
  }
}

/**
 * One page after a name. With a selector, the first label drives the walk through the label table's
 * (key, value, name) key, so each page is a range read; the other labels are index probes per row.
 */
function pageQuery(selector: LabelSelector | undefined): { sql: string; params: string[] } {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return { sql: `SELECT name, doc FROM prowjobs WHERE name > ? ORDER BY name LIMIT ${PAGE}`, params: [] };
  const [[key, value], ...rest] = entries as [[string, string], ...[string, string][]];
  const probes = rest.map(() => ' AND EXISTS (SELECT 1 FROM prowjob_labels o WHERE o.key = ? AND o.value = ? AND o.name = p.name)').join('');
  return {
    sql: `SELECT p.name AS name, p.doc AS doc FROM prowjob_labels l JOIN prowjobs p ON p.name = l.name
      WHERE l.key = ? AND l.value = ?${probes} AND l.name > ? ORDER BY l.name LIMIT ${PAGE}`,
    params: [key, value, ...rest.flat()],
  };
}

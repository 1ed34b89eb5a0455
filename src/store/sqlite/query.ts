// deck's paged queries over the indexed columns: newest first (start_time DESC, name DESC), keyset-paged
// by a cursor of the last row's (start_time, name).
import type { Database as Db, Statement } from 'better-sqlite3';
import type { ProwJob } from '../../api/prowjob.js';
import { decodeCursor, encodeCursor, pageLimit } from '../query-columns.js';
import type { ProwJobDocumentBatch, ProwJobPage, ProwJobQuery } from '../types.js';
import { labelClause } from './prowjobs.js';
import { AUTHOR_EXPR } from './schema.js';
import type { StatementCache } from './statement-cache.js';

/** Up to this many jobs matching a job pattern's literal prefix are read through the job index and sorted. */
const JOB_PATTERN_RANGE_MAX = 2000;

/** Documents read per batch while streaming: a few hundred kilobytes, a few milliseconds of work. */
const DOCUMENT_BATCH = 500;

type Row = { name: string; doc: string; start_time: string; org?: string | null; repo?: string | null };

/**
 * spec.hidden of a stored document. A text search first: `"hidden":true` appears only where some object has
 * that key set (inside a string the quotes would be escaped), so the rare match alone is parsed. json_extract
 * in the query parsed every document inside SQLite.
 */
function isHidden(doc: string): boolean {
  return doc.includes('"hidden":true') && (JSON.parse(doc) as ProwJob).spec?.hidden === true;
}

const EQUALITY_COLUMNS: [keyof ProwJobQuery, string][] = [
  ['job', 'job'], ['type', 'type'], ['state', 'state'], ['org', 'org'], ['repo', 'repo'], ['pull', 'pull'],
  ['cluster', 'cluster'],
];

/**
 * Columns with a handful of values. Beside a selective one (a job, a repository, an author) they are written
 * `+column` so SQLite cannot pick their index: without statistics it took `type = 'periodic'` for horologium's
 * newest-run-of-a-job query and walked every periodic run when that job had none (160 ms at 50,000 jobs).
 */
const BROAD_COLUMNS = new Set(['type', 'state', 'cluster']);

export class ProwJobQueries {
  private readonly patternCount: Statement<[string, string, number], { n: number }>;

  constructor(db: Db, private readonly statements: StatementCache) {
    this.patternCount = db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM prowjobs WHERE job >= ? AND job < ? LIMIT ?)');
  }

  query(query: ProwJobQuery): ProwJobPage {
    const { rows, limit } = this.rows(query, 'doc');
    const page: ProwJobPage = { prowjobs: rows.slice(0, limit).map((row) => JSON.parse(row.doc) as ProwJob) };
    const last = rows[limit - 1];
    if (rows.length > limit && last) page.next = encodeCursor(last.start_time, last.name);
    return page;
  }

  /**
   * The same page as the stored JSON, unparsed, with the columns deck filters on, read in batches: each
   * batch continues after the last row of the one before (keyset), so only one batch is held at a time.
   * The last batch carries the page's `next` cursor. A job created while the batches are read is newer
   * than the ones already sent and does not appear, as with a page read later.
   */
  *documentBatches(query: ProwJobQuery): Generator<ProwJobDocumentBatch> {
    let remaining = pageLimit(query);
    let after: [string, string] | undefined;
    for (;;) {
      const take = Math.min(DOCUMENT_BATCH, remaining);
      const { rows } = this.rows({ ...query, limit: take }, 'doc, org, repo', after);
      const batch = rows.slice(0, take);
      remaining -= batch.length;
      const more = rows.length > take;
      const last = batch[batch.length - 1];
      const documents = batch.map((row) => ({ json: row.doc, org: row.org ?? null, repo: row.repo ?? null, hidden: isHidden(row.doc) }));
      if (!more || remaining === 0 || !last) {
        yield more && last ? { documents, next: encodeCursor(last.start_time, last.name) } : { documents };
        return;
      }
      yield { documents };
      after = [last.start_time, last.name];
    }
  }

  /** `after` (start_time, name of a row already read) continues a read as a decoded `before` would. */
  private rows(query: ProwJobQuery, columns: string, after?: [string, string]): { rows: Row[]; limit: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    const selective = EQUALITY_COLUMNS.some(([field, column]) => query[field] !== undefined && !BROAD_COLUMNS.has(column))
      || query.author !== undefined;
    for (const [field, column] of EQUALITY_COLUMNS) {
      const value = query[field];
      if (value !== undefined) {
        where.push(`${selective && BROAD_COLUMNS.has(column) ? '+' : ''}${column} = ?`);
        params.push(value);
      }
    }
    if (query.author !== undefined) {
      where.push(`${AUTHOR_EXPR} = ?`);
      params.push(query.author);
    }
    let table = 'prowjobs';
    if (query.jobPattern !== undefined) {
      // A pattern with a literal prefix that few jobs share reads those jobs through the job index; a broad
      // one (`pull-*`) or a leading `*` walks the newest-first index instead and stops at the page size.
      const prefix = query.jobPattern.split('*')[0] ?? '';
      const high = `${prefix}\u{10FFFF}`;
      const narrow = prefix !== ''
        && this.patternCount.get(prefix, high, JOB_PATTERN_RANGE_MAX + 1)!.n <= JOB_PATTERN_RANGE_MAX;
      if (narrow) {
        table = 'prowjobs INDEXED BY prowjobs_job';
        where.push('job >= ? AND job < ?');
        params.push(prefix, high);
      }
      where.push(narrow ? 'job GLOB ?' : '+job GLOB ?');
      params.push(query.jobPattern.replace(/[[\]?]/g, (c) => `[${c}]`));
    }
    if (query.complete !== undefined) {
      where.push(`${selective ? '+' : ''}complete = ?`);
      params.push(query.complete ? 1 : 0);
    }
    const labels = labelClause(query.labels);
    if (labels.clause) {
      where.push(labels.clause);
      params.push(...labels.params);
    }
    const from = after ?? (query.before !== undefined ? decodeCursor(query.before) : undefined);
    if (from) {
      const [startTime, name] = from;
      // A row value, so SQLite seeks the (start_time DESC, name DESC) index; the equivalent OR scanned it from the top.
      where.push('(start_time, name) < (?, ?)');
      params.push(startTime, name);
    }
    const limit = pageLimit(query);
    const rows = this.statements
      .get(`SELECT name, start_time, ${columns} FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
        ORDER BY start_time DESC, name DESC LIMIT ?`)
      .all(...params, limit + 1) as Row[];
    return { rows, limit };
  }
}

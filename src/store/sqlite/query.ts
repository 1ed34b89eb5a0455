// deck's paged queries over the indexed columns: newest first (start_time DESC, name DESC), keyset-paged
// by a cursor of the last row's (start_time, name).
import type { Database as Db, Statement } from 'better-sqlite3';
import type { ProwJob } from '../../api/prowjob.js';
import { decodeCursor, encodeCursor, pageLimit } from '../query-columns.js';
import type { ProwJobDocumentPage, ProwJobPage, ProwJobQuery } from '../types.js';
import { labelClause } from './prowjobs.js';
import { AUTHOR_EXPR } from './schema.js';
import type { StatementCache } from './statement-cache.js';

/** Up to this many jobs matching a job pattern's literal prefix are read through the job index and sorted. */
const JOB_PATTERN_RANGE_MAX = 2000;

const EQUALITY_COLUMNS: [keyof ProwJobQuery, string][] = [
  ['job', 'job'], ['type', 'type'], ['state', 'state'], ['org', 'org'], ['repo', 'repo'], ['pull', 'pull'],
  ['cluster', 'cluster'],
];

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

  /** The same page as the stored JSON, unparsed, with the columns deck filters on. */
  documents(query: ProwJobQuery): ProwJobDocumentPage {
    const { rows, limit } = this.rows(query, "doc, org, repo, coalesce(json_extract(doc, '$.spec.hidden'), 0) AS hidden");
    const page: ProwJobDocumentPage = {
      documents: rows.slice(0, limit).map((row) => ({ json: row.doc, org: row.org ?? null, repo: row.repo ?? null, hidden: Boolean(row.hidden) })),
    };
    const last = rows[limit - 1];
    if (rows.length > limit && last) page.next = encodeCursor(last.start_time, last.name);
    return page;
  }

  private rows(query: ProwJobQuery, columns: string): { rows: { name: string; doc: string; start_time: string; org?: string | null; repo?: string | null; hidden?: number }[]; limit: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [field, column] of EQUALITY_COLUMNS) {
      const value = query[field];
      if (value !== undefined) {
        where.push(`${column} = ?`);
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
      where.push('complete = ?');
      params.push(query.complete ? 1 : 0);
    }
    const labels = labelClause(query.labels);
    if (labels.clause) {
      where.push(labels.clause);
      params.push(...labels.params);
    }
    if (query.before !== undefined) {
      const [startTime, name] = decodeCursor(query.before);
      where.push('(start_time < ? OR (start_time = ? AND name < ?))');
      params.push(startTime, startTime, name);
    }
    const limit = pageLimit(query);
    const rows = this.statements
      .get(`SELECT name, start_time, ${columns} FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
        ORDER BY start_time DESC, name DESC LIMIT ?`)
      .all(...params, limit + 1) as { name: string; doc: string; start_time: string }[];
    return { rows, limit };
  }
}

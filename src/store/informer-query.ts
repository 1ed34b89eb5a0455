// queryProwJobs for a store without SQL indexes (a ProwJob CRD store): the same filters, order and cursors
// as the SQLite store's (store/sqlite/query.ts), answered from an informer's cache by a filtered scan.
import type { ProwJob } from '../api/prowjob.js';
import type { ProwJobInformer } from './informer.js';
import { authorOf, decodeCursor, encodeCursor, matchesLabels, pageLimit, queryColumnsOf } from './query-columns.js';
import type { ProwJobPage, ProwJobQuery } from './types.js';

/** SQLite GLOB with only `*` special (the SQLite store escapes `[`, `]` and `?`): a linear-time match. */
export function globMatches(pattern: string, text: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === text;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = text.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/** One page of the jobs matching `query`, newest first (start_time DESC, name DESC). */
export function queryProwJobsIn(jobs: Iterable<ProwJob>, query: ProwJobQuery = {}): ProwJobPage {
  const after = query.before === undefined ? undefined : decodeCursor(query.before);
  const rows: { pj: ProwJob; start: string; name: string }[] = [];
  for (const pj of jobs) {
    const f = queryColumnsOf(pj);
    if (query.job !== undefined && f.job !== query.job) continue;
    if (query.type !== undefined && f.type !== query.type) continue;
    if (query.state !== undefined && f.state !== query.state) continue;
    if (query.org !== undefined && f.org !== query.org) continue;
    if (query.repo !== undefined && f.repo !== query.repo) continue;
    if (query.pull !== undefined && f.pull !== query.pull) continue;
    if (query.cluster !== undefined && f.cluster !== query.cluster) continue;
    if (query.author !== undefined && authorOf(pj) !== query.author) continue;
    if (query.jobPattern !== undefined && !globMatches(query.jobPattern, f.job)) continue;
    if (query.complete !== undefined && f.complete !== (query.complete ? 1 : 0)) continue;
    if (!matchesLabels(pj, query.labels)) continue;
    if (after && !(f.start_time < after[0] || (f.start_time === after[0] && f.name < after[1]))) continue;
    rows.push({ pj, start: f.start_time, name: f.name });
  }
  // Byte order, as SQLite's BINARY collation compares these ASCII strings.
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort((a, b) => cmp(b.start, a.start) || cmp(b.name, a.name));
  const limit = pageLimit(query);
  const page: ProwJobPage = { prowjobs: rows.slice(0, limit).map((r) => r.pj) };
  const last = rows[limit - 1];
  if (rows.length > limit && last) page.next = encodeCursor(last.start, last.name);
  return page;
}

/** ProwJobStore.queryProwJobs over an informer: what a store without indexes plugs in. */
export function createInformerQuery(informer: Pick<ProwJobInformer, 'list'>): (query?: ProwJobQuery) => Promise<ProwJobPage> {
  return async (query = {}) => queryProwJobsIn(informer.list(), query);
}

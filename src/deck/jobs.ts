// Job queries for the list, PR page and JSON API: filters from URL parameters, run by the store's
// queryProwJobs (indexed in SQLite; from an informer in a store without indexes).
import type { ProwJob, ProwJobState, ProwJobType } from '../api/prowjob.js';
import { PROWJOB_STATES, PROWJOB_TYPES } from '../api/prowjob.js';
import { InvalidCursorError } from '../store/types.js';
import type { ProwJobPage, ProwJobQuery, ProwJobStore } from '../store/types.js';

export interface JobFilters {
  /** "org/repo" or "org". */
  repo?: string;
  type?: ProwJobType;
  state?: ProwJobState;
  /** Job name; `*` is a wildcard. */
  job?: string;
  author?: string;
  pull?: number;
  cluster?: string;
}

export interface JobQuery extends JobFilters {
  limit: number;
  before?: string;
}

export interface JobPage {
  prowjobs: ProwJob[];
  next?: string;
}

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

const NAME_RE = /^[\w./*@:+-]{1,200}$/;

/** Reads filters from URL parameters; a bad value is a FilterError naming the parameter (a 400). */
export function parseFilters(params: URLSearchParams, { maxLimit = 1000, defaultLimit = 100 } = {}): JobQuery {
  const q: JobQuery = { limit: defaultLimit };
  const get = (k: string): string | undefined => {
    const v = params.get(k)?.trim();
    return v ? v : undefined;
  };
  const text = (k: string): string | undefined => {
    const v = get(k);
    if (v !== undefined && !NAME_RE.test(v)) throw new FilterError(`${k}: ${JSON.stringify(v)} is not a valid value`);
    return v;
  };
  let repo = text('repo');
  const org = text('org');
  if (repo && org && !repo.includes('/')) repo = `${org}/${repo}`;
  else if (!repo && org) repo = org;
  if (repo) q.repo = repo;
  const type = get('type');
  if (type !== undefined) {
    if (!PROWJOB_TYPES.includes(type as ProwJobType)) throw new FilterError(`type: ${JSON.stringify(type)} is not one of ${PROWJOB_TYPES.join(', ')}`);
    q.type = type as ProwJobType;
  }
  const state = get('state');
  if (state !== undefined) {
    if (!PROWJOB_STATES.includes(state as ProwJobState)) throw new FilterError(`state: ${JSON.stringify(state)} is not one of ${PROWJOB_STATES.join(', ')}`);
    q.state = state as ProwJobState;
  }
  const job = text('job');
  if (job) q.job = job;
  const author = text('author') ?? text('owner');
  if (author) q.author = author;
  const cluster = text('cluster');
  if (cluster) q.cluster = cluster;
  const pull = get('pull');
  if (pull !== undefined) {
    if (!/^\d{1,9}$/.test(pull)) throw new FilterError(`pull: ${JSON.stringify(pull)} is not a pull request number`);
    q.pull = Number(pull);
  }
  const limit = get('limit');
  if (limit !== undefined) {
    if (!/^\d{1,6}$/.test(limit) || Number(limit) < 1) throw new FilterError(`limit: ${JSON.stringify(limit)} is not a positive number`);
    q.limit = Math.min(maxLimit, Number(limit));
  }
  const before = get('before');
  if (before !== undefined) {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(before)) throw new FilterError('before: not a cursor from a previous page');
    q.before = before;
  }
  return q;
}

/** The query parameters that reproduce these filters (for links and forms). */
export function filterParams(f: JobFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.repo) p.set('repo', f.repo);
  if (f.type) p.set('type', f.type);
  if (f.state) p.set('state', f.state);
  if (f.job) p.set('job', f.job);
  if (f.author) p.set('author', f.author);
  if (f.pull !== undefined) p.set('pull', String(f.pull));
  if (f.cluster) p.set('cluster', f.cluster);
  return p;
}

/** Newest first, one page. Hidden jobs (spec.hidden) and deck.hidden_repos are left out. */
/** The store query for deck's filters. */
export function storeQueryOf(q: JobQuery): ProwJobQuery {
  const iq: ProwJobQuery = { limit: q.limit };
  if (q.job) {
    if (q.job.includes('*')) iq.jobPattern = q.job;
    else iq.job = q.job;
  }
  if (q.type) iq.type = q.type;
  if (q.state) iq.state = q.state;
  if (q.cluster) iq.cluster = q.cluster;
  if (q.author) iq.author = q.author;
  if (q.pull !== undefined) iq.pull = q.pull;
  if (q.repo) {
    const [org, repo] = q.repo.split('/');
    iq.org = org!;
    if (repo !== undefined) iq.repo = repo;
  }
  if (q.before) iq.before = q.before;
  return iq;
}

/** Whether deck shows a job of `org`/`repo` (spec.hidden, or the repo or org in deck.hidden_repos). */
export function isShown(hidden: boolean, org: string | null | undefined, repo: string | null | undefined, hiddenRepos: readonly string[]): boolean {
  if (hidden) return false;
  return !org || !hiddenRepos.some((h) => h === org || h === `${org}/${repo}`);
}

/** InvalidCursorError from the store as deck's 400. */
export async function withCursorCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new FilterError('before: not a cursor from a previous page', { cause: err });
    throw err;
  }
}

export async function queryJobs(store: Pick<ProwJobStore, 'queryProwJobs'>, q: JobQuery, hiddenRepos: readonly string[] = []): Promise<JobPage> {
  const page: ProwJobPage = await withCursorCheck(() => store.queryProwJobs(storeQueryOf(q)));
  const out: JobPage = { prowjobs: page.prowjobs.filter((pj) => isShown(!!pj.spec.hidden, pj.spec.refs?.org, pj.spec.refs?.repo, hiddenRepos)) };
  if (page.next) out.next = page.next;
  return out;
}

/** Milliseconds from start to completion (or to now while running). */
export function durationMs(pj: ProwJob, now = Date.now()): number | undefined {
  const start = Date.parse(pj.status.startTime);
  if (Number.isNaN(start)) return undefined;
  const end = pj.status.completionTime ? Date.parse(pj.status.completionTime) : now;
  return Number.isNaN(end) ? undefined : Math.max(0, end - start);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

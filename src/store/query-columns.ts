// The query columns of a ProwJob: what queries filter and sort on, worked out one way for every store: the SQLite store's indexed
// columns and the informer-backed query (store/informer-query.ts) read the same fields, so both answer a
// ProwJobQuery alike and hand out the same cursors.
import type { ProwJob } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import { ORG_LABEL, PROWJOB_JOB_LABEL, PULL_LABEL, REPO_LABEL } from '../api/labels.js';
import { InvalidCursorError } from './types.js';
import type { LabelSelector, ProwJobQuery } from './types.js';

export interface QueryColumns {
  name: string;
  job: string;
  type: string;
  state: string;
  cluster: string | null;
  org: string | null;
  repo: string | null;
  pull: number | null;
  /** status.startTime, else creationTimestamp: what pages are sorted by (newest first). */
  start_time: string;
  complete: 0 | 1;
}

export function matchesLabels(pj: ProwJob, selector: LabelSelector | undefined): boolean {
  if (!selector) return true;
  const labels = pj.metadata.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function pullNumber(pj: ProwJob): number | null {
  const fromRefs = pj.spec.refs?.pulls?.[0]?.number;
  if (typeof fromRefs === 'number') return fromRefs;
  const fromLabel = pj.metadata.labels?.[PULL_LABEL];
  if (fromLabel && /^\d+$/.test(fromLabel)) return Number(fromLabel);
  return null;
}

export function queryColumnsOf(pj: ProwJob): QueryColumns {
  const labels = pj.metadata.labels ?? {};
  return {
    name: pj.metadata.name,
    job: pj.spec?.job ?? labels[PROWJOB_JOB_LABEL] ?? '',
    type: pj.spec?.type ?? '',
    state: pj.status?.state ?? '',
    cluster: pj.spec?.cluster ?? null,
    org: pj.spec?.refs?.org ?? labels[ORG_LABEL] ?? null,
    repo: pj.spec?.refs?.repo ?? labels[REPO_LABEL] ?? null,
    pull: pullNumber(pj),
    start_time: pj.status?.startTime ?? pj.metadata.creationTimestamp ?? '',
    complete: pj.status && isComplete(pj) ? 1 : 0,
  };
}

/** The first pull's author, as the SQLite store's expression index reads it. */
export function authorOf(pj: ProwJob): string | undefined {
  return pj.spec?.refs?.pulls?.[0]?.author;
}

/** Page size: default 500, between 1 and 10000. */
export function pageLimit(query: ProwJobQuery): number {
  return Math.max(1, Math.min(10_000, Math.floor(query.limit ?? 500)));
}

export function encodeCursor(startTime: string, name: string): string {
  return Buffer.from(JSON.stringify([startTime, name])).toString('base64url');
}

/** [start_time, name] of the last job on the previous page; InvalidCursorError for anything else. */
export function decodeCursor(cursor: string): [string, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new InvalidCursorError(cursor, { cause: err });
  }
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
    return [value[0], value[1]];
  }
  throw new InvalidCursorError(cursor);
}

// The informer's indexes (store/informer.ts): what plank counts concurrency limits and finds duplicate
// presubmits by. As upstream's (pkg/plank/reconciler.go, prowJobIndexer), only live jobs (not complete)
// have index keys, so a lookup never walks a job's history.
import type { ProwJob, Refs } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';

/**
 * `job`: spec.job. `queue`: spec.job_queue_name. `dupe`: presubmits by dupeKey. `state`: status.state
 * (triggered, pending, or aborted while the abort is not complete).
 */
export type ProwJobIndex = 'job' | 'queue' | 'dupe' | 'state';

export const PROWJOB_INDEXES: readonly ProwJobIndex[] = ['job', 'queue', 'dupe', 'state'];

/**
 * Upstream TerminateOlderJobs identity (pkg/pjutil/abort.go): type, job, and `org/repo@base_ref [sorted PR
 * numbers]` per ref. SHAs are not part of it, so a new push makes the older run a duplicate.
 */
export function dupeKey(pj: ProwJob): string {
  const digest = (r: Refs): string => `${r.org}/${r.repo}@${r.base_ref ?? ''} [${(r.pulls ?? []).map((p) => p.number).sort((a, b) => a - b).join(' ')}]`;
  const ids = [pj.spec.type, pj.spec.job];
  if (pj.spec.refs) ids.push(digest(pj.spec.refs));
  for (const r of pj.spec.extra_refs ?? []) ids.push(digest(r));
  return ids.sort().join(',');
}

/** The key a job has in an index; undefined leaves it out of that index. */
export function indexKey(index: ProwJobIndex, pj: ProwJob): string | undefined {
  if (isComplete(pj)) return undefined;
  switch (index) {
    case 'job':
      return pj.spec.job || undefined;
    case 'queue':
      return pj.spec.job_queue_name || undefined;
    case 'dupe':
      return pj.spec.type === 'presubmit' ? dupeKey(pj) : undefined;
    case 'state':
      return pj.status.state || undefined;
  }
}

// The informer's indexes (store/informer.ts): what plank counts concurrency limits and finds duplicate
// presubmits by. As upstream's (pkg/plank/reconciler.go, prowJobIndexer), only live jobs (not complete)
// have index keys, so a lookup never walks a job's history.
import type { ProwJob } from '../api/prowjob.js';
import { duplicateKey } from '../api/duplicate-key.js';
import { isComplete } from '../api/prowjob.js';

/**
 * `job`: spec.job. `queue`: spec.job_queue_name. `duplicate`: presubmits by duplicateKey (src/api/duplicate-key.ts). `state`: status.state
 * (triggered, pending, or aborted while the abort is not complete).
 */
export type ProwJobIndex = 'job' | 'queue' | 'duplicate' | 'state';

export const PROWJOB_INDEXES: readonly ProwJobIndex[] = ['job', 'queue', 'duplicate', 'state'];

/** The key a job has in an index; undefined leaves it out of that index. */
export function indexKey(index: ProwJobIndex, pj: ProwJob): string | undefined {
  if (isComplete(pj)) return undefined;
  switch (index) {
    case 'job':
      return pj.spec.job || undefined;
    case 'queue':
      return pj.spec.job_queue_name || undefined;
    case 'duplicate':
      return pj.spec.type === 'presubmit' ? duplicateKey(pj) : undefined;
    case 'state':
      return pj.status.state || undefined;
  }
}

// crier's one write to a ProwJob (upstream pkg/crier/reconciler.go updateReportState): after a reporter
// reported a state, status.prev_report_states[reporter] = that state, so neither a restart nor a second
// event for the same state reports it again. Only this entry changes; conflicts with other writers
// (plank moving the job on) are retried against the fresh object.
import type { ProwJob } from '../api/prowjob.js';
import { retryOnConflict } from '../store/retry-on-conflict.js';
import { NotFoundError, type ProwJobStore } from '../store/types.js';

/** True when `pj`'s current state was already reported by `reporter`. */
export function isAlreadyReported(pj: ProwJob, reporter: string): boolean {
  return pj.status.prev_report_states?.[reporter] === pj.status.state;
}

/**
 * Records `reported.status.state` as reported by `reporter` and returns the job as stored; undefined when
 * the job is gone (a deleted job needs no record).
 */
export async function recordReportState(
  store: Pick<ProwJobStore, 'getProwJob' | 'updateProwJob'>,
  reporter: string,
  reported: ProwJob,
): Promise<ProwJob | undefined> {
  const state = reported.status.state;
  try {
    return await retryOnConflict(store, reported.metadata.name, (current) => {
      if (current.status.prev_report_states?.[reporter] === state) return undefined;
      current.status.prev_report_states = { ...current.status.prev_report_states, [reporter]: state };
      return current;
    });
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

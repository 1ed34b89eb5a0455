// The one abort request (docs/jobs.md): anyone may ask for an abort by setting
// `status.state: aborted`; only the controller stops the run and sets completionTime. deck's abort
// button, trigger's abort of a PR's older runs and plank's abort of superseded duplicates all ask
// through here (upstream: pkg/deck/main.go handleAbort, pkg/plugins/trigger/pull-request.go
// abortAllJobs, pkg/pjutil/abort.go TerminateOlderJobs).
import { isComplete, type ProwJob } from './prowjob.js';

export interface AbortReason {
  /** Written to status.description; left as it is when undefined (TerminateOlderJobs writes none). */
  description?: string;
  /**
   * Reporters whose last reported state becomes `aborted`, so they never report it: a superseded
   * duplicate must not post a red status over the newer run.
   */
  silence?: readonly string[];
}

/**
 * The abort request applied to a copy of `pj`, or undefined when there is nothing to abort (the job is
 * complete or already aborted). Fits `retryOnConflict(store, name, (p) => requestAbort(p, why))`.
 */
export function requestAbort(pj: ProwJob, why: AbortReason): ProwJob | undefined {
  if (isComplete(pj) || pj.status.state === 'aborted') return undefined;
  const next = structuredClone(pj);
  next.status.state = 'aborted';
  if (why.description !== undefined) next.status.description = why.description;
  if (why.silence && why.silence.length > 0) {
    next.status.prev_report_states = { ...next.status.prev_report_states };
    for (const reporter of why.silence) next.status.prev_report_states[reporter] = 'aborted';
  }
  return next;
}

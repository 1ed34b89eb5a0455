// The Reporter seam (DESIGN.md): upstream's crier ReportClient (pkg/crier/reconciler.go). A reporter says
// which jobs it cares about and reports one; crier, not the reporter, owns the work queue, the retries and
// status.prev_report_states[name], so a reporter never writes to the ProwJob.
import type { ProwJob } from '../api/prowjob.js';
import type { Logger } from '../observability/logger.js';

export interface ReportResult {
  /**
   * The jobs whose current state this report covered (upstream Report's []*ProwJob); crier records
   * prev_report_states for each. Default: the job it was given.
   */
  reported?: ProwJob[];
  /** Not done yet: ask again after this long, and record nothing (upstream's *reconcile.Result). */
  requeueAfterMs?: number;
}

export interface Reporter {
  /** The key in status.prev_report_states and the `reporter` metric label (src/api/reporters.ts). */
  readonly name: string;
  /** A cheap filter on the job alone; false means "never report this job in this state". */
  shouldReport(pj: ProwJob, log: Logger): boolean;
  /** Reports the job's current state; throw to be retried with back-off. */
  report(pj: ProwJob, log: Logger): Promise<ReportResult>;
}

// The GitHub reporter's commit status (lifecycle-spec.md §3.2.1; upstream pkg/github/report/report.go
// ReportStatusContext): one status per job context on the PR head (or the base, for postsubmits).
import type { ProwJob, ProwJobState, ProwJobType } from '../../api/prowjob.js';
import { contextDescriptionWithBaseSha } from '../../api/status-description.js';
import type { GitHubClient, StatusState } from '../../github/types.js';
import { CommitNotFoundError, isNotFound, StatusLimitError } from '../../github/errors.js';

export type StatusGitHub = Pick<GitHubClient, 'createStatus'>;

const DEFAULT_JOB_TYPES: ProwJobType[] = ['presubmit', 'postsubmit'];

/** `github_reporter.job_types_to_report`, presubmit and postsubmit when unset. */
export function jobTypesToReport(types: ProwJobType[] | undefined): ProwJobType[] {
  return types && types.length > 0 ? types : DEFAULT_JOB_TYPES;
}

export function isValidForTypes(pj: ProwJob, types: ProwJobType[]): boolean {
  return types.includes(pj.spec.type) && Boolean(pj.spec.report);
}

/** Upstream prowjobStateToGitHubStatus; aborted reports as failure. */
export function githubStatusState(state: ProwJobState): StatusState {
  switch (state) {
    case 'triggered':
    case 'pending':
      return 'pending';
    case 'success':
      return 'success';
    case 'error':
      return 'error';
    case 'failure':
    case 'aborted':
      return 'failure';
    default:
      throw new Error(`unknown prowjob state ${JSON.stringify(state)}`);
  }
}

/**
 * GitHub refuses the status because a force push removed the commit (404, 422 "No commit found for SHA")
 * or the context is full (422 "reached the maximum number of statuses"): upstream counts these as
 * reported (pkg/crier/reporters/github/reporter.go). The client types these answers (github/errors.ts).
 */
export function isUnreportableStatusError(err: unknown): boolean {
  return isNotFound(err) || err instanceof CommitNotFoundError || err instanceof StatusLimitError;
}

/** Sets the job's commit status; false when the job gets none (type, batch) or GitHub cannot take it. */
export async function reportStatus(gh: StatusGitHub, pj: ProwJob, types: ProwJobType[]): Promise<boolean> {
  if (!isValidForTypes(pj, types)) return false;
  const refs = pj.spec.refs;
  if (!refs) return false;
  if ((refs.pulls?.length ?? 0) > 1) return false; // batches: no status
  const sha = refs.pulls?.[0]?.sha ?? refs.base_sha ?? '';
  const status = {
    state: githubStatusState(pj.status.state),
    context: pj.spec.context ?? '',
    description: contextDescriptionWithBaseSha(pj.status.description ?? '', refs.base_sha ?? ''),
    targetUrl: pj.status.url ?? '',
  };
  try {
    await gh.createStatus(refs.org, refs.repo, sha, status);
  } catch (err) {
    if (isUnreportableStatusError(err)) return false;
    throw err;
  }
  return true;
}

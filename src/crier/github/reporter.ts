// The GitHub reporter, `github-reporter` (lifecycle-spec.md §3.2; upstream pkg/crier/reporters/github):
// a commit status per job and, for presubmits of one PR, the failure comment.
import type { ProwJob, ProwJobType } from '../../api/prowjob.js';
import { ORG_LABEL, PULL_LABEL, REPO_LABEL } from '../../api/labels.js';
import { REPORTER_NAMES } from '../../api/reporters.js';
import { compiledReportTemplates, reportTemplateForRepo, type ReportTemplateSource } from '../../config/report-templates.js';
import { prowJobFields } from '../../observability/prowjob-fields.js';
import type { LabelSelector } from '../../store/types.js';
import type { Reporter } from '../reporter.js';
import { reportComment, type CommentGitHub } from './comment.js';
import { createKeyedLock } from './pr-lock.js';
import { jobTypesToReport, reportStatus, type StatusGitHub } from './status.js';

/** Every GitHub call the GitHub reporter makes. */
export type CrierGitHub = StatusGitHub & CommentGitHub;

/** The config the reporter reads (a loaded Config satisfies it). */
export interface GitHubReporterConfig {
  github_reporter?: { job_types_to_report?: ProwJobType[]; no_comment_repos?: string[]; summary_comment_repos?: string[] };
  plank?: ReportTemplateSource;
}

export interface GitHubReporterDeps {
  github: CrierGitHub;
  /** Read for every report, so a reload applies at once. */
  config: () => GitHubReporterConfig;
  /** The jobs of one PR, for summary comments (crier's JobSource.list). */
  listJobs: (labels: LabelSelector) => Promise<ProwJob[]>;
  /** Only report jobs of this agent (upstream --report-agent). */
  reportAgent?: string;
}

/** Upstream ShouldReport of the github reporter (the type list is checked per action). */
function shouldReportGitHub(pj: ProwJob, reportAgent?: string): boolean {
  if (!pj.spec.report) return false;
  if (pj.metadata.labels?.['prow.k8s.io/gerrit-report-label']) return false;
  if (pj.spec.type !== 'presubmit' && pj.spec.type !== 'postsubmit') return false;
  if (reportAgent && pj.spec.agent !== reportAgent) return false;
  // Waiting for the scheduler: GitHub has no state for it. Upstream errors and retries until it moves on;
  // we wait for the change that moves it (docs/crier.md).
  if (pj.status.state === 'scheduling') return false;
  return true;
}

const listedIn = (list: string[] | undefined, org: string, repo: string): boolean =>
  (list ?? []).some((r) => r === org || r === `${org}/${repo}`);

export function createGitHubReporter(deps: GitHubReporterDeps): Reporter {
  const withPrLock = createKeyedLock();

  /** Every job of the PR once all are complete (latest run per job), else none. */
  const jobsForSummary = async (pj: ProwJob): Promise<ProwJob[]> => {
    if (pj.spec.refs?.pulls?.length !== 1) return [];
    const labels: LabelSelector = {};
    for (const l of [ORG_LABEL, REPO_LABEL, PULL_LABEL]) labels[l] = pj.metadata.labels?.[l] ?? '';
    const latest = new Map<string, ProwJob>();
    const created = (j: ProwJob): string => j.metadata.creationTimestamp ?? j.status.startTime;
    for (const job of await deps.listJobs(labels)) {
      if (!job.status.completionTime) return []; // wait until every job of the PR is done
      if (!job.spec.report) continue;
      const prev = latest.get(job.spec.job);
      if (!prev || created(job) > created(prev)) latest.set(job.spec.job, job);
    }
    return [...latest.values()];
  };

  return {
    name: REPORTER_NAMES.github,
    shouldReport: (pj) => shouldReportGitHub(pj, deps.reportAgent),
    async report(pj, log) {
      const cfg = deps.config();
      const types = jobTypesToReport(cfg.github_reporter?.job_types_to_report);
      const fields = prowJobFields(pj);
      const status = await reportStatus(deps.github, pj, types);
      const refs = pj.spec.refs;
      if (pj.spec.type !== 'presubmit' || !refs || refs.pulls?.length !== 1) {
        log.info({ ...fields, status }, 'reported');
        return {};
      }
      const pr = `${refs.org}/${refs.repo}#${refs.pulls[0]!.number}`;
      await withPrLock(pr, async () => {
        const gr = cfg.github_reporter ?? {};
        if (listedIn(gr.no_comment_repos, refs.org, refs.repo)) return;
        const summary = listedIn(gr.summary_comment_repos, refs.org, refs.repo);
        const toReport = summary ? await jobsForSummary(pj) : [pj];
        const template = reportTemplateForRepo(compiledReportTemplates(cfg.plank), refs.org, refs.repo);
        const done = await reportComment(deps.github, template, toReport, types, summary);
        log.info({ ...fields, status, ...done }, 'reported');
      });
      return {};
    },
  };
}

// Building ProwJobs from job configuration, as upstream pkg/pjutil/pjutil.go does (docs/prowjob.md).
// The job-config input types are structural (JobBaseLike…) so src/api does not depend on
// src/config; the loaded config types (Presubmit, Postsubmit, Periodic) satisfy them.
import { randomUUID } from 'node:crypto';
import type {
  DecorationConfig, PodSpec, ProwJob, ProwJobDefault, ProwJobSpec, ProwJobState, Pull, Refs, ReporterConfig,
  RerunAuthConfig,
} from './prowjob.js';
import { PROWJOB_API_VERSION, PROWJOB_KIND } from './prowjob.js';
import {
  BASE_REF_LABEL, CREATED_BY_PROW_LABEL, EVENT_GUID_LABEL, IS_OPTIONAL_LABEL, ORG_LABEL, PROWJOB_CONTEXT_LABEL,
  PROWJOB_JOB_LABEL, PROWJOB_TYPE_LABEL, PULL_LABEL, REPO_LABEL,
} from './labels.js';

/** The job fields a ProwJob is built from (upstream JobBase + UtilityConfig), keys as in YAML. */
export interface JobBaseLike {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  max_concurrency?: number;
  agent?: string;
  cluster?: string;
  namespace?: string;
  error_on_eviction?: boolean;
  spec?: PodSpec;
  pipeline_run_spec?: unknown;
  tekton_pipeline_run_spec?: { v1beta1?: unknown };
  reporter_config?: ReporterConfig;
  rerun_auth_config?: RerunAuthConfig;
  hidden?: boolean;
  prowjob_defaults?: ProwJobDefault;
  job_queue_name?: string;
  decoration_config?: DecorationConfig;
  path_alias?: string;
  clone_uri?: string;
  skip_submodules?: boolean;
  clone_depth?: number;
  skip_fetch_head?: boolean;
  extra_refs?: Refs[];
}

export interface PresubmitLike extends JobBaseLike {
  context?: string;
  skip_report?: boolean;
  rerun_command?: string;
  optional?: boolean;
  jenkins_spec?: { github_branch_source_job?: boolean };
}

export interface PostsubmitLike extends JobBaseLike {
  context?: string;
  skip_report?: boolean;
  jenkins_spec?: { github_branch_source_job?: boolean };
}

export type PeriodicLike = JobBaseLike;

export interface NewProwJobOptions {
  /** Injectable clock for status.startTime. */
  now?: () => Date;
  /** Initial state: `triggered` (default), or `scheduling` when the scheduler is enabled. */
  state?: ProwJobState;
  /** metadata.namespace (config prowjob_namespace). Upstream callers set it after NewProwJob. */
  namespace?: string;
  /** metadata.name; a random UUID v4 by default. */
  name?: string;
}

const LABEL_VALUE_MAX_LENGTH = 63;
const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kubernetes IsValidLabelValue: at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends, or empty. */
export function isValidLabelValue(value: string): boolean {
  return value.length <= LABEL_VALUE_MAX_LENGTH && labelValueRe.test(value);
}

/** Values over 63 bytes: the first 63 bytes with trailing `.`, `_`, `-` stripped (upstream truncates bytes, not runes). */
export function truncateLabelValue(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= LABEL_VALUE_MAX_LENGTH) return value;
  return bytes.subarray(0, LABEL_VALUE_MAX_LENGTH).toString('utf8').replace(/[._-]+$/, '');
}

/** Go filepath.Base on a Unix path. */
export function pathBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Upstream LabelsAndAnnotationsForSpec (pkg/pod-utils/decorate/podspec.go): computed labels, job labels win, then every value sanitised. */
export function labelsAndAnnotationsForSpec(
  spec: Pick<ProwJobSpec, 'type' | 'job' | 'context' | 'refs' | 'extra_refs'>,
  extraLabels: Record<string, string> = {},
  extraAnnotations: Record<string, string> = {},
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {
    [CREATED_BY_PROW_LABEL]: 'true',
    [PROWJOB_TYPE_LABEL]: spec.type,
  };
  const annotations: Record<string, string> = {};
  for (const [key, value] of [[PROWJOB_JOB_LABEL, spec.job], [PROWJOB_CONTEXT_LABEL, spec.context ?? '']] as const) {
    labels[key] = truncateLabelValue(value);
    annotations[key] = value;
  }
  const refs = spec.refs ?? spec.extra_refs?.[0];
  if (refs) {
    labels[ORG_LABEL] = refs.org;
    labels[REPO_LABEL] = refs.repo;
    labels[BASE_REF_LABEL] = refs.base_ref ?? '';
    const first = refs.pulls?.[0];
    if (first) labels[PULL_LABEL] = String(first.number);
  }
  Object.assign(labels, extraLabels);
  for (const [key, value] of Object.entries(labels)) {
    if (isValidLabelValue(value)) continue;
    const base = pathBase(value);
    if (isValidLabelValue(base)) labels[key] = base;
    else delete labels[key];
  }
  Object.assign(annotations, extraAnnotations);
  return { labels, annotations };
}

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Drops keys whose value is undefined, so the object serialises like Go's omitempty pointers. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Upstream DecorateRefs: a ref without blobless_fetch inherits the decoration config's. */
export function decorateRefs(refs: Refs, jb: Pick<JobBaseLike, 'decoration_config'>): Refs {
  const out = clone(refs);
  const dc = jb.decoration_config;
  if (dc && out.blobless_fetch === undefined && dc.blobless_fetch !== undefined) out.blobless_fetch = dc.blobless_fetch;
  return out;
}

export function decorateExtraRefs(refs: Refs[] | undefined, jb: Pick<JobBaseLike, 'decoration_config'>): Refs[] | undefined {
  if (!refs || refs.length === 0) return undefined;
  return refs.map((r) => (jb.decoration_config ? decorateRefs(r, jb) : clone(r)));
}

/** Upstream CompletePrimaryRefs: the job's clone settings override the refs. */
export function completePrimaryRefs(refs: Refs, jb: JobBaseLike): Refs {
  const r = clone(refs);
  if (jb.path_alias) r.path_alias = jb.path_alias;
  if (jb.clone_uri) r.clone_uri = jb.clone_uri;
  if (jb.skip_submodules) r.skip_submodules = true;
  if (jb.clone_depth !== undefined && jb.clone_depth > 0) r.clone_depth = jb.clone_depth;
  if (jb.skip_fetch_head) r.skip_fetch_head = true;
  const d = decorateRefs(r, jb);
  const sparse = jb.decoration_config?.sparse_checkout_files;
  if (sparse && sparse.length > 0) d.sparse_checkout_files = [...sparse];
  return d;
}

function specFromJobBase(jb: JobBaseLike): ProwJobSpec {
  return compact<ProwJobSpec>({
    type: 'periodic',
    job: jb.name,
    agent: jb.agent || undefined,
    cluster: jb.cluster || undefined,
    namespace: jb.namespace || undefined,
    max_concurrency: jb.max_concurrency || undefined,
    error_on_eviction: jb.error_on_eviction || undefined,
    extra_refs: decorateExtraRefs(jb.extra_refs, jb),
    decoration_config: clone(jb.decoration_config),
    pod_spec: clone(jb.spec),
    pipeline_run_spec: clone(jb.pipeline_run_spec),
    tekton_pipeline_run_spec: clone(jb.tekton_pipeline_run_spec),
    reporter_config: clone(jb.reporter_config),
    rerun_auth_config: clone(jb.rerun_auth_config),
    hidden: jb.hidden || undefined,
    prowjob_defaults: clone(jb.prowjob_defaults),
    job_queue_name: jb.job_queue_name || undefined,
  });
}

function jenkinsSpec(j: { jenkins_spec?: { github_branch_source_job?: boolean } }): ProwJobSpec['jenkins_spec'] {
  return j.jenkins_spec ? { github_branch_source_job: Boolean(j.jenkins_spec.github_branch_source_job) } : undefined;
}

export function presubmitSpec(job: PresubmitLike, refs: Refs): ProwJobSpec {
  return compact<ProwJobSpec>({
    ...specFromJobBase(job),
    type: 'presubmit',
    context: job.context ?? '',
    report: !job.skip_report,
    rerun_command: job.rerun_command ?? '',
    jenkins_spec: jenkinsSpec(job),
    refs: completePrimaryRefs(refs, job),
  });
}

export function postsubmitSpec(job: PostsubmitLike, refs: Refs): ProwJobSpec {
  return compact<ProwJobSpec>({
    ...specFromJobBase(job),
    type: 'postsubmit',
    context: job.context ?? '',
    report: !job.skip_report,
    refs: completePrimaryRefs(refs, job),
    jenkins_spec: jenkinsSpec(job),
  });
}

export function periodicSpec(job: PeriodicLike): ProwJobSpec {
  // Upstream: it is not possible to disable reporting for an individual periodic.
  return { ...specFromJobBase(job), type: 'periodic', report: true };
}

export function batchSpec(job: PresubmitLike, refs: Refs): ProwJobSpec {
  // Batch jobs never report to GitHub (spec.report stays false).
  return { ...specFromJobBase(job), type: 'batch', context: job.context ?? '', report: false, refs: completePrimaryRefs(refs, job) };
}

/** Upstream setReportDefault: slack `report` becomes false for `job_states_to_report: []`, else true. */
function setReportDefault(spec: ProwJobSpec): void {
  const slack = spec.reporter_config?.slack;
  if (!slack || slack.report !== undefined) return;
  slack.report = !(Array.isArray(slack.job_states_to_report) && slack.job_states_to_report.length === 0);
}

/** Upstream NewProwJob: UUID name, labels/annotations per labelsAndAnnotationsForSpec, state triggered, startTime now. */
export function newProwJob(
  spec: ProwJobSpec,
  extraLabels: Record<string, string> = {},
  extraAnnotations: Record<string, string> = {},
  options: NewProwJobOptions = {},
): ProwJob {
  const { labels, annotations } = labelsAndAnnotationsForSpec(spec, extraLabels, extraAnnotations);
  const specCopy = structuredClone(spec);
  setReportDefault(specCopy);
  const now = (options.now ?? (() => new Date()))();
  return {
    apiVersion: PROWJOB_API_VERSION,
    kind: PROWJOB_KIND,
    metadata: compact({
      name: options.name ?? randomUUID(),
      namespace: options.namespace,
      labels,
      annotations,
    }),
    spec: specCopy,
    status: {
      startTime: rfc3339(now),
      state: options.state ?? 'triggered',
    },
  };
}

/** metav1.Time serialisation: RFC 3339 in UTC, second precision. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The pull request fields createRefs reads (GitHub's REST shape). */
export interface PullRequestLike {
  number: number;
  title?: string;
  html_url?: string;
  user: { login: string; html_url?: string };
  head: { sha: string; ref?: string };
  base: { ref: string; repo: { name: string; html_url?: string; owner: { login: string } } };
}

/** Upstream createRefs: presubmit refs for one PR at a base SHA. */
export function refsFromPullRequest(pr: PullRequestLike, baseSha: string): Refs {
  const repoLink = pr.base.repo.html_url ?? `https://github.com/${pr.base.repo.owner.login}/${pr.base.repo.name}`;
  const pull: Pull = compact({
    number: pr.number,
    author: pr.user.login,
    sha: pr.head.sha,
    title: pr.title || undefined,
    head_ref: pr.head.ref || undefined,
    link: pr.html_url || undefined,
    commit_link: `${repoLink}/pull/${pr.number}/commits/${pr.head.sha}`,
    author_link: pr.user.html_url || undefined,
  });
  return {
    org: pr.base.repo.owner.login,
    repo: pr.base.repo.name,
    repo_link: repoLink,
    base_ref: pr.base.ref,
    base_sha: baseSha,
    base_link: `${repoLink}/commit/${baseSha}`,
    pulls: [pull],
  };
}

/** Upstream NewPresubmit: refs from the PR, job labels + extras, event-GUID and is-optional labels. */
export function newPresubmit(
  pr: PullRequestLike,
  baseSha: string,
  job: PresubmitLike,
  eventGUID: string,
  additionalLabels: Record<string, string> = {},
  options: NewProwJobOptions = {},
): ProwJob {
  const labels: Record<string, string> = { ...job.labels, ...additionalLabels };
  labels[EVENT_GUID_LABEL] = eventGUID;
  labels[IS_OPTIONAL_LABEL] = String(Boolean(job.optional));
  return newProwJob(presubmitSpec(job, refsFromPullRequest(pr, baseSha)), labels, { ...job.annotations }, options);
}

/** Batch refs: one base plus N pulls, in the order given (Tide sorts them by number). */
export function batchRefs(
  base: Pick<Refs, 'org' | 'repo' | 'base_ref' | 'base_sha'> & Partial<Pick<Refs, 'repo_link' | 'base_link'>>,
  pulls: Pull[],
): Refs {
  if (pulls.length === 0) throw new Error(`batch refs for ${base.org}/${base.repo} need at least one pull`);
  const repoLink = base.repo_link ?? `https://github.com/${base.org}/${base.repo}`;
  return compact({
    org: base.org,
    repo: base.repo,
    repo_link: repoLink,
    base_ref: base.base_ref,
    base_sha: base.base_sha,
    base_link: base.base_link ?? (base.base_sha ? `${repoLink}/commit/${base.base_sha}` : undefined),
    pulls: pulls.map((p) => ({ ...p })),
  });
}

/** Convenience: a ProwJob for a job of each kind, with the labels its upstream creator adds. */
export function newPresubmitJob(job: PresubmitLike, refs: Refs, extraLabels: Record<string, string> = {}, options: NewProwJobOptions = {}): ProwJob {
  const labels = { ...job.labels, ...extraLabels, [IS_OPTIONAL_LABEL]: String(Boolean(job.optional)) };
  return newProwJob(presubmitSpec(job, refs), labels, { ...job.annotations }, options);
}

export function newPostsubmitJob(job: PostsubmitLike, refs: Refs, extraLabels: Record<string, string> = {}, options: NewProwJobOptions = {}): ProwJob {
  return newProwJob(postsubmitSpec(job, refs), { ...job.labels, ...extraLabels }, { ...job.annotations }, options);
}

export function newPeriodicJob(job: PeriodicLike, extraLabels: Record<string, string> = {}, options: NewProwJobOptions = {}): ProwJob {
  return newProwJob(periodicSpec(job), { ...job.labels, ...extraLabels }, { ...job.annotations }, options);
}

export function newBatchJob(job: PresubmitLike, refs: Refs, extraLabels: Record<string, string> = {}, options: NewProwJobOptions = {}): ProwJob {
  return newProwJob(batchSpec(job, refs), { ...job.labels, ...extraLabels }, { ...job.annotations }, options);
}

// The ProwJob contract: upstream's prow.k8s.io/v1 ProwJob, key for key (reference/prow-spec.md §1).
// Keys keep upstream's mixed casing (status.startTime beside status.build_id): kubectl and existing
// tooling depend on them, so there is no camelCase layer.

export const PROWJOB_API_VERSION = 'prow.k8s.io/v1';
export const PROWJOB_KIND = 'ProwJob';

export type ProwJobType = 'presubmit' | 'postsubmit' | 'periodic' | 'batch';
export const PROWJOB_TYPES: readonly ProwJobType[] = ['presubmit', 'postsubmit', 'periodic', 'batch'];

export type ProwJobState = 'scheduling' | 'triggered' | 'pending' | 'success' | 'failure' | 'aborted' | 'error';
export const PROWJOB_STATES: readonly ProwJobState[] = [
  'scheduling', 'triggered', 'pending', 'success', 'failure', 'aborted', 'error',
];

export type ProwJobAgent = 'kubernetes' | 'jenkins' | 'tekton-pipeline' | (string & {});

export interface Pull {
  number: number;
  author: string;
  sha: string;
  title?: string;
  ref?: string;
  head_ref?: string;
  link?: string;
  commit_link?: string;
  author_link?: string;
}

export interface Refs {
  org: string;
  repo: string;
  repo_link?: string;
  base_ref?: string;
  base_sha?: string;
  base_link?: string;
  pulls?: Pull[];
  path_alias?: string;
  workdir?: boolean;
  auxiliary?: boolean;
  clone_uri?: string;
  skip_submodules?: boolean;
  clone_depth?: number;
  skip_fetch_head?: boolean;
  blobless_fetch?: boolean;
  sparse_checkout_files?: string[];
}

/** A Go duration as YAML/JSON carries it ("1h30m"); decoration timeout/grace also accept integer nanoseconds. */
export type DurationString = string;

export interface UtilityImages {
  clonerefs?: string;
  initupload?: string;
  entrypoint?: string;
  sidecar?: string;
}

export interface GCSConfiguration {
  bucket?: string;
  path_prefix?: string;
  path_strategy?: 'legacy' | 'single' | 'explicit' | (string & {});
  default_org?: string;
  default_repo?: string;
  mediaTypes?: Record<string, string>;
  job_url_prefix?: string;
  local_output_dir?: string;
  compress_file_types?: string[];
}

export interface CensoringOptions {
  censoring_concurrency?: number;
  censoring_buffer_size?: number;
  include_directories?: string[];
  exclude_directories?: string[];
  minimum_secret_length?: number;
}

export interface SecretKeySelector {
  name: string;
  key: string;
}

export interface DecorationConfig {
  timeout?: DurationString | number;
  grace_period?: DurationString | number;
  utility_images?: UtilityImages;
  resources?: Record<string, unknown>;
  gcs_configuration?: GCSConfiguration;
  gcs_credentials_secret?: string;
  s3_credentials_secret?: string;
  default_service_account_name?: string;
  ssh_key_secrets?: string[];
  ssh_host_fingerprints?: string[];
  blobless_fetch?: boolean;
  sparse_checkout_files?: string[];
  skip_cloning?: boolean;
  cookiefile_secret?: string;
  oauth_token_secret?: SecretKeySelector;
  github_api_endpoints?: string[];
  github_app_id?: string;
  github_app_private_key_secret?: SecretKeySelector;
  censor_secrets?: boolean;
  censoring_options?: CensoringOptions;
  upload_ignores_interrupts?: boolean;
  set_limit_equals_memory_request?: boolean;
  default_memory_request?: string;
  scheduling_options?: { affinity?: unknown; tolerations?: unknown[] };
  pod_pending_timeout?: DurationString;
  pod_running_timeout?: DurationString;
  pod_unscheduled_timeout?: DurationString;
  run_as_user?: number;
  run_as_group?: number;
  fs_group?: number;
}

export interface SlackReporterConfig {
  host?: string;
  channel?: string;
  job_states_to_report?: ProwJobState[];
  report_template?: string;
  report?: boolean;
}

export interface ReporterConfig {
  slack?: SlackReporterConfig;
}

export interface GitHubTeamSlug {
  slug: string;
  org: string;
}

export interface RerunAuthConfig {
  allow_anyone?: boolean;
  github_team_ids?: number[];
  github_team_slugs?: GitHubTeamSlug[];
  github_users?: string[];
  github_orgs?: string[];
}

export interface ProwJobDefault {
  resultstore_config?: { project_id?: string };
  tenant_id?: string;
}

/** A Kubernetes core/v1 PodSpec. Only the parts the local executor reads are typed. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  [key: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: unknown[];
  [key: string]: unknown;
}

export interface ProwJobSpec {
  type: ProwJobType;
  agent?: ProwJobAgent;
  cluster?: string;
  namespace?: string;
  job: string;
  refs?: Refs;
  extra_refs?: Refs[];
  report?: boolean;
  context?: string;
  rerun_command?: string;
  max_concurrency?: number;
  error_on_eviction?: boolean;
  pod_spec?: PodSpec;
  jenkins_spec?: { github_branch_source_job?: boolean };
  pipeline_run_spec?: unknown;
  tekton_pipeline_run_spec?: { v1beta1?: unknown };
  decoration_config?: DecorationConfig;
  reporter_config?: ReporterConfig;
  rerun_auth_config?: RerunAuthConfig;
  hidden?: boolean;
  prowjob_defaults?: ProwJobDefault;
  job_queue_name?: string;
}

export interface ProwJobStatus {
  /** RFC 3339; set at creation. */
  startTime: string;
  pendingTime?: string;
  completionTime?: string;
  state: ProwJobState;
  description?: string;
  url?: string;
  pod_revival_count?: number;
  pod_name?: string;
  build_id?: string;
  jenkins_build_id?: string;
  prev_report_states?: Record<string, ProwJobState>;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  creationTimestamp?: string;
  uid?: string;
  [key: string]: unknown;
}

export interface ProwJob {
  apiVersion: typeof PROWJOB_API_VERSION;
  kind: typeof PROWJOB_KIND;
  metadata: ObjectMeta;
  spec: ProwJobSpec;
  status: ProwJobStatus;
}

/** Upstream's Complete(): a job is complete once completionTime is set (an abort is a request until then). */
export function isComplete(pj: ProwJob): boolean {
  return pj.status.completionTime !== undefined && pj.status.completionTime !== '';
}

/** Refs.String(): `base_ref[:base_sha]` then `,num:sha[:ref]` per pull (PULL_REFS, started.json repos). */
export function refsString(refs: Refs): string {
  let out = refs.base_ref ?? '';
  if (refs.base_sha) out += `:${refs.base_sha}`;
  for (const pull of refs.pulls ?? []) {
    out += `,${pull.number}:${pull.sha}`;
    if (pull.ref) out += `:${pull.ref}`;
  }
  return out;
}

/** OrgRepoString(): `org/repo`, or `org` when repo is empty. */
export function orgRepoString(refs: Refs): string {
  return refs.repo ? `${refs.org}/${refs.repo}` : refs.org;
}

// Configuration types: upstream's config.yaml (ProwConfig + inline JobConfig) and job files, key for key
// (upstream pkg/config/config.go and jobs.go). Durations stay Go duration strings as written (parse them with
// parseDuration from ./duration.js); defaulted fields are non-optional after loading.
import type {
  DecorationConfig, PodSpec, ProwJobDefault, ProwJobState, ProwJobType, Refs, ReporterConfig, RerunAuthConfig,
  SlackReporterConfig, EnvVar,
} from '../api/prowjob.js';
import type { ConfigIssue } from './errors.js';

export type { DecorationConfig, PodSpec, Refs };

/**
 * config.yaml + job config + plugins.yaml as one immutable snapshot (upstream config.Agent and
 * plugins.ConfigAgent, read together). Take one at the start of a unit of work and never cache its fields:
 * the ConfigAgent swaps in a new snapshot on reload and never mutates one it handed out.
 */
export interface ConfigSnapshot {
  readonly config: Config;
  readonly plugins: PluginsConfig;
  readonly warnings: readonly ConfigIssue[];
  /** When this snapshot was loaded. */
  readonly loadedAt: Date;
}

// ---------------------------------------------------------------------------------------------- jobs

/** Fields shared by every job (upstream JobBase + UtilityConfig). */
export interface JobBase {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  max_concurrency?: number;
  /** Defaulted to `kubernetes`. */
  agent: string;
  /** Defaulted to `default`. */
  cluster: string;
  /** Defaulted to the top-level pod_namespace. */
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
  /** nil in the file means decorate_all_jobs; the resolved value is written back. */
  decorate?: boolean;
  /** After loading: the merged default ⊕ job config when decorated. */
  decoration_config?: DecorationConfig;
  path_alias?: string;
  clone_uri?: string;
  skip_submodules?: boolean;
  clone_depth?: number;
  skip_fetch_head?: boolean;
  extra_refs?: Refs[];
  /** 2017-era (pre-2019) Prow: jobs run after this one succeeds. Loaded, defaulted and validated like any job. */
  run_after_success?: JobBase[];
}

export interface Brancher {
  branches?: string[];
  skip_branches?: string[];
}

export interface RegexpChangeMatcher {
  run_if_changed?: string;
  skip_if_only_changed?: string;
}

export interface JenkinsSpec {
  github_branch_source_job?: boolean;
}

export interface Presubmit extends JobBase, Brancher, RegexpChangeMatcher {
  always_run?: boolean;
  optional?: boolean;
  skip_report?: boolean;
  /** Defaulted to the name. */
  context: string;
  /** Defaulted to `(?m)^/test( | .* )<name>,?($|\s.*)`. */
  trigger: string;
  /** Defaulted to `/test <name>`. */
  rerun_command: string;
  run_before_merge?: boolean;
  jenkins_spec?: JenkinsSpec;
  run_after_success?: Presubmit[];
}

export interface Postsubmit extends JobBase, Brancher, RegexpChangeMatcher {
  /** Unset means "run" (unless a change regex decides). */
  always_run?: boolean;
  skip_report?: boolean;
  /** Defaulted to the name. */
  context: string;
  jenkins_spec?: JenkinsSpec;
  run_after_success?: Postsubmit[];
}

export interface PeriodicRetry {
  attempts?: number;
  interval?: string;
  run_all?: boolean;
}

export interface Periodic extends JobBase {
  interval?: string;
  minimum_interval?: string;
  cron?: string;
  tags?: string[];
  retry?: PeriodicRetry;
  run_after_success?: Periodic[];
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Preset {
  labels?: Record<string, string>;
  env?: EnvVar[];
  volumes?: Array<{ name: string; [k: string]: unknown }>;
  volumeMounts?: Array<{ name: string; mountPath?: string; [k: string]: unknown }>;
  tolerations?: Toleration[];
}

export interface JobConfig {
  presets: Preset[];
  /** Keyed by `org/repo`. */
  presubmits: Record<string, Presubmit[]>;
  postsubmits: Record<string, Postsubmit[]>;
  periodics: Periodic[];
  decorate_all_jobs?: boolean;
  prow_ignored?: unknown;
}

// ------------------------------------------------------------------------------------ prow config

export interface DefaultDecorationConfigEntry {
  repo?: string;
  cluster?: string;
  config?: DecorationConfig;
}

export interface Plank {
  job_url_template: string;
  report_template?: string;
  /** `*` | org | org/repo → Go template. `report_template` is folded into `*`. */
  report_templates?: Record<string, string>;
  job_url_prefix_config?: Record<string, string>;
  jobURLPrefixDisableAppendStorageProvider?: boolean;
  max_concurrency: number;
  max_goroutines: number;
  pod_pending_timeout: string;
  pod_running_timeout: string;
  pod_unscheduled_timeout: string;
  max_revivals: number;
  default_decoration_configs?: Record<string, DecorationConfig>;
  /** After loading: the old map form converted (`*`, orgs, repos) or the list as written. */
  default_decoration_config_entries: DefaultDecorationConfigEntry[];
  job_queue_capacities?: Record<string, number>;
  build_cluster_status_file?: string;
}

export interface Sinker {
  resync_period: string;
  max_prowjob_age: string;
  max_pod_age: string;
  terminated_pod_ttl: string;
  exclude_clusters?: string[];
}

export interface LensConfig {
  lens: { name: string; config?: unknown };
  required_files?: string[];
  optional_files?: string[];
  remote_config?: { endpoint?: string; static_root?: string; title?: string; priority?: number; hide_title?: boolean };
}

export interface Spyglass {
  lenses?: LensConfig[];
  viewers?: Record<string, string[]>;
  size_limit: number;
  gcs_browser_prefix?: string;
  gcs_browser_prefixes?: Record<string, string>;
  gcs_browser_prefixes_by_bucket?: Record<string, string>;
  announcement?: string;
  testgrid_config?: string;
  testgrid_root?: string;
  hide_pr_history_link?: boolean;
  pr_history_link_template?: string;
  bucket_aliases?: Record<string, string>;
}

export interface DefaultRerunAuthConfigEntry {
  repo?: string;
  cluster?: string;
  rerun_auth_configs?: RerunAuthConfig;
}

export interface Deck {
  spyglass: Spyglass;
  tide_update_period: string;
  hidden_repos?: string[];
  external_agent_logs?: Array<{ agent?: string; selector?: string; url_template?: string }>;
  branding?: { logo?: string; favicon?: string; background_color?: string; header_color?: string };
  google_analytics?: string;
  rerun_auth_configs?: Record<string, RerunAuthConfig>;
  default_rerun_auth_configs?: DefaultRerunAuthConfigEntry[];
  skip_storage_path_validation?: boolean;
  additional_allowed_buckets?: string[];
}

export interface TideQuery {
  orgs?: string[];
  repos?: string[];
  excludedRepos?: string[];
  author?: string;
  labels?: string[];
  missingLabels?: string[];
  excludedBranches?: string[];
  includedBranches?: string[];
  milestone?: string;
  reviewApprovedRequired?: boolean;
}

export interface TideContextPolicy {
  'skip-unknown-contexts'?: boolean;
  'required-contexts'?: string[];
  'required-if-present-contexts'?: string[];
  'optional-contexts'?: string[];
  'optional-regex-contexts'?: string[];
  'from-branch-protection'?: boolean;
  'overwrite-pending-contexts'?: boolean;
}

export interface TideRepoContextPolicy extends TideContextPolicy {
  branches?: Record<string, TideContextPolicy>;
}
export interface TideOrgContextPolicy extends TideContextPolicy {
  repos?: Record<string, TideRepoContextPolicy>;
}
export interface TideContextPolicyOptions extends TideContextPolicy {
  orgs?: Record<string, TideOrgContextPolicy>;
}

export interface Tide {
  sync_period: string;
  status_update_period: string;
  max_goroutines: number;
  queries: TideQuery[];
  /** Several shapes (org/repo@branch, org: {repo: {branchRe: m}}, org/repo, org: {repo: m}, org: m). */
  merge_method?: Record<string, unknown>;
  merge_commit_template?: Record<string, { title?: string; body?: string }>;
  target_url?: string;
  target_urls?: Record<string, string>;
  pr_status_base_url?: string;
  pr_status_base_urls?: Record<string, string>;
  blocker_label?: string;
  squash_label?: string;
  rebase_label?: string;
  merge_label?: string;
  context_options?: TideContextPolicyOptions;
  batch_size_limit?: Record<string, number>;
  prioritize_existing_batches?: Record<string, boolean>;
  github_merge_blocks_policy?: Record<string, string>;
  priority?: Array<{ labels?: string[] }>;
  display_all_tide_queries_in_status?: boolean;
  gerrit?: { queries?: unknown; ratelimit?: number };
  /** Ours, not upstream's (docs/tide.md): each off by default, which is upstream's behaviour. */
  improvements?: TideImprovementsConfig;
}

export interface TideImprovementsConfig {
  reason_codes?: boolean;
  evict_unmergeable?: boolean;
  bisect_failed_batches?: boolean;
  speculative_batches?: number;
}

export interface BranchProtectionPolicy {
  unmanaged?: boolean;
  protect?: boolean;
  required_status_checks?: { contexts?: string[]; strict?: boolean };
  enforce_admins?: boolean;
  restrictions?: { apps?: string[]; users?: string[]; teams?: string[] };
  require_manually_triggered_jobs?: boolean;
  required_pull_request_reviews?: {
    dismissal_restrictions?: { users?: string[]; teams?: string[] };
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    bypass_pull_request_allowances?: { users?: string[]; teams?: string[] };
  };
  required_linear_history?: boolean;
  allow_force_pushes?: boolean;
  allow_deletions?: boolean;
  require_signed_commits?: boolean;
  exclude?: string[];
  include?: string[];
}
export interface BranchProtectionRepo extends BranchProtectionPolicy {
  branches?: Record<string, BranchProtectionPolicy>;
}
export interface BranchProtectionOrg extends BranchProtectionPolicy {
  repos?: Record<string, BranchProtectionRepo>;
}
export interface BranchProtection extends BranchProtectionPolicy {
  'protect-tested-repos'?: boolean;
  allow_disabled_policies?: boolean;
  allow_disabled_job_policies?: boolean;
  protect_repos_with_optional_jobs?: boolean;
  orgs?: Record<string, BranchProtectionOrg>;
}

export interface GitHubReporter {
  job_types_to_report: ProwJobType[];
  no_comment_repos?: string[];
  summary_comment_repos?: string[];
}

export interface SlackReporter extends SlackReporterConfig {
  job_types_to_report?: ProwJobType[];
  job_states_to_report?: ProwJobState[];
}

export interface InRepoConfig {
  enabled?: Record<string, boolean>;
  allowed_clusters: Record<string, string[]>;
}

export interface OwnersDirDenylist {
  default?: string[];
  repos?: Record<string, string[]>;
  ignore_preconfigured_defaults?: boolean;
}

export interface PushGateway {
  endpoint?: string;
  interval: string;
  serve_metrics?: boolean;
}

export interface ManagedWebhooks {
  respect_legacy_global_token?: boolean;
  auto_accept_invitation?: boolean;
  org_repo_config?: Record<string, { token_created_after?: string }>;
}

export interface GerritConfig {
  tick_interval: string;
  ratelimit: number;
  deck_url?: string;
  org_repos_config?: Array<{
    org?: string;
    repos?: string[];
    opt_out_help?: boolean;
    filters?: { branches?: string[]; excluded_branches?: string[]; opt_in_by_default?: boolean };
  }>;
  allowed_presubmit_trigger_re?: string;
}

export interface JenkinsOperator {
  job_url_template?: string;
  report_template?: string;
  report_templates?: Record<string, string>;
  max_concurrency?: number;
  max_goroutines?: number;
  label_selector?: string;
}

export interface ProwJobDefaultEntry {
  repo?: string;
  cluster?: string;
  config?: ProwJobDefault;
}

export interface ProwConfig {
  prowjob_namespace: string;
  pod_namespace: string;
  log_level: string;
  plank: Plank;
  sinker: Sinker;
  deck: Deck;
  tide: Tide;
  'branch-protection': BranchProtection;
  github_reporter: GitHubReporter;
  slack_reporter_configs?: Record<string, SlackReporter>;
  horologium: { tick_interval?: string };
  in_repo_config: InRepoConfig;
  status_error_link: string;
  default_job_timeout: string;
  github: { link_url: string };
  push_gateway: PushGateway;
  owners_dir_denylist?: OwnersDirDenylist;
  managed_webhooks?: ManagedWebhooks;
  pubsub_subscriptions?: Record<string, string[]>;
  pubsub_triggers?: Array<{ project?: string; topics?: string[]; allowed_clusters?: string[]; max_outstanding_messages?: number }>;
  gerrit: GerritConfig;
  jenkins_operators?: JenkinsOperator[];
  prowjob_default_entries?: ProwJobDefaultEntry[];
  disabled_clusters?: string[];
  scheduler?: { enabled?: boolean; failover?: { mappings?: Record<string, string> }; external?: unknown };
  gangway?: unknown;
  moonraker: { client_timeout: string };
  pipeline?: { allow_concurrent_postsubmit_jobs?: boolean };
  config_version_sha?: string;
}

/** The whole loaded configuration: ProwConfig plus every job (config.yaml's inline ones and the job files'). */
export interface Config extends ProwConfig, JobConfig {}

// ------------------------------------------------------------------------------------ plugins.yaml

export interface OrgPlugins {
  plugins: string[];
  excluded_repos?: string[];
}

export interface ExternalPlugin {
  name: string;
  /** Defaulted to `http://<name>`. */
  endpoint: string;
  /** Empty means every event. */
  events?: string[];
}

export interface TriggerConfig {
  repos?: string[];
  trusted_apps?: string[];
  trusted_org?: string;
  join_org_url?: string;
  only_org_members?: boolean;
  ignore_ok_to_test?: boolean;
  trigger_github_workflows?: boolean;
  org_invite?: { prominent?: { disabled?: boolean; merged_pr_threshold?: number; message?: string } };
}

export interface LgtmConfig {
  repos?: string[];
  review_acts_as_lgtm?: boolean;
  store_tree_hash?: boolean;
  trusted_team_for_sticky_lgtm?: string;
}

export interface ApproveConfig {
  repos?: string[];
  issue_required?: boolean;
  require_self_approval?: boolean;
  lgtm_acts_as_approve?: boolean;
  ignore_review_state?: boolean;
  commandHelpLink?: string;
  pr_process_link?: string;
}

export interface RestrictedLabel {
  label: string;
  allowed_teams?: string[];
  allowed_users?: string[];
  assign_on?: Array<{ label: string }>;
}

export interface LabelConfig {
  additional_labels?: string[];
  restricted_labels?: Record<string, RestrictedLabel[]>;
}

export interface SizeConfig {
  s: number;
  m: number;
  l: number;
  xl: number;
  xxl: number;
}

export interface BlunderbussConfig {
  request_count?: number;
  max_request_count?: number;
  exclude_approvers?: boolean;
  use_status_availability?: boolean;
  ignore_drafts?: boolean;
  ignore_authors?: string[];
  wait_for_status?: { context?: string; state?: string; description?: string };
}

export interface OwnersConfig {
  mdyamlrepos?: string[];
  skip_collaborators?: string[];
  labels_denylist?: string[];
  filenames?: Record<string, { owners?: string; owners_aliases?: string }>;
}

export interface WelcomeConfig {
  repos?: string[];
  message_template?: string;
  always_post?: boolean;
}

export interface RequireMatchingLabel {
  org: string;
  repo?: string;
  branch?: string;
  prs?: boolean;
  issues?: boolean;
  regexp: string;
  missing_label: string;
  missing_comment?: string;
  grace_period?: string;
}

export interface PluginsConfig {
  /** org or org/repo → enabled plugins (both upstream syntaxes are normalized to this form). */
  plugins: Record<string, OrgPlugins>;
  external_plugins: Record<string, ExternalPlugin[]>;
  // The sections below belong to built-in plugins (Plugin.config): present when the loader was handed
  // the registry's sections, absent otherwise; read them through the lookups in plugins.ts.
  triggers?: TriggerConfig[];
  lgtm?: LgtmConfig[];
  approve?: ApproveConfig[];
  label?: LabelConfig;
  size?: SizeConfig;
  blunderbuss: BlunderbussConfig;
  rifle?: BlunderbussConfig;
  owners: OwnersConfig;
  welcome: WelcomeConfig[];
  help?: { help_guidelines_url: string; help_guidelines_summary?: string };
  heart?: { adorees?: string[]; commentregexp?: string };
  require_matching_label: RequireMatchingLabel[];
  slack?: { mentionchannels?: string[]; mergewarnings?: Array<Record<string, unknown>> };
  config_updater?: Record<string, unknown>;
  blockades?: Array<{ repos?: string[]; branchregexp?: string; blockregexps?: string[]; exceptionregexps?: string[]; explanation?: string }>;
  cherry_pick_unapproved: { branchregexp: string; comment?: string };
  cherry_pick_approved?: Array<Record<string, unknown>>;
  repo_milestone?: Record<string, { maintainers_id?: number; maintainers_team?: string; maintainers_friendly_name?: string }>;
  milestone_applier?: Record<string, Record<string, string>>;
  sigmention: { regexp: string };
  release_note?: { guidelines_url?: string };
  retitle?: { allow_closed_issues?: boolean };
  dco?: Record<string, Record<string, unknown>>;
  invalid_commit_msg?: Array<{ repos?: string[]; checks?: Array<{ name?: string; disabled?: boolean }> }>;
  override?: { allow_top_level_owners?: boolean; allowed_github_teams?: Record<string, string[]> };
  branch_cleaner?: { preserved_branches?: Record<string, string[]> };
  project_config?: unknown;
  project_manager?: unknown;
  bugzilla?: unknown;
  jira?: unknown;
  golint?: { minimum_confidence?: number };
  cat?: { key_path?: string };
  goose?: { key_path?: string };
}

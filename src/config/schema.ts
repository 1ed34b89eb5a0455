// Shapes of config.yaml, job files and plugins.yaml for the decoder (decode.ts). Keys are upstream's JSON
// keys, with their odd casing kept (branch-protection, volumeMounts, jobURLPrefixDisableAppendStorageProvider…).
import { S, type Schema } from './decode.js';

const strList = S.list(S.str);
const strMap = S.map(S.str);

const secretKey = S.obj('SecretKeySelector', { name: S.str, key: S.str });

export const decorationConfigSchema = S.obj('DecorationConfig', {
  timeout: S.nsDur,
  grace_period: S.nsDur,
  utility_images: S.obj('UtilityImages', { clonerefs: S.str, initupload: S.str, entrypoint: S.str, sidecar: S.str }),
  resources: S.map(S.any),
  gcs_configuration: S.obj('GCSConfiguration', {
    bucket: S.str,
    path_prefix: S.str,
    path_strategy: S.str,
    default_org: S.str,
    default_repo: S.str,
    mediaTypes: strMap,
    job_url_prefix: S.str,
    local_output_dir: S.str,
    compress_file_types: strList,
  }),
  gcs_credentials_secret: S.str,
  s3_credentials_secret: S.str,
  default_service_account_name: S.str,
  ssh_key_secrets: strList,
  ssh_host_fingerprints: strList,
  blobless_fetch: S.bool,
  sparse_checkout_files: strList,
  skip_cloning: S.bool,
  cookiefile_secret: S.str,
  oauth_token_secret: secretKey,
  github_api_endpoints: strList,
  github_app_id: S.str,
  github_app_private_key_secret: secretKey,
  censor_secrets: S.bool,
  censoring_options: S.obj('CensoringOptions', {
    censoring_concurrency: S.int,
    censoring_buffer_size: S.int,
    include_directories: strList,
    exclude_directories: strList,
    minimum_secret_length: S.int,
  }),
  upload_ignores_interrupts: S.bool,
  set_limit_equals_memory_request: S.bool,
  default_memory_request: S.str,
  scheduling_options: S.obj('SchedulingOptions', { affinity: S.any, tolerations: S.list(S.any) }),
  pod_pending_timeout: S.dur,
  pod_running_timeout: S.dur,
  pod_unscheduled_timeout: S.dur,
  run_as_user: S.int,
  run_as_group: S.int,
  fs_group: S.int,
});

const pullSchema = S.obj('Pull', {
  number: S.int, author: S.str, sha: S.str, title: S.str, ref: S.str, head_ref: S.str, link: S.str, commit_link: S.str, author_link: S.str,
});

export const refsSchema = S.obj('Refs', {
  org: S.str,
  repo: S.str,
  repo_link: S.str,
  base_ref: S.str,
  base_sha: S.str,
  base_link: S.str,
  pulls: S.list(pullSchema),
  path_alias: S.str,
  workdir: S.bool,
  auxiliary: S.bool,
  clone_uri: S.str,
  skip_submodules: S.bool,
  clone_depth: S.int,
  skip_fetch_head: S.bool,
  blobless_fetch: S.bool,
  sparse_checkout_files: strList,
});

const slackReporterConfig = {
  host: S.str,
  channel: S.str,
  job_states_to_report: strList,
  report_template: S.str,
  report: S.bool,
};

const rerunAuthConfig = S.obj('RerunAuthConfig', {
  allow_anyone: S.bool,
  github_team_ids: S.list(S.int),
  github_team_slugs: S.list(S.obj('GitHubTeamSlug', { slug: S.str, org: S.str })),
  github_users: strList,
  github_orgs: strList,
});

const envVar = S.obj('EnvVar', { name: S.str, value: S.str, valueFrom: S.any });

// A core/v1 PodSpec is validated by Kubernetes, not by Prow: only the parts Prow reads are typed.
const containerSchema: Schema = S.oneOf('Container', () => containerObj);
const containerObj = S.obj('Container', {
  name: S.str, image: S.str, command: strList, args: strList, workingDir: S.str, env: S.list(envVar),
  envFrom: S.any, ports: S.any, resources: S.any, volumeMounts: S.list(S.any), volumeDevices: S.any,
  livenessProbe: S.any, readinessProbe: S.any, startupProbe: S.any, lifecycle: S.any, terminationMessagePath: S.str,
  terminationMessagePolicy: S.str, imagePullPolicy: S.str, securityContext: S.any, stdin: S.bool, stdinOnce: S.bool,
  tty: S.bool, restartPolicy: S.str, resizePolicy: S.any,
});
const podSpecSchema = S.obj('PodSpec', {
  containers: S.list(containerSchema), initContainers: S.list(containerSchema), ephemeralContainers: S.any,
  volumes: S.list(S.any), restartPolicy: S.str, terminationGracePeriodSeconds: S.int, activeDeadlineSeconds: S.int,
  dnsPolicy: S.str, nodeSelector: strMap, serviceAccountName: S.str, serviceAccount: S.str,
  automountServiceAccountToken: S.bool, nodeName: S.str, hostNetwork: S.bool, hostPID: S.bool, hostIPC: S.bool,
  shareProcessNamespace: S.bool, securityContext: S.any, imagePullSecrets: S.any, hostname: S.str, subdomain: S.str,
  affinity: S.any, schedulerName: S.str, tolerations: S.list(S.any), hostAliases: S.any, priorityClassName: S.str,
  priority: S.int, dnsConfig: S.any, readinessGates: S.any, runtimeClassName: S.str, enableServiceLinks: S.bool,
  preemptionPolicy: S.str, overhead: S.any, topologySpreadConstraints: S.any, setHostnameAsFQDN: S.bool, os: S.any,
  hostUsers: S.bool, schedulingGates: S.any, resourceClaims: S.any, resources: S.any,
});

const jobBaseFields: Record<string, Schema> = {
  name: S.str,
  labels: strMap,
  annotations: strMap,
  max_concurrency: S.int,
  agent: S.str,
  cluster: S.str,
  namespace: S.str,
  error_on_eviction: S.bool,
  spec: podSpecSchema,
  pipeline_run_spec: S.any,
  tekton_pipeline_run_spec: S.any,
  reporter_config: S.obj('ReporterConfig', { slack: S.obj('SlackReporterConfig', slackReporterConfig) }),
  rerun_auth_config: rerunAuthConfig,
  hidden: S.bool,
  prowjob_defaults: S.obj('ProwJobDefault', {
    resultstore_config: S.obj('ResultStoreConfig', { project_id: S.str }),
    tenant_id: S.str,
  }),
  job_queue_name: S.str,
  decorate: S.bool,
  decoration_config: decorationConfigSchema,
  path_alias: S.str,
  clone_uri: S.str,
  skip_submodules: S.bool,
  clone_depth: S.int,
  skip_fetch_head: S.bool,
  extra_refs: S.list(refsSchema),
};

const jenkinsSpec = S.obj('JenkinsSpec', { github_branch_source_job: S.bool });

export const presubmitSchema: Schema = S.oneOf('Presubmit', () => presubmitObj);
const presubmitObj = S.obj('Presubmit', {
  ...jobBaseFields,
  always_run: S.bool,
  run_if_changed: S.str,
  skip_if_only_changed: S.str,
  optional: S.bool,
  skip_report: S.bool,
  context: S.str,
  trigger: S.str,
  rerun_command: S.str,
  run_before_merge: S.bool,
  branches: strList,
  skip_branches: strList,
  jenkins_spec: jenkinsSpec,
  run_after_success: S.list(presubmitSchema),
});

export const postsubmitSchema: Schema = S.oneOf('Postsubmit', () => postsubmitObj);
const postsubmitObj = S.obj('Postsubmit', {
  ...jobBaseFields,
  always_run: S.bool,
  run_if_changed: S.str,
  skip_if_only_changed: S.str,
  skip_report: S.bool,
  context: S.str,
  branches: strList,
  skip_branches: strList,
  jenkins_spec: jenkinsSpec,
  run_after_success: S.list(postsubmitSchema),
});

export const periodicSchema: Schema = S.oneOf('Periodic', () => periodicObj);
const periodicObj = S.obj('Periodic', {
  ...jobBaseFields,
  interval: S.str,
  minimum_interval: S.str,
  cron: S.str,
  tags: strList,
  retry: S.obj('Retry', { attempts: S.int, interval: S.str, run_all: S.bool }),
  run_after_success: S.list(periodicSchema),
});

export const presetSchema = S.obj('Preset', {
  labels: strMap,
  env: S.list(envVar),
  volumes: S.list(S.any),
  volumeMounts: S.list(S.any),
  tolerations: S.list(S.any),
});

export const jobConfigFields: Record<string, Schema> = {
  presets: S.list(presetSchema),
  presubmits: S.map(S.list(presubmitSchema)),
  postsubmits: S.map(S.list(postsubmitSchema)),
  periodics: S.list(periodicSchema),
  decorate_all_jobs: S.bool,
  prow_ignored: S.any,
};

export const jobConfigSchema = S.obj('JobConfig', jobConfigFields);

const policyFields: Record<string, Schema> = {
  unmanaged: S.bool,
  protect: S.bool,
  required_status_checks: S.obj('ContextPolicy', { contexts: strList, strict: S.bool }),
  enforce_admins: S.bool,
  restrictions: S.obj('Restrictions', { apps: strList, users: strList, teams: strList }),
  require_manually_triggered_jobs: S.bool,
  required_pull_request_reviews: S.obj('ReviewPolicy', {
    dismissal_restrictions: S.obj('DismissalRestrictions', { users: strList, teams: strList }),
    dismiss_stale_reviews: S.bool,
    require_code_owner_reviews: S.bool,
    required_approving_review_count: S.int,
    bypass_pull_request_allowances: S.obj('BypassRestrictions', { users: strList, teams: strList }),
  }),
  required_linear_history: S.bool,
  allow_force_pushes: S.bool,
  allow_deletions: S.bool,
  require_signed_commits: S.bool,
  exclude: strList,
  include: strList,
};
const bpBranch = S.obj('Policy', policyFields);
const bpRepo = S.obj('RepoPolicy', { ...policyFields, branches: S.map(bpBranch) });
const bpOrg = S.obj('OrgPolicy', { ...policyFields, repos: S.map(bpRepo) });
const branchProtectionSchema = S.obj('BranchProtection', {
  ...policyFields,
  'protect-tested-repos': S.bool,
  allow_disabled_policies: S.bool,
  allow_disabled_job_policies: S.bool,
  protect_repos_with_optional_jobs: S.bool,
  orgs: S.map(bpOrg),
});

const tidePolicyFields: Record<string, Schema> = {
  'skip-unknown-contexts': S.bool,
  'required-contexts': strList,
  'required-if-present-contexts': strList,
  'optional-contexts': strList,
  'optional-regex-contexts': strList,
  'from-branch-protection': S.bool,
  'overwrite-pending-contexts': S.bool,
};
const tideBranchPolicy = S.obj('TideContextPolicy', tidePolicyFields);
const tideRepoPolicy = S.obj('TideRepoContextPolicy', { ...tidePolicyFields, branches: S.map(tideBranchPolicy) });
const tideOrgPolicy = S.obj('TideOrgContextPolicy', { ...tidePolicyFields, repos: S.map(tideRepoPolicy) });

const tideQueryObj = S.obj('TideQuery', {
  orgs: strList, repos: strList, excludedRepos: strList, author: S.str, labels: strList, missingLabels: strList,
  excludedBranches: strList, includedBranches: strList, milestone: S.str, reviewApprovedRequired: S.bool,
});
// 2017 wrote each query as a GitHub search string; loading turns it into the object (tide-query-string.ts).
const tideQuery = S.oneOf('TideQuery', (node) => (node.kind === 'scalar' ? S.str : tideQueryObj));

const tideSchema = S.obj('Tide', {
  sync_period: S.dur,
  status_update_period: S.dur,
  max_goroutines: S.int,
  queries: S.list(tideQuery),
  merge_method: S.map(S.any),
  merge_commit_template: S.map(S.obj('TideMergeCommitTemplate', { title: S.str, body: S.str })),
  target_url: S.str,
  target_urls: strMap,
  pr_status_base_url: S.str,
  pr_status_base_urls: strMap,
  blocker_label: S.str,
  squash_label: S.str,
  rebase_label: S.str,
  merge_label: S.str,
  context_options: S.obj('TideContextPolicyOptions', { ...tidePolicyFields, orgs: S.map(tideOrgPolicy) }),
  batch_size_limit: S.map(S.int),
  prioritize_existing_batches: S.map(S.bool),
  github_merge_blocks_policy: strMap,
  priority: S.list(S.obj('TidePriority', { labels: strList })),
  display_all_tide_queries_in_status: S.bool,
  gerrit: S.obj('TideGerritConfig', { queries: S.any, ratelimit: S.int }),
  improvements: S.obj('TideImprovements', { reason_codes: S.bool, evict_unmergeable: S.bool, bisect_failed_batches: S.bool, speculative_batches: S.int }),
});

const decorationEntry = S.obj('DefaultDecorationConfigEntry', { repo: S.str, cluster: S.str, config: decorationConfigSchema });

const plankSchema = S.obj('Plank', {
  job_url_template: S.str,
  report_template: S.str,
  report_templates: strMap,
  job_url_prefix_config: strMap,
  jobURLPrefixDisableAppendStorageProvider: S.bool,
  max_concurrency: S.int,
  max_goroutines: S.int,
  pod_pending_timeout: S.dur,
  pod_running_timeout: S.dur,
  pod_unscheduled_timeout: S.dur,
  max_revivals: S.int,
  default_decoration_configs: S.map(decorationConfigSchema),
  default_decoration_config_entries: S.list(decorationEntry),
  job_queue_capacities: S.map(S.int),
  build_cluster_status_file: S.str,
  // 2017–2019 keys, still accepted by old configs.
  allow_cancellations: S.bool,
  job_url_prefix: S.str,
});

const sinkerSchema = S.obj('Sinker', {
  resync_period: S.dur, max_prowjob_age: S.dur, max_pod_age: S.dur, terminated_pod_ttl: S.dur, exclude_clusters: strList,
});

const deckSchema = S.obj('Deck', {
  spyglass: S.obj('Spyglass', {
    lenses: S.list(S.obj('LensFileConfig', {
      lens: S.obj('LensConfig', { name: S.str, config: S.any }),
      required_files: strList,
      optional_files: strList,
      remote_config: S.obj('LensRemoteConfig', { endpoint: S.str, static_root: S.str, title: S.str, priority: S.int, hide_title: S.bool }),
    })),
    viewers: S.map(strList),
    size_limit: S.int,
    gcs_browser_prefix: S.str,
    gcs_browser_prefixes: strMap,
    gcs_browser_prefixes_by_bucket: strMap,
    announcement: S.str,
    testgrid_config: S.str,
    testgrid_root: S.str,
    hide_pr_history_link: S.bool,
    pr_history_link_template: S.str,
    bucket_aliases: strMap,
  }),
  tide_update_period: S.dur,
  hidden_repos: strList,
  external_agent_logs: S.list(S.obj('ExternalAgentLog', { agent: S.str, selector: S.str, url_template: S.str })),
  branding: S.obj('Branding', { logo: S.str, favicon: S.str, background_color: S.str, header_color: S.str }),
  google_analytics: S.str,
  rerun_auth_configs: S.map(rerunAuthConfig),
  default_rerun_auth_configs: S.list(S.obj('DefaultRerunAuthConfigEntry', { repo: S.str, cluster: S.str, rerun_auth_configs: rerunAuthConfig })),
  skip_storage_path_validation: S.bool,
  additional_allowed_buckets: strList,
});

const slackReporterSchema = S.obj('SlackReporter', { ...slackReporterConfig, job_types_to_report: strList });

const jenkinsOperatorFields: Record<string, Schema> = {
  job_url_template: S.str,
  report_template: S.str,
  report_templates: strMap,
  max_concurrency: S.int,
  max_goroutines: S.int,
  label_selector: S.str,
};

export const prowConfigFields: Record<string, Schema> = {
  prowjob_namespace: S.str,
  pod_namespace: S.str,
  log_level: S.str,
  plank: plankSchema,
  sinker: sinkerSchema,
  deck: deckSchema,
  tide: tideSchema,
  'branch-protection': branchProtectionSchema,
  github_reporter: S.obj('GitHubReporter', { job_types_to_report: strList, no_comment_repos: strList, summary_comment_repos: strList }),
  slack_reporter_configs: S.map(slackReporterSchema),
  horologium: S.obj('Horologium', { tick_interval: S.dur }),
  in_repo_config: S.obj('InRepoConfig', { enabled: S.map(S.bool), allowed_clusters: S.map(strList) }),
  status_error_link: S.str,
  default_job_timeout: S.dur,
  github: S.obj('GitHubOptions', { link_url: S.str }),
  push_gateway: S.obj('PushGateway', { endpoint: S.str, interval: S.dur, serve_metrics: S.bool }),
  owners_dir_denylist: S.obj('OwnersDirDenylist', { default: strList, repos: S.map(strList), ignore_preconfigured_defaults: S.bool }),
  managed_webhooks: S.obj('ManagedWebhooks', {
    respect_legacy_global_token: S.bool,
    auto_accept_invitation: S.bool,
    org_repo_config: S.map(S.obj('ManagedWebhookInfo', { token_created_after: S.str })),
  }),
  pubsub_subscriptions: S.map(strList),
  pubsub_triggers: S.list(S.obj('PubSubTrigger', { project: S.str, topics: strList, allowed_clusters: strList, max_outstanding_messages: S.int })),
  gerrit: S.obj('Gerrit', {
    tick_interval: S.dur,
    ratelimit: S.int,
    deck_url: S.str,
    org_repos_config: S.list(S.any),
    allowed_presubmit_trigger_re: S.str,
  }),
  jenkins_operators: S.list(S.obj('JenkinsOperator', jenkinsOperatorFields)),
  prowjob_default_entries: S.list(S.obj('ProwJobDefaultEntry', {
    repo: S.str, cluster: S.str, config: S.obj('ProwJobDefault', { tenant_id: S.str, resultstore_config: S.obj('ResultStoreConfig', { project_id: S.str }) }),
  })),
  disabled_clusters: strList,
  scheduler: S.obj('Scheduler', { enabled: S.bool, failover: S.obj('FailoverScheduling', { mappings: strMap }), external: S.any }),
  gangway: S.any,
  moonraker: S.obj('Moonraker', { client_timeout: S.dur }),
  pipeline: S.obj('Pipeline', { allow_concurrent_postsubmit_jobs: S.bool }),
  config_version_sha: S.str,
  // 2017-era keys: a single Jenkins operator and the old top-level tot/kube settings.
  jenkins_operator: S.obj('JenkinsOperator', jenkinsOperatorFields),
};

export const configSchema = S.obj('Config', { ...prowConfigFields, ...jobConfigFields });

// ------------------------------------------------------------------------------------ plugins.yaml

const listOfRepos = (name: string, fields: Record<string, Schema>): Schema => S.list(S.obj(name, { repos: strList, ...fields }));
const blunderbuss = S.obj('Blunderbuss', {
  request_count: S.int, max_request_count: S.int, exclude_approvers: S.bool, use_status_availability: S.bool,
  ignore_drafts: S.bool, ignore_authors: strList,
  wait_for_status: S.obj('WaitForStatus', { context: S.str, state: S.str, description: S.str }),
  file_weight_count: S.bool,
});

/**
 * plugins.yaml fields the loader itself reads: which plugins run where, external plugins, `owners` (read
 * by several plugins and the OWNERS client), and the sections of upstream plugins this project does not
 * implement, kept so that upstream files load unchanged. Each built-in plugin's own section comes from
 * the plugin module (PluginConfigSection, handed to the loader by src/cli).
 */
export const pluginsConfigCoreFields: Record<string, Schema> = {
  plugins: S.oneOf('Plugins', (node) => {
    // Legacy syntax: every value is a list of names.
    if (node.kind === 'map' && node.entries.length > 0 && node.entries.every((e) => e.value.kind === 'seq')) return S.map(strList);
    return S.map(S.obj('OrgPlugins', { plugins: strList, excluded_repos: strList }));
  }),
  external_plugins: S.map(S.list(S.obj('ExternalPlugin', { name: S.str, endpoint: S.str, events: strList }))),
  blunderbuss,
  rifle: blunderbuss,
  owners: S.obj('Owners', {
    mdyamlrepos: strList, skip_collaborators: strList, labels_denylist: strList,
    filenames: S.map(S.obj('OwnersFilenames', { owners: S.str, owners_aliases: S.str })),
  }),
  welcome: listOfRepos('Welcome', { message_template: S.str, always_post: S.bool }),
  require_matching_label: S.list(S.obj('RequireMatchingLabel', {
    org: S.str, repo: S.str, branch: S.str, prs: S.bool, issues: S.bool, regexp: S.str, missing_label: S.str,
    missing_comment: S.str, grace_period: S.dur,
  })),
  blockades: S.list(S.obj('Blockade', { repos: strList, branchregexp: S.str, blockregexps: strList, exceptionregexps: strList, explanation: S.str })),
  cherry_pick_unapproved: S.obj('CherryPickUnapproved', { branchregexp: S.str, comment: S.str }),
  cherry_pick_approved: S.list(S.map(S.any)),
  repo_milestone: S.map(S.obj('Milestone', { maintainers_id: S.int, maintainers_team: S.str, maintainers_friendly_name: S.str })),
  sigmention: S.obj('SigMention', { regexp: S.str }),
  invalid_commit_msg: listOfRepos('InvalidCommitMsg', { checks: S.list(S.map(S.any)) }),
  project_config: S.any,
  project_manager: S.any,
  bugzilla: S.any,
  jira: S.any,
};

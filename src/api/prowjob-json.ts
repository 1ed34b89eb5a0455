// Go struct tables for encoding/json (src/go/json.ts) of the upstream types we write: Pull, Refs,
// DecorationConfig and ProwJob (upstream pkg/apis/prowjobs/v1/types.go) and downwardapi.JobSpec
// (upstream pkg/pod-utils/downwardapi/jobspec.go), field for field with their omitempty tags.
import { DURATION, field, MAP, sliceOf, struct } from '../go/json.js';

export const PULL_SPEC = struct(
  field('number', 'never'), field('author', 'never'), field('sha', 'never'), field('title'), field('ref'), field('head_ref'), field('link'),
  field('commit_link'), field('author_link'),
);

export const REFS_SPEC = struct(
  field('org', 'never'), field('repo', 'never'), field('repo_link'), field('base_ref'), field('base_sha'), field('base_link'),
  field('pulls', 'empty', sliceOf(PULL_SPEC)), field('path_alias'), field('workdir'), field('auxiliary'), field('clone_uri'),
  field('skip_submodules'), field('clone_depth'), field('skip_fetch_head'), field('blobless_fetch', 'nil'), field('sparse_checkout_files'),
);

const SECRET_SPEC = struct(field('name'), field('key'));

export const DECORATION_CONFIG_SPEC = struct(
  field('timeout', 'nil', DURATION),
  field('grace_period', 'nil', DURATION),
  field('utility_images', 'nil', struct(field('clonerefs'), field('initupload'), field('entrypoint'), field('sidecar'))),
  field('resources', 'nil', struct(field('clonerefs', 'nil'), field('initupload', 'nil'), field('place_entrypoint', 'nil'), field('sidecar', 'nil'))),
  field('gcs_configuration', 'nil', struct(
    field('bucket'), field('path_prefix'), field('path_strategy'), field('default_org'), field('default_repo'), field('mediaTypes', 'empty', MAP),
    field('job_url_prefix'), field('local_output_dir'), field('compress_file_types'),
  )),
  field('gcs_credentials_secret', 'nil'),
  field('s3_credentials_secret', 'nil'),
  field('default_service_account_name', 'nil'),
  field('ssh_key_secrets'),
  field('ssh_host_fingerprints'),
  field('blobless_fetch', 'nil'),
  field('sparse_checkout_files'),
  field('skip_cloning', 'nil'),
  field('cookiefile_secret', 'nil'),
  field('oauth_token_secret', 'nil', SECRET_SPEC),
  field('github_api_endpoints'),
  field('github_app_id'),
  field('github_app_private_key_secret', 'nil', SECRET_SPEC),
  field('censor_secrets', 'nil'),
  field('censoring_options', 'nil', struct(
    field('censoring_concurrency', 'nil'), field('censoring_buffer_size', 'nil'), field('include_directories'),
    field('exclude_directories'), field('minimum_secret_length', 'nil'),
  )),
  field('upload_ignores_interrupts', 'nil'),
  field('set_limit_equals_memory_request', 'nil'),
  field('default_memory_request', 'nil'),
  field('scheduling_options', 'nil', struct(field('affinity', 'nil'), field('tolerations'))),
  field('pod_pending_timeout', 'nil', DURATION),
  field('pod_running_timeout', 'nil', DURATION),
  field('pod_unscheduled_timeout', 'nil', DURATION),
  field('run_as_user', 'nil'),
  field('run_as_group', 'nil'),
  field('fs_group', 'nil'),
);

export const JOB_SPEC_SPEC = struct(
  field('type'), field('job'), field('buildid'), field('prowjobid'), field('refs', 'nil', REFS_SPEC), field('extra_refs', 'empty', sliceOf(REFS_SPEC)),
  field('decoration_config', 'nil', DECORATION_CONFIG_SPEC),
);

const SPEC_SPEC = struct(
  field('type'), field('agent'), field('cluster'), field('namespace'), field('job'), field('refs', 'nil', REFS_SPEC),
  field('extra_refs', 'empty', sliceOf(REFS_SPEC)), field('report'), field('context'), field('rerun_command'), field('max_concurrency'),
  field('error_on_eviction'), field('pod_spec', 'nil'), field('jenkins_spec', 'nil'), field('pipeline_run_spec', 'nil'),
  field('tekton_pipeline_run_spec', 'nil'), field('decoration_config', 'nil', DECORATION_CONFIG_SPEC), field('reporter_config', 'nil'),
  field('rerun_auth_config', 'nil'), field('hidden'), field('prowjob_defaults', 'nil'), field('job_queue_name'),
);

const STATUS_SPEC = struct(
  field('startTime'), field('pendingTime', 'nil'), field('completionTime', 'nil'), field('state'), field('description'), field('url'),
  field('pod_revival_count'), field('pod_name'), field('build_id'), field('jenkins_build_id'), field('prev_report_states', 'empty', MAP),
);

const METADATA_SPEC = struct(
  field('name'), field('generateName'), field('namespace'), field('selfLink'), field('uid'), field('resourceVersion'), field('generation'),
  field('creationTimestamp', 'nil'), field('deletionTimestamp', 'nil'), field('deletionGracePeriodSeconds', 'nil'),
  field('labels', 'empty', MAP), field('annotations', 'empty', MAP), field('ownerReferences'), field('finalizers'), field('managedFields'),
);

export const PROWJOB_SPEC = struct(
  field('kind'), field('apiVersion'), field('metadata', 'never', METADATA_SPEC), field('spec', 'never', SPEC_SPEC), field('status', 'never', STATUS_SPEC),
);

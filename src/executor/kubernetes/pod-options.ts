// The `*_OPTIONS` environment values the pod utilities read, as Go's encoding/json writes upstream's
// option structs: clonerefs.Options (pkg/clonerefs/options.go), gcsupload.Options with its embedded
// GCSConfiguration and StorageClientOptions (pkg/gcsupload/options.go, pkg/flagutil/storage.go),
// initupload.Options, entrypoint.Options with its embedded wrapper.Options, and sidecar.Options. The option
// types and their decoders are src/podutils/options.ts, which the pod utility commands read with.
import { REFS_SPEC } from '../../api/prowjob-json.js';
import { field, goJsonMarshal, goOrder, MAP, sliceOf, struct, type FieldSpec } from '../../go/json.js';
import type { CloneRefsOptions, EntrypointOptions, SidecarOptions, UploadOptions } from '../../podutils/options.js';

export type { UploadOptions, WrapperOptions } from '../../podutils/options.js';

const GCS_FIELDS: FieldSpec[] = [
  field('bucket'), field('path_prefix'), field('path_strategy'), field('default_org'), field('default_repo'),
  field('mediaTypes', 'empty', MAP), field('job_url_prefix'), field('local_output_dir'), field('compress_file_types'),
];

const UPLOAD_FIELDS: FieldSpec[] = [
  field('items'), field('sub_dir'), ...GCS_FIELDS, field('gcs_credentials_file'), field('s3_credentials_file'), field('dry_run', 'never'),
];

const WRAPPER_FIELDS: FieldSpec[] = [
  field('args'), field('container_name'), field('process_log', 'never'), field('marker_file', 'never'), field('metadata_file', 'never'),
];
const WRAPPER_SPEC = struct(...WRAPPER_FIELDS);

const CLONEREFS_SPEC = struct(
  field('src_root', 'never'), field('log', 'never'), field('git_user_name'), field('git_user_email'), field('refs', 'nil', sliceOf(REFS_SPEC)),
  field('key_files'), field('oauth_token_file'), field('host_fingerprints'), field('max_parallel_workers'), field('fail'), field('cookie_path'),
  field('github_api_endpoints'), field('github_app_id'), field('github_app_private_key_file'),
);

const ENTRYPOINT_SPEC = struct(
  field('timeout', 'never'), field('grace_period', 'never'), field('artifact_dir'), field('previous_marker'), field('always_zero'),
  field('propagate_error_code'), field('copy_mode_only'), field('copy_dst'), ...WRAPPER_FIELDS,
);

const CENSORING_SPEC = struct(
  field('secret_directories'), field('censoring_concurrency', 'nil'), field('censoring_buffer_size', 'nil'), field('include_directories'),
  field('exclude_directories'), field('ini_filenames'), field('minimum_secret_length', 'nil'),
);

const SIDECAR_SPEC = struct(
  field('gcs_options', 'never', struct(...UPLOAD_FIELDS)), field('wrapper_options', 'nil', WRAPPER_SPEC), field('entries', 'empty', sliceOf(WRAPPER_SPEC)),
  field('entry_error'), field('ignore_interrupts'), field('write_memory_profile'), field('censoring_options', 'nil', CENSORING_SPEC),
);

/** Flattens the embedded structs the way encoding/json promotes their fields. */
function flatUpload(o: UploadOptions): Record<string, unknown> {
  return {
    items: o.items,
    ...(o.gcs ?? {}),
    ...(o.local_output_dir ? { local_output_dir: o.local_output_dir } : {}),
    gcs_credentials_file: o.gcs_credentials_file,
    s3_credentials_file: o.s3_credentials_file,
    dry_run: false,
  };
}

/** Keeps only the struct's own fields: a key the Go struct lacks is dropped by Go's encoder too. */
function only(spec: ReturnType<typeof struct>, value: Record<string, unknown>): unknown {
  if (spec.kind !== 'struct') return value;
  const known = new Set(spec.fields.map((f) => f.key));
  const picked: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (known.has(k)) picked[k] = v;
  return goOrder(picked, spec);
}

export function encodeCloneRefsOptions(o: CloneRefsOptions): string {
  return goJsonMarshal(only(CLONEREFS_SPEC, { ...o }));
}

export function encodeInitUploadOptions(upload: UploadOptions, log: string | undefined): string {
  return goJsonMarshal(only(struct(...UPLOAD_FIELDS, field('log')), { ...flatUpload(upload), log }));
}

export function encodeEntrypointOptions(o: EntrypointOptions): string {
  const { wrapper, ...rest } = o;
  return goJsonMarshal(only(ENTRYPOINT_SPEC, { ...rest, ...wrapper }));
}

export function encodeSidecarOptions(o: SidecarOptions): string {
  const ordered = only(SIDECAR_SPEC, {
    gcs_options: flatUpload(o.gcs_options),
    entries: o.entries,
    entry_error: o.entry_error,
    ignore_interrupts: o.ignore_interrupts,
    censoring_options: o.censoring_options,
  }) as Record<string, unknown>;
  // gcs_options is a struct of its own: drop keys its table does not know (goOrder keeps unknown keys).
  ordered['gcs_options'] = only(struct(...UPLOAD_FIELDS), ordered['gcs_options'] as Record<string, unknown>);
  return goJsonMarshal(ordered);
}

// Go encoding/json output for our upstream-shaped objects: keys in Go struct order, omitempty rules,
// map keys sorted, HTML-safe string escaping, Go duration strings. Used for JOB_SPEC (byte-compatible
// with upstream's downwardapi.JobSpec) and to order ProwJob keys as kubectl prints them.
import { formatDurationNanos, parseDurationNanos } from './duration.js';

/**
 * A field: JSON key plus how it is emitted. `omit`: `empty` = omitempty on a value type (zero omitted),
 * `nil` = omitempty on a pointer (only absent omitted; false/"" kept), `never` = always emitted.
 */
interface FieldSpec {
  key: string;
  omit: 'empty' | 'nil' | 'never';
  type?: TypeSpec;
}

type TypeSpec =
  | { kind: 'struct'; fields: FieldSpec[] }
  | { kind: 'slice'; elem: TypeSpec }
  | { kind: 'map'; elem?: TypeSpec }
  | { kind: 'duration' }
  | { kind: 'any' };

const f = (key: string, omit: FieldSpec['omit'] = 'empty', type?: TypeSpec): FieldSpec => (type ? { key, omit, type } : { key, omit });
const struct = (...fields: FieldSpec[]): TypeSpec => ({ kind: 'struct', fields });
const sliceOf = (elem: TypeSpec): TypeSpec => ({ kind: 'slice', elem });
const DURATION: TypeSpec = { kind: 'duration' };
const MAP: TypeSpec = { kind: 'map' };

export const PULL_SPEC = struct(
  f('number', 'never'), f('author', 'never'), f('sha', 'never'), f('title'), f('ref'), f('head_ref'), f('link'),
  f('commit_link'), f('author_link'),
);

export const REFS_SPEC = struct(
  f('org', 'never'), f('repo', 'never'), f('repo_link'), f('base_ref'), f('base_sha'), f('base_link'),
  f('pulls', 'empty', sliceOf(PULL_SPEC)), f('path_alias'), f('workdir'), f('auxiliary'), f('clone_uri'),
  f('skip_submodules'), f('clone_depth'), f('skip_fetch_head'), f('blobless_fetch', 'nil'), f('sparse_checkout_files'),
);

const SECRET_SPEC = struct(f('name'), f('key'));

export const DECORATION_CONFIG_SPEC = struct(
  f('timeout', 'nil', DURATION),
  f('grace_period', 'nil', DURATION),
  f('utility_images', 'nil', struct(f('clonerefs'), f('initupload'), f('entrypoint'), f('sidecar'))),
  f('resources', 'nil', struct(f('clonerefs', 'nil'), f('initupload', 'nil'), f('place_entrypoint', 'nil'), f('sidecar', 'nil'))),
  f('gcs_configuration', 'nil', struct(
    f('bucket'), f('path_prefix'), f('path_strategy'), f('default_org'), f('default_repo'), f('mediaTypes', 'empty', MAP),
    f('job_url_prefix'), f('local_output_dir'), f('compress_file_types'),
  )),
  f('gcs_credentials_secret', 'nil'),
  f('s3_credentials_secret', 'nil'),
  f('default_service_account_name', 'nil'),
  f('ssh_key_secrets'),
  f('ssh_host_fingerprints'),
  f('blobless_fetch', 'nil'),
  f('sparse_checkout_files'),
  f('skip_cloning', 'nil'),
  f('cookiefile_secret', 'nil'),
  f('oauth_token_secret', 'nil', SECRET_SPEC),
  f('github_api_endpoints'),
  f('github_app_id'),
  f('github_app_private_key_secret', 'nil', SECRET_SPEC),
  f('censor_secrets', 'nil'),
  f('censoring_options', 'nil', struct(
    f('censoring_concurrency', 'nil'), f('censoring_buffer_size', 'nil'), f('include_directories'),
    f('exclude_directories'), f('minimum_secret_length', 'nil'),
  )),
  f('upload_ignores_interrupts', 'nil'),
  f('set_limit_equals_memory_request', 'nil'),
  f('default_memory_request', 'nil'),
  f('scheduling_options', 'nil', struct(f('affinity', 'nil'), f('tolerations'))),
  f('pod_pending_timeout', 'nil', DURATION),
  f('pod_running_timeout', 'nil', DURATION),
  f('pod_unscheduled_timeout', 'nil', DURATION),
  f('run_as_user', 'nil'),
  f('run_as_group', 'nil'),
  f('fs_group', 'nil'),
);

export const JOB_SPEC_SPEC = struct(
  f('type'), f('job'), f('buildid'), f('prowjobid'), f('refs', 'nil', REFS_SPEC), f('extra_refs', 'empty', sliceOf(REFS_SPEC)),
  f('decoration_config', 'nil', DECORATION_CONFIG_SPEC),
);

const SPEC_SPEC = struct(
  f('type'), f('agent'), f('cluster'), f('namespace'), f('job'), f('refs', 'nil', REFS_SPEC),
  f('extra_refs', 'empty', sliceOf(REFS_SPEC)), f('report'), f('context'), f('rerun_command'), f('max_concurrency'),
  f('error_on_eviction'), f('pod_spec', 'nil'), f('jenkins_spec', 'nil'), f('pipeline_run_spec', 'nil'),
  f('tekton_pipeline_run_spec', 'nil'), f('decoration_config', 'nil', DECORATION_CONFIG_SPEC), f('reporter_config', 'nil'),
  f('rerun_auth_config', 'nil'), f('hidden'), f('prowjob_defaults', 'nil'), f('job_queue_name'),
);

const STATUS_SPEC = struct(
  f('startTime'), f('pendingTime', 'nil'), f('completionTime', 'nil'), f('state'), f('description'), f('url'),
  f('pod_revival_count'), f('pod_name'), f('build_id'), f('jenkins_build_id'), f('prev_report_states', 'empty', MAP),
);

const METADATA_SPEC = struct(
  f('name'), f('generateName'), f('namespace'), f('selfLink'), f('uid'), f('resourceVersion'), f('generation'),
  f('creationTimestamp', 'nil'), f('deletionTimestamp', 'nil'), f('deletionGracePeriodSeconds', 'nil'),
  f('labels', 'empty', MAP), f('annotations', 'empty', MAP), f('ownerReferences'), f('finalizers'), f('managedFields'),
);

export const PROWJOB_SPEC = struct(
  f('kind'), f('apiVersion'), f('metadata', 'never', METADATA_SPEC), f('spec', 'never', SPEC_SPEC), f('status', 'never', STATUS_SPEC),
);

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function durationString(v: unknown): string {
  if (typeof v === 'number') return formatDurationNanos(BigInt(Math.trunc(v)));
  if (typeof v === 'string') {
    try {
      return formatDurationNanos(parseDurationNanos(v));
    } catch {
      return v; // validation reports bad durations; serialise what we were given
    }
  }
  return String(v);
}

/**
 * Reorders (a copy of) a value by the spec, applying omitempty and duration formatting. Keys the spec
 * does not know are kept after the known ones, in their original order.
 */
export function goOrder(value: unknown, type: TypeSpec = { kind: 'any' }): unknown {
  if (value === undefined || value === null) return value;
  switch (type.kind) {
    case 'duration':
      return durationString(value);
    case 'slice':
      return Array.isArray(value) ? value.map((e) => goOrder(e, type.elem)) : value;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) out[k] = goOrder((value as Record<string, unknown>)[k], type.elem);
      return out;
    }
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const known = new Set<string>();
      for (const field of type.fields) {
        known.add(field.key);
        const v = src[field.key];
        if (field.omit === 'empty' && isEmpty(v)) continue;
        if (field.omit === 'nil' && (v === undefined || v === null)) continue;
        if (field.omit === 'never' && v === undefined) {
          out[field.key] = field.type?.kind === 'struct' ? goOrder({}, field.type) : '';
          continue;
        }
        out[field.key] = goOrder(v, field.type);
      }
      for (const [k, v] of Object.entries(src)) if (!known.has(k) && v !== undefined) out[k] = v;
      return out;
    }
    case 'any':
      return value;
  }
}

/** A JSON string as Go's encoding/json writes it (escapes <, >, &, U+2028, U+2029). */
function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Compact JSON like Go's json.Marshal for an already-ordered value. */
export function goJsonMarshal(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${goJsonString(k)}:${goJsonMarshal(v)}`).join(',')}}`;
}

// The `*_OPTIONS` values of the pod utilities: upstream's option structs (pkg/clonerefs/options.go,
// pkg/gcsupload/options.go with its embedded GCSConfiguration and pkg/flagutil/storage.go,
// pkg/initupload/options.go, pkg/entrypoint/options.go with the embedded pkg/pod-utils/wrapper/options.go,
// pkg/sidecar/options.go). The decoration (src/executor/kubernetes/pod-options.ts) encodes them; the
// utilities decode them here, strictly: a value of the wrong type is an error naming its field, and a key
// upstream's struct does not have is reported (Go's decoder drops it silently, which hides typos).
import type { GCSConfiguration, Refs } from '../api/prowjob.js';

/** gcsupload.Options as the decoration builds it: the job's gcs_configuration plus where credentials are mounted. */
export interface UploadOptions {
  items?: string[];
  sub_dir?: string;
  gcs?: GCSConfiguration;
  gcs_credentials_file?: string;
  s3_credentials_file?: string;
  local_output_dir?: string;
  dry_run?: boolean;
}

export interface WrapperOptions {
  args?: string[];
  container_name?: string;
  process_log: string;
  marker_file: string;
  metadata_file: string;
}

export interface CloneRefsOptions {
  src_root: string;
  log: string;
  git_user_name?: string;
  git_user_email?: string;
  refs: Refs[];
  key_files?: string[];
  oauth_token_file?: string;
  host_fingerprints?: string[];
  max_parallel_workers?: number;
  fail?: boolean;
  cookie_path?: string;
  github_api_endpoints?: string[];
  github_app_id?: string;
  github_app_private_key_file?: string;
}

export interface EntrypointOptions {
  /** Nanoseconds, as Go's time.Duration marshals. */
  timeout: number;
  grace_period: number;
  artifact_dir?: string;
  previous_marker?: string;
  always_zero?: boolean;
  propagate_error_code?: boolean;
  copy_mode_only?: boolean;
  copy_dst?: string;
  wrapper: WrapperOptions;
}

export interface InitUploadOptions {
  upload: UploadOptions;
  /** The clone records file clonerefs wrote (empty: nothing was cloned). */
  log?: string;
}

export interface SidecarCensoring {
  secret_directories?: string[];
  censoring_concurrency?: number;
  censoring_buffer_size?: number;
  include_directories?: string[];
  exclude_directories?: string[];
  ini_filenames?: string[];
  minimum_secret_length?: number;
}

export interface SidecarOptions {
  gcs_options: UploadOptions;
  entries: WrapperOptions[];
  entry_error?: boolean;
  ignore_interrupts?: boolean;
  censoring_options?: SidecarCensoring;
  /** Upstream's pprof switch; not supported here (the command warns). */
  write_memory_profile?: boolean;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

/** A decoded value and the keys upstream's struct does not have (the caller warns about them). */
export interface Decoded<T> {
  options: T;
  unknownFields: string[];
}

type Kind = 'string' | 'bool' | 'int' | 'strings' | 'object' | 'list' | 'stringMap';

class Reader {
  readonly unknown: string[] = [];
  constructor(private readonly source: string) {}

  object(value: unknown, at: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw this.fail(at, 'want a JSON object');
    return value as Record<string, unknown>;
  }

  /** Reads the known keys of `obj` into a plain object and records the others as unknown. */
  pick(obj: Record<string, unknown>, at: string, fields: Record<string, Kind>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      const kind = fields[key];
      const where = at ? `${at}.${key}` : key;
      if (kind === undefined) {
        this.unknown.push(where);
        continue;
      }
      if (value === null) continue; // Go leaves the zero value for null
      out[key] = this.check(value, where, kind);
    }
    return out;
  }

  check(value: unknown, at: string, kind: Kind): unknown {
    switch (kind) {
      case 'string':
        if (typeof value !== 'string') throw this.fail(at, 'want a string');
        return value;
      case 'bool':
        if (typeof value !== 'boolean') throw this.fail(at, 'want true or false');
        return value;
      case 'int':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw this.fail(at, 'want an integer');
        return value;
      case 'strings':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw this.fail(at, 'want a list of strings');
        return value;
      case 'stringMap': {
        const obj = this.object(value, at);
        for (const [k, v] of Object.entries(obj)) if (typeof v !== 'string') throw this.fail(`${at}.${k}`, 'want a string');
        return obj;
      }
      case 'object':
        return this.object(value, at);
      case 'list':
        if (!Array.isArray(value)) throw this.fail(at, 'want a list');
        return value;
    }
  }

  fail(at: string, why: string): OptionsError {
    return new OptionsError(`${this.source}: ${at || '(top level)'}: ${why}`);
  }
}

function parseJson(raw: string, source: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new OptionsError(`${source}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

const GCS_FIELDS: Record<string, Kind> = {
  bucket: 'string', path_prefix: 'string', path_strategy: 'string', default_org: 'string', default_repo: 'string',
  mediaTypes: 'stringMap', job_url_prefix: 'string', local_output_dir: 'string', compress_file_types: 'strings',
};
const UPLOAD_FIELDS: Record<string, Kind> = {
  items: 'strings', sub_dir: 'string', ...GCS_FIELDS, gcs_credentials_file: 'string', s3_credentials_file: 'string', dry_run: 'bool',
};
const WRAPPER_FIELDS: Record<string, Kind> = {
  args: 'strings', container_name: 'string', process_log: 'string', marker_file: 'string', metadata_file: 'string',
};
const REFS_FIELDS: Record<string, Kind> = {
  org: 'string', repo: 'string', repo_link: 'string', base_ref: 'string', base_sha: 'string', base_link: 'string',
  pulls: 'list', path_alias: 'string', workdir: 'bool', auxiliary: 'bool', clone_uri: 'string', skip_submodules: 'bool',
  clone_depth: 'int', skip_fetch_head: 'bool', blobless_fetch: 'bool', sparse_checkout_files: 'strings',
};
const PULL_FIELDS: Record<string, Kind> = {
  number: 'int', author: 'string', sha: 'string', title: 'string', head_ref: 'string', ref: 'string', link: 'string',
  commit_link: 'string', author_link: 'string',
};

/** gcsupload.Options: the embedded GCSConfiguration's keys sit beside items and the credentials files. */
function readUpload(r: Reader, value: unknown, at: string, extra: Record<string, Kind> = {}): { upload: UploadOptions; rest: Record<string, unknown> } {
  const flat = r.pick(r.object(value, at), at, { ...UPLOAD_FIELDS, ...extra });
  const gcs: GCSConfiguration = {};
  for (const key of Object.keys(GCS_FIELDS)) if (flat[key] !== undefined && key !== 'local_output_dir') (gcs as Record<string, unknown>)[key] = flat[key];
  const upload: UploadOptions = { gcs };
  for (const key of ['items', 'sub_dir', 'gcs_credentials_file', 's3_credentials_file', 'local_output_dir', 'dry_run'] as const) {
    if (flat[key] !== undefined) (upload as Record<string, unknown>)[key] = flat[key];
  }
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(extra)) if (flat[key] !== undefined) rest[key] = flat[key];
  return { upload, rest };
}

function readWrapper(r: Reader, value: unknown, at: string): WrapperOptions {
  const w = r.pick(r.object(value, at), at, WRAPPER_FIELDS);
  return w as unknown as WrapperOptions;
}

/** wrapper.Options.Validate: every path is needed. */
function validateWrapper(r: Reader, w: WrapperOptions, at: string): void {
  const prefix = at ? `${at}.` : '';
  if (!w.process_log) throw r.fail(`${prefix}process_log`, 'no process log specified');
  if (!w.marker_file) throw r.fail(`${prefix}marker_file`, 'no marker file specified');
}

function readRefs(r: Reader, value: unknown, at: string): Refs {
  const refs = r.pick(r.object(value, at), at, REFS_FIELDS) as Record<string, unknown>;
  if (refs.pulls !== undefined) {
    if (!Array.isArray(refs.pulls)) throw r.fail(`${at}.pulls`, 'want a list');
    refs.pulls = refs.pulls.map((p, i) => r.pick(r.object(p, `${at}.pulls[${i}]`), `${at}.pulls[${i}]`, PULL_FIELDS));
  }
  if (typeof refs.org !== 'string' || typeof refs.repo !== 'string') throw r.fail(at, 'refs need org and repo');
  return refs as unknown as Refs;
}

export function decodeCloneRefsOptions(raw: string, source = '$CLONEREFS_OPTIONS'): Decoded<CloneRefsOptions> {
  const r = new Reader(source);
  const o = r.pick(r.object(parseJson(raw, source), ''), '', {
    src_root: 'string', log: 'string', git_user_name: 'string', git_user_email: 'string', refs: 'list', key_files: 'strings',
    oauth_token_file: 'string', host_fingerprints: 'strings', max_parallel_workers: 'int', fail: 'bool', cookie_path: 'string',
    github_api_endpoints: 'strings', github_app_id: 'string', github_app_private_key_file: 'string',
  });
  if (o.refs !== undefined && !Array.isArray(o.refs)) throw r.fail('refs', 'want a list of refs');
  const refs = ((o.refs as unknown[] | undefined) ?? []).map((v, i) => readRefs(r, v, `refs[${i}]`));
  const options = { ...o, refs } as unknown as CloneRefsOptions;
  validateCloneRefs(r, options);
  return { options, unknownFields: r.unknown };
}

/** clonerefs Options.Validate (pkg/clonerefs/options.go). */
function validateCloneRefs(r: Reader, o: CloneRefsOptions): void {
  if (!o.src_root) throw r.fail('src_root', 'no source root specified');
  if (!o.log) throw r.fail('log', 'no log file specified');
  if (o.refs.length === 0) throw r.fail('refs', 'no refs specified to clone');
  if (o.github_app_id || o.github_app_private_key_file) {
    if (o.oauth_token_file) throw r.fail('oauth_token_file', 'multiple authentication methods specified');
    if (!o.github_api_endpoints?.length) throw r.fail('github_api_endpoints', 'no GitHub API endpoints for GitHub App authentication');
  }
  if (o.github_app_id && !o.github_app_private_key_file) throw r.fail('github_app_private_key_file', 'no GitHub App private key file specified');
  if (!o.github_app_id && o.github_app_private_key_file) throw r.fail('github_app_id', 'no GitHub App ID specified');
}

export function decodeInitUploadOptions(raw: string, source = '$INITUPLOAD_OPTIONS'): Decoded<InitUploadOptions> {
  const r = new Reader(source);
  const { upload, rest } = readUpload(r, parseJson(raw, source), '', { log: 'string' });
  validateUpload(r, upload, '');
  const options: InitUploadOptions = { upload, ...(rest.log ? { log: rest.log as string } : {}) };
  return { options, unknownFields: r.unknown };
}

/** gcsupload Options.Validate and GCSConfiguration.Validate: somewhere to upload to, and a way to lay it out. */
function validateUpload(r: Reader, o: UploadOptions, at: string): void {
  const where = (field: string): string => (at ? `${at}.${field}` : field);
  if (o.local_output_dir) return;
  if (!o.dry_run && !o.gcs?.bucket) throw r.fail(where('bucket'), 'GCS upload was requested no GCS bucket was provided');
  const strategy = o.gcs?.path_strategy ?? '';
  if (!['legacy', 'single', 'explicit'].includes(strategy)) {
    throw r.fail(where('path_strategy'), `gcs_path_strategy must be one of "legacy", "single" or "explicit", not ${JSON.stringify(strategy)}`);
  }
  if (strategy !== 'explicit' && (!o.gcs?.default_org || !o.gcs.default_repo)) {
    throw r.fail(where('default_org'), `default org and repo must be provided for GCS strategy ${JSON.stringify(strategy)}`);
  }
}

export function decodeEntrypointOptions(raw: string, source = '$ENTRYPOINT_OPTIONS'): Decoded<EntrypointOptions> {
  const r = new Reader(source);
  const o = r.pick(r.object(parseJson(raw, source), ''), '', {
    timeout: 'int', grace_period: 'int', artifact_dir: 'string', previous_marker: 'string', always_zero: 'bool',
    propagate_error_code: 'bool', copy_mode_only: 'bool', copy_dst: 'string', ...WRAPPER_FIELDS,
  });
  const wrapper: WrapperOptions = { process_log: '', marker_file: '', metadata_file: '' };
  const rest: Record<string, unknown> = { timeout: 0, grace_period: 0 };
  for (const [k, v] of Object.entries(o)) (k in WRAPPER_FIELDS ? (wrapper as unknown as Record<string, unknown>) : rest)[k] = v;
  const options = { ...rest, wrapper } as unknown as EntrypointOptions;
  if (!options.copy_mode_only) checkEntrypoint(r, options);
  return { options, unknownFields: r.unknown };
}

/** entrypoint Options.Validate. */
export function validateEntrypoint(o: EntrypointOptions): void {
  checkEntrypoint(new Reader('entrypoint options'), o);
}

function checkEntrypoint(r: Reader, o: EntrypointOptions): void {
  if (!o.wrapper.args?.length) throw r.fail('args', 'no process to wrap specified');
  if (o.propagate_error_code && o.always_zero) throw r.fail('propagate_error_code', 'cannot propagate error code and always exit zero');
  validateWrapper(r, o.wrapper, '');
}

export function decodeSidecarOptions(raw: string, source = '$SIDECAR_OPTIONS'): Decoded<SidecarOptions> {
  const r = new Reader(source);
  const o = r.pick(r.object(parseJson(raw, source), ''), '', {
    gcs_options: 'object', wrapper_options: 'object', entries: 'list', entry_error: 'bool', ignore_interrupts: 'bool',
    write_memory_profile: 'bool', censoring_options: 'object',
  });
  if (o.gcs_options === undefined) throw r.fail('gcs_options', 'no GCS options specified');
  const { upload } = readUpload(r, o.gcs_options, 'gcs_options');
  validateUpload(r, upload, 'gcs_options');
  if (o.entries !== undefined && !Array.isArray(o.entries)) throw r.fail('entries', 'want a list');
  const entries = ((o.entries as unknown[] | undefined) ?? []).map((e, i) => readWrapper(r, e, `entries[${i}]`));
  // Deprecated single-entry form, still honoured upstream (Options.entries()).
  if (o.wrapper_options !== undefined) entries.unshift(readWrapper(r, o.wrapper_options, 'wrapper_options'));
  if (entries.length === 0) throw r.fail('entries', 'no wrapper.Option entries');
  entries.forEach((e, i) => validateWrapper(r, e, `entries[${i}]`));
  const options: SidecarOptions = { gcs_options: upload, entries };
  if (o.entry_error !== undefined) options.entry_error = o.entry_error as boolean;
  if (o.ignore_interrupts !== undefined) options.ignore_interrupts = o.ignore_interrupts as boolean;
  if (o.write_memory_profile === true) options.write_memory_profile = true;
  if (o.censoring_options !== undefined) {
    options.censoring_options = r.pick(o.censoring_options as Record<string, unknown>, 'censoring_options', {
      secret_directories: 'strings', censoring_concurrency: 'int', censoring_buffer_size: 'int', include_directories: 'strings',
      exclude_directories: 'strings', ini_filenames: 'strings', minimum_secret_length: 'int',
    }) as SidecarCensoring;
    const size = options.censoring_options.censoring_buffer_size;
    if (size !== undefined && (size <= 0 || size % 2 !== 0)) throw r.fail('censoring_options.censoring_buffer_size', 'must be a positive even number');
  }
  return { options, unknownFields: r.unknown };
}

// The Pod that runs a ProwJob, built as upstream's ProwJobToPod / ProwJobToPodLocal and decorate()
// build it (pkg/pod-utils/decorate/podspec.go): name, labels and annotations, the downward-API env,
// restartPolicy Never, automountServiceAccountToken, terminationMessagePolicy, and for decorated jobs the
// clonerefs / initupload / place-entrypoint init containers, the entrypoint-wrapped test containers, the
// sidecar, their volumes and their `*_OPTIONS`. Pure: no I/O. The pod utilities themselves are not here.
import { envForSpec, newJobSpec } from '../../api/jobspec.js';
import { labelsAndAnnotationsForSpec } from '../../api/pjutil.js';
import type { Container, DecorationConfig, PodSpec, ProwJob, Refs } from '../../api/prowjob.js';
import { BUILD_ID_LABEL, PROWJOB_ID_LABEL } from '../../api/labels.js';
import { DEFAULT_GIT_USER_EMAIL, DEFAULT_GIT_USER_NAME, pathForRefs } from '../../git/clonerefs.js';
import { parseDurationNanos } from '../../go/duration.js';
import {
  encodeCloneRefsOptions, encodeEntrypointOptions, encodeInitUploadOptions, encodeSidecarOptions, type UploadOptions,
  type WrapperOptions,
} from './pod-options.js';

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  [key: string]: unknown;
}

export interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  secret?: { secretName: string; items?: { key: string; path: string }[]; defaultMode?: number };
  hostPath?: { path: string };
  [key: string]: unknown;
}

export interface Pod {
  apiVersion?: 'v1';
  kind?: 'Pod';
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string>; [key: string]: unknown };
  spec: PodSpec;
  status?: Record<string, unknown>;
}

export const TEST_CONTAINER_NAME = 'test';
const LOG_MOUNT: VolumeMount = { name: 'logs', mountPath: '/logs' };
const CODE_MOUNT: VolumeMount = { name: 'code', mountPath: '/home/prow/go' };
const TOOLS_MOUNT: VolumeMount = { name: 'tools', mountPath: '/tools' };
const GCS_CREDENTIALS: VolumeMount = { name: 'gcs-credentials', mountPath: '/secrets/gcs' };
const S3_CREDENTIALS: VolumeMount = { name: 's3-credentials', mountPath: '/secrets/s3-storage' };
const OUTPUT_MOUNT: VolumeMount = { name: 'output', mountPath: '/output' };
const ARTIFACTS_PATH = '/logs/artifacts';
const CLONE_LOG = '/logs/clone.json';
const DEFAULT_GITHUB_API_ENDPOINT = 'https://api.github.com';
const SECRET_KEY_MODE = 0o400;
const FALLBACK_TO_LOGS = 'FallbackToLogsOnError';

/** Container names the decoration adds (upstream PodUtilsContainerNames). */
export const POD_UTILITY_CONTAINERS = { clonerefs: 'clonerefs', initupload: 'initupload', placeEntrypoint: 'place-entrypoint', sidecar: 'sidecar' } as const;

export class PodSpecError extends Error {
  override readonly name = 'PodSpecError';
}

/** Upstream LabelsAndAnnotationsForJob: the job's own labels, prow.k8s.io/id and build-id, then the computed ones. */
export function labelsAndAnnotationsForJob(pj: ProwJob): { labels: Record<string, string>; annotations: Record<string, string> } {
  const extraLabels = { ...(pj.metadata.labels ?? {}), [PROWJOB_ID_LABEL]: pj.metadata.name, [BUILD_ID_LABEL]: pj.status.build_id ?? '' };
  return labelsAndAnnotationsForSpec(pj.spec, extraLabels, { ...(pj.metadata.annotations ?? {}) });
}

/** Upstream ProwJobToPod; with `outputDir` (mkpod --local) the utilities copy to a hostPath instead of uploading. */
export function prowJobToPod(pj: ProwJob, outputDir = ''): Pod {
  if (!pj.spec.pod_spec) throw new PodSpecError(`prowjob ${JSON.stringify(pj.metadata.name)} lacks a pod spec`);
  const rawEnv = envForSpec(newJobSpec(pj.spec, pj.status.build_id ?? '', pj.metadata.name), pj.spec.agent);
  const spec = structuredClone(pj.spec.pod_spec);
  spec['restartPolicy'] = 'Never';
  if (spec.containers.length === 1) spec.containers[0]!.name = TEST_CONTAINER_NAME;
  // Kubernetes mounts the token when the field is unset; a job gets it only by asking or by naming an account.
  if (spec['automountServiceAccountToken'] === undefined && !spec['serviceAccountName']) spec['automountServiceAccountToken'] = false;
  if (!pj.spec.decoration_config) {
    for (const c of spec.containers) c.env = [...(c.env ?? []), ...kubeEnv(rawEnv)];
  } else {
    decoratePodSpec(spec, pj, rawEnv, outputDir);
  }
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (!c['terminationMessagePolicy']) c['terminationMessagePolicy'] = FALLBACK_TO_LOGS;
  }
  const { labels, annotations } = labelsAndAnnotationsForJob(pj);
  return { metadata: { name: pj.metadata.name, labels, annotations }, spec: goShapedPodSpec(spec) };
}

/** Upstream KubeEnv: variables sorted by name. */
export function kubeEnv(env: Record<string, string>): { name: string; value?: string }[] {
  return Object.keys(env).sort().map((name) => (env[name] ? { name, value: env[name] } : { name }));
}

function nanos(d: DecorationConfig['timeout']): number {
  if (d === undefined || d === null || d === '') return 0;
  if (typeof d === 'number') return d;
  return Number(parseDurationNanos(d));
}

function secretVolume(name: string, secretName: string, extra: Partial<NonNullable<Volume['secret']>> = {}): Volume {
  return { name, secret: { secretName, ...extra } };
}

function emptyDir(name: string): Volume {
  return { name, emptyDir: {} };
}

interface CloneRefsResult {
  container: Container;
  refs: Refs[];
  volumes: Volume[];
}

/** Upstream CloneRefs: the clonerefs init container, the refs it clones and the volumes it needs; undefined when nothing is cloned. */
function cloneRefsContainer(pj: ProwJob, dc: DecorationConfig): CloneRefsResult | undefined {
  if (dc.skip_cloning) return undefined;
  const refs = [...(pj.spec.refs ? [pj.spec.refs] : []), ...(pj.spec.extra_refs ?? [])];
  if (refs.length === 0) return undefined;
  const mounts: VolumeMount[] = [];
  const volumes: Volume[] = [];
  const keyFiles: string[] = [];
  for (const secret of dc.ssh_key_secrets ?? []) {
    const name = `ssh-keys-${secret}`;
    const mountPath = `/secrets/ssh/${secret}`;
    volumes.push(secretVolume(name, secret, { defaultMode: SECRET_KEY_MODE }));
    mounts.push({ name, mountPath, readOnly: true });
    keyFiles.push(mountPath);
  }
  let oauthTokenFile: string | undefined;
  if (dc.oauth_token_secret) {
    const { name, key } = dc.oauth_token_secret;
    volumes.push(secretVolume(name, name, { items: [{ key, path: `./${key}` }] }));
    mounts.push({ name, mountPath: '/secrets/oauth', readOnly: true });
    oauthTokenFile = `/secrets/oauth/${key}`;
  }
  let appKeyFile: string | undefined;
  if (dc.github_app_private_key_secret) {
    const { name, key } = dc.github_app_private_key_secret;
    volumes.push(secretVolume(name, name, { items: [{ key, path: `./${key}` }] }));
    mounts.push({ name, mountPath: '/secrets/github-app', readOnly: true });
    appKeyFile = `/secrets/github-app/${key}`;
  }
  volumes.push(emptyDir('clonerefs-tmp'));
  mounts.push({ name: 'clonerefs-tmp', mountPath: '/tmp' });
  const args: string[] = [];
  let cookiePath: string | undefined;
  if (dc.cookiefile_secret) {
    // secret-name[/key-in-secret]; the key defaults to the secret's name.
    const slash = dc.cookiefile_secret.indexOf('/');
    const secretName = slash < 0 ? dc.cookiefile_secret : dc.cookiefile_secret.slice(0, slash);
    const base = slash < 0 ? dc.cookiefile_secret : dc.cookiefile_secret.slice(slash + 1);
    volumes.push(secretVolume('cookiefile', secretName, { defaultMode: SECRET_KEY_MODE }));
    mounts.push({ name: 'cookiefile', mountPath: '/secrets/cookiefile', readOnly: true });
    cookiePath = `/secrets/cookiefile/${base}`;
    args.push(`--cookiefile=${cookiePath}`);
  }
  const endpoints = dc.github_api_endpoints && dc.github_api_endpoints.length > 0 ? dc.github_api_endpoints : [DEFAULT_GITHUB_API_ENDPOINT];
  const options = encodeCloneRefsOptions({
    src_root: CODE_MOUNT.mountPath,
    log: CLONE_LOG,
    git_user_name: DEFAULT_GIT_USER_NAME,
    git_user_email: DEFAULT_GIT_USER_EMAIL,
    refs,
    key_files: keyFiles,
    oauth_token_file: oauthTokenFile,
    host_fingerprints: dc.ssh_host_fingerprints,
    cookie_path: cookiePath,
    github_api_endpoints: endpoints,
    github_app_id: dc.github_app_id,
    github_app_private_key_file: appKeyFile,
  });
  const container: Container = {
    name: POD_UTILITY_CONTAINERS.clonerefs,
    image: dc.utility_images?.clonerefs ?? '',
    args,
    env: kubeEnv({ CLONEREFS_OPTIONS: options }),
    volumeMounts: [LOG_MOUNT, CODE_MOUNT, ...mounts],
  };
  const resources = utilityResources(dc, 'clonerefs');
  if (resources) container['resources'] = resources;
  return { container, refs, volumes };
}

function utilityResources(dc: DecorationConfig, key: 'clonerefs' | 'initupload' | 'place_entrypoint' | 'sidecar'): unknown {
  const r = dc.resources?.[key];
  return r === undefined || r === null ? undefined : structuredClone(r);
}

/** Upstream BlobStorageOptions: where credentials are mounted; local mode needs none. */
function blobStorage(dc: DecorationConfig, localMode: boolean): { volumes: Volume[]; mounts: VolumeMount[]; upload: UploadOptions } {
  const upload: UploadOptions = { ...(dc.gcs_configuration ? { gcs: dc.gcs_configuration } : {}) };
  if (localMode) return { volumes: [], mounts: [], upload: { ...upload, local_output_dir: OUTPUT_MOUNT.mountPath } };
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  if (dc.gcs_credentials_secret) {
    volumes.push(secretVolume(GCS_CREDENTIALS.name, dc.gcs_credentials_secret));
    mounts.push(GCS_CREDENTIALS);
    upload.gcs_credentials_file = `${GCS_CREDENTIALS.mountPath}/service-account.json`;
  }
  if (dc.s3_credentials_secret) {
    volumes.push(secretVolume(S3_CREDENTIALS.name, dc.s3_credentials_secret));
    mounts.push(S3_CREDENTIALS);
    upload.s3_credentials_file = `${S3_CREDENTIALS.mountPath}/service-account.json`;
  }
  return { volumes, mounts, upload };
}

function wrapperPaths(prefix: string): Pick<WrapperOptions, 'process_log' | 'marker_file' | 'metadata_file'> {
  return prefix === ''
    ? { process_log: '/logs/process-log.txt', marker_file: '/logs/marker-file.txt', metadata_file: `${ARTIFACTS_PATH}/metadata.json` }
    : { process_log: `/logs/${prefix}-log.txt`, marker_file: `/logs/${prefix}-marker.txt`, metadata_file: `${ARTIFACTS_PATH}/${prefix}-metadata.json` };
}

/** Upstream InjectEntrypoint: /tools/entrypoint runs the container's command under the timeout and writes to /logs. */
function injectEntrypoint(c: Container, timeout: number, gracePeriod: number, prefix: string): WrapperOptions {
  const wrapper: WrapperOptions = { args: [...(c.command ?? []), ...(c.args ?? [])], ...(c.name ? { container_name: c.name } : {}), ...wrapperPaths(prefix) };
  const options = encodeEntrypointOptions({ timeout, grace_period: gracePeriod, artifact_dir: ARTIFACTS_PATH, wrapper });
  c.command = ['/tools/entrypoint'];
  delete c.args;
  c.env = [...(c.env ?? []), ...kubeEnv({ ENTRYPOINT_OPTIONS: options })];
  c['volumeMounts'] = [...((c['volumeMounts'] as VolumeMount[] | undefined) ?? []), LOG_MOUNT, TOOLS_MOUNT];
  return wrapper;
}

/** Upstream Sidecar: uploads what every wrapped container wrote once their markers appear. */
export function sidecarContainer(
  dc: DecorationConfig, upload: UploadOptions, blobMounts: VolumeMount[], logMount: VolumeMount, outputMount: VolumeMount | undefined,
  encodedJobSpec: string, requirePassingEntries: boolean, ignoreInterrupts: boolean, secretMounts: VolumeMount[], wrappers: WrapperOptions[],
): Container {
  const censoring = dc.censoring_options ?? {};
  const options = encodeSidecarOptions({
    gcs_options: { ...upload, items: [...(upload.items ?? []), `${logMount.mountPath}/artifacts`] },
    entries: wrappers,
    entry_error: requirePassingEntries,
    ignore_interrupts: ignoreInterrupts,
    censoring_options: {
      secret_directories: secretMounts.map((m) => m.mountPath),
      censoring_concurrency: censoring.censoring_concurrency,
      censoring_buffer_size: censoring.censoring_buffer_size,
      include_directories: censoring.include_directories,
      exclude_directories: censoring.exclude_directories,
      minimum_secret_length: censoring.minimum_secret_length,
    },
  });
  const container: Container = {
    name: POD_UTILITY_CONTAINERS.sidecar,
    image: dc.utility_images?.sidecar ?? '',
    env: kubeEnv({ SIDECAR_OPTIONS: options, JOB_SPEC: encodedJobSpec }),
    volumeMounts: [logMount, ...blobMounts, ...secretMounts, ...(outputMount ? [outputMount] : [])],
    terminationMessagePolicy: FALLBACK_TO_LOGS,
  };
  const resources = utilityResources(dc, 'sidecar');
  if (resources) container['resources'] = resources;
  return container;
}

/** Upstream decorate(): rewrites `spec` in place for a job with a decoration_config. */
export function decoratePodSpec(spec: PodSpec, pj: ProwJob, rawEnv: Record<string, string>, outputDir = ''): void {
  const dc = pj.spec.decoration_config;
  if (!dc) throw new PodSpecError(`prowjob ${JSON.stringify(pj.metadata.name)} has no decoration_config to decorate with`);
  rawEnv['ARTIFACTS'] = ARTIFACTS_PATH;
  rawEnv['GOPATH'] = CODE_MOUNT.mountPath;
  const localMode = outputDir !== '';
  const outputMount = localMode ? OUTPUT_MOUNT : undefined;
  const outputVolume: Volume | undefined = localMode ? { name: OUTPUT_MOUNT.name, hostPath: { path: outputDir } } : undefined;
  const blob = blobStorage(dc, localMode);

  const cloner = cloneRefsContainer(pj, dc);
  if (cloner) spec.initContainers = [cloner.container, ...(spec.initContainers ?? [])];
  const encodedJobSpec = rawEnv['JOB_SPEC'] ?? '';
  const initUpload: Container = {
    name: POD_UTILITY_CONTAINERS.initupload,
    image: dc.utility_images?.initupload ?? '',
    env: kubeEnv({ JOB_SPEC: encodedJobSpec, INITUPLOAD_OPTIONS: encodeInitUploadOptions(blob.upload, cloner ? CLONE_LOG : undefined) }),
    volumeMounts: [...(cloner ? [LOG_MOUNT] : []), ...blob.mounts, ...(outputMount ? [outputMount] : [])],
  };
  const initResources = utilityResources(dc, 'initupload');
  if (initResources) initUpload['resources'] = initResources;
  const placeEntrypoint: Container = {
    name: POD_UTILITY_CONTAINERS.placeEntrypoint,
    image: dc.utility_images?.entrypoint ?? '',
    args: ['--copy-mode-only'],
    volumeMounts: [TOOLS_MOUNT],
  };
  const placeResources = utilityResources(dc, 'place_entrypoint');
  if (placeResources) placeEntrypoint['resources'] = placeResources;
  spec.initContainers = [...(spec.initContainers ?? []), initUpload, placeEntrypoint];
  for (const c of spec.containers) c.env = [...(c.env ?? []), ...kubeEnv(rawEnv)];

  const secretVolumes = new Set(((spec.volumes ?? []) as Volume[]).filter((v) => v.secret).map((v) => v.name));
  const censor = dc.censor_secrets === true;
  const secretMounts: VolumeMount[] = [];
  const wrappers: WrapperOptions[] = [];
  const timeout = nanos(dc.timeout);
  const grace = nanos(dc.grace_period);
  for (const c of spec.containers) {
    const prefix = spec.containers.length === 1 ? '' : (c.name ?? '');
    wrappers.push(injectEntrypoint(c, timeout, grace, prefix));
    for (const m of (c['volumeMounts'] as VolumeMount[]) ?? []) if (censor && secretVolumes.has(m.name)) secretMounts.push(m);
  }
  const sidecar = sidecarContainer(dc, blob.upload, blob.mounts, LOG_MOUNT, outputMount, encodedJobSpec, false,
    dc.upload_ignores_interrupts === true, secretMounts, wrappers);

  const volumes = [...((spec.volumes ?? []) as Volume[]), emptyDir(LOG_MOUNT.name), emptyDir(TOOLS_MOUNT.name), ...blob.volumes];
  if (outputVolume) volumes.push(outputVolume);
  if (cloner) {
    const workDir = determineWorkDir(CODE_MOUNT.mountPath, cloner.refs);
    for (const c of spec.containers) {
      c.workingDir = workDir;
      c['volumeMounts'] = [...((c['volumeMounts'] as VolumeMount[] | undefined) ?? []), CODE_MOUNT];
    }
    volumes.push(...cloner.volumes, emptyDir(CODE_MOUNT.name));
  }
  spec.volumes = volumes;

  if (dc.default_memory_request !== undefined) {
    for (const c of spec.containers) {
      const resources = resourcesOf(c);
      resources.requests ??= {};
      if (resources.requests['memory'] === undefined) resources.requests['memory'] = dc.default_memory_request;
    }
  }
  const security = (spec['securityContext'] ??= {}) as Record<string, unknown>;
  if (dc.run_as_user !== undefined && security['runAsUser'] === undefined) security['runAsUser'] = dc.run_as_user;
  if (dc.run_as_group !== undefined && security['runAsGroup'] === undefined) security['runAsGroup'] = dc.run_as_group;
  if (dc.fs_group !== undefined && security['fsGroup'] === undefined) security['fsGroup'] = dc.fs_group;
  const scheduling = dc.scheduling_options;
  if (scheduling?.affinity !== undefined && spec['affinity'] === undefined) spec['affinity'] = structuredClone(scheduling.affinity);
  if (scheduling?.tolerations !== undefined && spec['tolerations'] === undefined) spec['tolerations'] = structuredClone(scheduling.tolerations);
  if (dc.set_limit_equals_memory_request === true) {
    for (const c of spec.containers) {
      const resources = c['resources'] as { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined;
      const memory = resources?.requests?.['memory'];
      if (memory === undefined) continue;
      resources!.limits ??= {};
      resources!.limits['memory'] = memory;
    }
  }
  spec.containers.push(sidecar);
  if (spec['terminationGracePeriodSeconds'] === undefined && dc.grace_period !== undefined && dc.grace_period !== '') {
    // The pod's grace covers stopping the test and uploading its results: upstream gives the upload a quarter more.
    spec['terminationGracePeriodSeconds'] = Math.trunc((Math.trunc(grace / 1e9) * 5) / 4);
  }
  if (!spec['serviceAccountName'] && dc.default_service_account_name) spec['serviceAccountName'] = dc.default_service_account_name;
}

function resourcesOf(c: Container): { requests?: Record<string, unknown>; limits?: Record<string, unknown> } {
  return (c['resources'] ??= {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** Upstream DetermineWorkDir: the first ref marked workdir, else the first ref. */
export function determineWorkDir(baseDir: string, refs: Refs[]): string {
  const ref = refs.find((r) => r.workdir) ?? refs[0]!;
  return pathForRefs(baseDir, ref);
}

/**
 * The spec as Go's encoder writes a core/v1 PodSpec: every container has `resources` (a struct, never
 * omitted), empty strings and lists and false `readOnly` are left out (omitempty), a container keeps its
 * `name` even when empty.
 */
export function goShapedPodSpec(spec: PodSpec): PodSpec {
  const shaped = pruneEmpty(spec) as PodSpec;
  shaped.containers ??= [];
  for (const list of [shaped.initContainers, shaped.containers]) {
    for (const c of list ?? []) {
      c['resources'] ??= {};
      c.name ??= '';
    }
  }
  return shaped;
}

function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneEmpty);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    if (child === undefined || child === '' || (Array.isArray(child) && child.length === 0)) continue;
    if (k === 'readOnly' && child === false) continue;
    out[k] = pruneEmpty(child);
  }
  return out;
}

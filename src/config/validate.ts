// Job validation (upstream pkg/config/config.go): per-job rules, then duplicates grouped by name, so the
// cost stays linear in the number of jobs. Every message names file:line and the field path.
import { CronError, parseCron } from './cron.js';
import { lineOf } from './decode.js';
import { DurationError, parseDurationNanos } from '../go/duration.js';
import type { IssueList } from './errors.js';
import { branchersIntersect, defaultRerunCommandFor, defaultTriggerFor, setCompiledRegexes } from './match.js';
import { compileAlternation, compileRegex, RegexError, type GoRegexp } from '../go/regex.js';
import type { Config, JobBase, Periodic, Postsubmit, Presubmit } from './types.js';
import type { JobKind } from './defaults.js';

export interface JobRecord {
  job: JobBase;
  kind: JobKind;
  /** presubmits/postsubmits key; extra_refs[0] org/repo (or "") for periodics. */
  repo: string;
  file: string;
  /** Field path of the job inside its file, e.g. presubmits["o/r"][0]. */
  path: string;
  /** A run_after_success child: started by its parent's success, not by a trigger or a schedule. */
  child?: boolean;
}

const NAME_RE = /^[A-Za-z0-9-._]+$/;
const JENKINS_NAME_RE = /^[A-Za-z0-9-._]([A-Za-z0-9-._/]*[A-Za-z0-9-_])?$/;
const RESERVED_LABELS = new Set(['prow.k8s.io/type', 'created-by-prow', 'prow.k8s.io/id']);
const KNOWN_AGENTS = new Set(['kubernetes', 'jenkins', 'tekton-pipeline']);
const DECORATION_CONTAINER_NAMES = new Set(['clonerefs', 'initupload', 'place-entrypoint', 'sidecar']);
const DECORATION_VOLUMES = new Set(['logs', 'code', 'tools', 'gcs-credentials', 's3-credentials']);
const RESERVED_MOUNT_NAMES = new Set(['logs', 'code', 'tools']);
const RESERVED_MOUNT_PATHS = new Set(['/logs', '/home/prow/go', '/tools']);
const BASE_ENV = ['CI', 'JOB_NAME', 'JOB_SPEC', 'JOB_TYPE', 'PROW_JOB_ID', 'BUILD_ID', 'BUILD_NUMBER'];
const REFS_ENV = ['REPO_OWNER', 'REPO_NAME', 'SRC_BASE', 'SRC_HOST', 'PULL_BASE_REF', 'PULL_BASE_SHA', 'PULL_REFS'];
const PULL_ENV = ['PULL_NUMBER', 'PULL_PULL_SHA', 'PULL_HEAD_REF', 'PULL_TITLE'];
/** Environment variable names Prow sets in job pods, per job type (upstream pkg/pod-utils/downwardapi/jobspec.go). */
export const RESERVED_ENV: Record<JobKind, ReadonlySet<string>> = {
  periodic: new Set(BASE_ENV),
  postsubmit: new Set([...BASE_ENV, ...REFS_ENV]),
  presubmit: new Set([...BASE_ENV, ...REFS_ENV, ...PULL_ENV]),
};
const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kubernetes IsQualifiedName: `[prefix/]name`, name ≤ 63, prefix a DNS subdomain ≤ 253. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix)) return `prefix part ${JSON.stringify(prefix)} must be a DNS subdomain`;
  } else if (parts.length > 2) {
    return 'a qualified name must consist of alphanumeric characters, "-", "_" or ".", with an optional DNS subdomain prefix and "/"';
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME_RE.test(name)) return 'name part must consist of alphanumeric characters, "-", "_" or ".", and must start and end with an alphanumeric character';
  return undefined;
}

export function labelValueProblem(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE_RE.test(v)) return 'a valid label value must be empty or consist of alphanumeric characters, "-", "_" or ".", and must start and end with an alphanumeric character';
  return undefined;
}

function durationProblem(s: string): string | undefined {
  try {
    parseDurationNanos(s);
    return undefined;
  } catch (err) {
    if (err instanceof DurationError) return err.message;
    throw err;
  }
}

/** robfig/cron v3 syntax check (see cron.ts). Returns a problem or undefined. */
export function cronProblem(expr: string): string | undefined {
  try {
    parseCron(expr);
    return undefined;
  } catch (err) {
    if (err instanceof CronError) return err.message;
    throw err;
  }
}

/** Validates `records`; `alreadyValid` jobs (e.g. static jobs beside in-repo ones) only take part in duplicate checks. */
export function validateJobs(config: Config, records: readonly JobRecord[], issues: IssueList, alreadyValid: readonly JobRecord[] = []): void {
  const queues = new Set(Object.keys(config.plank.job_queue_capacities ?? {}));
  for (const rec of records) validateJob(config, rec, queues, issues);
  checkDuplicates(alreadyValid.length > 0 ? [...alreadyValid, ...records] : records, issues);
}

function validateJob(config: Config, rec: JobRecord, queues: Set<string>, issues: IssueList): void {
  const { job, kind, file, path } = rec;
  const err = (key: string | undefined, msg: string, obj: object | undefined = job, keyInObj: string | number | undefined = key): void =>
    issues.error(file, lineOf(obj, keyInObj, lineOf(job)), key ? `${path}.${key}` : path, msg);
  const name = job.name ?? '';
  const nameRe = job.agent === 'jenkins' ? JENKINS_NAME_RE : NAME_RE;
  if (!name) err('name', 'job has no name');
  else if (!nameRe.test(name)) err('name', `name: must match the regular expression ${JSON.stringify(nameRe.source)}, got ${JSON.stringify(name)}`);
  if ((job.max_concurrency ?? 0) < 0) err('max_concurrency', `job ${name} jas invalid max_concurrency (${job.max_concurrency}), it needs to be a non-negative number`);

  // Agent consistency (upstream validateAgent).
  const agent = job.agent;
  const hasPipeline = job.pipeline_run_spec !== undefined || job.tekton_pipeline_run_spec !== undefined;
  if (!KNOWN_AGENTS.has(agent)) {
    issues.warn(file, lineOf(job, 'agent'), `${path}.agent`, `agent ${agent} is unknown and cannot be validated: use at your own risk`);
  } else if (job.spec && agent !== 'kubernetes') err('agent', `job specs require agent: kubernetes (found ${JSON.stringify(agent)})`);
  else if (agent === 'kubernetes' && !job.spec) err('spec', 'kubernetes jobs require a spec');
  else if (hasPipeline && agent !== 'tekton-pipeline') err('agent', `job pipeline_run_spec require agent: tekton-pipeline (found ${JSON.stringify(agent)})`);
  else if (agent === 'tekton-pipeline' && !hasPipeline) err('pipeline_run_spec', 'agent: tekton-pipeline jobs require a pipeline_run_spec');
  else if (job.decoration_config && agent !== 'kubernetes') err('decoration_config', `decoration requires agent: kubernetes (found ${JSON.stringify(agent)})`);
  else if (job.error_on_eviction && agent !== 'kubernetes') err('error_on_eviction', `error_on_eviction only applies to agent: kubernetes (found ${JSON.stringify(agent)})`);
  else if (job.namespace !== config.pod_namespace && agent !== 'tekton-pipeline') {
    err('namespace', `namespace customization requires agent: tekton-pipeline (found ${JSON.stringify(agent)})`);
  }

  for (const [k, v] of Object.entries(job.labels ?? {})) {
    const where = (msg: string): void => err(`labels[${JSON.stringify(k)}]`, msg, job.labels, k);
    if (RESERVED_LABELS.has(k)) where(`label ${k} is reserved for decoration`);
    else {
      const q = qualifiedNameProblem(k);
      if (q) where(`invalid label ${k}: ${q}`);
      else {
        const lv = labelValueProblem(String(v ?? ''));
        if (lv) where(`label ${k} has invalid value ${v}: ${lv}`);
      }
    }
  }
  for (const k of Object.keys(job.annotations ?? {})) {
    const q = qualifiedNameProblem(k);
    if (q) err(`annotations[${JSON.stringify(k)}]`, `invalid annotation key ${JSON.stringify(k)}: ${q}`, job.annotations, k);
  }
  if (job.job_queue_name && !queues.has(job.job_queue_name)) err('job_queue_name', `invalid job queue name ${job.job_queue_name}`);

  if (job.spec && agent === 'kubernetes') validatePodSpec(rec, config, err);
  if (agent === 'tekton-pipeline') {
    const problem = pipelineRunSpecProblem(kind, job);
    if (problem) err(job.tekton_pipeline_run_spec ? 'tekton_pipeline_run_spec' : 'pipeline_run_spec', problem);
  }

  if (job.spec && (job.spec.containers?.length ?? 0) > 0) {
    const ra = job.rerun_auth_config;
    if (ra?.allow_anyone && (ra.github_team_ids?.length || ra.github_team_slugs?.length || ra.github_users?.length || ra.github_orgs?.length)) {
      err('rerun_auth_config', 'allow anyone is set to true and whitelists are provided');
    }
    if (job.clone_uri) {
      if (!isParsableUri(job.clone_uri)) err('clone_uri', `couldn't parse uri from clone_uri: ${job.clone_uri}`);
      else if (job.decoration_config?.oauth_token_secret && !/^https?:\/\//.test(job.clone_uri)) {
        err('clone_uri', 'scheme must be http or https when OAuth secret is specified');
      }
    }
    (job.extra_refs ?? []).forEach((r, i) => {
      if (r?.clone_uri && !isParsableUri(r.clone_uri)) err(`extra_refs[${i}].clone_uri`, `couldn't parse uri from clone_uri: ${r.clone_uri}`, r, 'clone_uri');
    });
    if (job.decoration_config) {
      const problem = decorationProblem(job.decoration_config as Record<string, unknown>);
      if (problem) err('decoration_config', `invalid decoration config: ${problem}`);
      const c0 = job.spec.containers[0];
      const args = [...(c0?.command ?? []), ...(c0?.args ?? [])];
      if (args.length === 0 || args[0] === '') err('spec.containers[0]', 'decorated job containers must specify command and/or args', job.spec.containers, 0);
    }
  }

  if (kind === 'presubmit' || kind === 'postsubmit') {
    const j = job as Presubmit | Postsubmit;
    if (kind === 'presubmit' || j.always_run === true) {
      if (j.always_run && j.run_if_changed) err('run_if_changed', `job ${name} is set to always run but also declares run_if_changed targets, which are mutually exclusive`);
      if (j.always_run && j.skip_if_only_changed) err('skip_if_only_changed', `job ${name} is set to always run but also declares skip_if_only_changed targets, which are mutually exclusive`);
    }
    if (j.run_if_changed && j.skip_if_only_changed) err('skip_if_only_changed', `job ${name} declares run_if_changed and skip_if_only_changed, which are mutually exclusive`);
    const compiled: { branches?: GoRegexp; skipBranches?: GoRegexp; changes?: GoRegexp; trigger?: GoRegexp } = {};
    const tryCompile = (key: string, src: string, many?: readonly string[]): GoRegexp | undefined => {
      try {
        return many ? compileAlternation(many) : compileRegex(src);
      } catch (e) {
        if (!(e instanceof RegexError)) throw e;
        if (many) {
          many.forEach((b, i) => {
            try {
              compileRegex(b);
            } catch (e2) {
              err(`${key}[${i}]`, `could not compile ${key} regex: ${(e2 as Error).message}`, (j as unknown as Record<string, object>)[key], i);
            }
          });
        } else err(key, `could not compile ${key} regex: ${e.message}`);
        return undefined;
      }
    };
    if (j.branches?.length) compiled.branches = tryCompile('branches', '', j.branches);
    if (j.skip_branches?.length) compiled.skipBranches = tryCompile('skip_branches', '', j.skip_branches);
    if (j.run_if_changed) compiled.changes = tryCompile('run_if_changed', j.run_if_changed);
    else if (j.skip_if_only_changed) compiled.changes = tryCompile('skip_if_only_changed', j.skip_if_only_changed);
    if (kind === 'presubmit') {
      const p = j as Presubmit;
      if ((p.trigger && !p.rerun_command) || (!p.trigger && p.rerun_command)) {
        err(p.trigger ? 'rerun_command' : 'trigger', `either both of job.Trigger and job.RerunCommand must be set, wasnt the case for job ${JSON.stringify(name)}`);
      } else if (p.trigger === defaultTriggerFor(name) && p.rerun_command === defaultRerunCommandFor(name) && NAME_RE.test(name)) {
        // The default trigger of a valid name always compiles and always matches its rerun command:
        // it is compiled on first use instead (thousands of unique patterns otherwise).
      } else if (p.trigger) {
        compiled.trigger = tryCompile('trigger', p.trigger);
        if (compiled.trigger && !compiled.trigger.test(p.rerun_command)) {
          err('rerun_command', `for job ${name}, rerun command ${JSON.stringify(p.rerun_command)} does not match trigger ${JSON.stringify(p.trigger)}`);
        }
      }
    }
    setCompiledRegexes(job, compiled);
    if (!j.skip_report && !j.context) err('context', 'job is set to report but has no context configured');
    if (j.skip_report && job.labels?.['prow.k8s.io/gerrit-report-label']) {
      err('labels', 'gerrit report label prow.k8s.io/gerrit-report-label set to non-empty string but job is configured to skip reporting.');
    }
  } else {
    const p = job as Periodic;
    const set = [p.cron ? 'cron' : '', p.interval ? 'interval' : '', p.minimum_interval ? 'minimum_interval' : ''].filter(Boolean);
    // A run_after_success child runs when its parent succeeds: 2017's loader parsed intervals of
    // top-level periodics only ("it doesn't make sense to do this for child jobs"), so none is needed.
    if (set.length > 1 || (set.length === 0 && !rec.child)) {
      err(set[1] ?? 'cron', `cron, interval and minimum_interval are mutually exclusive and one is required (found ${set.length === 0 ? 'none' : set.join(', ')})`);
    }
    if (p.cron) {
      const c = cronProblem(p.cron);
      if (c) err('cron', `invalid cron string ${JSON.stringify(p.cron)}: ${c}`);
    }
    for (const key of ['interval', 'minimum_interval'] as const) {
      const v = p[key];
      if (v) {
        const d = durationProblem(v);
        if (d) err(key, `cannot parse ${key} for ${name}: ${d}`);
      }
    }
    if (p.retry) {
      const d = durationProblem(p.retry.interval ?? '');
      if (d) err('retry.interval', `cannot parse retry interval for ${name}: ${d}`, p.retry, 'interval');
    }
  }
}

function isParsableUri(s: string): boolean {
  if (/^[\w.-]+@[\w.-]+:/.test(s)) return true; // scp-like git URL
  try {
    new URL(s, 'file:///');
    return true;
  } catch {
    return false;
  }
}

/** Upstream DecorationConfig.Validate. */
export function decorationProblem(dc: Record<string, unknown>): string | undefined {
  const ui = dc.utility_images as Record<string, string> | undefined;
  if (!ui) return 'utility image config is not specified';
  for (const k of ['clonerefs', 'initupload', 'entrypoint', 'sidecar']) if (!ui[k]) return `${k} image is not specified`;
  const gcs = dc.gcs_configuration as Record<string, unknown> | undefined;
  if (!gcs) return 'GCS upload configuration is not specified';
  if (dc.oauth_token_secret && (dc.ssh_key_secrets as unknown[] | undefined)?.length) return 'both oauth_token_secret and ssh_key_secrets are specified';
  const strategy = gcs.path_strategy as string | undefined;
  if (strategy !== 'legacy' && strategy !== 'single' && strategy !== 'explicit') return `gcs_configuration.path_strategy must be one of legacy, single or explicit, got ${JSON.stringify(strategy ?? '')}`;
  if (strategy !== 'explicit' && (!gcs.default_org || !gcs.default_repo)) return `default org and repo must be provided for GCS strategy ${JSON.stringify(strategy)}`;
  const bucket = String(gcs.bucket ?? '');
  // file:///dir is upstream's local provider (pkg/io/providers): the pod utilities and deck on one machine.
  if (/^[a-z0-9]+:\/\//.test(bucket) && !/^(gs|s3):\/\/[^/]+/.test(bucket) && !/^file:\/\/\//.test(bucket)) return `bucket ${JSON.stringify(bucket)} has an unsupported storage provider`;
  for (const [ext, mt] of Object.entries((gcs.mediaTypes as Record<string, string> | undefined) ?? {})) {
    if (!/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(mt)) return `invalid media type ${JSON.stringify(mt)} for extension ${JSON.stringify(ext)}`;
  }
  for (const k of ['timeout', 'grace_period']) {
    const v = dc[k];
    if (typeof v === 'number' && v < 0) return `${k} must not be negative`;
  }
  return undefined;
}

type ErrFn = (key: string | undefined, msg: string, obj?: object, keyInObj?: string | number) => void;

function validatePodSpec(rec: JobRecord, config: Config, err: ErrFn): void {
  const spec = rec.job.spec!;
  const containers = spec.containers ?? [];
  const decorated = !!rec.job.decoration_config;
  for (const [i, ic] of (spec.initContainers ?? []).entries()) {
    if (ic && ic.restartPolicy !== 'Always') err(`spec.initContainers[${i}]`, 'pod spec may not use init containers (except native sidecars with restartPolicy: Always)', spec.initContainers, i);
  }
  if (containers.length === 0) {
    err('spec.containers', 'pod spec must specify at least 1 container', spec, 'containers');
    return;
  }
  if (containers.length > 1 && !decorated) err('spec.containers', 'pod spec may not use multiple containers unless using decoration', spec, 'containers');
  const reserved = RESERVED_ENV[rec.kind];
  const names = new Set<string>();
  // As upstream (decorate.VolumeMounts), these names are reserved whether or not the job is decorated.
  const decorationVolumes = new Set(DECORATION_VOLUMES);
  const dc = rec.job.decoration_config;
  if (dc?.oauth_token_secret?.name) decorationVolumes.add(dc.oauth_token_secret.name);
  for (const s of dc?.ssh_key_secrets ?? []) decorationVolumes.add(s);
  const volumeNames = new Set<string>();
  for (const [i, v] of ((spec.volumes as Array<{ name?: string }> | undefined) ?? []).entries()) {
    const vn = v?.name ?? '';
    if (volumeNames.has(vn)) err(`spec.volumes[${i}]`, `volume named ${JSON.stringify(vn)} is defined more than once`, spec.volumes, i);
    volumeNames.add(vn);
    if (decorationVolumes.has(vn)) err(`spec.volumes[${i}]`, `volume ${vn} is a reserved for decoration`, spec.volumes, i);
  }
  containers.forEach((c, i) => {
    if (!c) return;
    const p = `spec.containers[${i}]`;
    if (containers.length > 1) {
      if (!c.name) err(`${p}.name`, 'container does not have name. all containers must have names when defining multiple containers', containers, i);
      else if (names.has(c.name)) err(`${p}.name`, `container named ${JSON.stringify(c.name)} is defined more than once`, c, 'name');
      else if (DECORATION_CONTAINER_NAMES.has(c.name)) err(`${p}.name`, `container name ${c.name} is a reserved for decoration`, c, 'name');
      if (c.name) names.add(c.name);
    }
    const envNames = new Set<string>();
    (c.env ?? []).forEach((ev, j) => {
      if (!ev) return;
      if (envNames.has(ev.name)) err(`${p}.env[${j}]`, `env var named ${JSON.stringify(ev.name)} is defined more than once`, c.env, j);
      envNames.add(ev.name);
      if (reserved.has(ev.name)) err(`${p}.env[${j}]`, `env ${ev.name} is reserved`, c.env, j);
    });
    ((c.volumeMounts as Array<{ name?: string; mountPath?: string }> | undefined) ?? []).forEach((m, j) => {
      if (!m) return;
      const mp = `${p}.volumeMounts[${j}]`;
      if (m.name && RESERVED_MOUNT_NAMES.has(m.name)) err(mp, `volumeMount name ${m.name} is reserved for decoration`, c.volumeMounts as object, j);
      if (m.mountPath && RESERVED_MOUNT_PATHS.has(m.mountPath)) err(mp, `mount ${m.name} at ${m.mountPath} conflicts with decoration mount`, c.volumeMounts as object, j);
      if (m.name && !volumeNames.has(m.name) && !decorationVolumes.has(m.name)) {
        err(mp, `volumeMount named ${JSON.stringify(m.name)} is undefined`, c.volumeMounts as object, j);
      }
    });
  });
  void config;
}

/** Duplicate jobs: same repo key and name with intersecting branches; same context under two names; periodic names. */
function checkDuplicates(records: readonly JobRecord[], issues: IssueList): void {
  const byRepoName = new Map<string, JobRecord[]>();
  const byRepoContext = new Map<string, JobRecord[]>();
  const periodicNames = new Map<string, JobRecord>();
  for (const rec of records) {
    if (rec.kind === 'periodic') {
      const prev = periodicNames.get(rec.job.name);
      if (prev) {
        issues.error(rec.file, lineOf(rec.job, 'name'), `${rec.path}.name`, `duplicated periodic job: ${rec.job.name} (also at ${prev.file}:${lineOf(prev.job, 'name')})`);
      } else periodicNames.set(rec.job.name, rec);
      continue;
    }
    const k = `${rec.kind}\u0000${rec.repo}\u0000${rec.job.name}`;
    let g = byRepoName.get(k);
    if (!g) byRepoName.set(k, (g = []));
    g.push(rec);
    const ctx = (rec.job as Presubmit).context;
    if (ctx) {
      const ck = `${rec.kind}\u0000${rec.repo}\u0000${ctx}`;
      let cg = byRepoContext.get(ck);
      if (!cg) byRepoContext.set(ck, (cg = []));
      cg.push(rec);
    }
  }
  for (const group of byRepoName.values()) {
    for (let i = 1; i < group.length; i++) {
      const b = group[i]!;
      for (let j = 0; j < i; j++) {
        const a = group[j]!;
        if (branchersIntersect(a.job as Presubmit, b.job as Presubmit)) {
          issues.error(b.file, lineOf(b.job, 'name'), `${b.path}.name`,
            `duplicated ${b.kind} job ${JSON.stringify(b.job.name)} for ${b.repo} (also at ${a.file}:${lineOf(a.job, 'name')}; their branches overlap)`);
          break;
        }
      }
    }
  }
  for (const group of byRepoContext.values()) {
    if (group.length < 2) continue;
    for (let i = 1; i < group.length; i++) {
      const b = group[i]!;
      for (let j = 0; j < i; j++) {
        const a = group[j]!;
        if (a.job.name === b.job.name) continue;
        if (branchersIntersect(a.job as Presubmit, b.job as Presubmit)) {
          issues.error(b.file, lineOf(b.job, 'context'), `${b.path}.context`,
            `jobs ${a.job.name} and ${b.job.name} report to the same GitHub context ${JSON.stringify((b.job as Presubmit).context)} (also at ${a.file}:${lineOf(a.job, 'name')})`);
          break;
        }
      }
    }
  }
}

const EXTRA_REF_RE = /PROW_EXTRA_GIT_REF_(\d+)/;

/** Upstream ValidatePipelineRunSpec: every extra_refs[i] is used by a task PROW_EXTRA_GIT_REF_i, and nothing else is referenced. */
function pipelineRunSpecProblem(kind: JobKind, job: JobBase): string | undefined {
  const spec = (job.tekton_pipeline_run_spec?.v1beta1 ?? job.pipeline_run_spec) as
    | { pipelineSpec?: { tasks?: Array<{ name?: string; taskRef?: { name?: string } }> } }
    | undefined;
  if (!spec) return undefined;
  const used = new Set<number>();
  for (const task of spec.pipelineSpec?.tasks ?? []) {
    const ref = task?.taskRef?.name ?? '';
    if (kind === 'periodic' && ref === 'PROW_IMPLICIT_GIT_REF') return 'periodic jobs do not have an implicit git ref to replace PROW_IMPLICIT_GIT_REF';
    const m = EXTRA_REF_RE.exec(ref);
    if (!m) continue;
    if (m[1]!.length > 1 && m[1]![0] === '0') return `task ${JSON.stringify(task.name ?? '')}: leading zeros are not allowed in PROW_EXTRA_GIT_REF_* indexes`;
    used.add(Number(m[1]));
  }
  const refs = job.extra_refs ?? [];
  for (let i = 0; i < refs.length; i++) {
    if (!used.has(i)) return `extra_refs[${i}] is not used; some task must reference PROW_EXTRA_GIT_REF_${i}`;
  }
  if (refs.length !== used.size) {
    return `${refs.length} extra_refs are specified, but the following PROW_EXTRA_GIT_REF_* indexes are used: ${[...used].join(', ')}`;
  }
  return undefined;
}

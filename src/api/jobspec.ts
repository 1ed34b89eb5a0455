// The downward API a job sees (docs/prowjob.md): JOB_SPEC and the per-type environment,
// as upstream pkg/pod-utils/downwardapi/jobspec.go.
import type { DecorationConfig, EnvVar, ProwJob, ProwJobAgent, ProwJobSpec, ProwJobType, Refs } from './prowjob.js';
import { refsString } from './prowjob.js';
import { goJsonMarshal, goOrder } from '../go/json.js';
import { JOB_SPEC_SPEC } from './prowjob-json.js';

export interface JobSpec {
  type: ProwJobType;
  job: string;
  buildid: string;
  prowjobid: string;
  refs?: Refs;
  extra_refs?: Refs[];
  decoration_config?: DecorationConfig;
}

export function newJobSpec(spec: ProwJobSpec, buildId: string, prowJobId: string): JobSpec {
  const js: JobSpec = { type: spec.type, job: spec.job, buildid: buildId, prowjobid: prowJobId };
  if (spec.refs) js.refs = spec.refs;
  if (spec.extra_refs && spec.extra_refs.length > 0) js.extra_refs = spec.extra_refs;
  if (spec.decoration_config) js.decoration_config = spec.decoration_config;
  return js;
}

export function jobSpecForProwJob(pj: ProwJob): JobSpec {
  return newJobSpec(pj.spec, pj.status.build_id ?? '', pj.metadata.name);
}

/** JOB_SPEC exactly as Go's json.Marshal(downwardapi.JobSpec) writes it (key order, omission, escaping). */
export function marshalJobSpec(js: JobSpec): string {
  return goJsonMarshal(goOrder(js, JOB_SPEC_SPEC));
}

const BASE_ENV = ['CI', 'JOB_NAME', 'JOB_SPEC', 'JOB_TYPE', 'PROW_JOB_ID', 'BUILD_ID', 'BUILD_NUMBER'];
const REFS_ENV = ['REPO_OWNER', 'REPO_NAME', 'SRC_BASE', 'SRC_HOST', 'PULL_BASE_REF', 'PULL_BASE_SHA', 'PULL_REFS'];
const PULL_ENV = ['PULL_NUMBER', 'PULL_PULL_SHA', 'PULL_HEAD_REF', 'PULL_TITLE'];

/** Upstream EnvForType: the variables reserved for a job type (a job's own env may not set them). */
export function envForType(type: ProwJobType): string[] {
  switch (type) {
    case 'periodic': return [...BASE_ENV];
    case 'postsubmit':
    case 'batch': return [...BASE_ENV, ...REFS_ENV];
    case 'presubmit': return [...BASE_ENV, ...REFS_ENV, ...PULL_ENV];
    default: return [];
  }
}

/** SRC_HOST / SRC_BASE: path_alias split at its first `/`, else repo_link without scheme, else github.com + org/repo. */
export function srcHostAndBase(refs: Refs): { host: string; base: string } {
  let host = 'github.com';
  let base = `${refs.org}/${refs.repo}`;
  const split = (s: string): void => {
    const i = s.indexOf('/');
    if (i >= 0) { host = s.slice(0, i); base = s.slice(i + 1); } else host = s;
  };
  if (refs.path_alias) split(refs.path_alias);
  else if (refs.repo_link) {
    const parts = refs.repo_link.split('://');
    split(parts[parts.length - 1]!);
  }
  return { host, base };
}

/** Upstream EnvForSpec: BUILD_NUMBER only for the kubernetes agent; refs variables for all but periodics. */
export function envForSpec(js: JobSpec, agent?: ProwJobAgent): Record<string, string> {
  const env: Record<string, string> = {
    CI: 'true',
    JOB_NAME: js.job,
    BUILD_ID: js.buildid,
    PROW_JOB_ID: js.prowjobid,
    JOB_TYPE: js.type,
  };
  if (agent === 'kubernetes') env['BUILD_NUMBER'] = js.buildid;
  env['JOB_SPEC'] = marshalJobSpec(js);
  if (js.type === 'periodic') return env;
  const refs = js.refs;
  if (!refs) throw new Error(`job ${js.job} of type ${js.type} has no refs`);
  env['REPO_OWNER'] = refs.org;
  env['REPO_NAME'] = refs.repo;
  const { host, base } = srcHostAndBase(refs);
  env['SRC_HOST'] = host;
  env['SRC_BASE'] = base;
  env['PULL_BASE_REF'] = refs.base_ref ?? '';
  env['PULL_BASE_SHA'] = refs.base_sha ?? '';
  env['PULL_REFS'] = refsString(refs);
  if (js.type === 'postsubmit' || js.type === 'batch') return env;
  const pull = refs.pulls?.[0];
  if (!pull) throw new Error(`presubmit job ${js.job} has no pulls in its refs`);
  env['PULL_NUMBER'] = String(pull.number);
  env['PULL_PULL_SHA'] = pull.sha;
  env['PULL_HEAD_REF'] = pull.head_ref ?? '';
  env['PULL_TITLE'] = pull.title ?? '';
  return env;
}

export interface JobEnvOptions {
  /** ARTIFACTS for decorated jobs: upstream `/logs/artifacts`; the local executor passes its artifacts dir. */
  artifactsDir?: string;
  /** GOPATH for decorated jobs: upstream `/home/prow/go`; null leaves it out. */
  gopath?: string | null;
}

/**
 * The variables appended to every container of a job (sorted by name, as upstream): the downward API for
 * the job's type, plus ARTIFACTS and GOPATH when the job is decorated.
 */
export function jobEnv(pj: ProwJob, options: JobEnvOptions = {}): EnvVar[] {
  const env = envForSpec(jobSpecForProwJob(pj), pj.spec.agent);
  if (pj.spec.decoration_config) {
    env['ARTIFACTS'] = options.artifactsDir ?? '/logs/artifacts';
    const gopath = options.gopath === undefined ? '/home/prow/go' : options.gopath;
    if (gopath !== null) env['GOPATH'] = gopath;
  }
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name]! }));
}

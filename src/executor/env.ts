// The job environment contract (reference/prow-spec.md §4): a local stand-in until src/api publishes
// envForProwJob. Keys are upstream's; JOB_SPEC is compact JSON with keys in upstream's struct order.
import type { Pull, ProwJob, Refs } from '../api/prowjob.js';
import { refsString } from '../api/prowjob.js';

const refsKeys: Array<keyof Refs> = [
  'org', 'repo', 'repo_link', 'base_ref', 'base_sha', 'base_link', 'pulls', 'path_alias', 'workdir', 'auxiliary',
  'clone_uri', 'skip_submodules', 'clone_depth', 'skip_fetch_head', 'blobless_fetch', 'sparse_checkout_files',
];
const pullKeys: Array<keyof Pull> = ['number', 'author', 'sha', 'title', 'ref', 'head_ref', 'link', 'commit_link', 'author_link'];

function ordered(refs: Refs): Record<string, unknown> {
  const out: Record<string, unknown> = { org: refs.org, repo: refs.repo };
  for (const key of refsKeys) {
    const v = refs[key];
    if (key === 'org' || key === 'repo' || isEmpty(v)) continue;
    out[key] = key === 'pulls' ? (v as Pull[]).map(orderedPull) : v;
  }
  return out;
}

function orderedPull(pull: Pull): Record<string, unknown> {
  const out: Record<string, unknown> = { number: pull.number, author: pull.author, sha: pull.sha };
  for (const key of pullKeys.slice(3)) if (!isEmpty(pull[key])) out[key] = pull[key];
  return out;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === false || v === 0 || (Array.isArray(v) && v.length === 0);
}

export function jobSpecJson(pj: ProwJob, buildId: string): string {
  const spec: Record<string, unknown> = { type: pj.spec.type, job: pj.spec.job, buildid: buildId, prowjobid: pj.metadata.name };
  if (pj.spec.refs) spec.refs = ordered(pj.spec.refs);
  if (pj.spec.extra_refs?.length) spec.extra_refs = pj.spec.extra_refs.map(ordered);
  if (pj.spec.decoration_config) spec.decoration_config = pj.spec.decoration_config;
  return JSON.stringify(spec);
}

export function downwardApiEnv(pj: ProwJob, buildId: string): Record<string, string> {
  const env: Record<string, string> = {
    CI: 'true',
    JOB_NAME: pj.spec.job,
    JOB_TYPE: pj.spec.type,
    JOB_SPEC: jobSpecJson(pj, buildId),
    BUILD_ID: buildId,
    PROW_JOB_ID: pj.metadata.name,
  };
  if ((pj.spec.agent ?? 'kubernetes') === 'kubernetes') env.BUILD_NUMBER = buildId;
  const refs = pj.spec.refs;
  if (pj.spec.type === 'periodic' || !refs) return env;
  env.REPO_OWNER = refs.org;
  env.REPO_NAME = refs.repo;
  const [host, base] = srcHostBase(refs);
  env.SRC_HOST = host;
  env.SRC_BASE = base;
  env.PULL_BASE_REF = refs.base_ref ?? '';
  env.PULL_BASE_SHA = refs.base_sha ?? '';
  env.PULL_REFS = refsString(refs);
  if (pj.spec.type !== 'presubmit') return env;
  const pull = refs.pulls?.[0];
  env.PULL_NUMBER = String(pull?.number ?? '');
  env.PULL_PULL_SHA = pull?.sha ?? '';
  env.PULL_HEAD_REF = pull?.head_ref ?? '';
  env.PULL_TITLE = pull?.title ?? '';
  return env;
}

function srcHostBase(refs: Refs): [string, string] {
  const split = (s: string): [string, string] => {
    const i = s.indexOf('/');
    return i < 0 ? [s, `${refs.org}/${refs.repo}`] : [s.slice(0, i), s.slice(i + 1)];
  };
  if (refs.path_alias) return split(refs.path_alias);
  if (refs.repo_link) return split(refs.repo_link.replace(/^[a-z]+:\/\//, ''));
  return ['github.com', `${refs.org}/${refs.repo}`];
}

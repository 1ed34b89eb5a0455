// Where a build's artifacts live (docs/prowjob.md), as upstream
// pkg/pod-utils/gcs/target.go and pkg/gcsupload/run.go compute it.
import type { GCSConfiguration, ProwJobType } from './prowjob.js';
import type { JobSpec } from './jobspec.js';

export type RepoPathBuilder = (org: string, repo: string) => string;

export const PR_LOGS = 'pr-logs';
export const NON_PR_LOGS = 'logs';

/** Go path.Clean. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go path.Join: empty elements are ignored, the result is cleaned ("" when every element is empty). */
export function goPathJoin(...elems: string[]): string {
  const parts = elems.filter((e) => e !== '');
  return parts.length === 0 ? '' : goPathClean(parts.join('/'));
}

const trimHttps = (org: string): string => (org.startsWith('https://') ? org.slice('https://'.length) : org);
const orgRepoSegment = (org: string, repo: string): string => `${trimHttps(org)}_${repo.replaceAll('/', '_')}`;

/** The `<seg>` of pr-logs/pull/<seg>/… for a path strategy (legacy, single, explicit). */
export function repoPathBuilder(strategy: string | undefined, defaultOrg = '', defaultRepo = ''): RepoPathBuilder {
  switch (strategy) {
    case 'explicit':
      return orgRepoSegment;
    case 'legacy':
      return (org, repo) => (org === defaultOrg ? (repo === defaultRepo ? '' : repo) : orgRepoSegment(org, repo));
    case 'single':
      return (org, repo) => (org === defaultOrg && repo === defaultRepo ? '' : orgRepoSegment(org, repo));
    default:
      throw new Error(`unknown path_strategy ${JSON.stringify(strategy ?? '')}: want legacy, single or explicit`);
  }
}

type PathSpec = Pick<JobSpec, 'type' | 'job' | 'buildid' | 'refs'>;

function firstPull(spec: PathSpec): number {
  const pull = spec.refs?.pulls?.[0];
  if (!pull) throw new Error(`presubmit ${spec.job} has no pull in its refs`);
  return pull.number;
}

/** Upstream PathForSpec: logs/<job>/<build>, pr-logs/pull/<seg>/<pr>/<job>/<build>, pr-logs/pull/batch/<job>/<build>. */
export function pathForSpec(spec: PathSpec, seg: RepoPathBuilder): string {
  switch (spec.type) {
    case 'periodic':
    case 'postsubmit':
      return goPathJoin(NON_PR_LOGS, spec.job, spec.buildid);
    case 'presubmit':
      return goPathJoin(PR_LOGS, 'pull', seg(spec.refs!.org, spec.refs!.repo), String(firstPull(spec)), spec.job, spec.buildid);
    case 'batch':
      return goPathJoin(PR_LOGS, 'pull', 'batch', spec.job, spec.buildid);
  }
}

/** pr-logs/directory/<job>/<build>.txt for presubmits, else "". */
export function aliasForSpec(spec: PathSpec): string {
  return spec.type === 'presubmit' ? goPathJoin(PR_LOGS, 'directory', spec.job, `${spec.buildid}.txt`) : '';
}

export function latestBuildForSpec(spec: PathSpec, seg?: RepoPathBuilder): string[] {
  switch (spec.type) {
    case 'periodic':
    case 'postsubmit':
      return [goPathJoin(NON_PR_LOGS, spec.job, 'latest-build.txt')];
    case 'presubmit': {
      const out = [goPathJoin(PR_LOGS, 'directory', spec.job, 'latest-build.txt')];
      if (seg) out.push(goPathJoin(PR_LOGS, 'pull', seg(spec.refs!.org, spec.refs!.repo), String(firstPull(spec)), spec.job, 'latest-build.txt'));
      return out;
    }
    case 'batch':
      return [goPathJoin(PR_LOGS, 'directory', spec.job, 'latest-build.txt')];
  }
}

/** The job root for history pages: logs/<job> or pr-logs/directory/<job>. */
export function rootForSpec(spec: { type: ProwJobType; job: string }): string {
  return spec.type === 'periodic' || spec.type === 'postsubmit' ? goPathJoin(NON_PR_LOGS, spec.job) : goPathJoin(PR_LOGS, 'directory', spec.job);
}

/** Upstream PathsForJob: the build directory (path_prefix applied) and the strategy's segment builder. */
export function pathsForJob(gcs: GCSConfiguration, spec: PathSpec, subdir = ''): { jobBasePath: string; blobStoragePath: string; builder: RepoPathBuilder } {
  const builder = repoPathBuilder(gcs.path_strategy, gcs.default_org, gcs.default_repo);
  let jobBasePath = pathForSpec(spec, builder);
  if (gcs.path_prefix) jobBasePath = goPathJoin(gcs.path_prefix, jobBasePath);
  const blobStoragePath = subdir ? goPathJoin(jobBasePath, subdir) : jobBasePath;
  return { jobBasePath, blobStoragePath, builder };
}

/** Upstream ParsePath on gcs_configuration.bucket: a bare name means gs://; may carry a /path. */
export function parseBucket(bucket: string): { provider: string; bucket: string; fullPath: string } {
  const withScheme = bucket.includes('://') ? bucket : `gs://${bucket}`;
  const i = withScheme.indexOf('://');
  const provider = withScheme.slice(0, i);
  const rest = withScheme.slice(i + 3);
  const slash = rest.indexOf('/');
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  return { provider, bucket: name, fullPath: goPathJoin(name, path) };
}

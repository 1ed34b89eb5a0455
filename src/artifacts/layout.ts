// Upstream's storage layout (reference/lifecycle-spec.md §2.7, prow-spec.md §1.4), relative to the bucket.
// A local stand-in until src/api publishes `artifactPath`; keep it a pure function of (pj, build id).
import type { ProwJob, Refs } from '../api/prowjob.js';

export function buildDirForProwJob(pj: ProwJob, buildId: string): string {
  const gcs = pj.spec.decoration_config?.gcs_configuration ?? {};
  const prefix = (gcs.path_prefix ?? '').replace(/^\/+|\/+$/g, '');
  const job = pj.spec.job;
  let dir: string;
  switch (pj.spec.type) {
    case 'presubmit': {
      const refs = pj.spec.refs;
      const seg = refs ? repoSegment(refs, gcs.path_strategy, gcs.default_org, gcs.default_repo) : '';
      const pr = refs?.pulls?.[0]?.number ?? 0;
      dir = ['pr-logs', 'pull', seg, String(pr), job, buildId].filter((p) => p !== '').join('/');
      break;
    }
    case 'batch':
      dir = `pr-logs/pull/batch/${job}/${buildId}`;
      break;
    default:
      dir = `logs/${job}/${buildId}`;
  }
  return prefix ? `${prefix}/${dir}` : dir;
}

function repoSegment(refs: Refs, strategy: string | undefined, defaultOrg?: string, defaultRepo?: string): string {
  const org = refs.org.replace(/^https?:\/\//, '');
  const full = `${org}_${refs.repo.replaceAll('/', '_')}`;
  if (strategy === 'explicit' || strategy === undefined || strategy === '') return full;
  const orgIsDefault = org === defaultOrg;
  const repoIsDefault = refs.repo === defaultRepo;
  if (strategy === 'legacy') {
    if (orgIsDefault && repoIsDefault) return '';
    if (orgIsDefault) return refs.repo.replaceAll('/', '_');
    return full;
  }
  return orgIsDefault && repoIsDefault ? '' : full;
}

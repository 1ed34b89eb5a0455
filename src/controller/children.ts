// The 2017 behaviour (kubernetes/test-infra prow/plank/controller.go; docs/jobs.md): the jobs
// listed in the config's run_after_success start once their parent succeeds.
import { createHash } from 'node:crypto';
import type { ProwJob, Refs } from '../api/prowjob.js';
import { newPeriodicJob, newPostsubmitJob, newPresubmitJob } from '../api/pjutil.js';
import type { Config, Periodic, Postsubmit, Presubmit } from '../config/types.js';

type AnyJob = Presubmit | Postsubmit | Periodic;

/** The ProwJobs to create for `parent`'s run_after_success children, each with a name stable across retries. */
export function childProwJobs(config: Partial<Pick<Config, 'presubmits' | 'postsubmits' | 'periodics'>>, parent: ProwJob, now: () => Date): ProwJob[] {
  return childJobs(config, parent).map((child) => {
    const options = { name: childName(parent.metadata.name, child.name), now };
    const refs = parent.spec.refs as Refs | undefined;
    if (parent.spec.type === 'periodic' || !refs) return newPeriodicJob(child as Periodic, {}, options);
    if (parent.spec.type === 'postsubmit') return newPostsubmitJob(child as Postsubmit, refs, {}, options);
    return newPresubmitJob(child as Presubmit, refs, {}, options);
  });
}

function childJobs(config: Partial<Pick<Config, 'presubmits' | 'postsubmits' | 'periodics'>>, pj: ProwJob): AnyJob[] {
  const find = (jobs: AnyJob[] | undefined): AnyJob[] => {
    for (const job of jobs ?? []) {
      if (job.name === pj.spec.job) return job.run_after_success ?? [];
      const nested = find(job.run_after_success as AnyJob[] | undefined);
      if (nested.length > 0) return nested;
    }
    return [];
  };
  const refs = pj.spec.refs;
  switch (pj.spec.type) {
    case 'presubmit':
    case 'batch':
      return refs ? find(config.presubmits?.[`${refs.org}/${refs.repo}`]) : [];
    case 'postsubmit':
      return refs ? find(config.postsubmits?.[`${refs.org}/${refs.repo}`]) : [];
    default:
      return find(config.periodics);
  }
}

/** A stable name per (parent, child job): creating the child twice after a crash hits AlreadyExists. */
function childName(parent: string, job: string): string {
  const h = createHash('sha256').update(`${parent}\n${job}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

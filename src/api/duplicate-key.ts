// The identity under which a newer presubmit supersedes an older one (upstream pkg/pjutil/abort.go
// TerminateOlderJobs): the informer's `duplicate` index and plank's duplicate abort both key by it.
import type { ProwJob, Refs } from './prowjob.js';

/** Type, job, and `org/repo@base_ref [sorted PR numbers]` per ref, sorted. SHAs are not part of it. */
export function duplicateKey(pj: ProwJob): string {
  const digest = (r: Refs): string => `${r.org}/${r.repo}@${r.base_ref ?? ''} [${(r.pulls ?? []).map((p) => p.number).sort((a, b) => a - b).join(' ')}]`;
  const ids = [pj.spec.type, pj.spec.job];
  if (pj.spec.refs) ids.push(digest(pj.spec.refs));
  for (const r of pj.spec.extra_refs ?? []) ids.push(digest(r));
  return ids.sort().join(',');
}

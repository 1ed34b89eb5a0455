// Ours, with tide.improvements.bisect_failed_batches: the PR a bisection found gets one comment naming the
// failed batch and the jobs it fails on its own (docs/tide.md).
import { CREATED_BY_TIDE_LABEL } from '../api/labels.js';
import type { ProwJob } from '../api/prowjob.js';
import type { GitHubClient } from '../github/types.js';
import type { Logger } from '../observability/logger.js';
import type { ProwJobInformer } from '../store/informer.js';
import { toSimpleState } from './accumulate.js';
import { prKey, type TidePR } from './types.js';

export interface CulpritDeps {
  informer: Pick<ProwJobInformer, 'list'>;
  github: Pick<GitHubClient, 'createComment' | 'listComments'>;
  log: Logger;
  dryRun: boolean;
}

/**
 * Ours, with bisect_failed_batches: a PR whose own tide-run job failed at its head, after a batch with it
 * failed, is the culprit. It gets one comment naming the failing jobs (idempotent: a marker per head).
 */
export async function tellCulprits(d: CulpritDeps, prs: ReadonlyMap<string, TidePR>, toldCulprits: Set<string>): Promise<void> {
  const all = d.informer.list();
  for (const pr of prs.values()) {
    const key = `${prKey(pr)}@${pr.headSha}`;
    if (toldCulprits.has(key)) continue;
    const mine = (pj: ProwJob): boolean => pj.spec.refs?.org === pr.org && pj.spec.refs.repo === pr.repo && (pj.spec.refs.pulls ?? []).some((p) => p.number === pr.number && p.sha === pr.headSha);
    const failedAlone = all.filter((pj) => pj.spec.type === 'presubmit' && pj.metadata.labels?.[CREATED_BY_TIDE_LABEL] === 'true' && mine(pj) && pj.status.state === 'failure');
    if (failedAlone.length === 0) continue;
    const failedBatch = all.find((pj) => pj.spec.type === 'batch' && mine(pj) && toSimpleState(pj.status.state) === 'failure');
    if (!failedBatch) continue;
    const marker = `<!-- tide: bisection culprit ${pr.headSha} -->`;
    toldCulprits.add(key);
    if (d.dryRun) continue;
    try {
      if ((await d.github.listComments(pr.org, pr.repo, pr.number)).some((c) => c.body.includes(marker))) continue;
      const jobs = [...new Set(failedAlone.map((pj) => pj.spec.job))].sort();
      const batch = (failedBatch.spec.refs?.pulls ?? []).map((p) => `#${p.number}`).join(' ');
      await d.github.createComment(pr.org, pr.repo, pr.number, `${marker}\nTide tested this PR in a batch that failed (${batch}) and bisected it: this PR fails ${jobs.map((j) => `\`${j}\``).join(', ')} on its own, so it left the merge pool and the others can merge without it. Push a fix (or \`/retest\` if the failure is a flake).`);
    } catch (err) {
      toldCulprits.delete(key);
      d.log.warn({ err, org: pr.org, repo: pr.repo, pr: pr.number }, 'commenting on the bisection culprit failed');
    }
  }
}

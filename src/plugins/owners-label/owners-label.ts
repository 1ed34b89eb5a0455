// owners-label (upstream pkg/plugins/owners-label/owners-label.go): a PR gets the labels that the OWNERS
// files of the files it touches name (their `labels` sections), when the repo has those labels.
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { OwnersClient } from '../../owners/types.js';
import type { Plugin } from '../types.js';

export type OwnersLabelGitHub = Pick<GitHubClient, 'listPullRequestFiles' | 'listRepoLabels' | 'listIssueLabels' | 'addLabel'>;

export const ownersLabelPlugin: Plugin = {
  name: 'owners-label',
  help: { description: "The owners-label plugin automatically adds labels to PRs based on the files they touch. Specifically, the 'labels' sections of OWNERS files are used to determine which labels apply to the changes." },
  handlers: {
    pullRequest: async (e, ctx) => {
      if (ctx.owners === undefined) throw new Error('owners-label: this process has no OWNERS client');
      await handleOwnersLabel(ctx.github, ctx.owners, ctx.log, e);
    },
  },
};

export async function handleOwnersLabel(gh: OwnersLabelGitHub, owners: OwnersClient, log: Logger, e: PullRequestEvent): Promise<void> {
  if (e.action !== 'opened' && e.action !== 'reopened' && e.action !== 'synchronize') return;
  const ro = await owners.loadRepoOwners(e.org, e.repo, e.baseRef);
  const needed = new Set<string>();
  for (const f of await gh.listPullRequestFiles(e.org, e.repo, e.number)) for (const l of ro.labels(f.filename)) needed.add(l);
  if (needed.size === 0) return;
  const existing = new Set((await gh.listRepoLabels(e.org, e.repo)).map((l) => l.name));
  const current = new Set(await gh.listIssueLabels(e.org, e.repo, e.number));
  const missing: string[] = [];
  for (const label of [...needed].sort()) {
    if (current.has(label)) continue;
    if (!existing.has(label)) {
      missing.push(label);
      continue;
    }
    await gh.addLabel(e.org, e.repo, e.number, label);
  }
  if (missing.length > 0) log.warn({ labels: missing }, 'unable to add nonexistent labels');
}

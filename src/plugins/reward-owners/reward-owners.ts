// reward-owners (upstream pkg/plugins/reward-owners/reward-owners.go): when a merged PR changed OWNERS or
// OWNERS_ALIASES, thank the people it made approvers or reviewers (owners at the PR head, not at its base)
// and point them at their next steps.
import { ownersFilenamesFor } from '../../config/plugins.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { OwnersClient, RepoOwners } from '../../owners/types.js';
import { commentOnce } from '../shared/comments.js';
import type { Plugin } from '../types.js';

export function rewardMessage(mentions: string): string {
  return `
Thanks to ${mentions} for serving the community in this new capacity!
Next steps:
1- Reach out in [slack.k8s.io](http://slack.k8s.io/) -> #sig-contribex for your special badge swag!
2- Join [slack.k8s.io](http://slack.k8s.io/) -> #kubernetes-contributors in slack and [dev@kubernetes.io](https://groups.google.com/a/kubernetes.io/g/dev) for all upstream info
3- Review the [community-membership.md](https://github.com/kubernetes/community/blob/master/community-membership.md) doc for your role. If for some reason you can't perform the duties associated, Emeritus is a great way to take a break! [OWNERs](https://github.com/kubernetes/community/blob/master/contributors/guide/owners.md) is another great resource for how this works.
4- Look over our [governance](https://github.com/kubernetes/community/blob/master/governance.md) docs now that you are actively involved in the maintenance of the project.
`;
}

export type RewardOwnersGitHub = Pick<GitHubClient, 'listPullRequestFiles' | 'botUser' | 'listComments' | 'createComment'>;

export const rewardOwnersPlugin: Plugin = {
  name: 'reward-owners',
  help: { description: 'The reward-owners plugin watches in OWNERS and OWNERS_ALIASES files for modifications and welcomes new approvers and reviewers.' },
  handlers: {
    pullRequest: async (e, ctx) => {
      if (ctx.owners === undefined) throw new Error('reward-owners: this process has no OWNERS client');
      await handleRewardOwners(ctx.github, ctx.owners, ctx.log, e, ownersFilenamesFor(ctx.snapshot.plugins, e.org, e.repo), ctx.redelivery);
    },
  },
};

/** Upstream RepoOwners.AllOwners: every approver and reviewer. */
function allOwners(o: RepoOwners): Set<string> {
  return new Set([...o.allApprovers(), ...o.allReviewers()]);
}

interface PrRefs {
  merged?: boolean;
  base?: { ref?: string; sha?: string };
  head?: { ref?: string; sha?: string };
}

export async function handleRewardOwners(
  gh: RewardOwnersGitHub, owners: OwnersClient, log: Logger, e: PullRequestEvent, filenames: { owners: string; owners_aliases: string }, redelivery = true,
): Promise<void> {
  const pr = e.pullRequest as PrRefs;
  if (e.action !== 'closed' || pr.merged !== true) return;
  const changes = await gh.listPullRequestFiles(e.org, e.repo, e.number);
  const touched = changes.some((c) => (c.filename.split('/').pop() === filenames.owners || c.filename === filenames.owners_aliases) && c.status !== 'removed');
  if (!touched) return;
  const before = await owners.loadRepoOwnersSha(e.org, e.repo, pr.base?.ref ?? e.baseRef, pr.base?.sha ?? '');
  const after = await owners.loadRepoOwnersSha(e.org, e.repo, pr.head?.ref ?? '', pr.head?.sha ?? e.headSHA);
  const had = allOwners(before);
  const fresh = [...allOwners(after)].filter((o) => !had.has(o)).sort();
  if (fresh.length === 0) {
    log.debug('no new owner to reward');
    return;
  }
  await commentOnce(gh, e.org, e.repo, e.number, rewardMessage(fresh.map((o) => `@${o}`).join(', ')), redelivery);
}

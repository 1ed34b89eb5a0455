// mergecommitblocker (upstream pkg/plugins/mergecommitblocker/mergecommitblocker.go): a PR whose commits
// include a merge commit gets the do-not-merge/contains-merge-commits label and an explanation; when they
// are gone the label and the explanation go too. Upstream clones the PR to look; the PR's commit list
// (each commit's parents) says the same in one call.
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { hasLabel } from '../../api/labels.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { formatSimpleResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

export const MERGE_COMMITS_LABEL = 'do-not-merge/contains-merge-commits';
export const MERGE_COMMITS_COMMENT = `Adding label \`${MERGE_COMMITS_LABEL}\` because PR contains merge commits, which are not allowed in this repository.\nUse \`git rebase\` to reapply your commits on top of the target branch. Detailed instructions for doing so can be found [here](https://git.k8s.io/community/contributors/guide/github-workflow.md#4-keep-your-branch-in-sync).`;

export type MergeCommitBlockerGitHub = Pick<GitHubClient, 'listPullRequestCommits' | 'listIssueLabels' | 'addLabel' | 'removeLabel' | 'botUser' | 'listComments' | 'createComment' | 'deleteComment'>;

export const mergeCommitBlockerPlugin: Plugin = {
  name: 'mergecommitblocker',
  help: { description: `The merge commit blocker plugin adds the ${MERGE_COMMITS_LABEL} label to pull requests that contain merge commits` },
  handlers: { pullRequest: (e, ctx) => handleMergeCommitBlocker(ctx.github, ctx.log, e, ctx.redelivery) },
};

export async function handleMergeCommitBlocker(gh: MergeCommitBlockerGitHub, log: Logger, e: PullRequestEvent, redelivery = true): Promise<void> {
  if (e.action !== 'opened' && e.action !== 'reopened' && e.action !== 'synchronize') return;
  const commits = await gh.listPullRequestCommits(e.org, e.repo, e.number);
  const hasMerge = commits.some((c) => c.parents.length > 1);
  const labeled = hasLabel(await gh.listIssueLabels(e.org, e.repo, e.number), MERGE_COMMITS_LABEL);
  if (labeled && !hasMerge) {
    log.info({ label: MERGE_COMMITS_LABEL }, 'removing label');
    await gh.removeLabel(e.org, e.repo, e.number, MERGE_COMMITS_LABEL);
    await pruneBotComments(gh, e.org, e.repo, e.number, (c) => c.body.includes(MERGE_COMMITS_COMMENT));
  } else if (!labeled && hasMerge) {
    log.info({ label: MERGE_COMMITS_LABEL }, 'adding label');
    await gh.addLabel(e.org, e.repo, e.number, MERGE_COMMITS_LABEL);
    await commentOnce(gh, e.org, e.repo, e.number, formatSimpleResponse(MERGE_COMMITS_COMMENT), redelivery);
  }
}

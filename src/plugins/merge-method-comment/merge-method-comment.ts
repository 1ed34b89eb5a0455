// merge-method-comment (upstream pkg/plugins/merge-method-comment/merge-method-comment.go): a PR with more
// than one commit gets, once, a comment naming tide's merge method for the repo and the label that asks
// for the other one.
import type { Tide } from '../../config/types.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import { hasBotComment } from '../shared/comments.js';
import { formatSimpleResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

export type MergeMethodCommentGitHub = Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>;

export const mergeMethodCommentPlugin: Plugin = {
  name: 'merge-method-comment',
  help: { description: 'The merge-method-comment plugin adds a comment on how to request a different-from-default merge method to PRs with more than 1 commit' },
  handlers: { pullRequest: (e, ctx) => handleMergeMethodComment(ctx.github, e, ctx.snapshot.config.tide) },
};

/**
 * tide.merge_method for a repo without a branch (upstream Tide.MergeMethod): `org/repo: m`, then
 * `org: {repo: m}`, then `org: m`, else merge. Branch-level entries do not apply here.
 */
export function repoMergeMethod(tide: Pick<Tide, 'merge_method'> | undefined, org: string, repo: string): string {
  const mm = tide?.merge_method ?? {};
  const direct = mm[`${org}/${repo}`];
  if (typeof direct === 'string') return direct;
  const orgEntry = mm[org];
  if (typeof orgEntry === 'string') return orgEntry;
  if (orgEntry !== null && typeof orgEntry === 'object') {
    const r = (orgEntry as Record<string, unknown>)[repo] ?? (orgEntry as Record<string, unknown>)['*'];
    if (typeof r === 'string') return r;
  }
  return 'merge';
}

export function mergeMethodComment(tide: Pick<Tide, 'merge_method' | 'merge_label' | 'squash_label'> | undefined, org: string, repo: string): string {
  const method = repoMergeMethod(tide, org, repo);
  let comment = `This PR has multiple commits, and the default merge method is: ${method}.\n`;
  if (method === 'squash') {
    comment += tide?.merge_label ? `You can request commits to be merged using the label: ${tide.merge_label}` : 'Commits will be squashed, as no merge labels are defined';
  } else if (method === 'merge') {
    comment += tide?.squash_label ? `You can request commits to be squashed using the label: ${tide.squash_label}` : 'Commits will be merged, as no squash labels are defined';
  }
  return comment;
}

export async function handleMergeMethodComment(gh: MergeMethodCommentGitHub, e: PullRequestEvent, tide: Tide | undefined): Promise<void> {
  if (!['opened', 'reopened', 'synchronize', 'edited'].includes(e.action)) return;
  if (((e.pullRequest as { commits?: number }).commits ?? 0) <= 1) return;
  const comment = mergeMethodComment(tide, e.org, e.repo);
  if (await hasBotComment(gh, e.org, e.repo, e.number, (c) => c.body.includes(comment))) return;
  await gh.createComment(e.org, e.repo, e.number, formatSimpleResponse(comment));
}

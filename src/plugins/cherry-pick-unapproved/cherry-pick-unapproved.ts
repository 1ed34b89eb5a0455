// cherry-pick-unapproved (upstream pkg/plugins/cherrypickunapproved/cherrypick-unapproved.go): PRs against
// a branch matching `cherry_pick_unapproved.branchregexp` (default ^release-.*$) carry
// do-not-merge/cherry-pick-not-approved until someone adds cherry-pick-approved; the bot explains once.
import { compileRegex } from '../../go/regex.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { hasLabel } from '../../api/labels.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { formatSimpleResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

export const CP_APPROVED = 'cherry-pick-approved';
export const CP_UNAPPROVED = 'do-not-merge/cherry-pick-not-approved';
export const DEFAULT_CP_UNAPPROVED_COMMENT = 'This PR is not for the master branch but does not have the `cherry-pick-approved`  label. Adding the `do-not-merge/cherry-pick-not-approved`  label.';

export type CherryPickUnapprovedGitHub = Pick<GitHubClient, 'listIssueLabels' | 'addLabel' | 'removeLabel' | 'botUser' | 'listComments' | 'createComment' | 'deleteComment'>;

export const cherryPickUnapprovedPlugin: Plugin = {
  name: 'cherry-pick-unapproved',
  help: {
    description: 'Label PRs against a release branch which do not have the `cherry-pick-approved` label with the `do-not-merge/cherry-pick-not-approved` label.',
    snippet: 'cherry_pick_unapproved:\n  branchregexp: ^release-*\n  comment: This is why your cherry-pick cannot be approved.\n',
  },
  configHelp: (pc) => ({
    '': `The cherry-pick-unapproved plugin treats PRs against branch names satisfying the regular expression \`${pc.cherry_pick_unapproved.branchregexp}\` as cherry-pick PRs and adds the following comment:\n${pc.cherry_pick_unapproved.comment || DEFAULT_CP_UNAPPROVED_COMMENT}`,
  }),
  handlers: {
    pullRequest: (e, ctx) => handleCherryPickUnapproved(ctx.github, ctx.log, e, {
      branchRegexp: ctx.snapshot.plugins.cherry_pick_unapproved.branchregexp,
      comment: ctx.snapshot.plugins.cherry_pick_unapproved.comment || DEFAULT_CP_UNAPPROVED_COMMENT,
      redelivery: ctx.redelivery,
    }),
  },
};

export async function handleCherryPickUnapproved(
  gh: CherryPickUnapprovedGitHub,
  log: Logger,
  e: PullRequestEvent,
  o: { branchRegexp: string; comment: string; redelivery?: boolean },
): Promise<void> {
  const branchRe = compileRegex(o.branchRegexp);
  const onBranch = branchRe.test(e.baseRef);
  const prune = () => pruneBotComments(gh, e.org, e.repo, e.number, (c) => c.body.includes(o.comment));
  const ensure = async (): Promise<void> => {
    const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
    if (hasLabel(labels, CP_APPROVED)) {
      if (hasLabel(labels, CP_UNAPPROVED)) await gh.removeLabel(e.org, e.repo, e.number, CP_UNAPPROVED);
      await prune();
      return;
    }
    if (hasLabel(labels, CP_UNAPPROVED)) return;
    log.info({ label: CP_UNAPPROVED }, 'adding label');
    await gh.addLabel(e.org, e.repo, e.number, CP_UNAPPROVED);
    await commentOnce(gh, e.org, e.repo, e.number, formatSimpleResponse(o.comment), o.redelivery ?? true);
  };
  switch (e.action) {
    case 'opened':
    case 'reopened':
      if (onBranch) await ensure();
      return;
    case 'labeled':
    case 'unlabeled':
      if (onBranch && (e.label === CP_APPROVED || e.label === CP_UNAPPROVED)) await ensure();
      return;
    case 'edited': {
      const from = (e.payload as { changes?: { base?: { ref?: { from?: string } } } }).changes?.base?.ref?.from ?? '';
      if (from === '') return;
      const wasOnBranch = branchRe.test(from);
      if (onBranch && !wasOnBranch) await ensure();
      else if (!onBranch && wasOnBranch) {
        const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
        if (hasLabel(labels, CP_APPROVED)) await gh.removeLabel(e.org, e.repo, e.number, CP_APPROVED);
        if (hasLabel(labels, CP_UNAPPROVED)) await gh.removeLabel(e.org, e.repo, e.number, CP_UNAPPROVED);
        await prune();
      }
      return;
    }
    default:
  }
}

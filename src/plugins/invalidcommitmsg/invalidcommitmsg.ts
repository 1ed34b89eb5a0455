// invalidcommitmsg (upstream pkg/plugins/invalidcommitmsg/invalidcommitmsg.go): PRs whose commit messages
// or title carry issue-closing keywords (`fixes #1`), or whose commits are fixup!/amend!/squash!, get
// do-not-merge/invalid-commit-message and one comment listing them; fixing them removes the label.
// Checks can be turned off per repo (`invalid_commit_msg[].checks[].disabled`).
import RE2 from 're2';
import type { PluginsConfig } from '../../config/types.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { Commit, GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { hasLabel } from '../../api/labels.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { ABOUT_THIS_BOT } from '../shared/respond.js';
import { closeIssueRe } from '../retitle/retitle.js';
import type { Plugin } from '../types.js';

export const INVALID_COMMIT_MSG_LABEL = 'do-not-merge/invalid-commit-message';
export const INVALID_COMMIT_MSG_MARKER = '<!-- [prow:invalid-commit-message] -->';
const fixupRe = new RE2('^(fixup!|amend!|squash!)');

type InvalidCommitMsgConfig = NonNullable<PluginsConfig['invalid_commit_msg']>[number];
export type InvalidCommitMsgGitHub = Pick<GitHubClient, 'listIssueLabels' | 'listPullRequestCommits' | 'addLabel' | 'removeLabel' | 'botUser' | 'listComments' | 'createComment' | 'deleteComment'>;

export function invalidCommitMsgFor(pc: PluginsConfig, org: string, repo: string): InvalidCommitMsgConfig {
  const list = pc.invalid_commit_msg ?? [];
  return list.find((c) => c?.repos?.includes(`${org}/${repo}`)) ?? list.find((c) => c?.repos?.includes(org)) ?? {};
}

export const invalidCommitMsgPlugin: Plugin = {
  name: 'invalidcommitmsg',
  help: {
    description: `The invalidcommitmsg plugin applies the '${INVALID_COMMIT_MSG_LABEL}' label to pull requests whose commit messages and titles contain keywords which can automatically close issues or contain temporary commits such as fixup!, amend!, or squash!`,
    config: { '': "The plugin can be configured per-check using the 'checks' field. Each check can be individually disabled by setting 'disabled: true'. Available checks: 'fixupPrefix' (for fixup!/amend!/squash! commits) and 'issueClosingKeywords' (for issue-closing keywords in titles/commits)." },
  },
  handlers: { pullRequest: (e, ctx) => handleInvalidCommitMsg(ctx.github, ctx.log, e, invalidCommitMsgFor(ctx.snapshot.plugins, e.org, e.repo)) },
};

/** Upstream dco.MarkdownSHAList: one line per commit, short SHA linked, first line of the message. */
export function markdownShaList(org: string, repo: string, commits: readonly Commit[]): string {
  return commits.map((c) => `- [${c.sha.slice(0, 7)}](https://github.com/${org}/${repo}/commits/${c.sha}) ${c.message.split('\n')[0]}`).join('\n');
}

export async function handleInvalidCommitMsg(gh: InvalidCommitMsgGitHub, log: Logger, e: PullRequestEvent, cfg: InvalidCommitMsgConfig): Promise<void> {
  if (!['opened', 'reopened', 'synchronize', 'edited'].includes(e.action)) return;
  const disabled = (name: string) => (cfg.checks ?? []).some((c) => c?.name === name && c.disabled === true);
  const checkFixup = !disabled('fixupPrefix');
  const checkClosing = !disabled('issueClosingKeywords');
  const title = (e.pullRequest as { title?: string }).title ?? '';
  const labeled = hasLabel(await gh.listIssueLabels(e.org, e.repo, e.number), INVALID_COMMIT_MSG_LABEL);
  const commits = await gh.listPullRequestCommits(e.org, e.repo, e.number);
  const invalid = checkClosing ? commits.filter((c) => closeIssueRe.test(c.message)) : [];
  const fixups = checkFixup ? commits.filter((c) => fixupRe.test(c.message.split('\n')[0] ?? '')) : [];
  const badTitle = checkClosing && closeIssueRe.test(title);
  const problems = invalid.length > 0 || fixups.length > 0 || badTitle;
  if (labeled && !problems) await gh.removeLabel(e.org, e.repo, e.number, INVALID_COMMIT_MSG_LABEL);
  else if (!labeled && problems) {
    log.info({ label: INVALID_COMMIT_MSG_LABEL }, 'adding label');
    await gh.addLabel(e.org, e.repo, e.number, INVALID_COMMIT_MSG_LABEL);
  }
  const sections: string[] = [];
  if (invalid.length > 0) {
    sections.push(`### Invalid commit messages\n\n[Keywords](https://help.github.com/articles/closing-issues-using-keywords) which can automatically close issues and hashtag(#) mentions are not allowed.\n\n${markdownShaList(e.org, e.repo, invalid)}`);
  }
  if (fixups.length > 0) {
    sections.push(`### Fixup/amend/squash commits\n\nTemporary commits like fixup!, amend!, or squash! are not allowed.\n\nUse [git rebase --autosquash](https://git-scm.com/docs/git-rebase#Documentation/git-rebase.txt---autosquash) to fix them.\n\n${markdownShaList(e.org, e.repo, fixups)}`);
  }
  if (badTitle) sections.push('### Invalid PR title\n\n[Keywords](https://help.github.com/articles/closing-issues-using-keywords) are not allowed in PR titles.\n\nUse `/retitle <new-title>` to fix it.');
  const body = problems ? `${INVALID_COMMIT_MSG_MARKER}\n\nInvalid commit message issues detected\n\n${sections.join('\n\n')}\n\n${ABOUT_THIS_BOT}` : undefined;
  // Upstream prunes its earlier comments and posts afresh on every event; keeping an identical comment
  // (a redelivery, or a push that changed nothing relevant) writes nothing.
  await pruneBotComments(gh, e.org, e.repo, e.number, (c) => c.body !== body && (c.body.includes(INVALID_COMMIT_MSG_MARKER) ||
    c.body.includes('**The list of commits with invalid commit messages**:') || c.body.includes('not allowed in the title of a Pull Request')));
  if (body !== undefined) await commentOnce(gh, e.org, e.repo, e.number, body, true);
}

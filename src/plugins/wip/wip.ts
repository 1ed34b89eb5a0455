// wip (upstream pkg/plugins/wip/wip-label.go): a draft PR, or one whose title starts with "WIP", carries
// `do-not-merge/work-in-progress`; any other PR does not.
import RE2 from 're2';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import { WORK_IN_PROGRESS, hasLabel } from '../../api/labels.js';

const wipTitleRe = new RE2('(?i)^\\W?WIP\\W');
const WIP_ACTIONS = new Set(['opened', 'reopened', 'edited', 'ready_for_review', 'converted_to_draft']);

export type WipGitHub = Pick<GitHubClient, 'listIssueLabels' | 'addLabel' | 'removeLabel'>;

export const wipPlugin: Plugin = {
  name: 'wip',
  help: {
    description: `The wip (Work In Progress) plugin applies the '${WORK_IN_PROGRESS}' label to pull requests whose title starts with 'WIP' or that are drafts, and removes it when the prefix goes or the PR becomes ready for review. The label usually keeps a pull request from merging while it is still in progress.`,
  },
  handlers: { pullRequest: (e, ctx) => handleWip(ctx.github, ctx.log, e) },
};

/** True when the PR should carry the work-in-progress label. */
export function isWorkInProgress(title: string, draft: boolean): boolean {
  return draft || wipTitleRe.test(title);
}

export async function handleWip(gh: WipGitHub, log: Logger, e: PullRequestEvent): Promise<void> {
  if (!WIP_ACTIONS.has(e.action)) return;
  const want = isWorkInProgress(e.pullRequest.title, e.pullRequest.draft === true);
  const has = hasLabel(await gh.listIssueLabels(e.org, e.repo, e.number), WORK_IN_PROGRESS);
  if (has === want) return;
  log.info({ label: WORK_IN_PROGRESS, add: want }, want ? 'adding work-in-progress' : 'removing work-in-progress');
  if (want) await gh.addLabel(e.org, e.repo, e.number, WORK_IN_PROGRESS);
  else await gh.removeLabel(e.org, e.repo, e.number, WORK_IN_PROGRESS);
}

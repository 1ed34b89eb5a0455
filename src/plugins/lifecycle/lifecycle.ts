// lifecycle (upstream pkg/plugins/lifecycle): /reopen, /close [not-planned] and the lifecycle/* labels.
// On each new comment reopen runs first, then close, then the labels, as upstream.
import RE2 from 're2';
import { GitHubError, type GitHubClient, type IssuePatch } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import { commentOnce } from '../shared/comments.js';
import {
  LIFECYCLE_ACTIVE,
  LIFECYCLE_FROZEN,
  LIFECYCLE_ROTTEN,
  LIFECYCLE_STALE,
  hasLabel, LIFECYCLE_LABEL_PREFIX,
} from '../../api/labels.js';
import { findAllMatches } from '../shared/markdown.js';
import { sameLogin } from '../../github/login.js';
import { formatEventResponse } from '../shared/respond.js';

const reopenRe = new RE2('(?mi)^/reopen\\s*$');
const closeRe = new RE2('(?mi)^/close\\s*$');
const closeNotPlannedRe = new RE2('(?mi)^/close not-planned\\s*$');
const lifecycleRe = new RE2('(?mi)^/(remove-)?lifecycle (active|frozen|stale|rotten)\\s*$', 'g');

export const LIFECYCLE_LABELS = [LIFECYCLE_ACTIVE, LIFECYCLE_FROZEN, LIFECYCLE_STALE, LIFECYCLE_ROTTEN] as const;

export const CANNOT_REOPEN = "You can't reopen an issue/PR unless you authored it or you are a collaborator.";
export const CANNOT_CLOSE = "You can't close an active issue/PR unless you authored it or you are a collaborator.";
export const PR_NOT_PLANNED = 'PRs cannot be closed as Not Planned.';

export type LifecycleGitHub = Pick<
  GitHubClient,
  | 'getIssue'
  | 'isCollaborator'
  | 'listIssueLabels'
  | 'addLabel'
  | 'removeLabel'
  | 'patchIssue'
  | 'closePullRequest'
  | 'reopenIssue'
  | 'reopenPullRequest'
  | 'botUser'
  | 'listComments'
  | 'createComment'
>;

const AUTHOR_OR_COLLAB = 'Authors and collaborators on the repository can trigger this command.';

export const lifecyclePlugin: Plugin = {
  name: 'lifecycle',
  help: {
    description: 'Close, reopen, flag and/or unflag an issue or PR as frozen/stale/rotten',
    commands: [
      { usage: '/close [not-planned]', description: 'Closes an issue or PR.', featured: false, whoCanUse: `${AUTHOR_OR_COLLAB} Anyone may close an issue or PR labelled lifecycle/stale or lifecycle/rotten.`, examples: ['/close', '/close not-planned'] },
      { usage: '/reopen', description: 'Reopens an issue or PR', featured: false, whoCanUse: AUTHOR_OR_COLLAB, examples: ['/reopen'] },
      { usage: '/[remove-]lifecycle <active|frozen|stale|rotten>', description: 'Flags an issue or PR as active/frozen/stale/rotten', featured: false, whoCanUse: 'Anyone can trigger this command.', examples: ['/lifecycle frozen', '/remove-lifecycle stale'] },
    ],
  },
  handlers: { genericComment: (e, ctx) => handleLifecycle(ctx.github, ctx.log, e, ctx.redelivery) },
};

/** `redelivery` (default true): check the bot's comments before replying (PluginContext.redelivery). */
export async function handleLifecycle(gh: LifecycleGitHub, log: Logger, e: GenericCommentEvent, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  await handleReopen(gh, log, e, redelivery);
  await handleClose(gh, log, e, redelivery);
  await handleLifecycleLabels(gh, log, e, redelivery);
}

function reply(gh: LifecycleGitHub, e: GenericCommentEvent, text: string, redelivery: boolean): Promise<boolean> {
  return commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, text), redelivery);
}

async function isAuthorOrCollaborator(gh: LifecycleGitHub, e: GenericCommentEvent): Promise<boolean> {
  if (sameLogin(e.issueAuthor, e.user)) return true;
  return gh.isCollaborator(e.org, e.repo, e.user);
}

export async function handleReopen(gh: LifecycleGitHub, log: Logger, e: GenericCommentEvent, redelivery = true): Promise<void> {
  if (e.action !== 'created' || e.issueState !== 'closed' || !reopenRe.test(e.body)) return;
  // The event says closed; a redelivery after we reopened must not reopen (and reply) again.
  const live = await gh.getIssue(e.org, e.repo, e.number);
  if (live.state !== 'closed') return;
  if (!(await isAuthorOrCollaborator(gh, e))) {
    await reply(gh, e, CANNOT_REOPEN, redelivery);
    return;
  }
  const kind = e.isPR ? 'PR' : 'Issue';
  try {
    if (e.isPR) await gh.reopenPullRequest(e.org, e.repo, e.number);
    else await gh.reopenIssue(e.org, e.repo, e.number);
  } catch (err) {
    // GitHub answers 422 when the state cannot change (for example the PR's head branch is gone).
    if (err instanceof GitHubError && err.status === 422) {
      log.info({ err }, 'reopen refused');
      await reply(gh, e, `Failed to re-open ${kind}: ${err.message}`, redelivery);
      return;
    }
    throw err;
  }
  log.info({ pr: e.number }, e.isPR ? 'reopened pr' : 'reopened issue');
  await reply(gh, e, e.isPR ? 'Reopened this PR.' : 'Reopened this issue.', redelivery);
}

export async function handleClose(gh: LifecycleGitHub, log: Logger, e: GenericCommentEvent, redelivery = true): Promise<void> {
  if (e.action !== 'created' || e.issueState !== 'open') return;
  const notPlanned = closeNotPlannedRe.test(e.body);
  if (!notPlanned && !closeRe.test(e.body)) return;
  const live = await gh.getIssue(e.org, e.repo, e.number);
  if (live.state !== 'open') return; // already closed: a redelivery, or someone was faster
  const inactive = hasLabel(live.labels, LIFECYCLE_STALE) || hasLabel(live.labels, LIFECYCLE_ROTTEN);
  if (!inactive && !(await isAuthorOrCollaborator(gh, e))) {
    await reply(gh, e, CANNOT_CLOSE, redelivery);
    return;
  }
  if (e.isPR) {
    if (notPlanned) {
      await reply(gh, e, PR_NOT_PLANNED, redelivery);
      return;
    }
    await gh.closePullRequest(e.org, e.repo, e.number);
    log.info({ pr: e.number }, 'closed pr');
    await reply(gh, e, 'Closed this PR.', redelivery);
    return;
  }
  const patch: IssuePatch = {
    state: 'closed',
    state_reason: notPlanned ? 'not_planned' : 'completed',
  };
  await gh.patchIssue(e.org, e.repo, e.number, patch);
  log.info({ pr: e.number, not_planned: notPlanned }, 'closed issue');
  await reply(gh, e, notPlanned ? 'Closing this issue, marking it as "Not Planned".' : 'Closing this issue.', redelivery);
}

/**
 * Every matching line counts, in order, as upstream; we work out where they leave the labels first and
 * then write only the difference, so a redelivery (or `/lifecycle stale` followed by
 * `/lifecycle rotten`) writes each label at most once.
 */
export async function handleLifecycleLabels(gh: LifecycleGitHub, log: Logger, e: GenericCommentEvent, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  const matches = findAllMatches(lifecycleRe, e.body);
  if (matches.length === 0) return;
  let before: Set<string> | undefined;
  let after: Set<string> | undefined;
  for (const m of matches) {
    const remove = m[1] !== undefined && m[1] !== '';
    const label = `${LIFECYCLE_LABEL_PREFIX}${(m[2] ?? '').toLowerCase()}`;
    if (e.isPR && label === LIFECYCLE_FROZEN && !remove) {
      await reply(gh, e, `The \`${LIFECYCLE_FROZEN}\` label cannot be applied to Pull Requests.`, redelivery);
      continue;
    }
    if (before === undefined || after === undefined) {
      const current = (await gh.listIssueLabels(e.org, e.repo, e.number)).map((l) => l.toLowerCase());
      before = new Set(current.filter((l) => (LIFECYCLE_LABELS as readonly string[]).includes(l)));
      after = new Set(before);
    }
    if (remove) after.delete(label);
    else if (!after.has(label)) {
      after.clear();
      after.add(label);
    }
  }
  if (before === undefined || after === undefined) return;
  for (const label of LIFECYCLE_LABELS) {
    if (before.has(label) && !after.has(label)) {
      log.info({ label }, 'removing lifecycle label');
      await gh.removeLabel(e.org, e.repo, e.number, label);
    }
  }
  for (const label of LIFECYCLE_LABELS) {
    if (after.has(label) && !before.has(label)) {
      log.info({ label }, 'adding lifecycle label');
      await gh.addLabel(e.org, e.repo, e.number, label);
    }
  }
}

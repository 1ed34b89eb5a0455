// help (upstream pkg/plugins/help/help.go): /help and /good-first-issue mark an open issue as needing
// help (with the guidelines message); /remove-help and /remove-good-first-issue undo that and delete the
// bot's message.
import RE2 from 're2';
import type { PluginsConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { GOOD_FIRST_ISSUE, HELP_WANTED, hasLabel } from '../../api/labels.js';
import { formatResponseRaw } from '../shared/respond.js';
import { helpConfigSection } from './help-config.js';

const helpRe = new RE2('(?mi)^/help\\s*$');
const helpRemoveRe = new RE2('(?mi)^/remove-help\\s*$');
const goodFirstIssueRe = new RE2('(?mi)^/good-first-issue\\s*$');
const goodFirstIssueRemoveRe = new RE2('(?mi)^/remove-good-first-issue\\s*$');

/** Text in the bot's help message, used to find it again for pruning. */
export const HELP_MSG_MARK = 'This request has been marked as needing help from a contributor.';
export const GOOD_FIRST_ISSUE_MSG_MARK = 'This request has been marked as suitable for new contributors.';
export const DEFAULT_HELP_GUIDELINES_URL = 'https://git.k8s.io/community/contributors/guide/help-wanted.md';

export type HelpGitHub = Pick<
  GitHubClient,
  'listIssueLabels' | 'addLabel' | 'removeLabel' | 'botUser' | 'listComments' | 'createComment' | 'deleteComment'
>;

export interface HelpGuidelines {
  url: string;
  summary?: string;
}

export const helpPlugin: Plugin = {
  name: 'help',
  config: helpConfigSection,
  help: {
    description: `The help plugin provides commands that add or remove the '${HELP_WANTED}' and the '${GOOD_FIRST_ISSUE}' labels from issues.`,
    commands: [
      {
        usage: '/[remove-](help|good-first-issue)',
        description: `Applies or removes the '${HELP_WANTED}' and '${GOOD_FIRST_ISSUE}' labels to an issue.`,
        featured: false,
        whoCanUse: 'Anyone can trigger this command on an open issue.',
        examples: ['/help', '/remove-help', '/good-first-issue', '/remove-good-first-issue'],
      },
    ],
  },
  handlers: { genericComment: (e, ctx) => handleHelp(ctx.github, ctx.log, guidelinesOf(ctx.snapshot.plugins), e, ctx.redelivery) },
};

export function guidelinesOf(pc: PluginsConfig): HelpGuidelines {
  return { url: pc.help?.help_guidelines_url || DEFAULT_HELP_GUIDELINES_URL, summary: pc.help?.help_guidelines_summary };
}

/** The reply to /help (upstream's text, including its leading newline and tab). */
export function helpMessage(g: HelpGuidelines): string {
  const removal = 'If this request no longer meets these requirements, the label can be removed\nby commenting with the `/remove-help` command.\n';
  if (g.summary) {
    return `\n\t${HELP_MSG_MARK}\n\n### Guidelines\n${g.summary}\n\nFor more details on the requirements of such an issue, please see [here](${g.url}) and ensure that they are met.\n\n${removal}`;
  }
  return `\n\t${HELP_MSG_MARK}\n\nPlease ensure the request meets the requirements listed [here](${g.url}).\n\n${removal}`;
}

/** The reply to /good-first-issue. */
export function goodFirstIssueMessage(g: HelpGuidelines): string {
  const removal =
    'If this request no longer meets these requirements, the label can be removed\nby commenting with the `/remove-good-first-issue` command.\n';
  if (g.summary) {
    return `\n\t${GOOD_FIRST_ISSUE_MSG_MARK}\n\n### Guidelines\n${g.summary}\n\nFor more details on the requirements of such an issue, please see [here](${g.url}#good-first-issue) and ensure that they are met.\n\n${removal}`;
  }
  return `\n\t${GOOD_FIRST_ISSUE_MSG_MARK}\n\nPlease ensure the request meets the requirements listed [here](${g.url}#good-first-issue).\n\n${removal}`;
}

/** `redelivery` (default true): check the bot's comments before replying (PluginContext.redelivery). */
export async function handleHelp(gh: HelpGitHub, log: Logger, g: HelpGuidelines, e: GenericCommentEvent, redelivery = true): Promise<void> {
  if (e.isPR || e.issueState !== 'open' || e.action !== 'created') return;
  const wantsSomething =
    helpRe.test(e.body) || helpRemoveRe.test(e.body) || goodFirstIssueRe.test(e.body) || goodFirstIssueRemoveRe.test(e.body);
  if (!wantsSomething) return;

  const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
  const hasHelp = hasLabel(labels, HELP_WANTED);
  const hasGoodFirst = hasLabel(labels, GOOD_FIRST_ISSUE);
  // Upstream quotes the issue's URL (not the comment's) in these replies.
  const reply = (text: string): Promise<boolean> =>
    commentOnce(gh, e.org, e.repo, e.number, formatResponseRaw(e.body, e.issueHTMLURL, e.user, text), redelivery);
  const prune = (mark: string): Promise<number> => pruneBotComments(gh, e.org, e.repo, e.number, (c) => c.body.includes(mark));

  // The first branch that applies wins, in upstream's order.
  if (hasHelp && helpRemoveRe.test(e.body)) {
    log.info({ label: HELP_WANTED }, 'removing help wanted');
    await gh.removeLabel(e.org, e.repo, e.number, HELP_WANTED);
    await prune(HELP_MSG_MARK);
    if (hasGoodFirst) {
      await gh.removeLabel(e.org, e.repo, e.number, GOOD_FIRST_ISSUE);
      await prune(GOOD_FIRST_ISSUE_MSG_MARK);
    }
    return;
  }
  if (!hasGoodFirst && goodFirstIssueRe.test(e.body)) {
    log.info({ label: GOOD_FIRST_ISSUE }, 'adding good first issue');
    await reply(goodFirstIssueMessage(g));
    await gh.addLabel(e.org, e.repo, e.number, GOOD_FIRST_ISSUE);
    if (!hasHelp) await gh.addLabel(e.org, e.repo, e.number, HELP_WANTED);
    return;
  }
  if (!hasHelp && helpRe.test(e.body)) {
    log.info({ label: HELP_WANTED }, 'adding help wanted');
    await reply(helpMessage(g));
    await gh.addLabel(e.org, e.repo, e.number, HELP_WANTED);
    return;
  }
  if (hasGoodFirst && goodFirstIssueRemoveRe.test(e.body)) {
    log.info({ label: GOOD_FIRST_ISSUE }, 'removing good first issue');
    await gh.removeLabel(e.org, e.repo, e.number, GOOD_FIRST_ISSUE);
    await prune(GOOD_FIRST_ISSUE_MSG_MARK);
  }
}

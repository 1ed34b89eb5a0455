// hold (upstream pkg/plugins/hold/hold.go): anyone may put `do-not-merge/hold` on a PR, or take it off.
import RE2 from 're2';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import { HOLD, hasLabel } from '../../api/labels.js';

const holdRe = new RE2('(?mi)^/hold(\\s.*)?$');
const holdCancelRe = new RE2('(?mi)^/(remove-hold|hold\\s+cancel|unhold)(\\s.*)?$');

export type HoldGitHub = Pick<GitHubClient, 'listIssueLabels' | 'addLabel' | 'removeLabel'>;

export const holdPlugin: Plugin = {
  name: 'hold',
  help: {
    description: `The hold plugin lets anyone add or remove the '${HOLD}' label on a pull request, to keep it from merging for a while without withdrawing approval.`,
    commands: [
      {
        usage: '/[remove-][un]hold [cancel]',
        description: `Adds or removes the \`${HOLD}\` label, which tells the merge automation not to merge the PR.`,
        featured: false,
        whoCanUse: `Anyone can use the /hold command to add or remove the '${HOLD}' label.`,
        examples: ['/hold', '/hold cancel', '/unhold', '/remove-hold'],
      },
    ],
  },
  handlers: { genericComment: (e, ctx) => handleHold(ctx.github, ctx.log, e) },
};

export async function handleHold(gh: HoldGitHub, log: Logger, e: GenericCommentEvent): Promise<void> {
  if (!e.isPR || e.action !== 'created') return;
  // cancel is checked first: "/hold cancel" also matches the hold pattern
  const want = holdCancelRe.test(e.body) ? false : holdRe.test(e.body) ? true : undefined;
  if (want === undefined) return;
  const held = hasLabel(await gh.listIssueLabels(e.org, e.repo, e.number), HOLD);
  if (held === want) return;
  log.info({ label: HOLD, add: want }, want ? 'adding hold' : 'removing hold');
  if (want) await gh.addLabel(e.org, e.repo, e.number, HOLD);
  else await gh.removeLabel(e.org, e.repo, e.number, HOLD);
}

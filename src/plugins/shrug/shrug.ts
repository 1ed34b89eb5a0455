// shrug (upstream pkg/plugins/shrug/shrug.go): `/shrug` adds the ¯\_(ツ)_/¯ label, `/unshrug` takes it off
// and answers with an (escaped) shrug.
import RE2 from 're2';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import { commentOnce } from '../shared/comments.js';
import { SHRUG, hasLabel } from '../../api/labels.js';
import { formatEventResponse } from '../shared/respond.js';

const shrugRe = new RE2('(?mi)^/shrug\\s*$');
const unshrugRe = new RE2('(?mi)^/unshrug\\s*$');

/** The shrug with its markdown escaped, so it renders as ¯\_(ツ)_/¯ in a comment. */
export const ESCAPED_SHRUG = '¯\\\\\\_(ツ)\\_/¯';

export type ShrugGitHub = Pick<
  GitHubClient,
  'listIssueLabels' | 'addLabel' | 'removeLabel' | 'botUser' | 'listComments' | 'createComment'
>;

export const shrugPlugin: Plugin = {
  name: 'shrug',
  help: {
    description: SHRUG,
    commands: [{ usage: '/[un]shrug', description: SHRUG, featured: false, whoCanUse: `Anyone, ${SHRUG}`, examples: ['/shrug', '/unshrug'] }],
  },
  handlers: { genericComment: (e, ctx) => handleShrug(ctx.github, ctx.log, e) },
};

export async function handleShrug(gh: ShrugGitHub, log: Logger, e: GenericCommentEvent): Promise<void> {
  if (e.action !== 'created') return;
  const want = shrugRe.test(e.body) ? true : unshrugRe.test(e.body) ? false : undefined;
  if (want === undefined) return;
  const has = hasLabel(await gh.listIssueLabels(e.org, e.repo, e.number), SHRUG);
  if (has === want) return;
  if (want) {
    log.info({ label: SHRUG }, 'adding shrug');
    await gh.addLabel(e.org, e.repo, e.number, SHRUG);
    return;
  }
  log.info({ label: SHRUG }, 'removing shrug');
  await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, ESCAPED_SHRUG));
  await gh.removeLabel(e.org, e.repo, e.number, SHRUG);
}

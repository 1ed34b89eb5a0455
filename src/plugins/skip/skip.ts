// skip (upstream pkg/plugins/skip/skip.go): `/skip` on an open PR marks the stale statuses of optional
// presubmits (not required, not successful, not about to be run by this comment) as skipped: success with
// the description "Skipped". Presubmits come from the static job config (in-repo .prow.yaml jobs are not
// read here yet).
import RE2 from 're2';
import { contextRequired, triggerMatches } from '../../config/match.js';
import type { Presubmit } from '../../config/types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

const skipRe = new RE2('(?mi)^/skip\\s*$');

export type SkipGitHub = Pick<GitHubClient, 'getPullRequest' | 'getCombinedStatus' | 'createStatus' | 'botUser' | 'listComments' | 'createComment'>;

export const skipPlugin: Plugin = {
  name: 'skip',
  help: {
    description: 'The skip plugin allows users to clean up GitHub stale commit statuses for non-blocking jobs on a PR.',
    commands: [{ usage: '/skip', description: 'Cleans up GitHub stale commit statuses for non-blocking jobs on a PR.', featured: false, whoCanUse: 'Anyone can trigger this command on a PR.', examples: ['/skip'] }],
  },
  handlers: {
    genericComment: (e, ctx) => handleSkip(ctx.github, ctx.log, e, ctx.snapshot.config.presubmits[`${e.org}/${e.repo}`] ?? [], ctx.redelivery),
  },
};

export async function handleSkip(gh: SkipGitHub, log: Logger, e: GenericCommentEvent, presubmits: readonly Presubmit[], redelivery = true): Promise<void> {
  if (!e.isPR || e.issueState !== 'open' || e.action !== 'created' || !skipRe.test(e.body)) return;
  const reply = (text: string) => commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, text), redelivery);
  let head: string;
  try {
    head = (await gh.getPullRequest(e.org, e.repo, e.number)).head.sha;
  } catch (err) {
    log.warn({ err }, 'cannot get the pull request');
    await reply(`Cannot get PR #${e.number} in ${e.org}/${e.repo}: ${(err as Error).message}`);
    return;
  }
  let combined: Awaited<ReturnType<SkipGitHub['getCombinedStatus']>>;
  try {
    combined = await gh.getCombinedStatus(e.org, e.repo, head);
  } catch (err) {
    log.warn({ err }, 'cannot get the combined status');
    await reply(`Cannot get combined commit statuses for PR #${e.number} in ${e.org}/${e.repo}: ${(err as Error).message}`);
    return;
  }
  if (combined.state === 'success') return;
  for (const job of presubmits) {
    const status = combined.statuses.find((s) => s.context === job.context);
    if (status === undefined || status.state === 'success') continue;
    if (triggerMatches(job, e.body)) continue; // trigger runs it for this comment
    if (contextRequired(job)) continue;
    try {
      await gh.createStatus(e.org, e.repo, head, { state: 'success', description: 'Skipped', context: job.context });
    } catch (err) {
      log.warn({ err, context: job.context }, 'cannot update the status');
      await reply(`Cannot update PR status for context ${job.context}: ${(err as Error).message}`);
      return;
    }
  }
}

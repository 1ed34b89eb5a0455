// milestonestatus (upstream pkg/plugins/milestonestatus/milestonestatus.go): members of the milestone
// maintainers team apply status/* labels with `/status approved-for-milestone|in-progress|in-review`.
import RE2 from 're2';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import { normLogin } from '../../github/login.js';
import type { Logger } from '../../observability/logger.js';
import { hasLabel } from '../../api/labels.js';
import { commentOnce } from '../shared/comments.js';
import { milestoneMaintainers, notMaintainerMessage, repoMilestoneFor, type RepoMilestone } from '../milestone/milestone.js';
import type { Plugin } from '../types.js';

const statusRe = new RE2('(?m)^/status\\s+(.+)$', 'g');
const STATUS: Record<string, string> = {
  'approved-for-milestone': 'status/approved-for-milestone',
  'in-progress': 'status/in-progress',
  'in-review': 'status/in-review',
};

export type MilestoneStatusGitHub = Pick<GitHubClient, 'listTeams' | 'listTeamMembers' | 'listIssueLabels' | 'addLabel' | 'botUser' | 'listComments' | 'createComment'>;

export const milestoneStatusPlugin: Plugin = {
  name: 'milestonestatus',
  help: {
    description: "The milestonestatus plugin allows members of the milestone maintainers GitHub team to specify the 'status/*' label that should apply to a pull request.",
    commands: [{ usage: '/status (approved-for-milestone|in-progress|in-review)', description: "Applies the 'status/' label to a PR.", featured: false, whoCanUse: "Members of the milestone maintainers GitHub team can use the '/status' command. This team is specified in the config by providing the GitHub team's ID.", examples: ['/status approved-for-milestone', '/status in-progress', '/status in-review'] }],
  },
  configHelp: (pc, enabledRepos) => {
    const msg = (m: RepoMilestone | undefined) => `The milestone maintainers team is the GitHub team ${JSON.stringify(m?.maintainers_team ?? '')}`;
    const out: Record<string, string> = {};
    for (const r of enabledRepos) if (pc.repo_milestone?.[r] !== undefined) out[r] = msg(pc.repo_milestone[r]);
    out[''] = msg(pc.repo_milestone?.['']);
    return out;
  },
  handlers: { genericComment: (e, ctx) => handleMilestoneStatus(ctx.github, ctx.log, e, repoMilestoneFor(ctx.snapshot.plugins, e.org, e.repo), ctx.redelivery) },
};

export async function handleMilestoneStatus(gh: MilestoneStatusGitHub, log: Logger, e: GenericCommentEvent, m: RepoMilestone, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  const matches = [...e.body.matchAll(statusRe)];
  if (matches.length === 0) return;
  const maintainers = await milestoneMaintainers(gh, m, e.org);
  if (!maintainers.some((p) => normLogin(p.login) === normLogin(e.user))) {
    // upstream posts this text bare, without the usual reply wrapper
    await commentOnce(gh, e.org, e.repo, e.number, notMaintainerMessage(e.org, m, 'add status labels'), redelivery);
    return;
  }
  const labels = redelivery ? await gh.listIssueLabels(e.org, e.repo, e.number) : [];
  for (const match of matches) {
    const label = STATUS[(match[1] ?? '').trim()];
    if (label === undefined || hasLabel(labels, label)) continue;
    log.info({ label }, 'adding status label');
    await gh.addLabel(e.org, e.repo, e.number, label);
  }
}

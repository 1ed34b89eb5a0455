// milestone (upstream pkg/plugins/milestone/milestone.go): members of the repo's milestone maintainers team
// (`repo_milestone`, by team slug or id; the "" entry is the default) set or clear the milestone of an
// issue or PR with `/milestone <title>` or `/milestone clear`.
import RE2 from 're2';
import type { PluginsConfig } from '../../config/types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient, UserRef } from '../../github/types.js';
import { normLogin } from '../../github/login.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

const milestoneRe = new RE2('(?m)^/milestone\\s+(.+?)\\s*$');
const CLEAR = 'clear';

export type RepoMilestone = NonNullable<PluginsConfig['repo_milestone']>[string];
export type MilestoneGitHub = Pick<GitHubClient, 'listTeams' | 'listTeamMembers' | 'listMilestones' | 'patchIssue' | 'botUser' | 'listComments' | 'createComment'>;

/** The repo's entry, else the "" default. */
export function repoMilestoneFor(pc: PluginsConfig, org: string, repo: string): RepoMilestone {
  return pc.repo_milestone?.[`${org}/${repo}`] ?? pc.repo_milestone?.[''] ?? {};
}

/** The team's members: by slug, or by id through the org's team list (upstream ListTeamMembers by id). */
export async function milestoneMaintainers(gh: Pick<GitHubClient, 'listTeams' | 'listTeamMembers'>, m: RepoMilestone, org: string): Promise<UserRef[]> {
  let slug = m.maintainers_team ?? '';
  if (slug === '' && m.maintainers_id !== undefined) slug = (await gh.listTeams(org)).find((t) => t.id === m.maintainers_id)?.slug ?? '';
  if (slug === '') return [];
  return gh.listTeamMembers(org, slug, 'all');
}

export function notMaintainerMessage(org: string, m: RepoMilestone, what: string): string {
  const team = m.maintainers_team ?? '';
  return `You must be a member of the [${org}/${team}](https://github.com/orgs/${org}/teams/${team}/members) GitHub team to ${what}. If you believe you should be able to issue the /${what === 'set the milestone' ? 'milestone' : 'status'} command, please contact your ${m.maintainers_friendly_name ?? ''} and have them propose you as an additional delegate for this responsibility.`;
}

export const milestonePlugin: Plugin = {
  name: 'milestone',
  help: {
    description: 'The milestone plugin allows members of a configurable GitHub team to set the milestone on an issue or pull request.',
    commands: [{ usage: '/milestone <version> or /milestone clear', description: 'Updates the milestone for an issue or PR', featured: false, whoCanUse: "Members of the milestone maintainers GitHub team can use the '/milestone' command.", examples: ['/milestone v1.10', '/milestone v1.9', '/milestone clear'] }],
  },
  configHelp: (pc, enabledRepos) => {
    const msg = (m: RepoMilestone | undefined) => `The milestone maintainers team is the GitHub team ${JSON.stringify(m?.maintainers_team ?? '')} with ID: ${m?.maintainers_id ?? 0}.`;
    const out: Record<string, string> = {};
    for (const r of enabledRepos) if (pc.repo_milestone?.[r] !== undefined) out[r] = msg(pc.repo_milestone[r]);
    out[''] = msg(pc.repo_milestone?.['']);
    return out;
  },
  handlers: { genericComment: (e, ctx) => handleMilestone(ctx.github, ctx.log, e, repoMilestoneFor(ctx.snapshot.plugins, e.org, e.repo), ctx.redelivery) },
};

export async function handleMilestone(gh: MilestoneGitHub, log: Logger, e: GenericCommentEvent, m: RepoMilestone, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  const match = milestoneRe.exec(e.body);
  if (match === null) return;
  const reply = (text: string) => commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, text), redelivery);
  const maintainers = await milestoneMaintainers(gh, m, e.org);
  if (!maintainers.some((p) => normLogin(p.login) === normLogin(e.user))) {
    await reply(notMaintainerMessage(e.org, m, 'set the milestone'));
    return;
  }
  const milestones = await gh.listMilestones(e.org, e.repo);
  const wanted = match[1] ?? '';
  if (wanted === CLEAR) {
    await gh.patchIssue(e.org, e.repo, e.number, { milestone: null });
    return;
  }
  const found = milestones.find((x) => x.title === wanted);
  if (found === undefined) {
    const titles = [...new Set(milestones.map((x) => `\`${x.title}\``))].sort();
    await reply(`The provided milestone is not valid for this repository. Milestones in this repository: [${titles.join(', ')}]\n\nUse \`/milestone ${CLEAR}\` to clear the milestone.`);
    return;
  }
  log.info({ milestone: wanted }, 'setting milestone');
  await gh.patchIssue(e.org, e.repo, e.number, { milestone: found.number });
}

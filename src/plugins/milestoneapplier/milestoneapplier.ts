// milestoneapplier (upstream pkg/plugins/milestoneapplier/milestoneapplier.go): a PR merged into a branch
// with a configured milestone gets it; a PR opened against a non-default branch gets it at once.
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';

/** "org/repo" → base branch → milestone title */
export type MilestoneApplierConfig = Record<string, Record<string, string>>;

export const milestoneApplierConfigSection: PluginConfigSection<MilestoneApplierConfig> = {
  section: 'milestone_applier',
  schema: S.map(S.map(S.str)),
  defaults: (raw) => (raw as MilestoneApplierConfig | undefined) ?? {},
};

export type MilestoneApplierGitHub = Pick<GitHubClient, 'listMilestones' | 'patchIssue' | 'getIssue'>;

export const milestoneApplierPlugin: Plugin = {
  name: 'milestoneapplier',
  help: {
    description: 'The milestoneapplier plugin automatically applies the configured milestone for the base branch after a PR is merged. If a PR targets a non-default branch, it also adds the milestone when the PR is opened.',
    snippet: 'milestone_applier:\n  kubernetes/kubernetes:\n    release-1.18: v1.18\n    release-1.19: v1.19\n',
  },
  config: milestoneApplierConfigSection,
  configHelp: (pc, enabledRepos) => {
    const cfg = (pc as { milestone_applier?: MilestoneApplierConfig }).milestone_applier ?? {};
    return Object.fromEntries(enabledRepos.map((r) => [r,
      `The configured branches and milestones for this repo are:\n${Object.entries(cfg[r] ?? {}).map(([b, m]) => `- \`${b}\`: \`${m}\``).join('\n')}`]));
  },
  handlers: {
    pullRequest: async (e, ctx) => {
      const milestone = (ctx.snapshot.plugins as { milestone_applier?: MilestoneApplierConfig }).milestone_applier?.[`${e.org}/${e.repo}`]?.[e.baseRef];
      if (milestone !== undefined) await handleMilestoneApplier(ctx.github, ctx.log, e, milestone, ctx.redelivery);
    },
  },
};

export class MissingMilestoneError extends Error {
  override readonly name = 'MissingMilestoneError';
}

export async function handleMilestoneApplier(gh: MilestoneApplierGitHub, log: Logger, e: PullRequestEvent, milestone: string, redelivery = true): Promise<void> {
  const pr = e.pullRequest as { merged?: boolean | null; milestone?: { title?: string } | null; base: { ref: string; repo: { default_branch?: string } } };
  if (pr.milestone?.title === milestone) return;
  const merged = e.action === 'closed' && pr.merged === true;
  if (pr.base.repo.default_branch !== pr.base.ref) {
    if (!merged && e.action !== 'opened') return;
  } else if (!merged) return;
  // a redelivery may find the milestone set by the first handling: the payload is older than that
  if (redelivery && (await gh.getIssue(e.org, e.repo, e.number)).milestone?.title === milestone) return;
  const found = (await gh.listMilestones(e.org, e.repo)).find((m) => m.title === milestone);
  if (found === undefined) throw new MissingMilestoneError(`The configured milestone ${milestone} for ${pr.base.ref} branch does not exist in the ${e.org}/${e.repo} repo`);
  log.info({ milestone }, 'applying milestone');
  await gh.patchIssue(e.org, e.repo, e.number, { milestone: found.number });
}

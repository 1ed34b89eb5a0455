// branchcleaner (upstream pkg/plugins/branchcleaner/branchcleaner.go): when a PR from a branch of the same
// repository merges, delete that branch, unless plugins.yaml preserves it (`branch_cleaner.preserved_branches`
// by org or org/repo, each entry a branch name or a regular expression).
import { S } from '../../config/decode.js';
import { compileRegex } from '../../go/regex.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { PluginsConfig } from '../../config/types.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import { GitHubError } from '../../github/errors.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';

/** plugins.yaml `branch_cleaner` (upstream plugins.BranchCleaner). */
export interface BranchCleanerConfig {
  preserved_branches?: Record<string, string[]>;
}

export const branchCleanerConfigSection: PluginConfigSection<BranchCleanerConfig> = {
  section: 'branch_cleaner',
  schema: S.obj('BranchCleaner', { preserved_branches: S.map(strList) }),
  defaults: (raw) => (raw as BranchCleanerConfig | undefined) ?? {},
};

function configOf(pc: PluginsConfig): BranchCleanerConfig {
  return (pc as { branch_cleaner?: BranchCleanerConfig }).branch_cleaner ?? {};
}

/**
 * Upstream BranchCleaner.IsPreservedBranch: a branch listed (or matched as an unanchored regular
 * expression) under the repo or its org is kept.
 */
export function isPreservedBranch(cfg: BranchCleanerConfig, org: string, repo: string, branch: string): boolean {
  const lists = [cfg.preserved_branches?.[`${org}/${repo}`] ?? [], cfg.preserved_branches?.[org] ?? []];
  return lists.some((list) => list.some((pb) => {
    if (pb === branch) return true;
    try {
      return compileRegex(pb).test(branch);
    } catch {
      return false; // as upstream: an entry that is no valid pattern still matches by its exact name
    }
  }));
}

export type BranchCleanerGitHub = Pick<GitHubClient, 'deleteRef' | 'getRef'>;

export const branchCleanerPlugin: Plugin = {
  name: 'branchcleaner',
  help: {
    description: "The branchcleaner plugin automatically deletes source branches for merged PRs between two branches on the same repository. This is helpful to keep repos that don't allow forking clean.",
    snippet: 'branch_cleaner:\n  # branches in this allow map would be exempt from branch gc\n  preserved_branches:\n    kubernetes/kubernetes:\n    - master\n    kubernetes-sigs:\n    - master\n',
  },
  config: branchCleanerConfigSection,
  configHelp: (pc, enabledRepos) => {
    const out: Record<string, string> = {};
    for (const full of enabledRepos) {
      const list = configOf(pc).preserved_branches?.[full];
      if (list !== undefined) out[full] = `The preserved branches for repo ${full} is [${list.join(' ')}]`;
    }
    return out;
  },
  handlers: { pullRequest: (e, ctx) => handleBranchCleaner(ctx.github, ctx.log, e, configOf(ctx.snapshot.plugins), ctx.redelivery) },
};

interface PrRepos {
  merged?: boolean;
  head?: { ref?: string; repo?: { full_name?: string } | null };
  base?: { repo?: { full_name?: string } };
}

export async function handleBranchCleaner(gh: BranchCleanerGitHub, log: Logger, e: PullRequestEvent, cfg: BranchCleanerConfig, redelivery = true): Promise<void> {
  const pr = e.pullRequest as PrRepos;
  if (e.action !== 'closed' || pr.merged !== true) return;
  // Only branches of this repository: a fork's branch is not ours to delete.
  if (pr.base?.repo?.full_name === undefined || pr.base.repo.full_name !== pr.head?.repo?.full_name) return;
  const branch = pr.head.ref ?? '';
  if (branch === '' || isPreservedBranch(cfg, e.org, e.repo, branch)) return;
  // A redelivery may find the branch gone already: deleted the first time. Only then is it looked up.
  if (redelivery && !(await branchExists(gh, e.org, e.repo, branch))) return;
  try {
    await gh.deleteRef(e.org, e.repo, `heads/${branch}`);
    log.info({ branch }, 'deleted the merged branch');
  } catch (err) {
    throw new Error(`failed to delete branch ${branch} on repo ${e.org}/${e.repo} after Pull Request #${e.number} got merged`, { cause: err });
  }
}

async function branchExists(gh: BranchCleanerGitHub, org: string, repo: string, branch: string): Promise<boolean> {
  try {
    await gh.getRef(org, repo, `heads/${branch}`);
    return true;
  } catch (err) {
    if (err instanceof GitHubError && err.status === 404) return false;
    throw err;
  }
}

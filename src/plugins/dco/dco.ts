// dco (upstream pkg/plugins/dco/dco.go): every non-merge commit of a PR must carry a `Signed-off-by:` line
// (the Developer Certificate of Origin). The plugin keeps the `dco` status context and the
// `dco-signoff: yes|no` labels in step with the commits, and tells the author which commits lack it.
import RE2 from 're2';
import { S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { PluginsConfig } from '../../config/types.js';
import type { GenericCommentEvent, PullRequestEvent } from '../../github/event-types.js';
import type { Commit, GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { ABOUT_THIS_BOT } from '../shared/respond.js';
import { markdownShaList } from '../invalidcommitmsg/invalidcommitmsg.js';
import { trustedUser } from '../trigger/trust.js';
import type { Plugin } from '../types.js';

export const DCO_CONTEXT = 'dco';
export const DCO_YES_LABEL = 'dco-signoff: yes';
export const DCO_NO_LABEL = 'dco-signoff: no';
const DCO_FAILED = 'Commits in PR missing Signed-off-by';
const DCO_SUCCESS = 'All commits have Signed-off-by';
const DCO_PRUNE_MATCH = "Thanks for your pull request. Before we can look at it, you'll need to add a 'DCO signoff' to your commits.";

const checkDcoRe = new RE2('(?mi)^/check-dco\\s*$');
const signedOffRe = new RE2('(?mi)^signed-off-by:');

/** plugins.yaml `dco["org/repo" | "org" | "*"]` (upstream plugins.Dco). */
export interface DcoConfig {
  skip_dco_check_for_members?: boolean;
  trusted_apps?: string[];
  trusted_org?: string;
  skip_dco_check_for_collaborators?: boolean;
  contributing_repo?: string;
  contributing_branch?: string;
  contributing_path?: string;
}

export const dcoConfigSection: PluginConfigSection<Record<string, DcoConfig>> = {
  section: 'dco',
  schema: S.map(S.obj('Dco', {
    skip_dco_check_for_members: S.bool, trusted_apps: strList, trusted_org: S.str, skip_dco_check_for_collaborators: S.bool,
    contributing_repo: S.str, contributing_branch: S.str, contributing_path: S.str,
  })),
  defaults: (raw) => (raw as Record<string, DcoConfig> | undefined) ?? {},
};

/** Upstream Configuration.DcoFor: the repo's entry, else the org's, else `*`, else nothing set. */
export function dcoFor(pc: PluginsConfig, org: string, repo: string): DcoConfig {
  const all = (pc as { dco?: Record<string, DcoConfig | null> }).dco ?? {};
  return all[`${org}/${repo}`] ?? all[org] ?? all['*'] ?? {};
}

export type DcoGitHub = Pick<GitHubClient,
  'botUser' | 'isMember' | 'isCollaborator' | 'listPullRequestCommits' | 'getPullRequest' | 'getCombinedStatus' | 'listIssueLabels' |
  'addLabel' | 'removeLabel' | 'createStatus' | 'listComments' | 'createComment' | 'deleteComment'>;

export const dcoPlugin: Plugin = {
  name: 'dco',
  help: {
    description: `The dco plugin checks pull request commits for 'DCO sign off' and maintains the '${DCO_CONTEXT}' status context, as well as the 'dco' label.`,
    snippet: 'dco:\n  org/repo:\n    # the commits of trusted org members skip the check\n    skip_dco_check_for_members: true\n    trusted_org: org\n    skip_dco_check_for_collaborators: true\n    contributing_repo: other-org/other-repo\n    contributing_branch: main\n    contributing_path: docs/CONTRIBUTING.md\n',
    commands: [{ usage: '/check-dco', description: 'Forces rechecking of the DCO status.', featured: true, whoCanUse: 'Anyone', examples: ['/check-dco'] }],
  },
  config: dcoConfigSection,
  configHelp: (pc, enabledRepos) => {
    const out: Record<string, string> = {};
    for (const full of enabledRepos) {
      const [org = '', repo = ''] = full.split('/');
      const c = dcoFor(pc, org, repo);
      // Upstream prints the repo here, not trusted_org; kept as upstream words it.
      if (c.skip_dco_check_for_members === true || c.skip_dco_check_for_collaborators === true) out[full] = `The trusted GitHub organization for this repository is "${full}".`;
    }
    return out;
  },
  handlers: {
    pullRequest: (e, ctx) => handleDcoPullRequest(ctx.github, ctx.log, e, dcoFor(ctx.snapshot.plugins, e.org, e.repo), ctx.redelivery),
    genericComment: (e, ctx) => handleDcoComment(ctx.github, ctx.log, e, dcoFor(ctx.snapshot.plugins, e.org, e.repo), ctx.redelivery),
  },
};

export async function handleDcoPullRequest(gh: DcoGitHub, log: Logger, e: PullRequestEvent, cfg: DcoConfig, redelivery = true): Promise<void> {
  if (e.action !== 'opened' && e.action !== 'reopened' && e.action !== 'synchronize') return;
  // Upstream comments on opened and synchronize only: a reopened PR keeps the comment it had.
  await checkDco(gh, log, e.org, e.repo, e.number, e.headSHA, cfg, e.action !== 'reopened', redelivery);
}

export async function handleDcoComment(gh: DcoGitHub, log: Logger, e: GenericCommentEvent, cfg: DcoConfig, redelivery = true): Promise<void> {
  if (e.issueState !== 'open' || e.action !== 'created' || !e.isPR || !checkDcoRe.test(e.body)) return;
  const pr = await gh.getPullRequest(e.org, e.repo, e.number);
  await checkDco(gh, log, e.org, e.repo, e.number, pr.head.sha, cfg, true, redelivery);
}

/** The commits that are not merges and lack a sign-off line. */
function commitsMissingSignOff(commits: readonly Commit[]): Commit[] {
  return commits.filter((c) => c.parents.length <= 1 && !signedOffRe.test(c.message));
}

export function contributingUrl(org: string, repo: string, cfg: DcoConfig): string {
  const where = cfg.contributing_repo || `${org}/${repo}`;
  return `https://github.com/${where}/blob/${cfg.contributing_branch || 'master'}/${cfg.contributing_path || 'CONTRIBUTING.md'}`;
}

export function dcoComment(org: string, repo: string, url: string, missing: readonly Commit[]): string {
  return `${DCO_PRUNE_MATCH}

:memo: **Please follow instructions in the [contributing guide](${url}) to update your commits with the DCO**

Full details of the Developer Certificate of Origin can be found at [developercertificate.org](https://developercertificate.org/).

**The list of commits missing DCO signoff**:

${markdownShaList(org, repo, missing)}

<details>

${ABOUT_THIS_BOT}
</details>
`;
}

async function checkDco(
  gh: DcoGitHub, log: Logger, org: string, repo: string, number: number, headSha: string, cfg: DcoConfig, addComment: boolean, redelivery: boolean,
): Promise<void> {
  let missing = commitsMissingSignOff(await gh.listPullRequestCommits(org, repo, number));
  if (cfg.skip_dco_check_for_members === true || cfg.skip_dco_check_for_collaborators === true || (cfg.trusted_apps ?? []).length > 0) {
    const trust = { only_org_members: cfg.skip_dco_check_for_collaborators !== true, trusted_apps: cfg.trusted_apps, trusted_org: cfg.trusted_org };
    const untrusted: Commit[] = [];
    for (const c of missing) {
      // A commit whose author GitHub could not map to a user cannot be trusted (upstream checks "").
      if (c.authorLogin === null || !(await trustedUser(gh, trust, c.authorLogin, org, repo)).trusted) untrusted.push(c);
    }
    missing = untrusted;
  }
  const existing = (await gh.getCombinedStatus(org, repo, headSha)).statuses.find((s) => s.context === DCO_CONTEXT)?.state ?? '';
  const labels = await gh.listIssueLabels(org, repo, number);
  const hasYes = labels.includes(DCO_YES_LABEL);
  const hasNo = labels.includes(DCO_NO_LABEL);
  const url = contributingUrl(org, repo, cfg);
  const isDcoComment = (c: { body: string }) => c.body.includes(DCO_PRUNE_MATCH);
  if (missing.length === 0) {
    if (hasNo) await gh.removeLabel(org, repo, number, DCO_NO_LABEL);
    if (!hasYes) await gh.addLabel(org, repo, number, DCO_YES_LABEL);
    if (existing !== 'success') await gh.createStatus(org, repo, headSha, { context: DCO_CONTEXT, state: 'success', targetUrl: url, description: DCO_SUCCESS });
    await pruneBotComments(gh, org, repo, number, isDcoComment);
    return;
  }
  log.info({ commits: missing.map((c) => c.sha) }, 'commits missing sign-off');
  if (!hasNo) await gh.addLabel(org, repo, number, DCO_NO_LABEL);
  if (hasYes) await gh.removeLabel(org, repo, number, DCO_YES_LABEL);
  if (existing !== 'failure') await gh.createStatus(org, repo, headSha, { context: DCO_CONTEXT, state: 'failure', targetUrl: url, description: DCO_FAILED });
  if (!addComment) return;
  const body = dcoComment(org, repo, url, missing);
  // Upstream deletes its old comment and posts afresh; an identical comment (a redelivery) is kept.
  await pruneBotComments(gh, org, repo, number, (c) => isDcoComment(c) && c.body !== body);
  await commentOnce(gh, org, repo, number, body, redelivery);
}

// Who may start tests (upstream pkg/plugins/trigger/trigger.go, trigger.TrustedUser and
// TrustedPullRequest). Other plugins (retitle, ...) use trustedUser too.
import type { TriggerConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import { OK_TO_TEST } from '../../api/labels.js';
import { isBot } from '../../github/login.js';

export type TrustGitHub = Pick<GitHubClient, 'botUser' | 'isMember' | 'isCollaborator'>;

export interface TrustResult {
  trusted: boolean;
  /** Why not, in upstream's words; "" when trusted. */
  reason: string;
}

function reasonText(notMember: boolean, notCollaborator: boolean, notSecondary: boolean): string {
  let r = '';
  if (notMember) r += 'User is not a member of the org. ';
  if (notCollaborator) r += 'User is not a collaborator. ';
  if (notSecondary) r += 'User is not a member of the trusted secondary org. ';
  return `${r}Satisfy at least one of these conditions to make the user trusted.`;
}

/** Steps of upstream TrustedUser, stopping at the first that applies. */
export async function trustedUser(gh: TrustGitHub, cfg: TriggerConfig, user: string, org: string, repo: string): Promise<TrustResult> {
  const ok = { trusted: true, reason: '' };
  if (await isBot(gh, user)) return ok;
  if (await gh.isMember(org, user)) return ok;
  const onlyOrg = cfg.only_org_members ?? false;
  if (!onlyOrg && (await gh.isCollaborator(org, repo, user))) return ok;
  for (const app of cfg.trusted_apps ?? []) {
    if (user.endsWith('[bot]') && user.slice(0, -'[bot]'.length) === app) return ok;
  }
  const trustedOrg = cfg.trusted_org ?? '';
  if (trustedOrg === '' || trustedOrg === org) {
    return { trusted: false, reason: reasonText(true, !onlyOrg, false) };
  }
  if (await gh.isMember(trustedOrg, user)) return ok;
  return { trusted: false, reason: reasonText(true, !onlyOrg, true) };
}

/**
 * Upstream TrustedPullRequest: the author is trusted, or the PR carries `ok-to-test`. Labels are read
 * only when the author is not trusted (and not already known); they are returned for reuse.
 */
export async function trustedPullRequest(
  gh: TrustGitHub & Pick<GitHubClient, 'listIssueLabels'>,
  cfg: TriggerConfig,
  author: string,
  org: string,
  repo: string,
  number: number,
  labels?: string[],
): Promise<{ trusted: boolean; labels: string[] | undefined }> {
  if ((await trustedUser(gh, cfg, author, org, repo)).trusted) return { trusted: true, labels };
  const l = labels ?? (await gh.listIssueLabels(org, repo, number));
  return { trusted: l.includes(OK_TO_TEST), labels: l };
}

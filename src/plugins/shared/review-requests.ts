// What blunderbuss and rifle share around reviewer selection (upstream pkg/reviewer/reviewer.go and
// pkg/plugins/assign): the commands that trigger or prevent a request, wait_for_status, the help line,
// and GitHub's "busy" status check.
import RE2 from 're2';
import type { BlunderbussConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { ReviewerSelector } from './reviewers.js';

/** upstream assign.CCRegexp: a PR body that already asks for reviewers is left alone. */
export const ccRe = new RE2('(?mi)^/(un)?cc(( +@?[-/\\w]+?)*)\\s*$');
/** upstream reviewer.AutoCCMatch */
export const autoCcRe = new RE2('(?mi)^/auto-cc\\s*$');
/** upstream's default wait_for_status description (pkg/plugins/config.go setDefaults). */
export const DEFAULT_WAIT_FOR_STATUS_DESCRIPTION = 'Not mergeable. (PullRequest is missing sufficient approving GitHub review\\(s\\)|Needs (lgtm|approved|approved, lgtm) labels?)\\.?';

export interface WaitForStatus {
  context: string;
  state: string;
  descriptionRe: RE2;
}

/** `wait_for_status` with upstream's defaults filled in; undefined when not set. */
export function waitForStatusOf(cfg: Pick<BlunderbussConfig, 'wait_for_status'>): WaitForStatus | undefined {
  const w = cfg.wait_for_status;
  if (w === undefined || w === null) return undefined;
  return { context: w.context || 'tide', state: w.state || 'pending', descriptionRe: new RE2(w.description || DEFAULT_WAIT_FOR_STATUS_DESCRIPTION) };
}

/** Upstream reviewer.ConfigString. */
export function reviewerConfigString(plugin: string, count: number): string {
  return `${plugin} is currently configured to request reviews from ${count} reviewer${count > 1 ? 's' : ''}.`;
}

const userStatusQuery = 'query($user: String!) { user(login: $user) { login status { indicatesLimitedAvailability } } }';

/**
 * Upstream reviewer.IsUserBusy: whether `login`'s GitHub status says "limited availability". A failed
 * check is logged and counts as not busy, as upstream's callers treat it.
 */
export async function isUserBusy(gh: Pick<GitHubClient, 'graphql'>, log: Logger, login: string, org: string): Promise<boolean> {
  const res = await gh.graphql<{ user?: { status?: { indicatesLimitedAvailability?: boolean } | null } | null }>(userStatusQuery, { user: login }, org)
    .catch((err: unknown) => {
      log.error({ err, user: login }, 'error checking user availability');
      return undefined;
    });
  return res?.user?.status?.indicatesLimitedAvailability === true;
}

/**
 * Upstream reviewer.FindReviewer: a random candidate of the lowest layer; with `useStatusAvailability`,
 * users whose status says busy are passed over (and remembered in `busy`).
 */
export function randomReviewerSelector(
  gh: Pick<GitHubClient, 'graphql'>, log: Logger, org: string, useStatusAvailability: boolean, busy: Set<string>, random: () => number,
): ReviewerSelector {
  return async (candidates) => {
    if (!useStatusAvailability) return candidates.popRandom(random);
    while (candidates.size > 0) {
      const c = candidates.popRandom(random);
      if (busy.has(c)) continue;
      if (!(await isUserBusy(gh, log, c, org))) return c;
      busy.add(c);
    }
    return '';
  };
}

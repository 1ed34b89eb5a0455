// What blunderbuss and rifle share around reviewer selection (upstream pkg/reviewer/reviewer.go and
// pkg/plugins/assign): the commands that trigger or prevent a request, wait_for_status, the help line,
// and GitHub's "busy" status check.
import RE2 from 're2';
import type { BlunderbussConfig } from '../../config/types.js';
import type { GenericCommentEvent, PullRequestEvent, StatusEvent } from '../../github/event-types.js';
import type { GitHubClient, PullRequest } from '../../github/types.js';
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

/** What the shared event handlers of blunderbuss and rifle read. */
export interface ReviewRequestDeps {
  gh: Pick<GitHubClient, 'getPullRequest' | 'searchIssues'>;
  log: Logger;
  config: Pick<BlunderbussConfig, 'wait_for_status' | 'ignore_drafts' | 'ignore_authors'>;
  /** A delivery seen before: a PR that already has requested reviewers gets none more. */
  redelivery: boolean;
}

/** `/auto-cc` on an open PR requests reviewers (upstream handleGenericComment). */
export async function onAutoCcComment(d: ReviewRequestDeps, e: GenericCommentEvent, request: (pr: PullRequest) => Promise<void>): Promise<void> {
  if (e.action !== 'created' || !e.isPR || e.issueState === 'closed' || !autoCcRe.test(e.body)) return;
  const pr = await d.gh.getPullRequest(e.org, e.repo, e.number);
  if (d.redelivery && pr.requestedReviewers.length > 0) return;
  await request(pr);
}

/**
 * `wait_for_status`: the status that says a PR needs review requests reviewers for each open PR whose head
 * is that commit and that has none requested yet (upstream handleStatus). Every PR is tried; the failures
 * are thrown together at the end.
 */
export async function onWaitForStatus(
  plugin: string, d: ReviewRequestDeps, e: StatusEvent, request: (pr: PullRequest) => Promise<void>,
): Promise<void> {
  const wait = waitForStatusOf(d.config);
  if (wait === undefined) return;
  if (e.state === '' || e.context === '' || e.description === '') throw new Error('invalid status event delivered with empty state/context/description');
  if (e.context !== wait.context || e.state !== wait.state || !wait.descriptionRe.test(e.description)) return;
  const issues = await d.gh.searchIssues(`${e.sha} repo:${e.org}/${e.repo} type:pr state:open`);
  d.log.info({ prs: issues.length }, 'found PRs matching the commit');
  const errors: unknown[] = [];
  for (const issue of issues) {
    const pr = await d.gh.getPullRequest(e.org, e.repo, issue.number).catch((err: unknown) => {
      d.log.warn({ err, pr: issue.number }, 'unable to fetch pull request');
      return undefined;
    });
    if (pr === undefined || pr.head.sha !== e.sha) continue;
    if (pr.draft && d.config.ignore_drafts === true) continue;
    if ((d.config.ignore_authors ?? []).includes(pr.user.login)) continue;
    if (pr.requestedReviewers.length > 0) continue;
    await request(pr).catch((err: unknown) => {
      d.log.warn({ err, pr: issue.number }, 'error processing event from commit status update');
      errors.push(err);
    });
  }
  if (errors.length > 0) throw new AggregateError(errors, `${plugin}: ${errors.length} PR(s) failed`);
}

/** The PR as the opened event names it (a redelivery reads it from GitHub, with its requested reviewers). */
export type EventPullRequest = Pick<PullRequest, 'number' | 'base' | 'user'> & { head: { sha: string } };

/**
 * A PR opened or marked ready for review requests reviewers, unless its body already asks for some with
 * `/cc`, `wait_for_status` defers the request, it is an ignored draft or author, or (on a redelivery) it
 * already has requested reviewers (upstream handlePullRequestEvent).
 */
export async function onPullRequestReady(d: ReviewRequestDeps, e: PullRequestEvent, request: (pr: EventPullRequest) => Promise<void>): Promise<void> {
  if (e.action !== 'opened' && e.action !== 'ready_for_review') return;
  const raw = e.pullRequest as { body?: string | null; draft?: boolean; user?: { login?: string } };
  if (ccRe.test(raw.body ?? '') || waitForStatusOf(d.config) !== undefined) return;
  if (raw.draft === true && d.config.ignore_drafts === true) return;
  const author = raw.user?.login ?? '';
  if ((d.config.ignore_authors ?? []).includes(author)) return;
  let pr: EventPullRequest & { requestedReviewers?: string[] } = {
    number: e.number, base: { ref: e.baseRef } as PullRequest['base'], user: { login: author } as PullRequest['user'], head: { sha: e.headSHA },
  };
  if (d.redelivery) pr = await d.gh.getPullRequest(e.org, e.repo, e.number);
  if ((pr.requestedReviewers ?? []).length > 0) return;
  await request(pr);
}

// blunderbuss (upstream pkg/plugins/blunderbuss/blunderbuss.go): when a PR opens (or on `/auto-cc`), request
// reviews from reviewers picked at random from the OWNERS files of the changed files. With
// `wait_for_status`, it waits instead for tide's "needs review" status on the PR's head.
import type { BlunderbussConfig, PluginsConfig } from '../../config/types.js';
import type { GenericCommentEvent, PullRequestEvent, StatusEvent } from '../../github/event-types.js';
import type { GitHubClient, PullRequest } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { OwnersClient } from '../../owners/types.js';
import type { Plugin } from '../types.js';
import { approversOf, getReviewers, reviewersOf } from '../shared/reviewers.js';
import { onAutoCcComment, onPullRequestReady, onWaitForStatus, randomReviewerSelector, reviewerConfigString } from '../shared/review-requests.js';

export type BlunderbussGitHub = Pick<GitHubClient, 'getPullRequest' | 'listPullRequestFiles' | 'requestReview' | 'searchIssues' | 'graphql'>;

export interface BlunderbussDeps {
  gh: BlunderbussGitHub;
  owners: OwnersClient;
  log: Logger;
  config: BlunderbussConfig;
  /** A delivery seen before: skip PRs that already have requested reviewers, so a redelivery requests none. */
  redelivery: boolean;
  random?: () => number;
}

function depsOf(ctx: Parameters<NonNullable<Plugin['handlers']['pullRequest']>>[1]): BlunderbussDeps {
  if (ctx.owners === undefined) throw new Error('blunderbuss: this process has no OWNERS client');
  return { gh: ctx.github, owners: ctx.owners, log: ctx.log, config: ctx.snapshot.plugins.blunderbuss, redelivery: ctx.redelivery };
}

export const blunderbussPlugin: Plugin = {
  name: 'blunderbuss',
  help: {
    description: 'The blunderbuss plugin automatically requests reviews from reviewers when a new PR is created. The reviewers are selected randomly from the OWNERS files that apply to the files modified by the PR.',
    snippet: 'blunderbuss:\n  # ReviewerCount is the minimum number of reviewers to request\n  request_count: 2\n  # MaxReviewerCount is the maximum number of reviewers to request (0: no limit)\n  max_request_count: 0\n  exclude_approvers: false\n  use_status_availability: false\n  ignore_drafts: false\n  ignore_authors: []\n',
    commands: [{
      usage: '/auto-cc', featured: false, whoCanUse: 'Anyone', examples: ['/auto-cc'],
      description: 'Manually request reviews from reviewers for a PR. Useful if OWNERS file were updated since the PR was opened.',
    }],
  },
  configHelp: (pc: PluginsConfig) => ({ '': reviewerConfigString('blunderbuss', pc.blunderbuss.request_count ?? 2) }),
  handlers: {
    pullRequest: (e, ctx) => handleBlunderbussPullRequest(depsOf(ctx), e),
    genericComment: (e, ctx) => handleBlunderbussComment(depsOf(ctx), e),
    status: (e, ctx) => handleBlunderbussStatus(depsOf(ctx), e),
  },
};

export async function handleBlunderbussPullRequest(d: BlunderbussDeps, e: PullRequestEvent): Promise<void> {
  await onPullRequestReady(d, e, (pr) => requestReviewers(d, e.org, e.repo, pr));
}

export async function handleBlunderbussComment(d: BlunderbussDeps, e: GenericCommentEvent): Promise<void> {
  await onAutoCcComment(d, e, (pr) => requestReviewers(d, e.org, e.repo, pr));
}

export async function handleBlunderbussStatus(d: BlunderbussDeps, e: StatusEvent): Promise<void> {
  await onWaitForStatus('blunderbuss', d, e, (pr) => requestReviewers(d, e.org, e.repo, pr));
}

async function requestReviewers(d: BlunderbussDeps, org: string, repo: string, pr: Pick<PullRequest, 'number' | 'base' | 'user'>): Promise<void> {
  const random = d.random ?? Math.random;
  const owners = await d.owners.loadRepoOwners(org, repo, pr.base.ref);
  const files = (await d.gh.listPullRequestFiles(org, repo, pr.number)).map((f) => f.filename);
  const select = randomReviewerSelector(d.gh, d.log, org, d.config.use_status_availability === true, new Set(), random);
  const count = d.config.request_count ?? 2;
  const picked = await getReviewers(reviewersOf(owners), select, pr.user.login, files, count);
  let reviewers = picked.reviewers;
  if (count - reviewers.length > 0 && d.config.exclude_approvers !== true) {
    const approvers = await getReviewers(approversOf(owners), select, pr.user.login, files, count);
    const have = new Set(reviewers);
    for (const a of approvers.reviewers) {
      if (have.has(a)) continue;
      reviewers.push(a);
      have.add(a);
    }
  }
  const max = d.config.max_request_count ?? 0;
  if (max > 0 && reviewers.length > max) reviewers = reviewers.slice(0, max);
  reviewers = [...reviewers, ...picked.required];
  if (reviewers.length === 0) return;
  d.log.info({ reviewers }, 'requesting reviews');
  await d.gh.requestReview(org, repo, pr.number, reviewers);
}

// rifle (upstream pkg/plugins/rifle/rifle.go), the "smart blunderbuss": like blunderbuss it requests
// reviews from OWNERS reviewers when a PR opens (or on `/auto-cc`, or on tide's "needs review" status
// with wait_for_status), but it picks the candidates who last wrote the changed lines (git blame at the
// merge base, blame.ts) before the others, and when OWNERS of the changed files run short it tops up from
// every owner of the repository, best blame score first.
import { lineOf, S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { BlunderbussConfig, PluginsConfig } from '../../config/types.js';
import type { GenericCommentEvent, PullRequestEvent, StatusEvent } from '../../github/event-types.js';
import type { GitHubClient, PullRequest } from '../../github/types.js';
import { compileRegex, RegexError } from '../../go/regex.js';
import type { Logger } from '../../observability/logger.js';
import type { OwnersClient, RepoOwners } from '../../owners/types.js';
import type { Plugin, PluginContext } from '../types.js';
import { getBlame, scoreReviewers } from './blame.js';
import {
  DEFAULT_WAIT_FOR_STATUS_DESCRIPTION, isUserBusy, onAutoCcComment, onPullRequestReady, onWaitForStatus, randomReviewerSelector, type EventPullRequest, reviewerConfigString,
} from '../shared/review-requests.js';
import { approversOf, getReviewers, reviewersOf, type LayeredSet, type ReviewerSelector } from '../shared/reviewers.js';

/** plugins.yaml `rifle:` (upstream plugins.Rifle): blunderbuss's fields, key for key. */
export type RifleConfig = BlunderbussConfig;

const DEFAULT_REQUEST_COUNT = 2;

export const rifleConfigSection: PluginConfigSection<RifleConfig> = {
  section: 'rifle',
  schema: S.obj('Rifle', {
    request_count: S.int, max_request_count: S.int, exclude_approvers: S.bool, use_status_availability: S.bool,
    ignore_drafts: S.bool, ignore_authors: strList,
    wait_for_status: S.obj('ContextMatch', { context: S.str, state: S.str, description: S.str }),
  }),
  // upstream pkg/plugins/config.go setDefaults: request_count 2; wait_for_status tide/pending/"needs review"
  defaults: (raw) => {
    const cfg = (raw as RifleConfig | undefined | null) ?? {};
    cfg.request_count ??= DEFAULT_REQUEST_COUNT;
    const w = cfg.wait_for_status;
    if (w !== undefined && w !== null) {
      w.context ||= 'tide';
      w.state ||= 'pending';
      w.description ||= DEFAULT_WAIT_FOR_STATUS_DESCRIPTION;
    }
    return cfg;
  },
  // upstream validateRifle, and the description compiled when the file loads
  validate: (cfg, raw, report) => {
    const pos = (raw ?? {}) as object;
    if (cfg.request_count !== undefined && cfg.request_count < 1) {
      report.error(lineOf(pos, 'request_count'), 'rifle.request_count', `invalid request_count: ${cfg.request_count} (needs to be positive)`);
    }
    const description = cfg.wait_for_status?.description;
    if (description) {
      try {
        compileRegex(description);
      } catch (err) {
        if (!(err instanceof RegexError)) throw err;
        report.error(lineOf(cfg.wait_for_status as object, 'description'), 'rifle.wait_for_status.description', err.message);
      }
    }
  },
};

export type RifleGitHub = Pick<GitHubClient, 'getPullRequest' | 'listPullRequestFiles' | 'requestReview' | 'searchIssues' | 'graphql' | 'getMergeBase'>;

export interface RifleDeps {
  gh: RifleGitHub;
  owners: OwnersClient;
  log: Logger;
  config: RifleConfig;
  /** A delivery seen before: skip PRs that already have requested reviewers, so a redelivery requests none. */
  redelivery: boolean;
  now: () => Date;
  random?: () => number;
}

function depsOf(ctx: PluginContext): RifleDeps {
  if (ctx.owners === undefined) throw new Error('rifle: this process has no OWNERS client');
  const config = ctx.snapshot.plugins.rifle ?? rifleConfigSection.defaults(undefined);
  return { gh: ctx.github, owners: ctx.owners, log: ctx.log, config, redelivery: ctx.redelivery, now: () => ctx.clock.now() };
}

export const riflePlugin: Plugin = {
  name: 'rifle',
  help: {
    description: 'The rifle plugin automatically requests reviews from reviewers when a new PR is created. Unlike blunderbuss (which selects randomly), rifle uses git blame data to identify reviewers most familiar with the changed code.',
    snippet: 'rifle:\n  # ReviewerCount is the minimum number of reviewers to request\n  # reviews from. Defaults to requesting reviews from 2 reviewers\n  request_count: 2\n  # MaxReviewerCount is the maximum number of reviewers to request\n  # reviews from. Defaults to 0 meaning no limit.\n  max_request_count: 3\n  # ExcludeApprovers controls whether approvers are considered to be\n  # reviewers. By default, approvers are considered as reviewers if\n  # insufficient reviewers are available.\n  exclude_approvers: true\n  # UseStatusAvailability controls whether rifle will consider GitHub\'s\n  # status availability when requesting reviews for users.\n  use_status_availability: true\n  # IgnoreDrafts instructs the plugin to ignore assigning reviewers\n  # to the PR that is in Draft state. Default it\'s false.\n  ignore_drafts: false\n  # IgnoreAuthors skips requesting reviewers for specified users.\n  ignore_authors: []\n',
    commands: [{
      usage: '/auto-cc', featured: false, whoCanUse: 'Anyone', examples: ['/auto-cc'],
      description: 'Manually request reviews from reviewers for a PR. Useful if OWNERS files were updated since the PR was opened, or PR was changed significantly.',
    }],
  },
  config: rifleConfigSection as PluginConfigSection,
  configHelp: (pc: PluginsConfig) => ({ '': reviewerConfigString('rifle', pc.rifle?.request_count ?? DEFAULT_REQUEST_COUNT) }),
  handlers: {
    pullRequest: (e, ctx) => handleRiflePullRequest(depsOf(ctx), e),
    genericComment: (e, ctx) => handleRifleComment(depsOf(ctx), e),
    status: (e, ctx) => handleRifleStatus(depsOf(ctx), e),
  },
};

type PrForRifle = EventPullRequest;

export async function handleRiflePullRequest(d: RifleDeps, e: PullRequestEvent): Promise<void> {
  await onPullRequestReady(d, e, (pr) => requestReviewers(d, e.org, e.repo, pr));
}

export async function handleRifleComment(d: RifleDeps, e: GenericCommentEvent): Promise<void> {
  await onAutoCcComment(d, e, (pr) => requestReviewers(d, e.org, e.repo, pr));
}

export async function handleRifleStatus(d: RifleDeps, e: StatusEvent): Promise<void> {
  await onWaitForStatus('rifle', d, e, (pr) => requestReviewers(d, e.org, e.repo, pr));
}

/** Upstream rifle handle(). */
async function requestReviewers(d: RifleDeps, org: string, repo: string, pr: PrForRifle): Promise<void> {
  const random = d.random ?? Math.random;
  const owners = await d.owners.loadRepoOwners(org, repo, pr.base.ref);
  const changes = await d.gh.listPullRequestFiles(org, repo, pr.number);
  const files = changes.map((f) => f.filename);
  const approvers = new Set(files.flatMap((f) => [...owners.approvers(f)]));
  const reviewerSet = new Set(files.flatMap((f) => [...owners.reviewers(f)]));

  // PR patches are three-dot diffs: their old-side line numbers are those of the merge base, not the base tip.
  let ref = pr.base.ref;
  if (pr.head.sha !== '') {
    try {
      ref = (await d.gh.getMergeBase(org, repo, pr.base.ref, pr.head.sha)) || ref;
    } catch (err) {
      d.log.warn({ err }, 'failed to resolve merge-base for blame; falling back to base ref');
    }
  }
  const scores = await scoreReviewers({ blame: (path) => getBlame(d.gh, org, repo, ref, path), approvers, reviewers: reviewerSet, now: d.now(), log: d.log }, changes);

  const busy = new Set<string>();
  const useStatus = d.config.use_status_availability === true;
  const byScore = hasBlameScores(scores);
  const randomPick = randomReviewerSelector(d.gh, d.log, org, useStatus, busy, random);
  const select: ReviewerSelector = (candidates) => (byScore ? selectBestReviewer(d, org, scores, candidates, busy, random) : randomPick(candidates));

  const count = d.config.request_count ?? DEFAULT_REQUEST_COUNT;
  const picked = await getReviewers(reviewersOf(owners), select, pr.user.login, files, count);
  let reviewers = picked.reviewers;
  if (count - reviewers.length > 0 && d.config.exclude_approvers !== true) {
    const extra = await getReviewers(approversOf(owners), select, pr.user.login, files, count);
    const have = new Set(reviewers);
    for (const a of extra.reviewers) {
      if (have.has(a)) continue;
      reviewers.push(a);
      have.add(a);
    }
    d.log.info({ found: have.size, wanted: count }, 'added approvers as reviewers');
  }
  const missing = count - reviewers.length;
  if (missing > 0) {
    const exclude = new Set([...reviewers, pr.user.login.toLowerCase()]);
    const fallback = findFallbackReviewers(scores, owners, exclude, missing, random);
    if (fallback.length > 0) {
      reviewers = [...reviewers, ...fallback];
      d.log.info({ fallback }, 'fallback added reviewers from the whole repository OWNERS');
    }
  }
  const max = d.config.max_request_count ?? 0;
  if (max > 0 && reviewers.length > max) reviewers = reviewers.slice(0, max);
  reviewers = [...reviewers, ...picked.required];
  if (reviewers.length === 0) return;
  d.log.info({ reviewers }, 'requesting reviews');
  await d.gh.requestReview(org, repo, pr.number, reviewers);
}

export function hasBlameScores(scores: ReadonlyMap<string, number>): boolean {
  for (const s of scores.values()) if (s > 0) return true;
  return false;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Upstream selectBestReviewer: the highest-scored candidate not known to be busy (ties broken at
 * random), removed from `candidates`; "" when every candidate is busy.
 */
export async function selectBestReviewer(
  d: Pick<RifleDeps, 'gh' | 'log' | 'config'>, org: string, scores: ReadonlyMap<string, number>, candidates: LayeredSet, busy: Set<string>, random: () => number,
): Promise<string> {
  const ranked = shuffle([...candidates.items()].filter((c) => !busy.has(c)), random)
    .map((login) => ({ login, score: scores.get(login) ?? 0 }));
  // A stable sort keeps the shuffled order among equal scores.
  ranked.sort((a, b) => b.score - a.score);
  for (const c of ranked) {
    if (d.config.use_status_availability === true && (await isUserBusy(d.gh, d.log, c.login, org))) {
      busy.add(c.login);
      continue;
    }
    candidates.delete(c.login);
    return c.login;
  }
  return '';
}

/**
 * Upstream findFallbackReviewers: `needed` owners from anywhere in the repository (approvers and
 * reviewers of every OWNERS file) outside `exclude`, best blame score first, then at random.
 */
export function findFallbackReviewers(
  scores: ReadonlyMap<string, number>, owners: Pick<RepoOwners, 'allApprovers' | 'allReviewers'>, exclude: ReadonlySet<string>, needed: number, random: () => number,
): string[] {
  const eligible = [...new Set([...owners.allApprovers(), ...owners.allReviewers()])].filter((o) => !exclude.has(o)).sort();
  const result: string[] = [];
  if (hasBlameScores(scores)) {
    const scored = eligible.filter((o) => (scores.get(o) ?? 0) > 0).sort((a, b) => scores.get(b)! - scores.get(a)!);
    result.push(...scored.slice(0, needed));
  }
  if (result.length < needed) {
    const pool = shuffle(eligible.filter((o) => !result.includes(o)), random);
    result.push(...pool.slice(0, needed - result.length));
  }
  return result;
}

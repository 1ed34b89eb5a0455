// needs-rebase, the external plugin (upstream cmd/external-plugins/needs-rebase/plugin/plugin.go): keeps the
// `needs-rebase` label on open PRs that GitHub reports as unmergeable, with a "PR needs rebase." comment, and
// takes both away once the PR merges cleanly again. It reacts to pull_request (opened, synchronize, reopened)
// and issue_comment events, and scans every open PR of the repos that enable it every --update-period.
import type { GitHubClient, IssueComment, PullRequest } from '../../github/types.js';
import type { PluginsConfig } from '../../config/types.js';
import type { Logger } from '../../observability/logger.js';
import { toPullRequest } from '../../github/map.js';
import { formatSimpleResponse } from '../shared/respond.js';

export const NEEDS_REBASE_PLUGIN = 'needs-rebase';
export const NEEDS_REBASE_LABEL = 'needs-rebase';
const NEEDS_REBASE_MESSAGE = 'PR needs rebase.';
const DEPENDABOT_REBASE_MESSAGE = 'rebase';
const DEPENDABOT_USER = 'dependabot[bot]';
const SEARCH_QUERY_PREFIX = 'archived:false is:pr is:open';

export const needsRebaseHelp = {
  description:
    `The needs-rebase plugin manages the '${NEEDS_REBASE_LABEL}' label by removing it from Pull Requests that are mergeable and adding it to those which are not.\n` +
    'The plugin reacts to commit changes on PRs in addition to periodically scanning all open PRs for any changes to mergeability that could have resulted from changes in other PRs.',
};

/** Every GitHub call needs-rebase makes. */
export type NeedsRebaseGitHub = Pick<GitHubClient,
  'getPullRequest' | 'listIssueLabels' | 'addLabel' | 'removeLabel' | 'createComment' | 'listComments' | 'deleteComment' | 'botUser' | 'graphql'>;

export interface NeedsRebaseOptions {
  /** Upstream waits 5 s before asking GitHub, so that mergeability has been computed. */
  sleep?: (ms: number) => Promise<void>;
  initialDelayMs?: number;
  /** Polls while GitHub answers `mergeable: null` (upstream github.IsMergeable retries too). */
  mergeabilityTries?: number;
  mergeabilityDelayMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Per-issue memory for --cache-valid-time: comment events on a PR checked within that time are skipped
 * (upstream plugin.Cache). The periodic scan flushes it.
 */
export class MergeabilityCache {
  private readonly seen = new Map<number, number>();
  constructor(readonly validMs: number, private readonly now: () => number = Date.now) {}
  get(id: number): boolean {
    const at = this.seen.get(id);
    if (at !== undefined) {
      const age = this.now() - at;
      if (age >= 0 && age < this.validMs) return true;
    }
    this.seen.delete(id);
    return false;
  }
  set(id: number): void {
    if (this.validMs > 0) this.seen.set(id, this.now());
  }
  flush(): void {
    this.seen.clear();
  }
}

interface PayloadPR {
  action?: string;
  pull_request?: Record<string, unknown>;
}

/** pull_request events: only opened, synchronize and reopened change what needs-rebase would say. */
export async function handlePullRequestEvent(
  gh: NeedsRebaseGitHub, log: Logger, payload: PayloadPR, opts: NeedsRebaseOptions = {},
): Promise<void> {
  if (!['opened', 'synchronize', 'reopened'].includes(payload.action ?? '')) return;
  await handlePR(gh, log, toPullRequest(payload.pull_request), opts);
}

interface PayloadComment {
  issue?: { id?: number; number?: number; pull_request?: unknown };
  repository?: { name?: string; owner?: { login?: string } };
}

/** issue_comment events on PRs: re-check (GitHub may have recomputed mergeability since). */
export async function handleIssueCommentEvent(
  gh: NeedsRebaseGitHub, log: Logger, payload: PayloadComment, cache: MergeabilityCache, opts: NeedsRebaseOptions = {},
): Promise<void> {
  const issue = payload.issue;
  if (issue?.pull_request === undefined || issue.pull_request === null) return;
  const id = issue.id ?? 0;
  if (cache.validMs > 0 && cache.get(id)) return;
  const org = payload.repository?.owner?.login ?? '';
  const repo = payload.repository?.name ?? '';
  const pr = await gh.getPullRequest(org, repo, issue.number ?? 0);
  await handlePR(gh, log, pr, opts);
  if (cache.validMs > 0) cache.set(id);
}

async function handlePR(gh: NeedsRebaseGitHub, log: Logger, pr: PullRequest, opts: NeedsRebaseOptions): Promise<void> {
  if (pr.state !== 'open') return;
  const sleep = opts.sleep ?? defaultSleep;
  await sleep(opts.initialDelayMs ?? 5000);
  const org = pr.base.repo.owner;
  const repo = pr.base.repo.name;
  const l = log.child({ org, repo, pr: pr.number, 'head-sha': pr.head.sha });
  const mergeable = await isMergeable(gh, org, repo, pr.number, pr.head.sha, opts);
  const labels = await gh.listIssueLabels(org, repo, pr.number);
  l.debug({ mergeable }, 'checked mergeability');
  await takeAction(gh, org, repo, pr.number, pr.user.login, labels.includes(NEEDS_REBASE_LABEL), mergeable);
}

/** upstream github.Client.IsMergeable: waits out `mergeable: null`, fails if the head moved or the PR merged. */
async function isMergeable(
  gh: NeedsRebaseGitHub, org: string, repo: string, number: number, sha: string, opts: NeedsRebaseOptions,
): Promise<boolean> {
  const tries = opts.mergeabilityTries ?? 8;
  const sleep = opts.sleep ?? defaultSleep;
  let delay = opts.mergeabilityDelayMs ?? 2000;
  for (let i = 0; i < tries; i++) {
    const pr = await gh.getPullRequest(org, repo, number);
    if (pr.head.sha !== sha) throw new Error(`pull request head changed while checking mergeability (${sha} -> ${pr.head.sha})`);
    if (pr.merged) throw new Error('pull request was merged while checking mergeability');
    if (pr.mergeable !== null) return pr.mergeable;
    await sleep(delay);
    delay *= 2;
  }
  throw new Error(`reached maximum number of retries (${tries}) checking mergeability`);
}

/** Writes only the difference: label + comment when newly unmergeable, both removed when mergeable again. */
export async function takeAction(
  gh: NeedsRebaseGitHub, org: string, repo: string, num: number, author: string, hasLabel: boolean, mergeable: boolean,
): Promise<void> {
  if (!mergeable && !hasLabel) {
    await gh.addLabel(org, repo, num, NEEDS_REBASE_LABEL);
    const msg = author === DEPENDABOT_USER ? DEPENDABOT_REBASE_MESSAGE : NEEDS_REBASE_MESSAGE;
    await gh.createComment(org, repo, num, formatSimpleResponse(msg));
  } else if (mergeable && hasLabel) {
    await gh.removeLabel(org, repo, num, NEEDS_REBASE_LABEL);
    const bot = (await gh.botUser()).login;
    const stale = (c: IssueComment) => (c.user.login === bot || c.user.login === `${bot}[bot]`) && c.body.includes(NEEDS_REBASE_MESSAGE);
    for (const c of (await gh.listComments(org, repo, num)).filter(stale)) await gh.deleteComment(org, repo, c.id);
  }
}

/** plugins.yaml external_plugins: the orgs and org/repos that list this external plugin. */
export function enabledReposForExternalPlugin(config: PluginsConfig, name: string): { orgs: string[]; repos: string[] } {
  const orgs: string[] = [];
  const repos: string[] = [];
  for (const [key, list] of Object.entries(config.external_plugins ?? {})) {
    if (!(list ?? []).some((p) => p?.name === name)) continue;
    if (key.includes('/')) repos.push(key);
    else orgs.push(key);
  }
  return { orgs: orgs.sort(), repos: repos.sort() };
}

/** upstream constructQueries: org → search queries (one per org, repos grouped; kubernetes/kubernetes sharded). */
export function constructQueries(log: Logger, now: Date, orgs: string[], repos: string[], usesAppsAuth: boolean): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const push = (org: string, q: string) => result.set(org, [...(result.get(org) ?? []), q]);
  for (const org of orgs) {
    if (org === 'kubernetes') {
      push(org, `${SEARCH_QUERY_PREFIX} org:"kubernetes" -repo:"kubernetes/kubernetes"`);
      const twoMonthsAgo = new Date(now.getTime() - 60 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      push(org, `${SEARCH_QUERY_PREFIX} repo:"kubernetes/kubernetes" created:>=${twoMonthsAgo}`);
      push(org, `${SEARCH_QUERY_PREFIX} repo:"kubernetes/kubernetes" created:<${twoMonthsAgo}`);
    } else {
      push(org, `${SEARCH_QUERY_PREFIX} org:"${org}"`);
    }
  }
  const repoQueries = new Map<string, string>();
  for (const repo of repos) {
    const parts = repo.split('/');
    if (parts.length !== 2) {
      log.warn({ repo }, 'Found repo that was not in org/repo format, ignoring...');
      continue;
    }
    const org = parts[0]!;
    if (result.has(org)) {
      log.warn({ repo }, 'Plugin was enabled for repo even though it is already enabled for the org, ignoring...');
      continue;
    }
    const key = usesAppsAuth ? org : '';
    repoQueries.set(key, `${repoQueries.get(key) ?? SEARCH_QUERY_PREFIX} repo:"${repo}"`);
  }
  for (const [org, q] of repoQueries) push(org, q);
  return result;
}

const SEARCH_QUERY = `query($query: String!, $searchCursor: String) {
  rateLimit { cost remaining }
  search(type: ISSUE, first: 100, after: $searchCursor, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { ... on PullRequest { number author { login } repository { name owner { login } } labels(first: 100) { nodes { name } } mergeable state } }
  }
}`;

interface SearchPR {
  number: number;
  author: { login: string } | null;
  repository: { name: string; owner: { login: string } };
  labels: { nodes: { name: string }[] };
  mergeable: 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN';
  state: 'OPEN' | 'CLOSED' | 'MERGED';
}

interface SearchResult {
  rateLimit: { cost: number; remaining: number };
  search: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: SearchPR[] };
}

async function search(gh: NeedsRebaseGitHub, log: Logger, query: string, org: string): Promise<SearchPR[]> {
  const out: SearchPR[] = [];
  let cursor: string | null = null;
  let cost = 0;
  for (let pages = 1; ; pages++) {
    const res: SearchResult = await gh.graphql<SearchResult>(SEARCH_QUERY, { query, searchCursor: cursor }, org === '' ? undefined : org);
    cost += res.rateLimit.cost;
    out.push(...res.search.nodes.filter((n) => n.number !== undefined));
    if (!res.search.pageInfo.hasNextPage) {
      log.debug({ query, pr_found_count: out.length, search_pages: pages, cost, remaining: res.rateLimit.remaining }, 'Finished query');
      break;
    }
    cursor = res.search.pageInfo.endCursor;
  }
  if (out.length === 1000) log.warn({ query }, 'Query returned 1k PRs, which is the max number of results per query allowed by GitHub. This indicates that we were not able to process all PRs.');
  return out;
}

/**
 * The periodic scan (upstream HandleAll): every open PR of the enabled repos, by search; PRs whose
 * mergeability GitHub has not computed yet are left for the next event or scan. One PR's error is logged
 * and does not stop the others.
 */
export async function handleAll(
  gh: NeedsRebaseGitHub, log: Logger, config: PluginsConfig, usesAppsAuth: boolean, cache: MergeabilityCache, now = new Date(),
): Promise<void> {
  if (cache.validMs > 0) cache.flush();
  log.info('Checking all PRs.');
  const { orgs, repos } = enabledReposForExternalPlugin(config, NEEDS_REBASE_PLUGIN);
  if (orgs.length === 0 && repos.length === 0) {
    log.warn(`No repos have been configured for the ${NEEDS_REBASE_PLUGIN} plugin`);
    return;
  }
  const prs: SearchPR[] = [];
  const errors: Error[] = [];
  for (const [org, queries] of constructQueries(log, now, orgs, repos, usesAppsAuth)) {
    // Sequential on purpose: parallel searches trip GitHub's abuse detection.
    for (const q of queries) {
      try {
        prs.push(...(await search(gh, log, q, org)));
      } catch (err) {
        errors.push(err as Error);
      }
    }
  }
  if (errors.length > 0) {
    if (prs.length === 0) throw new AggregateError(errors, `searching open PRs: ${errors.map((e) => e.message).join('; ')}`);
    log.error({ err: errors[0] }, 'Encountered errors when querying GitHub but will process received results anyways');
  }
  for (const pr of prs) {
    if (pr.mergeable === 'UNKNOWN' || pr.state !== 'OPEN') continue;
    const org = pr.repository.owner.login;
    const repo = pr.repository.name;
    const hasLabel = pr.labels.nodes.some((l) => l.name === NEEDS_REBASE_LABEL);
    const l = log.child({ org, repo, pr: pr.number, mergeable: pr.mergeable, has_label: hasLabel });
    try {
      await takeAction(gh, org, repo, pr.number, pr.author?.login ?? '', hasLabel, pr.mergeable === 'MERGEABLE');
    } catch (err) {
      l.error({ err }, 'Error handling PR.');
    }
  }
}

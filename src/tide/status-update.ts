// The `tide` status on every open PR in a query's scope (upstream pkg/tide/status.go setStatuses): what it
// should say (status.ts), written only when it differs, never on a PR being merged.
import type { Clock } from '../api/clock.js';
import type { ProwJob } from '../api/prowjob.js';
import { orgScopes, queryCoversRepo } from '../config/tide-query.js';
import { InRepoConfigError } from '../config/inrepo-jobs.js';
import type { Config } from '../config/types.js';
import type { GitHubClient } from '../github/types.js';
import type { Logger } from '../observability/logger.js';
import { prowJobsFromContexts } from './accumulate.js';
import { applicableBlockers } from './blockers.js';
import { createContextChecker, type ContextChecker } from './context-policy.js';
import { STATUS_CONTEXT } from './decide.js';
import { notMergeableReason } from './merge.js';
import type { TideMetrics } from './metrics.js';
import { searchPullRequests } from './search.js';
import { expectedStatus, statusTargetUrl, truncateDescription } from './status.js';
import { improvementsOf, mergeBlocksPolicy } from './tide-config.js';
import { prKey, type Blocker, type TidePR } from './types.js';

export interface StatusUpdateDeps {
  github: Pick<GitHubClient, 'graphql' | 'getCombinedStatus' | 'createStatus'>;
  log: Logger;
  dryRun: boolean;
  clock: Clock;
  metrics?: TideMetrics;
  /**
   * The context checker of a PR outside every pool, with its in-repo jobs (upstream GetTideContextPolicy at
   * the base and head). Throws InRepoConfigError when its in-repo config cannot be loaded. Absent: static jobs.
   */
  contextCheckerFor?(pr: TidePR): Promise<ContextChecker>;
}

/** What the status update needs of a pool. */
export interface StatusPool {
  baseSha: string;
  prs: TidePR[];
  pjs: ProwJob[];
  cc: ContextChecker;
  /** A PR's own checker where it differs from the pool's (its in-repo jobs). */
  prCC?: ReadonlyMap<number, ContextChecker>;
}

/** Returns how many statuses it wrote. */
export async function updateStatuses(
  d: StatusUpdateDeps,
  cfg: Config,
  subpools: readonly StatusPool[],
  blockers: readonly Blocker[],
  skipStatus: ReadonlySet<string>,
  evicted: ReadonlyMap<string, { headSha: string; reason: string }>,
): Promise<number> {
  const started = d.clock.now().getTime();
  const scopes = new Map<string, string>();
  for (const q of cfg.tide.queries) for (const [org, scope] of orgScopes(q)) scopes.set(`${org} ${scope}`, org);
  const open = new Map<string, TidePR>();
  for (const [scope, org] of scopes) {
    try {
      for (const pr of (await searchPullRequests(d.github, `is:pr state:open archived:false ${scope.slice(org.length + 1)}`, org, d.log)).prs) open.set(prKey(pr), pr);
    } catch (err) {
      d.log.error({ err, org }, 'status search failed');
    }
  }
  const inPool = new Map<string, StatusPool>();
  for (const sp of subpools) for (const pr of sp.prs) inPool.set(prKey(pr), sp);
  const improvements = improvementsOf(cfg.tide);
  let written = 0;
  for (const pr of open.values()) {
    if (skipStatus.has(prKey(pr))) continue;
    const queries = cfg.tide.queries.filter((q) => queryCoversRepo(q, pr.org, pr.repo));
    if (queries.length === 0) continue;
    const sp = inPool.get(prKey(pr));
    let cc: ContextChecker;
    let inRepoConfigProblem = '';
    if (sp) cc = sp.prCC?.get(pr.number) ?? sp.cc;
    else if (!d.contextCheckerFor) cc = createContextChecker(cfg, pr.org, pr.repo, pr.baseRef);
    else {
      try {
        cc = await d.contextCheckerFor(pr);
      } catch (err) {
        if (!(err instanceof InRepoConfigError)) {
          d.log.warn({ err, org: pr.org, repo: pr.repo, pr: pr.number }, 'reading the required contexts failed: status left as it is');
          continue;
        }
        inRepoConfigProblem = err.problems.join('; ');
        cc = createContextChecker(cfg, pr.org, pr.repo, pr.baseRef);
      }
    }
    const blocksPolicy = mergeBlocksPolicy(cfg.tide, pr.org, pr.repo);
    const ev = evicted.get(prKey(pr));
    const want = expectedStatus({
      pr, tide: cfg.tide, queries, cc, blocksPolicy, inPool: sp !== undefined,
      blockers: applicableBlockers(blockers, pr.org, pr.repo, pr.baseRef),
      notMergeable: notMergeableReason(cfg.tide, pr, blocksPolicy),
      ...(ev && ev.headSha === pr.headSha && improvements.evictUnmergeable ? { evicted: ev.reason } : {}),
      ...(inRepoConfigProblem ? { inRepoConfigProblem } : {}),
      unpassedRequired: () => {
        if (!sp) return cc.required;
        const passing = [...sp.pjs, ...prowJobsFromContexts(pr, sp.baseSha)]
          .filter((pj) => pj.spec.type === 'presubmit' && pj.status.state === 'success' && pj.spec.refs?.pulls?.[0]?.number === pr.number && pj.spec.refs.pulls[0]?.sha === pr.headSha)
          .map((pj) => pj.spec.context ?? '');
        return cc.missingRequiredContexts(passing);
      },
    });
    const description = truncateDescription(improvements.reasonCodes ? `${want.description} [${want.code}]` : want.description);
    const current = pr.contexts.find((c) => c.context === STATUS_CONTEXT);
    if (current && current.state.toLowerCase() === want.state && current.description === description) continue;
    if (d.dryRun) {
      d.log.info({ org: pr.org, repo: pr.repo, pr: pr.number, state: want.state, description }, 'dry run: would set tide status');
      continue;
    }
    try {
      await d.github.createStatus(pr.org, pr.repo, pr.headSha, { context: STATUS_CONTEXT, state: want.state, description, targetUrl: statusTargetUrl(cfg.tide, pr) });
      written++;
    } catch (err) {
      d.log.warn({ err, org: pr.org, repo: pr.repo, pr: pr.number }, 'setting tide status failed');
    }
  }
  d.metrics?.statusUpdateDuration.set((d.clock.now().getTime() - started) / 1000);
  d.metrics?.syncHeartbeat.inc({ controller: 'status-update' });
  return written;
}

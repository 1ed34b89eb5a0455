// tide: merges pull requests in tested batches (upstream pkg/tide/tide.go syncController.Sync, dividePool,
// filterSubpool, syncSubpool, trigger; status.go for the `tide` context). One sync: search every query,
// divide the PRs into pools per org/repo/branch, decide one action per pool, act, publish the pools and
// the history, then bring the `tide` statuses up to date (at most every status_update_period).
import { batchRefs, newBatchJob, newPresubmitJob, type NewProwJobOptions } from '../api/pjutil.js';
import type { ProwJob, Pull } from '../api/prowjob.js';
import { CREATED_BY_TIDE_LABEL } from '../api/labels.js';
import type { TidePoolJSON, TidePullJSON } from '../api/tide-json.js';
import { systemClock, type Clock } from '../api/clock.js';
import { getPresubmits, InRepoConfigError } from '../config/inrepo-jobs.js';
import { inRepoConfigEnabled } from '../config/inrepo.js';
import { presubmitShouldRunAsync } from '../config/match.js';
import { orgScopes, queryCriteria } from '../config/tide-query.js';
import type { Config, Presubmit } from '../config/types.js';
import type { MergedTreeReader } from '../git/types.js';
import type { GitHubClient } from '../github/types.js';
import type { Logger } from '../observability/logger.js';
import type { ProwJobInformer } from '../store/informer.js';
import type { ProwJobStore } from '../store/types.js';
import { accumulate, accumulateBatch, toSimpleState } from './accumulate.js';
import type { BatchMerger } from './batch-merge.js';
import { applicableBlockers, findBlockers } from './blockers.js';
import { contextOptionsFor, createContextChecker, presubmitsFor, type ContextChecker } from './context-policy.js';
import { decide, unsuccessfulContexts, type Decision } from './decide.js';
import type { TideHistory } from './history.js';
import { mergeFailureMessage, mergePRs, notMergeableReason } from './merge.js';
import type { TideMetrics } from './metrics.js';
import { searchPullRequests } from './search.js';
import { tellCulprits } from './culprit.js';
import { updateStatuses } from './status-update.js';
import {
  batchSizeLimit, improvementsOf, mergeBlocksPolicy, prioritizeExistingBatches, statusUpdatePeriodMs, syncPeriodMs,
} from './tide-config.js';
import { poolKey, prKey, type Blocker, type TidePR } from './types.js';

export type TideGitHub = Pick<GitHubClient, 'graphql' | 'getRef' | 'mergePullRequest' | 'createStatus' | 'searchIssues' | 'listPullRequestFiles' | 'createComment' | 'listComments' | 'getCombinedStatus'>;

export interface TideDeps {
  store: Pick<ProwJobStore, 'createProwJob'>;
  informer: Pick<ProwJobInformer, 'list' | 'recordWrite'>;
  github: TideGitHub;
  config: () => Config;
  log: Logger;
  batchMerger: BatchMerger;
  /**
   * Reads `.prow.yaml` / `.prow/` at the merge of a base and PR heads, for repos in_repo_config enables (the
   * same reader and cache trigger uses). Absent: those repos' PRs stay out of the pool, their status says why.
   */
  trees?: MergedTreeReader;
  history: TideHistory;
  metrics?: TideMetrics;
  dryRun?: boolean;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** Upstream sleeps 5 s between the merges of a batch; tests and demos shorten it. */
  betweenMergesMs?: number;
  /** Upstream waits 4 s then 8 s before retrying "base branch was modified". */
  mergeRetryBaseMs?: number;
}

export interface SyncResult {
  pools: TidePoolJSON[];
  /** Statuses written by the status update that followed, if one ran. */
  statusesWritten: number;
}

export interface TideController {
  syncOnce(): Promise<SyncResult>;
  /** Syncs now and then every tide.sync_period (re-read each time) until stop(). */
  start(): void;
  stop(): Promise<void>;
  pools(): TidePoolJSON[];
}

interface Subpool {
  org: string;
  repo: string;
  branch: string;
  baseSha: string;
  prs: TidePR[];
  pjs: ProwJob[];
  /** From the static jobs; a PR of a repo with in-repo config has its own in prCC. */
  cc: ContextChecker;
  prCC: Map<number, ContextChecker>;
  presubmits: Map<number, Presubmit[]>;
  blockers: Blocker[];
  /** in_repo_config enables the repo: a batch's jobs come from the merge of the base and all its heads. */
  inRepo: boolean;
  /** In-repo repos: the required presubmits of each batch tide has seen, by batchKey; null when unreadable. */
  batchPresubmits: Map<string, Presubmit[] | null>;
}

interface Eviction {
  headSha: string;
  baseSha: string;
  reason: string;
}

function toPullJSON(pr: TidePR): TidePullJSON {
  return {
    NameWithOwner: `${pr.org}/${pr.repo}`, Number: pr.number, Org: pr.org, Repo: pr.repo,
    BaseRefPrefix: pr.baseRefPrefix, BaseRefName: pr.baseRef, HeadRefName: pr.headRef, HeadRefOID: pr.headSha,
    Title: pr.title, Body: pr.body, AuthorLogin: pr.author, UpdatedAtTime: pr.updatedAt, Mergeable: pr.mergeable,
  };
}

function pullOf(pr: TidePR): Pull {
  const link = `https://github.com/${pr.org}/${pr.repo}`;
  return {
    number: pr.number, author: pr.author, sha: pr.headSha, title: pr.title, head_ref: pr.headRef,
    link: `${link}/pull/${pr.number}`, commit_link: `${link}/pull/${pr.number}/commits/${pr.headSha}`, author_link: `https://github.com/${pr.author}`,
  };
}

function byNumber(a: TidePR, b: TidePR): number {
  return a.number - b.number;
}

function batchKey(prs: readonly Pick<TidePR, 'number' | 'headSha'>[]): string {
  return prs.map((p) => `${p.number}:${p.headSha}`).sort().join(',');
}

/** Run `fn` over items with at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

export function createTide(deps: TideDeps): TideController {
  const log = deps.log;
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let published: TidePoolJSON[] = [];
  let lastStatusUpdate = 0;
  /** PRs being merged: the status update leaves their `tide` context alone (upstream dontUpdateStatus). */
  const skipStatus = new Set<string>();
  /** Ours: PRs GitHub refused to merge, until their head or the base moves. */
  const evicted = new Map<string, Eviction>();
  /** When each PR was first seen in a pool (for tide_time_in_pool_seconds). */
  const firstSeen = new Map<string, number>();
  /** Changed files per PR head, kept while the head is. */
  let changes = new Map<string, Promise<readonly string[]>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function search(cfg: Config): Promise<Map<string, TidePR>> {
    const prs = new Map<string, TidePR>();
    let failures = 0;
    let attempts = 0;
    for (const [i, q] of cfg.tide.queries.entries()) {
      const criteria = queryCriteria(q);
      for (const [org, scope] of orgScopes(q)) {
        attempts++;
        try {
          const res = await searchPullRequests(deps.github, `${criteria} ${scope}`, org, log);
          for (const pr of res.prs) prs.set(prKey(pr), pr);
          deps.metrics?.queryResults.inc({ query_index: String(i), org_shard: org, result: 'success' });
        } catch (err) {
          failures++;
          deps.metrics?.queryResults.inc({ query_index: String(i), org_shard: org, result: 'error' });
          log.error({ err, query: i, org }, 'tide query failed');
        }
      }
    }
    if (attempts > 0 && failures === attempts) throw new Error('every tide query failed');
    return prs;
  }

  async function changedFiles(pr: TidePR): Promise<readonly string[]> {
    const key = `${prKey(pr)}@${pr.headSha}`;
    let p = changes.get(key);
    if (!p) {
      p = deps.github.listPullRequestFiles(pr.org, pr.repo, pr.number).then((fs) => fs.map((f) => f.filename));
      changes.set(key, p);
    }
    return p;
  }

  /** Required presubmits that should run for this PR, out of all its presubmits (upstream presubmitsByPull). */
  async function requiredPresubmits(cc: ContextChecker, pr: TidePR, all: readonly Presubmit[]): Promise<Presubmit[]> {
    const out: Presubmit[] = [];
    for (const ps of all) {
      if (!cc.isRequired(ps.context) && !ps.run_before_merge) continue;
      if (await presubmitShouldRunAsync(ps, { branch: pr.baseRef, changedFiles: () => changedFiles(pr), forced: ps.run_before_merge === true, defaults: false })) out.push(ps);
    }
    return out;
  }

  /** The passed batch jobs of exactly these PRs, per context (for overwrite-pending-contexts). */
  function passedBatchContexts(sp: Subpool, prs: readonly TidePR[]): Map<string, { description: string; url: string }> {
    const key = [...prs].map((p) => `${p.number}:${p.headSha}`).sort().join(',');
    const out = new Map<string, { description: string; url: string }>();
    for (const pj of sp.pjs) {
      if (pj.spec.type !== 'batch' || pj.status.state !== 'success') continue;
      if ((pj.spec.refs?.pulls ?? []).map((p) => `${p.number}:${p.sha}`).sort().join(',') !== key) continue;
      out.set(pj.spec.context ?? '', { description: pj.status.description ?? 'Job succeeded.', url: pj.status.url ?? '' });
    }
    return out;
  }

  /**
   * Upstream presubmitsForBatch for a repo with in-repo config: the presubmits at the merge of the base and
   * every head of the batch, those required (or run_before_merge) that should run for the batch's changes.
   */
  async function resolveBatchPresubmits(cfg: Config, sp: Subpool, prs: readonly TidePR[]): Promise<Presubmit[]> {
    const sorted = [...prs].sort(byNumber);
    const all = await getPresubmits(cfg, deps.trees, sp.org, sp.repo, async () => sp.baseSha, async () => sorted.map((p) => p.headSha));
    const cc = createContextChecker(cfg, sp.org, sp.repo, sp.branch, all);
    let files: Promise<string[]> | undefined;
    const changed = (): Promise<string[]> => (files ??= Promise.all(sorted.map(changedFiles)).then((l) => [...new Set(l.flat())]));
    const out: Presubmit[] = [];
    for (const ps of all) {
      if (!cc.isRequired(ps.context) && !ps.run_before_merge) continue;
      if (await presubmitShouldRunAsync(ps, { branch: sp.branch, changedFiles: changed, forced: ps.run_before_merge === true, defaults: false })) out.push(ps);
    }
    return out;
  }

  /** Resolves the presubmits of every batch among `jobs` whose PRs are all in the pool at the same heads. */
  async function prepareBatches(cfg: Config, sp: Subpool, jobs: readonly ProwJob[]): Promise<void> {
    if (!sp.inRepo) return;
    const byNum = new Map(sp.prs.map((p) => [p.number, p]));
    for (const pj of jobs) {
      const pulls = pj.spec.type === 'batch' ? (pj.spec.refs?.pulls ?? []) : [];
      const members = pulls.map((pull) => byNum.get(pull.number)).filter((pr, i) => pr?.headSha === pulls[i]!.sha) as TidePR[];
      if (members.length === 0 || members.length !== pulls.length) continue;
      const key = batchKey(members);
      if (sp.batchPresubmits.has(key)) continue;
      try {
        sp.batchPresubmits.set(key, await resolveBatchPresubmits(cfg, sp, members));
      } catch (err) {
        // As upstream accumulateBatch: a batch whose presubmits cannot be read counts neither way.
        log.warn({ err, org: sp.org, repo: sp.repo, prs: members.map((p) => p.number) }, 'reading the presubmits of a batch failed');
        sp.batchPresubmits.set(key, null);
      }
    }
  }

  function presubmitsForBatch(sp: Subpool, prs: readonly TidePR[]): Presubmit[] | undefined {
    if (sp.inRepo) return sp.batchPresubmits.get(batchKey(prs)) ?? undefined;
    const seen = new Map<string, Presubmit>();
    for (const pr of prs) for (const ps of sp.presubmits.get(pr.number) ?? []) if (!seen.has(ps.context)) seen.set(ps.context, ps);
    return [...seen.values()];
  }

  /** Upstream filterPR: drop a PR that cannot merge or has a failing context no required job of its own will fix. */
  function filterReason(cfg: Config, sp: Subpool, pr: TidePR): string {
    const reason = notMergeableReason(cfg.tide, pr, mergeBlocksPolicy(cfg.tide, pr.org, pr.repo));
    if (reason) return reason;
    const ev = evicted.get(prKey(pr));
    if (ev && ev.headSha === pr.headSha && ev.baseSha === sp.baseSha) return ev.reason;
    const required = new Set((sp.presubmits.get(pr.number) ?? []).map((p) => p.context));
    for (const c of unsuccessfulContexts(pr.contexts, sp.prCC.get(pr.number) ?? sp.cc)) {
      if (c.state === 'PENDING' && required.has(c.context)) continue;
      return `context ${c.context} is ${c.state.toLowerCase()}`;
    }
    return '';
  }

  function jobOptions(cfg: Config): NewProwJobOptions {
    return { namespace: cfg.prowjob_namespace || undefined, state: cfg.scheduler?.enabled ? 'scheduling' : 'triggered', now: () => clock.now() };
  }

  /** Upstream trigger: one job per context; a batch job is skipped while a non-failed one with the same refs exists. */
  async function trigger(cfg: Config, sp: Subpool, prs: readonly TidePR[], presubmits: readonly Presubmit[]): Promise<number> {
    const refs = batchRefs({ org: sp.org, repo: sp.repo, base_ref: sp.branch, base_sha: sp.baseSha }, [...prs].sort(byNumber).map(pullOf));
    const refsKey = (r: { base_sha?: string; pulls?: Pull[] }): string => `${r.base_sha}|${(r.pulls ?? []).map((p) => `${p.number}:${p.sha}`).join(',')}`;
    const contexts = new Set<string>();
    let created = 0;
    for (const ps of presubmits) {
      if (contexts.has(ps.context)) continue;
      contexts.add(ps.context);
      const labels = { [CREATED_BY_TIDE_LABEL]: 'true' };
      let pj: ProwJob;
      if (prs.length === 1) pj = newPresubmitJob(ps, refs, labels, jobOptions(cfg));
      else {
        const exists = sp.pjs.some((j) => j.spec.type === 'batch' && j.spec.job === ps.name && refsKey(j.spec.refs ?? {}) === refsKey(refs) && toSimpleState(j.status.state) !== 'failure');
        if (exists) continue;
        pj = newBatchJob(ps, refs, labels, jobOptions(cfg));
      }
      if (deps.dryRun) {
        log.info({ job: ps.name, type: pj.spec.type }, 'dry run: would create prowjob');
        continue;
      }
      const stored = await deps.store.createProwJob(pj);
      deps.informer.recordWrite(stored);
      sp.pjs.push(stored);
      created++;
      deps.metrics?.ciRuns.inc({ org: sp.org, repo: sp.repo, branch: sp.branch, type: pj.spec.type });
      log.info({ prowjob: stored.metadata.name, job: ps.name, type: pj.spec.type, prs: prs.map((p) => p.number) }, 'created prowjob');
    }
    return created;
  }

  async function syncSubpool(cfg: Config, sp: Subpool): Promise<TidePoolJSON> {
    const improvements = improvementsOf(cfg.tide);
    const plog = log.child({ org: sp.org, repo: sp.repo, branch: sp.branch });
    const acc = accumulate(sp.presubmits, sp.prs, sp.pjs, sp.baseSha);
    const branchBatches = improvements.bisectFailedBatches
      ? deps.informer.list().filter((pj) => pj.spec.type === 'batch' && pj.spec.refs?.org === sp.org && pj.spec.refs.repo === sp.repo && pj.spec.refs.base_ref === sp.branch)
      : undefined;
    await prepareBatches(cfg, sp, [...sp.pjs, ...(branchBatches ?? [])]);
    const required = (prs: TidePR[]): Presubmit[] | undefined => presubmitsForBatch(sp, prs);
    const { successBatch, pendingBatch } = accumulateBatch(sp.prs, sp.pjs, required);
    const evictedNow: { Number: number; Reason: string }[] = [];
    let decision: Decision;
    let errorString = '';
    const tidePresubmits = sp.pjs.filter((pj) => pj.spec.type === 'presubmit' && pj.metadata.labels?.[CREATED_BY_TIDE_LABEL] === 'true');
    const input = {
      prs: sp.prs, pjs: sp.pjs, successes: acc.successes, pendings: acc.pendings, missings: acc.missings,
      batchMerges: successBatch, batchPending: pendingBatch, missingTests: acc.missingTests,
      hasPresubmits: presubmitsFor(cfg, sp.org, sp.repo).some((ps) => sp.cc.isRequired(ps.context) || ps.run_before_merge)
        || [...sp.presubmits.values()].some((l) => l.length > 0),
      cc: sp.cc, prCC: sp.prCC, priorities: cfg.tide.priority ?? [], batchSizeLimit: batchSizeLimit(cfg.tide, sp.org, sp.repo),
      prioritizeExistingBatches: prioritizeExistingBatches(cfg.tide, sp.org, sp.repo), tidePresubmits,
      presubmitsForBatch: (prs: readonly TidePR[]) => presubmitsForBatch(sp, prs),
      newBatch: (candidates: readonly TidePR[], limit: number) => deps.batchMerger.pick(sp.org, sp.repo, sp.baseSha, candidates, limit),
      ...(branchBatches ? { bisectFrom: branchBatches } : {}),
      speculative: improvements.speculativeBatches,
    };
    if (sp.blockers.length > 0) {
      decision = { action: 'BLOCKED', targets: [], reason: 'blocked-by-issue', triggers: [] };
    } else {
      decision = await decide(input);
      for (let round = 0; ; round++) {
        if (decision.action === 'MERGE' || decision.action === 'MERGE_BATCH') {
          const outcome = await mergePRs({
            github: deps.github, tide: cfg.tide, log: plog, dryRun: deps.dryRun === true, sleep,
            betweenMergesMs: deps.betweenMergesMs ?? 5000, retryBaseMs: deps.mergeRetryBaseMs ?? 4000,
            skipStatus: (pr) => skipStatus.add(prKey(pr)),
            ...(decision.action === 'MERGE_BATCH' && contextOptionsFor(cfg, sp.org, sp.repo, sp.branch)['overwrite-pending-contexts'] ? { overwritePending: passedBatchContexts(sp, decision.targets) } : {}),
          }, decision.targets);
          errorString = mergeFailureMessage(decision.targets, outcome);
          for (const pr of outcome.merged) {
            const seen = firstSeen.get(prKey(pr));
            if (seen !== undefined) deps.metrics?.timeInPool.observe({ org: sp.org, repo: sp.repo, branch: sp.branch }, (clock.now().getTime() - seen) / 1000);
            firstSeen.delete(prKey(pr));
          }
          if (outcome.merged.length > 0) {
            deps.metrics?.merges.observe({ org: sp.org, repo: sp.repo, branch: sp.branch }, outcome.merged.length);
            deps.metrics?.mergedPRs.inc({ org: sp.org, repo: sp.repo, branch: sp.branch }, outcome.merged.length);
          }
          const refused = outcome.failed.filter((f) => f.refused);
          // Ours: a PR GitHub refuses leaves the pool now, and when nothing merged the next one gets its turn.
          if (improvements.evictUnmergeable && refused.length > 0) {
            for (const f of refused) {
              evicted.set(prKey(f.pr), { headSha: f.pr.headSha, baseSha: sp.baseSha, reason: f.reason });
              evictedNow.push({ Number: f.pr.number, Reason: f.reason });
              skipStatus.delete(prKey(f.pr));
            }
            if (outcome.merged.length === 0 && decision.action === 'MERGE' && round < 10) {
              recordHistory(cfg, sp, decision, errorString);
              const gone = new Set(refused.map((f) => f.pr.number));
              const keep = (l: readonly TidePR[]): TidePR[] => l.filter((p) => !gone.has(p.number));
              decision = await decide({ ...input, prs: keep(input.prs), successes: keep(input.successes), pendings: keep(input.pendings), missings: keep(input.missings) });
              Object.assign(input, { prs: keep(input.prs), successes: keep(input.successes), pendings: keep(input.pendings), missings: keep(input.missings) });
              errorString = '';
              continue;
            }
          }
        } else if (decision.action === 'TRIGGER' || decision.action === 'TRIGGER_BATCH') {
          try {
            for (const t of decision.triggers) {
              // In-repo config: a new batch's jobs are those at the merge of all its heads (upstream presubmitsForBatch).
              const presubmits = sp.inRepo && t.prs.length > 1 ? await resolveBatchPresubmits(cfg, sp, t.prs) : t.presubmits;
              await trigger(cfg, sp, t.prs, presubmits);
              if (t.prs.length > 1) deps.metrics?.batchSize.observe({ org: sp.org, repo: sp.repo, branch: sp.branch }, t.prs.length);
            }
          } catch (err) {
            errorString = (err as Error).message;
            deps.metrics?.poolErrors.inc({ org: sp.org, repo: sp.repo, branch: sp.branch });
            plog.error({ err }, 'triggering jobs failed');
          }
          deps.metrics?.retests.inc({ org: sp.org, repo: sp.repo, branch: sp.branch, action: decision.action }, decision.targets.length);
        }
        break;
      }
      recordHistory(cfg, sp, decision, errorString);
    }
    plog.info({ action: decision.action, reason: decision.reason, targets: decision.targets.map((p) => p.number), passing: acc.successes.map((p) => p.number), pending: acc.pendings.map((p) => p.number), missing: acc.missings.map((p) => p.number) }, 'pool synced');
    const m = deps.metrics;
    if (m) {
      const labels = { org: sp.org, repo: sp.repo, branch: sp.branch };
      m.pooledPRs.set(labels, sp.prs.length);
      m.updateTime.set(labels, Math.floor(clock.now().getTime() / 1000));
      m.poolMissingPRs.set(labels, acc.missings.length);
      m.poolPendingPRs.set(labels, acc.pendings.length);
      m.poolSuccessfulPRs.set(labels, acc.successes.length);
      m.poolBatchPendingPRs.set(labels, pendingBatch.length);
    }
    const missingTests: Record<string, string[]> = {};
    for (const [n, list] of acc.missingTests) missingTests[String(n)] = list.map((p) => p.context);
    const sorted = (l: readonly TidePR[]): TidePullJSON[] => [...l].sort(byNumber).map(toPullJSON);
    return {
      Org: sp.org, Repo: sp.repo, Branch: sp.branch,
      SuccessPRs: sorted(acc.successes), PendingPRs: sorted(acc.pendings), MissingPRs: sorted(acc.missings),
      BatchPending: sorted(pendingBatch), Action: decision.action, Target: decision.targets.map(toPullJSON),
      Blockers: sp.blockers.map((b) => ({ Number: b.Number, Title: b.Title, URL: b.URL })), Error: errorString, TenantIDs: [],
      Reason: decision.reason, Evicted: evictedNow, MissingTests: missingTests,
    };
  }

  function recordHistory(cfg: Config, sp: Subpool, d: Decision, err: string): void {
    if (d.action === 'WAIT' || d.action === 'BLOCKED') return;
    deps.history.record(poolKey(sp.org, sp.repo, sp.branch), {
      time: clock.now().toISOString(), action: d.action, baseSHA: sp.baseSha, target: d.targets.map(pullOf),
      ...(err ? { err } : {}), tenantids: [],
      ...(improvementsOf(cfg.tide).reasonCodes ? { reason: d.reason } : {}),
    });
  }

  /**
   * A PR's context checker outside the pools, for its status (upstream GetTideContextPolicy): with in-repo
   * config, from its jobs at the merge of the base (read once per branch and sync) and its head.
   */
  async function contextCheckerFor(cfg: Config, baseShas: Map<string, string>, pr: TidePR): Promise<ContextChecker> {
    if (!inRepoConfigEnabled(cfg, pr.org, pr.repo)) return createContextChecker(cfg, pr.org, pr.repo, pr.baseRef);
    const key = poolKey(pr.org, pr.repo, pr.baseRef);
    let base = baseShas.get(key);
    if (base === undefined) {
      base = await deps.github.getRef(pr.org, pr.repo, `heads/${pr.baseRef}`);
      baseShas.set(key, base);
    }
    const at = base;
    const all = await getPresubmits(cfg, deps.trees, pr.org, pr.repo, async () => at, async () => [pr.headSha]);
    return createContextChecker(cfg, pr.org, pr.repo, pr.baseRef, all);
  }

  async function buildSubpools(cfg: Config, prs: Map<string, TidePR>, blockers: Blocker[], blockerOrgsFailed: Set<string>): Promise<{ pools: Subpool[]; baseShas: Map<string, string> }> {
    const baseShas = new Map<string, string>();
    const groups = new Map<string, TidePR[]>();
    for (const pr of prs.values()) {
      if (blockerOrgsFailed.has(pr.org)) continue;
      const k = poolKey(pr.org, pr.repo, pr.baseRef);
      groups.set(k, [...(groups.get(k) ?? []), pr]);
    }
    const all = deps.informer.list();
    const pools: Subpool[] = [];
    for (const list of groups.values()) {
      const { org, repo, baseRef: branch } = list[0]!;
      let baseSha: string;
      try {
        baseSha = await deps.github.getRef(org, repo, `heads/${branch}`);
      } catch (err) {
        log.error({ err, org, repo, branch }, 'reading the base branch failed');
        continue;
      }
      baseShas.set(poolKey(org, repo, branch), baseSha);
      const pjs = all.filter((pj) => (pj.spec.type === 'presubmit' || pj.spec.type === 'batch') && pj.spec.refs?.org === org && pj.spec.refs.repo === repo && pj.spec.refs.base_ref === branch && pj.spec.refs.base_sha === baseSha);
      const cc = createContextChecker(cfg, org, repo, branch);
      const sp: Subpool = {
        org, repo, branch, baseSha, prs: [], pjs: [...pjs], cc, prCC: new Map(), presubmits: new Map(), blockers: applicableBlockers(blockers, org, repo, branch),
        inRepo: inRepoConfigEnabled(cfg, org, repo), batchPresubmits: new Map(),
      };
      for (const pr of list) {
        let all: Presubmit[];
        try {
          // Upstream presubmitsByPull: the jobs at the merge of the base and the head; a PR whose in-repo config
          // cannot be loaded leaves the pool (its status says why).
          all = await getPresubmits(cfg, deps.trees, org, repo, async () => baseSha, async () => [pr.headSha]);
        } catch (err) {
          if (err instanceof InRepoConfigError) log.info({ org, repo, pr: pr.number, problems: err.problems }, 'in-repo config failed: not in the pool');
          else log.error({ err, org, repo, pr: pr.number }, 'reading the presubmits failed: leaving the PR out this sync');
          continue;
        }
        const prCC = sp.inRepo ? createContextChecker(cfg, org, repo, branch, all) : cc;
        if (sp.inRepo) sp.prCC.set(pr.number, prCC);
        try {
          sp.presubmits.set(pr.number, await requiredPresubmits(prCC, pr, all));
        } catch (err) {
          log.warn({ err, org, repo, pr: pr.number }, 'listing changed files failed: leaving the PR out this sync');
          continue;
        }
        const why = filterReason(cfg, sp, pr);
        if (why) log.debug({ org, repo, pr: pr.number, why }, 'not in the pool');
        else sp.prs.push(pr);
      }
      if (sp.prs.length > 0) pools.push(sp);
    }
    return { pools, baseShas };
  }

  /** Culprits already told, by `org/repo#n@sha`. */
  const toldCulprits = new Set<string>();

  /** Settings tide reads and does not apply: said once, at run time (docs/tide.md). */
  const warned = new Set<string>();
  function warnUnapplied(cfg: Config): void {
    const unapplied: [string, boolean][] = [
      ['tide.gerrit', cfg.tide.gerrit?.queries !== undefined],
    ];
    for (const [key, set] of unapplied) {
      if (set && !warned.has(key)) {
        warned.add(key);
        log.warn({ key }, 'set but not applied by this tide (docs/tide.md)');
      }
    }
  }

  async function syncOnce(): Promise<SyncResult> {
    const started = clock.now().getTime();
    const cfg = deps.config();
    warnUnapplied(cfg);
    skipStatus.clear();
    const prs = await search(cfg);
    let blockers: Blocker[] = [];
    const blockerOrgsFailed = new Set<string>();
    if (cfg.tide.blocker_label && prs.size > 0) {
      const orgs = new Set([...prs.values()].map((p) => p.org));
      for (const org of orgs) {
        const repos = new Set([...prs.values()].filter((p) => p.org === org).map((p) => `repo:"${org}/${p.repo}"`));
        try {
          blockers.push(...(await findBlockers(deps.github, cfg.tide.blocker_label, [...repos].join(' '))));
        } catch (err) {
          // As upstream: without knowing the blockers, this org's PRs sit this sync out.
          log.error({ err, org }, 'searching for blocker issues failed');
          blockerOrgsFailed.add(org);
        }
      }
    }
    const { pools: subpools, baseShas } = await buildSubpools(cfg, prs, blockers, blockerOrgsFailed);
    if (improvementsOf(cfg.tide).bisectFailedBatches) await tellCulprits({ informer: deps.informer, github: deps.github, log, dryRun: deps.dryRun === true }, prs, toldCulprits);
    for (const sp of subpools) for (const pr of sp.prs) if (!firstSeen.has(prKey(pr))) firstSeen.set(prKey(pr), started);
    const results: TidePoolJSON[] = [];
    await inParallel(subpools, cfg.tide.max_goroutines || 20, async (sp) => {
      try {
        results.push(await syncSubpool(cfg, sp));
      } catch (err) {
        deps.metrics?.poolErrors.inc({ org: sp.org, repo: sp.repo, branch: sp.branch });
        log.error({ err, org: sp.org, repo: sp.repo, branch: sp.branch }, 'syncing pool failed');
      }
    });
    results.sort((a, b) => `${a.Org}/${a.Repo}:${a.Branch}`.localeCompare(`${b.Org}/${b.Repo}:${b.Branch}`));
    published = results;
    deps.history.flush();
    // Files of heads no longer in any pool are forgotten (upstream changedFilesAgent.prune).
    const live = new Set([...prs.values()].map((p) => `${prKey(p)}@${p.headSha}`));
    changes = new Map([...changes].filter(([k]) => live.has(k)));
    for (const k of [...evicted.keys()]) if (!prs.has(k)) evicted.delete(k);
    deps.metrics?.syncDuration.set((clock.now().getTime() - started) / 1000);
    deps.metrics?.syncHeartbeat.inc({ controller: 'sync' });

    let statusesWritten = 0;
    if (started - lastStatusUpdate >= statusUpdatePeriodMs(cfg.tide)) {
      lastStatusUpdate = started;
      statusesWritten = await updateStatuses(
        {
          github: deps.github, log, dryRun: deps.dryRun === true, clock, ...(deps.metrics ? { metrics: deps.metrics } : {}),
          contextCheckerFor: (pr) => contextCheckerFor(cfg, baseShas, pr),
        },
        cfg, subpools, blockers, skipStatus, evicted,
      );
    }
    return { pools: results, statusesWritten };
  }

  function schedule(): void {
    if (stopped) return;
    let period = 60_000;
    try {
      period = syncPeriodMs(deps.config().tide);
    } catch (err) {
      log.error({ err }, 'tide.sync_period unreadable: using 1m');
    }
    timer = setTimeout(() => {
      running = syncOnce().catch((err: unknown) => log.error({ err }, 'tide sync failed')).finally(schedule);
    }, period);
  }

  return {
    syncOnce,
    start() {
      stopped = false;
      running = syncOnce().catch((err: unknown) => log.error({ err }, 'tide sync failed')).finally(schedule);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    pools: () => published,
  };
}

// One action per pool per sync (upstream pkg/tide/tide.go takeAction, pickBatch, pickHighestPriorityPR,
// isPassingTests, unsuccessfulContexts, isRetestEligible, pickBatchWithPreexistingTests), with the
// side effects (merging, triggering, test-merging a new batch) left to the caller. Each decision carries
// a reason code (docs/tide.md "Reason codes").
import type { ProwJob } from '../api/prowjob.js';
import type { Presubmit } from '../config/types.js';
import { batchStates, type BatchPresubmits } from './accumulate.js';
import type { ContextChecker } from './context-policy.js';
import type { TideAction, TideContext, TidePR } from './types.js';

export const STATUS_CONTEXT = 'tide';

/** Contexts other than tide's own that are not optional and not success, plus missing required ones. */
export function unsuccessfulContexts(contexts: readonly TideContext[], cc: ContextChecker): TideContext[] {
  const failed: TideContext[] = [];
  for (const c of contexts) {
    if (c.context === STATUS_CONTEXT || cc.isOptional(c.context)) continue;
    if (c.state !== 'SUCCESS') failed.push(c);
  }
  for (const c of cc.missingRequiredContexts(contexts.map((x) => x.context))) failed.push({ context: c, state: 'EXPECTED', description: '' });
  return failed;
}

export function isPassingTests(pr: TidePR, cc: ContextChecker): boolean {
  return unsuccessfulContexts(pr.contexts, cc).length === 0;
}

/** Each entry may be `a,b` (either). */
export function hasAllLabels(pr: TidePR, want: readonly string[]): boolean {
  return want.every((l) => l.split(',').some((alt) => pr.labels.includes(alt)));
}

/** Walk the priority label sets in order (then "no labels"); the lowest PR number that passes `ok`. */
export function pickHighestPriorityPR(prs: readonly TidePR[], ok: (pr: TidePR) => boolean, priorities: readonly { labels?: string[] }[]): TidePR | undefined {
  for (const p of [...priorities, { labels: [] }]) {
    let best: TidePR | undefined;
    for (const pr of prs) {
      if (!hasAllLabels(pr, p.labels ?? [])) continue;
      if (best && pr.number >= best.number) continue;
      if (!ok(pr)) continue;
      best = pr;
    }
    if (best) return best;
  }
  return undefined;
}

/**
 * Retest eligibility: no required context missing, and every other non-optional context is success, or
 * pending with a tide-created presubmit for it at the current head.
 */
export function isRetestEligible(pr: TidePR, cc: ContextChecker, tidePresubmits: readonly ProwJob[]): boolean {
  if (cc.missingRequiredContexts(pr.contexts.map((c) => c.context)).length > 0) return false;
  for (const c of pr.contexts) {
    if (c.context === STATUS_CONTEXT || cc.isOptional(c.context) || c.state === 'SUCCESS') continue;
    if (c.state !== 'PENDING') return false;
    const ours = tidePresubmits.some((pj) => pj.spec.context === c.context && pj.spec.refs?.pulls?.length === 1 && pj.spec.refs.pulls[0]?.number === pr.number && pj.spec.refs.pulls[0]?.sha === pr.headSha);
    if (!ours) return false;
  }
  return true;
}

/** Reuse the existing batch (all pulls still candidates) with the most successful, else most pending, jobs. */
export function pickBatchWithPreexistingTests(candidates: readonly TidePR[], pjs: readonly ProwJob[], maxSize: number): TidePR[] {
  const bySuccess = new Map<string, number>();
  const byPending = new Map<string, number>();
  for (const pj of pjs) {
    const pulls = pj.spec.refs?.pulls ?? [];
    if (pj.spec.type !== 'batch' || (maxSize !== 0 && pulls.length > maxSize)) continue;
    if (pj.status.state !== 'success' && pj.status.state !== 'pending') continue;
    if (!pulls.every((pull) => candidates.some((c) => c.number === pull.number && c.headSha === pull.sha))) continue;
    const key = pulls.map((p) => p.number).join('|');
    const m = pj.status.state === 'success' ? bySuccess : byPending;
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  const best = (m: Map<string, number>): string | undefined => {
    let key: string | undefined;
    let val = 0;
    for (const [k, v] of m) if (v > val) { key = k; val = v; }
    return key;
  };
  const key = best(bySuccess) ?? best(byPending);
  if (!key) return [];
  const numbers = key.split('|').map(Number);
  return numbers.map((n) => candidates.find((c) => c.number === n)).filter((p): p is TidePR => p !== undefined);
}

/** What a decision is about, for the `tide` status and the history (docs/tide.md). */
export type ReasonCode =
  | 'blocked-by-issue' | 'batch-passed' | 'all-jobs-passed' | 'no-required-jobs' | 'new-batch' | 'bisect-failed-batch'
  | 'missing-jobs' | 'batch-pending' | 'jobs-pending' | 'nothing-to-do' | 'speculation-pending' | 'longest-green-prefix';

export interface Decision {
  action: TideAction;
  targets: TidePR[];
  reason: ReasonCode;
  /** For TRIGGER / TRIGGER_BATCH: the jobs to create (one set per batch; a bisection triggers two). */
  triggers: { prs: TidePR[]; presubmits: readonly Presubmit[] }[];
}

export interface DecideInput {
  prs: readonly TidePR[];
  /** Presubmit and batch jobs at the pool's base SHA. */
  pjs: readonly ProwJob[];
  successes: readonly TidePR[];
  pendings: readonly TidePR[];
  missings: readonly TidePR[];
  batchMerges: readonly TidePR[];
  batchPending: readonly TidePR[];
  missingTests: ReadonlyMap<number, readonly Presubmit[]>;
  /** Whether the pool has any required presubmits at all. */
  hasPresubmits: boolean;
  cc: ContextChecker;
  /** A PR's own context checker where it differs from the pool's (in-repo config: its `.prow.yaml` jobs). */
  prCC?: ReadonlyMap<number, ContextChecker>;
  priorities: readonly { labels?: string[] }[];
  batchSizeLimit: number;
  prioritizeExistingBatches: boolean;
  /** Tide-created presubmit jobs of the pool's PRs (for retest eligibility). */
  tidePresubmits: readonly ProwJob[];
  /**
   * Required presubmits of a batch of these PRs; undefined when unknown yet (in-repo config: the caller
   * resolves a new batch's jobs at the merge of all its heads before triggering them).
   */
  presubmitsForBatch(prs: readonly TidePR[]): readonly Presubmit[] | undefined;
  /** Test-merge the candidates in order onto the base; those that merge cleanly, up to the limit. */
  newBatch(candidates: readonly TidePR[], limit: number): Promise<TidePR[]>;
  /** Ours: batch jobs of this branch at any base SHA, for bisection (absent: bisection off). */
  bisectFrom?: readonly ProwJob[];
  /** Ours: test up to this many prefixes of a new batch at once; the longest green one merges (0 or 1: off). */
  speculative?: number;
}

function decision(action: TideAction, targets: TidePR[], reason: ReasonCode, triggers: Decision['triggers'] = []): Decision {
  return { action, targets, reason, triggers };
}

/**
 * Ours: the smallest failed batch whose every PR is still a candidate at the same head, split in two
 * halves. Upstream retries the whole set (a new batch of every candidate) instead.
 */
export function bisectionHalves(candidates: readonly TidePR[], batchJobs: readonly ProwJob[], required: BatchPresubmits): [TidePR[], TidePR[]] | undefined {
  const failed = batchStates(candidates, batchJobs, required).filter((b) => b.state === 'failure' && b.prs.length >= 2 && [...b.jobStates.values()].every((s) => s !== 'pending'));
  if (failed.length === 0) return undefined;
  failed.sort((a, b) => a.prs.length - b.prs.length);
  const set = [...failed[0]!.prs].sort((a, b) => a.number - b.number);
  const mid = Math.ceil(set.length / 2);
  return [set.slice(0, mid), set.slice(mid)];
}

/** Prefix sizes of a speculative batch of `n` PRs: n, n/2, n/4… (at least 2 PRs each), at most `count`. */
export function prefixSizes(n: number, count: number): number[] {
  const sizes: number[] = [];
  for (let size = n; size >= 2 && sizes.length < count; size = Math.ceil(size / 2)) {
    if (!sizes.includes(size)) sizes.push(size);
    if (size === 2) break;
  }
  return sizes;
}

export async function decide(input: DecideInput): Promise<Decision> {
  const ccOf = (pr: TidePR): ContextChecker => input.prCC?.get(pr.number) ?? input.cc;
  const forBatch = (prs: readonly TidePR[]): readonly Presubmit[] => input.presubmitsForBatch(prs) ?? [];
  if ((input.speculative ?? 0) >= 2) {
    // Ours: wait until no longer prefix is still running, then merge the longest that passed.
    const states = batchStates(input.prs, input.pjs, (prs) => input.presubmitsForBatch(prs));
    const longest = (l: typeof states): number => Math.max(0, ...l.map((b) => b.prs.length));
    const green = states.filter((b) => b.state === 'success');
    const running = states.filter((b) => b.state === 'pending');
    if (running.length > 0 && longest(running) > longest(green)) {
      input = { ...input, batchMerges: [], batchPending: running.find((b) => b.prs.length === longest(running))!.prs };
    } else if (green.length > 0) {
      return decision('MERGE_BATCH', [...green.find((b) => b.prs.length === longest(green))!.prs], 'longest-green-prefix');
    }
  }
  if (input.batchMerges.length > 0) return decision('MERGE_BATCH', [...input.batchMerges], 'batch-passed');
  if (input.successes.length > 0 && input.batchPending.length === 0) {
    const pr = pickHighestPriorityPR(input.successes, (p) => isPassingTests(p, ccOf(p)), input.priorities);
    if (pr) return decision('MERGE', [pr], 'all-jobs-passed');
  }
  if (!input.hasPresubmits) return decision('WAIT', [], 'no-required-jobs');
  if (input.prs.length > 1 && input.batchPending.length === 0 && input.batchSizeLimit >= 0) {
    const candidates = [...input.prs].sort((a, b) => a.number - b.number).filter((p) => isRetestEligible(p, ccOf(p), input.tidePresubmits));
    if (candidates.length > 0) {
      if (input.bisectFrom) {
        const halves = bisectionHalves(candidates, input.bisectFrom, (prs) => input.presubmitsForBatch(prs));
        if (halves) {
          const triggers = halves.map((half) => ({ prs: half, presubmits: half.length === 1 ? (input.missingTests.get(half[0]!.number) ?? forBatch(half)) : forBatch(half) }));
          return decision('TRIGGER_BATCH', [...halves[0], ...halves[1]], 'bisect-failed-batch', triggers);
        }
      }
      let batch = input.prioritizeExistingBatches ? pickBatchWithPreexistingTests(candidates, input.pjs, input.batchSizeLimit) : [];
      if (batch.length === 0) batch = await input.newBatch(candidates, input.batchSizeLimit);
      if (batch.length > 1 && (input.speculative ?? 0) >= 2) {
        const sorted = [...batch].sort((a, b) => a.number - b.number);
        const triggers = prefixSizes(sorted.length, input.speculative ?? 0).map((n) => ({ prs: sorted.slice(0, n), presubmits: forBatch(sorted.slice(0, n)) }));
        return decision('TRIGGER_BATCH', sorted, 'new-batch', triggers);
      }
      if (batch.length > 1) return decision('TRIGGER_BATCH', batch, 'new-batch', [{ prs: batch, presubmits: forBatch(batch) }]);
    }
  }
  if (input.missings.length > 0 && input.pendings.length === 0 && input.successes.length === 0) {
    const pr = pickHighestPriorityPR(input.missings, (p) => isRetestEligible(p, ccOf(p), input.tidePresubmits), input.priorities);
    if (pr) return decision('TRIGGER', [pr], 'missing-jobs', [{ prs: [pr], presubmits: input.missingTests.get(pr.number) ?? [] }]);
  }
  if (input.batchPending.length > 0) return decision('WAIT', [], (input.speculative ?? 0) >= 2 ? 'speculation-pending' : 'batch-pending');
  if (input.pendings.length > 0) return decision('WAIT', [], 'jobs-pending');
  return decision('WAIT', [], 'nothing-to-do');
}

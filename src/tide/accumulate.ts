// Sorting a pool's PRs by their test results (upstream pkg/tide/tide.go accumulate, accumulateBatch,
// prowJobsFromContexts, toSimpleState, getBetterSimpleState). Pure: ProwJobs and PRs in, buckets out.
import { baseShaFromContextDescription } from '../api/status-description.js';
import type { ProwJob, ProwJobState } from '../api/prowjob.js';
import type { Presubmit } from '../config/types.js';
import type { TidePR } from './types.js';

export type SimpleState = 'failure' | 'pending' | 'success';

export function toSimpleState(s: ProwJobState | undefined): SimpleState {
  if (s === 'triggered' || s === 'pending' || s === 'scheduling') return 'pending';
  return s === 'success' ? 'success' : 'failure';
}

/** success > pending > failure/none. */
export function betterState(a: SimpleState | undefined, b: SimpleState): SimpleState {
  if (a === undefined || a === 'failure' || b === 'success') return b;
  return a;
}

const SKIP_RETEST = '[prow:skip-retest]';

/**
 * Successful contexts that carry the current base SHA (crier writes ` BaseSHA:<sha>` into the
 * description) or the skip-retest marker count as passing jobs, so results outlive sinker.
 */
export function prowJobsFromContexts(pr: TidePR, baseSha: string): ProwJob[] {
  const out: ProwJob[] = [];
  for (const c of pr.contexts) {
    if (c.state !== 'SUCCESS') continue;
    const sha = baseShaFromContextDescription(c.description);
    if (!c.description.includes(SKIP_RETEST) && !(sha !== '' && sha === baseSha)) continue;
    out.push({
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: `context:${c.context}` },
      spec: { type: 'presubmit', context: c.context, refs: { org: pr.org, repo: pr.repo, pulls: [{ number: pr.number, sha: pr.headSha, author: pr.author }] } },
      status: { state: 'success', startTime: '' },
    } as ProwJob);
  }
  return out;
}

export interface Accumulated {
  successes: TidePR[];
  pendings: TidePR[];
  missings: TidePR[];
  /** PR number → required presubmits with no passing or pending job at (base, head). */
  missingTests: Map<number, Presubmit[]>;
}

export function accumulate(presubmits: ReadonlyMap<number, readonly Presubmit[]>, prs: readonly TidePR[], pjs: readonly ProwJob[], baseSha: string): Accumulated {
  const out: Accumulated = { successes: [], pendings: [], missings: [], missingTests: new Map() };
  for (const pr of prs) {
    const states = new Map<string, SimpleState>();
    for (const pj of [...pjs, ...prowJobsFromContexts(pr, baseSha)]) {
      if (pj.spec.type !== 'presubmit') continue;
      const pull = pj.spec.refs?.pulls?.[0];
      if (pull?.number !== pr.number || pull.sha !== pr.headSha) continue;
      const name = pj.spec.context ?? '';
      states.set(name, betterState(states.get(name), toSimpleState(pj.status.state)));
    }
    let overall: SimpleState = 'success';
    const missing: Presubmit[] = [];
    for (const ps of presubmits.get(pr.number) ?? []) {
      const s = states.get(ps.context);
      if (s === undefined || s === 'failure') missing.push(ps);
      else if (s === 'pending') overall = 'pending';
    }
    if (missing.length > 0) {
      out.missingTests.set(pr.number, missing);
      overall = 'failure';
    }
    if (overall === 'success') out.successes.push(pr);
    else if (overall === 'pending') out.pendings.push(pr);
    else out.missings.push(pr);
  }
  return out;
}

export interface BatchState {
  prs: TidePR[];
  /** context → best state over the batch's jobs. */
  jobStates: Map<string, SimpleState>;
  /** Overall, against the batch's required presubmits. */
  state: SimpleState;
}

/** `required` answers undefined when the batch's presubmits are unknown (its in-repo config failed): such a batch is left out. */
export type BatchPresubmits = (prs: TidePR[]) => readonly Presubmit[] | undefined;

/** Batch ProwJobs grouped by their pulls; only batches whose every pull is still in `prs` at the same head. */
export function batchStates(prs: readonly TidePR[], pjs: readonly ProwJob[], required: BatchPresubmits): BatchState[] {
  const byNumber = new Map(prs.map((p) => [p.number, p]));
  const groups = new Map<string, { prs: TidePR[]; valid: boolean; jobStates: Map<string, SimpleState> }>();
  for (const pj of pjs) {
    if (pj.spec.type !== 'batch') continue;
    const pulls = pj.spec.refs?.pulls ?? [];
    const key = pulls.map((p) => `${p.number}:${p.sha}`).join(',');
    let g = groups.get(key);
    if (!g) {
      const members: TidePR[] = [];
      let valid = pulls.length > 0;
      for (const pull of pulls) {
        const pr = byNumber.get(pull.number);
        if (!pr || pr.headSha !== pull.sha) {
          valid = false;
          break;
        }
        members.push(pr);
      }
      g = { prs: members, valid, jobStates: new Map() };
      groups.set(key, g);
    }
    if (!g.valid) continue;
    const ctx = pj.spec.context ?? '';
    g.jobStates.set(ctx, betterState(g.jobStates.get(ctx), toSimpleState(pj.status.state)));
  }
  const out: BatchState[] = [];
  for (const g of groups.values()) {
    if (!g.valid) continue;
    const presubmits = required(g.prs);
    if (presubmits === undefined) continue;
    let state: SimpleState = 'success';
    for (const ps of presubmits) {
      const s = g.jobStates.get(ps.context);
      if (s === undefined || s === 'failure') {
        state = 'failure';
        break;
      }
      if (s === 'pending') state = 'pending';
    }
    out.push({ prs: g.prs, jobStates: g.jobStates, state });
  }
  return out;
}

/** Upstream accumulateBatch: at most one successful and one pending batch. */
export function accumulateBatch(prs: readonly TidePR[], pjs: readonly ProwJob[], required: BatchPresubmits): { successBatch: TidePR[]; pendingBatch: TidePR[] } {
  let successBatch: TidePR[] = [];
  let pendingBatch: TidePR[] = [];
  for (const b of batchStates(prs, pjs, required)) {
    if (b.state === 'success') successBatch = b.prs;
    else if (b.state === 'pending') pendingBatch = b.prs;
  }
  return { successBatch, pendingBatch };
}

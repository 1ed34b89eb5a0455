// A simulated merge queue through tide's own decision functions (src/tide/accumulate.ts, decide.ts) with
// a simulated clock: PRs arrive, each tested once on arrival (trigger), then tide syncs every minute and
// its jobs take T minutes. Some PRs break on any newer base (a "real" failure their first run missed),
// some flake. The same queue (same seed) runs through upstream's algorithm, serial only and with
// batches, and through ours (bisection of failed batches) in the same run.
//   node --import tsx bench/tide.ts [--prs 200] [--ci-minutes 30] [--arrival-minutes 3] [--bad 0.10] [--flaky 0.05] [--flake-rate 0.3] [--batch-limit 10] [--seed 1]
import type { ProwJob } from '../src/api/prowjob.js';
import { contextDescriptionWithBaseSha } from '../src/api/status-description.js';
import type { Presubmit } from '../src/config/types.js';
import { accumulate, accumulateBatch } from '../src/tide/accumulate.js';
import type { ContextChecker } from '../src/tide/context-policy.js';
import { decide, unsuccessfulContexts } from '../src/tide/decide.js';
import type { TidePR } from '../src/tide/types.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const PRS = arg('prs', 200);
const CI_MIN = arg('ci-minutes', 30);
const ARRIVAL_MIN = arg('arrival-minutes', 3);
const BAD = arg('bad', 0.1);
const FLAKY = arg('flaky', 0.05);
const FLAKE_RATE = arg('flake-rate', 0.3);
const BATCH_LIMIT = arg('batch-limit', 10);
const SEED = arg('seed', 1);
const SYNC_MIN = 1;
const HORIZON_MIN = 14 * 24 * 60;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

const unit = { name: 'unit', context: 'unit', always_run: true } as Presubmit;
const cc: ContextChecker = {
  required: ['unit'],
  isOptional: (c) => c !== 'unit',
  isRequired: (c) => c === 'unit',
  missingRequiredContexts: (present) => (present.includes('unit') ? [] : ['unit']),
};

interface SimPR {
  pr: TidePR;
  arrival: number;
  bad: boolean;
  flaky: boolean;
  mergedAt?: number;
  /** Out of the queue: its own run failed on a newer base (a real failure, sent back to its author). */
  rejected?: boolean;
}

interface Strategy {
  name: string;
  batchLimit: number;
  bisect: boolean;
  speculative?: number;
}

interface Result {
  name: string;
  merged: number;
  rejected: number;
  hours: number;
  ciRuns: number;
  waits: number[];
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function simulate(strategy: Strategy): Promise<Result> {
  const random = rng(SEED);
  const prs: SimPR[] = [];
  for (let i = 1; i <= PRS; i++) {
    const r = random();
    prs.push({
      arrival: (i - 1) * ARRIVAL_MIN, bad: r < BAD, flaky: r >= BAD && r < BAD + FLAKY,
      pr: {
        org: 'o', repo: 'r', number: i, title: '', body: '', author: 'a', baseRef: 'main', baseRefPrefix: 'refs/heads/', headRef: `pr-${i}`,
        headSha: `head-${i}`, mergeable: 'MERGEABLE', mergeStateStatus: 'CLEAN', canBeRebased: true, isDraft: false, labels: ['lgtm', 'approved'],
        milestone: undefined, reviewDecision: undefined, updatedAt: '', contexts: [],
      },
    });
  }
  // A separate stream for run outcomes, so that every strategy sees the same PRs.
  const outcome = rng(SEED * 7919 + 1);
  let base = 0;
  const baseSha = (): string => `base-${base}`;
  const jobs: (ProwJob & { done: number; passes: boolean })[] = [];
  let ciRuns = 0;
  let seq = 0;
  const runPasses = (members: SimPR[], onBase: string, arrivalBase: string): boolean => {
    for (const m of members) {
      if (m.bad && onBase !== arrivalBase) return false;
      if (m.flaky && outcome() < FLAKE_RATE) return false;
    }
    return true;
  };
  const arrivalBase = new Map<number, string>();
  const byNumber = new Map(prs.map((p) => [p.pr.number, p]));
  const start = (type: 'presubmit' | 'batch', members: SimPR[], now: number, createdByTide: boolean): void => {
    ciRuns++;
    const passes = members.every((m) => true && m) && runPasses(members, baseSha(), members.length === 1 ? (arrivalBase.get(members[0]!.pr.number) ?? '') : '');
    jobs.push({
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
      metadata: { name: `j${++seq}`, labels: createdByTide ? { 'created-by-tide': 'true' } : {} },
      spec: { type, job: 'unit', context: 'unit', refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: baseSha(), pulls: members.map((m) => ({ number: m.pr.number, sha: m.pr.headSha, author: 'a' })) } },
      status: { state: 'pending', startTime: '' },
      done: now + CI_MIN, passes,
    } as ProwJob & { done: number; passes: boolean });
  };

  let now = 0;
  for (; now < HORIZON_MIN; now += SYNC_MIN) {
    // Arrivals: the trigger plugin tests each new PR once, on the base of the moment.
    for (const p of prs) {
      if (p.arrival === now) {
        arrivalBase.set(p.pr.number, baseSha());
        start('presubmit', [p], now, false);
      }
    }
    // CI finishes; crier reports presubmits as the PR's `unit` status.
    for (const j of jobs) {
      if (j.status.state !== 'pending' || j.done > now) continue;
      j.status.state = j.passes ? 'success' : 'failure';
      if (j.spec.type === 'presubmit') {
        const p = byNumber.get(j.spec.refs!.pulls![0]!.number)!;
        p.pr.contexts = [{ context: 'unit', state: j.passes ? 'SUCCESS' : 'FAILURE', description: contextDescriptionWithBaseSha(j.passes ? 'Job succeeded.' : 'Job failed.', j.spec.refs!.base_sha ?? '') }];
        if (!j.passes && p.bad && j.spec.refs!.base_sha !== arrivalBase.get(p.pr.number)) p.rejected = true;
        else if (!j.passes && p.flaky) {
          // The author (or a bot) retests a flake: a fresh run.
          start('presubmit', [p], now, false);
        }
      }
    }
    const open = prs.filter((p) => p.arrival <= now && p.mergedAt === undefined && !p.rejected);
    if (open.length === 0 && now > prs[prs.length - 1]!.arrival) break;
    // tide's pool: PRs whose contexts are green or pending with their own required job.
    const pool = open.filter((p) => unsuccessfulContexts(p.pr.contexts, cc).every((c) => c.state === 'PENDING')).map((p) => p.pr);
    if (pool.length === 0) continue;
    const sha = baseSha();
    const atBase = jobs.filter((j) => j.spec.refs?.base_sha === sha);
    const presubmits = new Map(pool.map((p) => [p.number, [unit]]));
    const acc = accumulate(presubmits, pool, atBase, sha);
    const { successBatch, pendingBatch } = accumulateBatch(pool, atBase, () => [unit]);
    const d = await decide({
      prs: pool, pjs: atBase, successes: acc.successes, pendings: acc.pendings, missings: acc.missings, batchMerges: successBatch, batchPending: pendingBatch,
      missingTests: acc.missingTests, hasPresubmits: true, cc, priorities: [], batchSizeLimit: strategy.batchLimit, prioritizeExistingBatches: true,
      tidePresubmits: atBase.filter((j) => j.spec.type === 'presubmit' && j.metadata.labels?.['created-by-tide'] === 'true'),
      presubmitsForBatch: () => [unit],
      newBatch: async (candidates, limit) => (limit > 0 ? candidates.slice(0, limit) : [...candidates]),
      ...(strategy.bisect ? { bisectFrom: jobs.filter((j) => j.spec.type === 'batch') } : {}),
      speculative: strategy.speculative ?? 0,
    });
    if (d.action === 'MERGE' || d.action === 'MERGE_BATCH') {
      for (const t of d.targets) byNumber.get(t.number)!.mergedAt = now;
      base++;
    } else if (d.action === 'TRIGGER' || d.action === 'TRIGGER_BATCH') {
      for (const t of d.triggers) {
        const members = t.prs.map((p) => byNumber.get(p.number)!);
        const exists = members.length > 1 && atBase.some((j) => j.spec.type === 'batch' && j.status.state !== 'failure' && j.spec.refs?.pulls?.map((p) => p.number).join(',') === members.map((m) => m.pr.number).join(','));
        if (!exists) start(members.length === 1 ? 'presubmit' : 'batch', members, now, true);
      }
    }
  }
  const merged = prs.filter((p) => p.mergedAt !== undefined);
  return {
    name: strategy.name, merged: merged.length, rejected: prs.filter((p) => p.rejected).length, hours: now / 60, ciRuns,
    waits: merged.map((p) => (p.mergedAt! - p.arrival) / 60),
  };
}

const strategies: Strategy[] = [
  { name: 'upstream serial (batch_size_limit -1)', batchLimit: -1, bisect: false },
  { name: `upstream batch (batch_size_limit ${BATCH_LIMIT})`, batchLimit: BATCH_LIMIT, bisect: false },
  { name: `ours: batch ${BATCH_LIMIT} + bisect_failed_batches`, batchLimit: BATCH_LIMIT, bisect: true },
  { name: `ours: batch ${BATCH_LIMIT} + speculative_batches 3`, batchLimit: BATCH_LIMIT, bisect: false, speculative: 3 },
  { name: `ours: batch ${BATCH_LIMIT} + bisect + speculative 3`, batchLimit: BATCH_LIMIT, bisect: true, speculative: 3 },
];
const results: Result[] = [];
for (const s of strategies) results.push(await simulate(s));
const baseline = results[1]!;
const rate = (r: Result): number => r.merged / r.hours;
const perMerge = (r: Result): number => r.ciRuns / Math.max(1, r.merged);
process.stdout.write(`tide queue simulation: ${PRS} PRs arriving every ${ARRIVAL_MIN} min, CI ${CI_MIN} min, sync ${SYNC_MIN} min, ${Math.round(BAD * 100)}% real failures, ${Math.round(FLAKY * 100)}% flaky (fail ${Math.round(FLAKE_RATE * 100)}% of runs), seed ${SEED}\n`);
process.stdout.write(`${'strategy'.padEnd(44)} ${'merged'.padStart(6)} ${'out'.padStart(4)} ${'hours'.padStart(6)} ${'merges/h'.padStart(9)} ${'CI runs/merge'.padStart(14)} ${'queue p50 h'.padStart(12)} ${'p95 h'.padStart(7)}\n`);
for (const r of results) {
  process.stdout.write(`${r.name.padEnd(44)} ${String(r.merged).padStart(6)} ${String(r.rejected).padStart(4)} ${r.hours.toFixed(1).padStart(6)} ${rate(r).toFixed(2).padStart(9)} ${perMerge(r).toFixed(2).padStart(14)} ${percentile(r.waits, 50).toFixed(2).padStart(12)} ${percentile(r.waits, 95).toFixed(2).padStart(7)}\n`);
}
process.stdout.write(`ratios against upstream batch: ${results.map((r) => `${r.name}: merges/h ×${(rate(r) / rate(baseline)).toFixed(2)}, CI runs/merge ×${(perMerge(r) / perMerge(baseline)).toFixed(2)}, p95 ×${(percentile(r.waits, 95) / percentile(baseline.waits, 95)).toFixed(2)}`).join('; ')}\n`);

// Per-org/repo lookups over the `tide:` section (upstream pkg/config/tide.go: MergeMethod, BatchSizeLimit,
// PrioritizeExistingBatches, MergeCommitTemplate, GetPRStatusBaseURL, GetTargetURL,
// GitHubMergeBlocksPolicy), plus the options of ours that go beyond upstream (docs/tide.md).
import { compileRegex } from '../go/regex.js';
import { parseDuration } from '../go/duration.js';
import type { MergeMethod } from '../github/types.js';
import type { Tide } from '../config/types.js';

/** `org/repo`, then `org`, then `*`. */
function byRepo<T>(m: Record<string, T> | undefined, org: string, repo: string): T | undefined {
  if (!m) return undefined;
  return m[`${org}/${repo}`] ?? m[org] ?? m['*'];
}

function isMethod(v: unknown): v is MergeMethod {
  return v === 'merge' || v === 'squash' || v === 'rebase';
}

function fromBranchMap(v: unknown, branch: string): MergeMethod | undefined {
  if (isMethod(v)) return v;
  if (!v || typeof v !== 'object') return undefined;
  for (const [re, m] of Object.entries(v as Record<string, unknown>)) {
    if (isMethod(m) && compileRegex(`^(?:${re})$`).test(branch)) return m;
  }
  return undefined;
}

/**
 * merge_method keys: `org/repo@branch`, `org/repo` (a method or {branchRegex: method}), `org` (a method
 * or {repo: method | {branchRegex: method}}). Default `merge`.
 */
export function mergeMethodFor(tide: Pick<Tide, 'merge_method'>, org: string, repo: string, branch: string): MergeMethod {
  const mm = tide.merge_method ?? {};
  const exact = mm[`${org}/${repo}@${branch}`];
  if (isMethod(exact)) return exact;
  const full = fromBranchMap(mm[`${org}/${repo}`], branch);
  if (full) return full;
  const o = mm[org];
  if (isMethod(o)) return o;
  if (o && typeof o === 'object') {
    const r = fromBranchMap((o as Record<string, unknown>)[repo], branch);
    if (r) return r;
  }
  return 'merge';
}

/** 0: unlimited (upstream default); -1: batches disabled. */
export function batchSizeLimit(tide: Pick<Tide, 'batch_size_limit'>, org: string, repo: string): number {
  return byRepo(tide.batch_size_limit, org, repo) ?? 0;
}

export function prioritizeExistingBatches(tide: Pick<Tide, 'prioritize_existing_batches'>, org: string, repo: string): boolean {
  return byRepo(tide.prioritize_existing_batches, org, repo) ?? true;
}

export function mergeCommitTemplate(tide: Pick<Tide, 'merge_commit_template'>, org: string, repo: string): { title?: string; body?: string } | undefined {
  const t = tide.merge_commit_template;
  return t?.[`${org}/${repo}`] ?? t?.[org];
}

export type MergeBlocksPolicy = 'ignore' | 'permit' | 'block';

export function mergeBlocksPolicy(tide: Pick<Tide, 'github_merge_blocks_policy'>, org: string, repo: string): MergeBlocksPolicy {
  const v = byRepo(tide.github_merge_blocks_policy, org, repo);
  return v === 'ignore' || v === 'block' ? v : 'permit';
}

export function prStatusBaseUrl(tide: Pick<Tide, 'pr_status_base_url' | 'pr_status_base_urls'>, org: string, repo: string): string | undefined {
  return byRepo(tide.pr_status_base_urls, org, repo) ?? (tide.pr_status_base_url || undefined);
}

export function targetUrlFor(tide: Pick<Tide, 'target_url' | 'target_urls'>, org: string, repo: string): string | undefined {
  return byRepo(tide.target_urls, org, repo) ?? (tide.target_url || undefined);
}

export function syncPeriodMs(tide: Pick<Tide, 'sync_period'>): number {
  return parseDuration(tide.sync_period || '1m');
}

export function statusUpdatePeriodMs(tide: Pick<Tide, 'status_update_period' | 'sync_period'>): number {
  return parseDuration(tide.status_update_period || tide.sync_period || '1m');
}

/** Ours, beyond upstream (docs/tide.md); every default reproduces upstream's behaviour. */
export interface TideImprovements {
  /** Append a reason code to the `tide` status and every history record. */
  reasonCodes: boolean;
  /** A PR GitHub refuses to merge (405/409) leaves the pool at once; the next one merges in the same sync. */
  evictUnmergeable: boolean;
  /** Split a failed batch in halves and test both in parallel until the culprit is found. */
  bisectFailedBatches: boolean;
  /** Test up to this many prefixes of a new batch in parallel; the longest green one merges (0: off). */
  speculativeBatches: number;
}

export function improvementsOf(tide: Pick<Tide, 'improvements'>): TideImprovements {
  const i = tide.improvements ?? {};
  return {
    reasonCodes: i.reason_codes === true,
    evictUnmergeable: i.evict_unmergeable === true,
    bisectFailedBatches: i.bisect_failed_batches === true,
    speculativeBatches: i.speculative_batches ?? 0,
  };
}

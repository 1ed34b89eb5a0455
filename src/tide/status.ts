// The `tide` status context on every PR in a query's scope (upstream pkg/tide/status.go requirementDiff,
// expectedStatus, retestingStatus, targetURL).
import type { Tide, TideQuery } from '../config/types.js';
import type { ContextChecker } from './context-policy.js';
import { unsuccessfulContexts } from './decide.js';
import { prStatusBaseUrl, targetUrlFor, type MergeBlocksPolicy } from './tide-config.js';
import type { Blocker, TidePR } from './types.js';

export const STATUS_IN_POOL = 'In merge pool.';
export const STATUS_IN_POOL_DESPITE_BLOCKED = 'In merge pool (despite BLOCKED).';
export const MAX_STATUS_DESCRIPTION_LENGTH = 140;

const MAX_LABEL_CHARS = 50;

/** Drop list entries to fit about 50 characters, keeping at least one. */
function truncateList(items: string[]): string[] {
  let chars = items[0]?.length ?? 0;
  let i = 1;
  for (; i < items.length; i++) {
    if (chars + items[i]!.length > MAX_LABEL_CHARS) break;
    chars += items[i]!.length + 2;
  }
  return items.slice(0, i);
}

/** What the PR lacks for this query, and how far it is from it (upstream's weights). */
export function requirementDiff(pr: TidePR, q: TideQuery, cc: ContextChecker, blocksPolicy: MergeBlocksPolicy): { desc: string; diff: number } {
  let desc = '';
  let diff = 0;
  const denied = (q.excludedBranches ?? []).includes(pr.baseRef);
  const allowed = (q.includedBranches ?? []).length === 0 || (q.includedBranches ?? []).includes(pr.baseRef);
  if (denied || !allowed) {
    diff += 2000;
    desc ||= ` Merging to branch ${pr.baseRef} is forbidden.`;
  }
  if (q.author && q.author.toLowerCase() !== pr.author.toLowerCase()) {
    diff += 1000;
    desc ||= ` Must be by author ${q.author.toLowerCase()}.`;
  }
  if (q.milestone && pr.milestone !== q.milestone) {
    diff += 100;
    desc ||= ` Must be in milestone ${q.milestone}.`;
  }
  const missing: string[] = [];
  for (const l of q.labels ?? []) {
    if (!l.split(',').some((alt) => pr.labels.includes(alt))) missing.push(l.replaceAll(',', ' or '));
  }
  diff += missing.length;
  if (!desc && missing.length > 0) {
    const t = truncateList([...missing].sort());
    desc = t.length === 1 ? ` Needs ${t[0]} label.` : ` Needs ${t.join(', ')} labels.`;
  }
  const present = (q.missingLabels ?? []).filter((l) => pr.labels.includes(l));
  diff += present.length;
  if (!desc && present.length > 0) {
    const t = truncateList([...present].sort());
    desc = t.length === 1 ? ` Should not have ${t[0]} label.` : ` Should not have ${t.join(', ')} labels.`;
  }
  const contexts = unsuccessfulContexts(pr.contexts, cc).map((c) => c.context);
  diff += contexts.length;
  if (!desc && contexts.length > 0) {
    const t = truncateList([...new Set(contexts)].sort());
    desc = t.length === 1 ? ` Job ${t[0]} has not succeeded.` : ` Jobs ${t.join(', ')} have not succeeded.`;
  }
  if (q.reviewApprovedRequired && pr.reviewDecision !== 'APPROVED') {
    diff += 50;
    desc ||= ' PullRequest is missing sufficient approving GitHub review(s)';
  }
  if (blocksPolicy === 'block' && pr.mergeStateStatus === 'BLOCKED') {
    diff += 100;
    desc ||= ' Blocked by GitHub (branch rulesets or protection)';
  }
  return { desc, diff };
}

export function retestingStatus(retested: readonly string[]): string {
  const sorted = [...retested].sort();
  const all = `Not mergeable. Retesting: ${sorted.join(' ')}`;
  return all.length > MAX_STATUS_DESCRIPTION_LENGTH ? `Not mergeable. Retesting ${sorted.length} job${sorted.length > 1 ? 's' : ''}.` : all;
}

export function truncateDescription(desc: string): string {
  return desc.length > MAX_STATUS_DESCRIPTION_LENGTH ? `${desc.slice(0, MAX_STATUS_DESCRIPTION_LENGTH - 3)}...` : desc;
}

export type StatusState = 'success' | 'pending' | 'error';

export interface ExpectedStatusInput {
  pr: TidePR;
  tide: Tide;
  /** Queries covering the PR's repo. */
  queries: readonly TideQuery[];
  cc: ContextChecker;
  blocksPolicy: MergeBlocksPolicy;
  inPool: boolean;
  blockers: readonly Blocker[];
  /** Required contexts with no passing job at (base, head); only asked for PRs in the pool. */
  unpassedRequired(): readonly string[];
  /** Ours: why tide took the PR out of the pool (GitHub refused to merge it), if it did. */
  evicted?: string;
  /** Ours: why the PR's in-repo config (`.prow.yaml`, `.prow/`) could not be loaded, if it could not. */
  inRepoConfigProblem?: string;
  notMergeable: string;
}

/** Upstream expectedStatus: the state and description the `tide` context should have. */
export function expectedStatus(i: ExpectedStatusInput): { state: StatusState; description: string; code: string } {
  if (i.notMergeable) return { state: 'error', description: `Not mergeable. ${i.notMergeable}`, code: 'not-mergeable' };
  if (i.evicted) return { state: 'error', description: `Not mergeable. ${i.evicted}`, code: 'merge-refused' };
  if (i.inRepoConfigProblem) return { state: 'error', description: `Not mergeable. In-repo config failed: ${i.inRepoConfigProblem}`, code: 'inrepo-config' };
  if (!i.inPool) {
    const numbers = i.blockers.map((b) => b.Number);
    if (numbers.length > 0) {
      return { state: 'error', description: `Not mergeable. Merging is blocked by issue${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')}.`, code: 'blocked-by-issue' };
    }
    let fulfilled = false;
    let minDiff = -1;
    let desc = '';
    for (const q of i.queries) {
      const d = requirementDiff(i.pr, q, i.cc, i.blocksPolicy);
      if (d.diff === 0) {
        fulfilled = true;
        break;
      }
      if (i.tide.display_all_tide_queries_in_status) {
        if (d.diff >= 2000) continue;
        if (desc) desc = `${desc.replace(/\.$/, '')} OR`;
        desc += d.desc;
      } else if (minDiff === -1 || d.diff < minDiff) {
        minDiff = d.diff;
        desc = d.desc;
      }
    }
    if (i.tide.display_all_tide_queries_in_status && desc === '') desc = ` No Tide query for branch ${i.pr.baseRef} found.`;
    if (!fulfilled) return { state: 'pending', description: `Not mergeable.${desc}`, code: 'query-unmet' };
  }
  const unpassed = i.unpassedRequired();
  if (unpassed.length > 0) return { state: 'pending', description: retestingStatus(unpassed), code: 'retesting' };
  const despite = i.blocksPolicy === 'permit' && i.pr.mergeStateStatus === 'BLOCKED';
  return { state: 'success', description: despite ? STATUS_IN_POOL_DESPITE_BLOCKED : STATUS_IN_POOL, code: 'in-pool' };
}

/** target_url(s), else `<pr_status_base_url>?query=is:pr repo:o/r author:x head:b`, else none. */
export function statusTargetUrl(tide: Tide, pr: TidePR): string {
  const t = targetUrlFor(tide, pr.org, pr.repo);
  if (t) return t;
  const base = prStatusBaseUrl(tide, pr.org, pr.repo);
  if (!base) return '';
  const q = `is:pr repo:${pr.org}/${pr.repo} author:${pr.author} head:${pr.headRef}`;
  return `${base}?query=${encodeURIComponent(q).replaceAll('%20', '+')}`;
}

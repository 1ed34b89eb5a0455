// Merging through the API (upstream pkg/tide/github.go mergePRs, tryMerge, prMergeMethod,
// isAllowedToMerge): the head-SHA guard, the merge method from labels or config, the commit template,
// "base branch was modified" retried, every other refusal recorded and the rest of the batch carried on.
import { compileGoTemplate } from '../go/template/template.js';
import { GitHubError, ModifiedHeadError, UnmergeablePullRequestError } from '../github/errors.js';
import type { GitHubClient, MergeMethod } from '../github/types.js';
import type { Tide } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import { STATUS_CONTEXT } from './decide.js';
import { mergeCommitTemplate, mergeMethodFor } from './tide-config.js';
import type { TidePR } from './types.js';

/** The method a PR merges with: a single override label wins over config; several labels → undefined. */
export function prMergeMethod(tide: Tide, pr: TidePR): MergeMethod | undefined {
  const overrides: MergeMethod[] = [];
  if (tide.squash_label && pr.labels.includes(tide.squash_label)) overrides.push('squash');
  if (tide.rebase_label && pr.labels.includes(tide.rebase_label)) overrides.push('rebase');
  if (tide.merge_label && pr.labels.includes(tide.merge_label)) overrides.push('merge');
  if (overrides.length > 1) return undefined;
  return overrides[0] ?? mergeMethodFor(tide, pr.org, pr.repo, pr.baseRef);
}

/** Why a PR cannot merge however its tests go, or '' (upstream isAllowedToMerge's messages). */
export function notMergeableReason(tide: Tide, pr: TidePR, blocksPolicy: 'ignore' | 'permit' | 'block'): string {
  if (pr.mergeable === 'CONFLICTING') return 'PR has a merge conflict.';
  const method = prMergeMethod(tide, pr);
  if (!method) return 'PR has conflicting merge method override labels';
  if (method === 'rebase' && !pr.canBeRebased) return "PR can't be rebased";
  if (blocksPolicy === 'block' && pr.mergeStateStatus === 'BLOCKED') return 'PR is blocked from merging by GitHub (check branch protection, required reviews, or rulesets)';
  return '';
}

function templateData(pr: TidePR): Record<string, unknown> {
  return {
    Number: pr.number, Title: pr.title, Body: pr.body, HeadRefName: pr.headRef, HeadRefOID: pr.headSha,
    Author: { Login: pr.author }, BaseRef: { Name: pr.baseRef, Prefix: pr.baseRefPrefix },
    Labels: { Nodes: pr.labels.map((Name) => ({ Name })) }, Milestone: pr.milestone ? { Title: pr.milestone } : null,
  };
}

export interface MergeOutcome {
  merged: TidePR[];
  /** Refusals, each with the PR and GitHub's reason. */
  failed: { pr: TidePR; reason: string; refused: boolean }[];
  /** A failure that stops the batch (not allowed to push, merge commits forbidden). */
  stopped: boolean;
}

export interface MergeDeps {
  github: Pick<GitHubClient, 'mergePullRequest' | 'createStatus'>;
  tide: Tide;
  log: Logger;
  dryRun: boolean;
  sleep(ms: number): Promise<void>;
  /** Upstream: 5 s between the merges of a batch, and 4 s / 8 s before retrying a modified base. */
  betweenMergesMs: number;
  retryBaseMs: number;
  /** PRs whose status the status controller must leave alone from now on. */
  skipStatus(pr: TidePR): void;
  /**
   * context_options overwrite-pending-contexts, for a batch merge: the passed batch jobs per context. A
   * context still pending on a PR that one of them covers is set to success first (upstream mergePRs).
   */
  overwritePending?: Map<string, { description: string; url: string }>;
}

export async function mergePRs(d: MergeDeps, prs: readonly TidePR[]): Promise<MergeOutcome> {
  const out: MergeOutcome = { merged: [], failed: [], stopped: false };
  for (const [i, pr] of prs.entries()) {
    const log = d.log.child({ org: pr.org, repo: pr.repo, pr: pr.number });
    d.skipStatus(pr);
    const method = prMergeMethod(d.tide, pr);
    if (!method) {
      out.failed.push({ pr, reason: 'PR has conflicting merge method override labels', refused: true });
      continue;
    }
    if (d.dryRun) {
      log.info({ method }, 'dry run: would merge');
      out.merged.push(pr);
      continue;
    }
    const tide = pr.contexts.find((c) => c.context === STATUS_CONTEXT);
    if (tide?.state !== 'SUCCESS') {
      // Branch protection may require the tide context itself.
      await d.github.createStatus(pr.org, pr.repo, pr.headSha, { context: STATUS_CONTEXT, state: 'success', description: 'In merge pool.' }).catch((err: unknown) => log.warn({ err }, 'setting tide status before merge failed'));
    }
    for (const c of pr.contexts) {
      const passed = c.state === 'PENDING' ? d.overwritePending?.get(c.context) : undefined;
      if (!passed) continue;
      await d.github.createStatus(pr.org, pr.repo, pr.headSha, { context: c.context, state: 'success', description: passed.description, targetUrl: passed.url })
        .catch((err: unknown) => log.warn({ err, context: c.context }, 'overwriting a pending context failed'));
    }
    const tmpl = mergeCommitTemplate(d.tide, pr.org, pr.repo);
    let commitTitle: string | undefined;
    let commitMessage: string | undefined;
    try {
      if (tmpl?.title) commitTitle = compileGoTemplate(tmpl.title, 'title').render(templateData(pr));
      if (tmpl?.body) commitMessage = compileGoTemplate(tmpl.body, 'body').render(templateData(pr));
    } catch (err) {
      out.failed.push({ pr, reason: `merge_commit_template: ${(err as Error).message}`, refused: false });
      continue;
    }
    let done = false;
    for (let attempt = 0; attempt < 3 && !done; attempt++) {
      try {
        await d.github.mergePullRequest(pr.org, pr.repo, pr.number, { sha: pr.headSha, method, ...(commitTitle !== undefined ? { commitTitle } : {}), ...(commitMessage !== undefined ? { commitMessage } : {}) });
        log.info({ method }, 'merged');
        out.merged.push(pr);
        done = true;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // GitHub recomputing mergeability after a merge: the one refusal worth retrying (as upstream).
        if (err instanceof UnmergeablePullRequestError && /base branch was modified/i.test(message) && attempt < 2) {
          await d.sleep(d.retryBaseMs * 2 ** attempt);
          continue;
        }
        if (err instanceof ModifiedHeadError) out.failed.push({ pr, reason: 'PR was modified: the head changed since it was tested', refused: true });
        else if (err instanceof UnmergeablePullRequestError) out.failed.push({ pr, reason: `GitHub refused the merge: ${message}`, refused: true });
        else if (err instanceof GitHubError && (err.status === 401 || err.status === 403)) {
          out.failed.push({ pr, reason: `not allowed to merge: ${message}`, refused: false });
          out.stopped = true;
        } else out.failed.push({ pr, reason: message, refused: false });
        log.warn({ err }, 'merge failed');
        done = true;
      }
    }
    if (out.stopped) break;
    if (out.merged.includes(pr) && i < prs.length - 1) await d.sleep(d.betweenMergesMs);
  }
  return out;
}

/** Upstream's history message: `failed merging [..] from batch [..], partial merge [..]: #N: ...`. */
export function mergeFailureMessage(batch: readonly TidePR[], outcome: MergeOutcome): string {
  if (outcome.failed.length === 0) return '';
  const nums = (l: readonly TidePR[]): string => `[${l.map((p) => p.number).join(' ')}]`;
  return `failed merging ${nums(outcome.failed.map((f) => f.pr))} from batch ${nums(batch)}, partial merge ${nums(outcome.merged)}: ${outcome.failed.map((f) => `#${f.pr.number}: ${f.reason}`).join('; ')}`;
}

// Tide's view of a pull request and of a pool (upstream pkg/tide/tide.go CodeReviewCommon, PullRequest,
// Pool). A PR carries what the GraphQL search returned: its head commit's status contexts included.

/** A commit status or check run folded into one shape (upstream pkg/tide/tide.go Context). */
export interface TideContext {
  context: string;
  state: 'SUCCESS' | 'PENDING' | 'FAILURE' | 'ERROR' | 'EXPECTED';
  description: string;
  targetUrl?: string;
}

export interface TidePR {
  org: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  author: string;
  baseRef: string;
  /** `refs/heads/` for branches. */
  baseRefPrefix: string;
  headRef: string;
  headSha: string;
  /** MERGEABLE | CONFLICTING | UNKNOWN, as GitHub's GraphQL says. */
  mergeable: string;
  mergeStateStatus: string;
  canBeRebased: boolean;
  isDraft: boolean;
  labels: string[];
  milestone: string | undefined;
  reviewDecision: string | undefined;
  updatedAt: string;
  /** The head commit's contexts (statuses and check runs). */
  contexts: TideContext[];
}

/** Upstream's Action: exactly one per pool per sync. */
export type TideAction = 'WAIT' | 'TRIGGER' | 'TRIGGER_BATCH' | 'MERGE' | 'MERGE_BATCH' | 'BLOCKED';

/** An open issue with the blocker label (upstream pkg/tide/blockers Blocker). */
export interface Blocker {
  Number: number;
  Title: string;
  URL: string;
  /** Branches the issue names with `branch:<name>` in its title; empty: the whole repo. */
  branches: string[];
  org: string;
  repo: string;
}

export function prKey(pr: Pick<TidePR, 'org' | 'repo' | 'number'>): string {
  return `${pr.org}/${pr.repo}#${pr.number}`;
}

export function poolKey(org: string, repo: string, branch: string): string {
  return `${org}/${repo}:${branch}`;
}

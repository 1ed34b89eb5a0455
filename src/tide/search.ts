// The GraphQL PR search tide runs per query and org (upstream pkg/tide/github.go search and the
// PullRequest struct in pkg/tide/tide.go): 37 PRs a page, following pageInfo, with the head commit's
// status contexts and check runs.
import type { GitHubClient } from '../github/types.js';
import type { Logger } from '../observability/logger.js';
import type { TideContext, TidePR } from './types.js';

const PAGE_SIZE = 37;

export const PR_SEARCH_QUERY = `query($query: String!, $first: Int!, $after: String) {
  search(type: ISSUE, first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on PullRequest {
        number title body updatedAt isDraft mergeable mergeStateStatus canBeRebased reviewDecision
        author { login __typename }
        baseRef { name prefix }
        headRefName headRefOid
        repository { name nameWithOwner owner { login } }
        labels(first: 100) { nodes { name } }
        milestone { title }
        commits(last: 4) { nodes { commit { oid
          status { contexts { context state description targetUrl } }
          statusCheckRollup { contexts(last: 100) { nodes { ... on CheckRun { name conclusion status detailsUrl } } } }
        } } }
      }
    }
  }
  rateLimit { cost remaining }
}`;

interface SearchNode {
  number?: number; title?: string; body?: string; updatedAt?: string; isDraft?: boolean; mergeable?: string;
  mergeStateStatus?: string; canBeRebased?: boolean; reviewDecision?: string | null;
  author?: { login?: string } | null;
  baseRef?: { name?: string; prefix?: string } | null;
  headRefName?: string; headRefOid?: string;
  repository?: { name?: string; owner?: { login?: string } };
  labels?: { nodes?: { name: string }[] };
  milestone?: { title?: string } | null;
  commits?: { nodes?: { commit: { oid: string; status?: { contexts?: { context: string; state: string; description?: string | null; targetUrl?: string | null }[] } | null; statusCheckRollup?: { contexts?: { nodes?: { name?: string; conclusion?: string | null; status?: string; detailsUrl?: string | null }[] } } | null } }[] };
}

interface SearchResponse {
  search: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: SearchNode[] };
  rateLimit?: { cost: number; remaining: number };
}

function toState(s: string): TideContext['state'] {
  const u = s.toUpperCase();
  return u === 'SUCCESS' || u === 'PENDING' || u === 'FAILURE' || u === 'ERROR' || u === 'EXPECTED' ? u : 'FAILURE';
}

/** Upstream checkRunToContext: not completed → pending; success/neutral/skipped → success; else failure. */
function checkRunState(status: string | undefined, conclusion: string | null | undefined): TideContext['state'] {
  if ((status ?? '').toUpperCase() !== 'COMPLETED') return 'PENDING';
  const c = (conclusion ?? '').toUpperCase();
  return c === 'SUCCESS' || c === 'NEUTRAL' || c === 'SKIPPED' ? 'SUCCESS' : 'FAILURE';
}

/** The PR, and whether the head commit was among the commits the search returned. */
function toTidePRWithHead(n: SearchNode): { pr: TidePR; headFound: boolean } | undefined {
  const pr = toTidePR(n);
  if (!pr) return undefined;
  return { pr, headFound: (n.commits?.nodes ?? []).some((c) => c.commit.oid === pr.headSha) };
}

function toTidePR(n: SearchNode): TidePR | undefined {
  if (n.number === undefined || !n.repository?.owner?.login || !n.repository.name) return undefined;
  const head = n.headRefOid ?? '';
  const commit = n.commits?.nodes?.find((c) => c.commit.oid === head)?.commit;
  const contexts: TideContext[] = [];
  for (const s of commit?.status?.contexts ?? []) contexts.push({ context: s.context, state: toState(s.state), description: s.description ?? '', targetUrl: s.targetUrl ?? '' });
  for (const cr of commit?.statusCheckRollup?.contexts?.nodes ?? []) {
    if (!cr.name) continue;
    contexts.push({ context: cr.name, state: checkRunState(cr.status, cr.conclusion), description: '', targetUrl: cr.detailsUrl ?? '' });
  }
  return {
    org: n.repository.owner.login, repo: n.repository.name, number: n.number,
    title: n.title ?? '', body: n.body ?? '', author: n.author?.login ?? '',
    baseRef: n.baseRef?.name ?? '', baseRefPrefix: n.baseRef?.prefix ?? 'refs/heads/',
    headRef: n.headRefName ?? '', headSha: head,
    mergeable: n.mergeable ?? 'UNKNOWN', mergeStateStatus: n.mergeStateStatus ?? 'UNKNOWN', canBeRebased: n.canBeRebased !== false,
    isDraft: n.isDraft === true,
    labels: (n.labels?.nodes ?? []).map((l) => l.name),
    milestone: n.milestone?.title ?? undefined,
    reviewDecision: n.reviewDecision ?? undefined,
    updatedAt: n.updatedAt ?? '',
    contexts,
  };
}

export interface SearchResult {
  prs: TidePR[];
  /** GraphQL cost of the pages fetched. */
  cost: number;
}

/** Every PR the search string finds, following pages. `org` picks the App installation. */
export async function searchPullRequests(github: Pick<GitHubClient, 'graphql' | 'getCombinedStatus'>, query: string, org: string | undefined, log: Logger): Promise<SearchResult> {
  const prs: TidePR[] = [];
  let after: string | null = null;
  let cost = 0;
  for (let page = 0; page < 1000; page++) {
    const res: SearchResponse = await github.graphql<SearchResponse>(PR_SEARCH_QUERY, { query, first: PAGE_SIZE, after }, org);
    cost += res.rateLimit?.cost ?? 0;
    for (const node of res.search.nodes) {
      const found = toTidePRWithHead(node);
      if (!found) continue;
      // Upstream headContexts: a head outside the last 4 commits (a force-push to an older commit)
      // has its statuses read over REST instead.
      if (!found.headFound) {
        const combined = await github.getCombinedStatus(found.pr.org, found.pr.repo, found.pr.headSha);
        found.pr.contexts = combined.statuses.map((st) => ({ context: st.context, state: st.state.toUpperCase() as TideContext['state'], description: st.description, targetUrl: st.targetUrl }));
      }
      prs.push(found.pr);
    }
    if (!res.search.pageInfo.hasNextPage || !res.search.pageInfo.endCursor) break;
    after = res.search.pageInfo.endCursor;
  }
  log.debug({ query, prs: prs.length, cost }, 'searched pull requests');
  return { prs, cost };
}

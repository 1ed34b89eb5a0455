// GraphQL for the fake GitHub. There is no GraphQL engine here (graphql is a dev dependency and
// demo mode runs without it): each handler recognises a query shape and answers with a superset
// of the fields callers select. Add a handler with fake.registerGraphQL for new query shapes.
import { blameHandler } from './graphql-blame.js';
import { issueMutationHandlers } from './graphql-issues.js';
import { labelGraphQLHandlers } from './graphql-labels.js';
import { reviewDecision } from './search.js';
import type { FakeIssue, FakeRepo, FakeStatus, FakeWorld } from './state.js';

export interface GraphQLContext {
  query: string;
  variables: Record<string, unknown>;
  actor: string | null;
  world: FakeWorld;
  search(query: string): { repo: FakeRepo; issue: FakeIssue }[];
  renderPull(repo: FakeRepo, issue: FakeIssue): Promise<Record<string, unknown>>;
  /** Latest status per context for a commit. */
  statuses(repo: FakeRepo, sha: string): FakeStatus[];
  /** Records a label change on an issue or PR (its event and updated_at), as the REST routes do. */
  labelChanged(issue: FakeIssue, event: 'labeled' | 'unlabeled', label: string): void;
}

export interface GraphQLHandler {
  name: string;
  matches(query: string): boolean;
  /** Returns the `data` object. */
  resolve(ctx: GraphQLContext): Promise<unknown>;
}

const viewerHandler: GraphQLHandler = {
  name: 'viewer',
  matches: (q) => /\bviewer\s*\{/.test(q) && !/\bsearch\s*\(/.test(q),
  resolve: async (ctx) => ({ viewer: { login: ctx.actor }, rateLimit: rateLimit(ctx) }),
};

function rateLimit(ctx: GraphQLContext): Record<string, unknown> {
  const rl = ctx.world.rateLimit;
  return { cost: 1, limit: rl.limit, remaining: rl.remaining, resetAt: new Date(rl.reset * 1000).toISOString() };
}

function statusState(list: FakeStatus[]): string {
  if (list.length === 0) return 'EXPECTED';
  if (list.some((s) => s.state === 'error')) return 'ERROR';
  if (list.some((s) => s.state === 'failure')) return 'FAILURE';
  if (list.some((s) => s.state === 'pending')) return 'PENDING';
  return 'SUCCESS';
}

/**
 * `search(type: ISSUE, query: $query, first: N, after: $cursor) { ... on PullRequest { ... } }`:
 * the PR search tide and deck use. Nodes carry the fields upstream tide selects.
 */
const searchHandler: GraphQLHandler = {
  name: 'search',
  matches: (q) => /\bsearch\s*\(/.test(q),
  resolve: async (ctx) => {
    const queryVar = /query\s*:\s*\$(\w+)/.exec(ctx.query)?.[1];
    const literal = /query\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(ctx.query)?.[1];
    const q = queryVar ? String(ctx.variables[queryVar] ?? '') : (literal ?? '');
    const firstVar = /first\s*:\s*\$(\w+)/.exec(ctx.query)?.[1];
    const first = Number(firstVar ? ctx.variables[firstVar] : (/first\s*:\s*(\d+)/.exec(ctx.query)?.[1] ?? 100)) || 100;
    const afterVar = /after\s*:\s*\$(\w+)/.exec(ctx.query)?.[1];
    const after = afterVar ? ctx.variables[afterVar] : undefined;
    const start = typeof after === 'string' && after ? Number(Buffer.from(after, 'base64').toString('utf8').replace('cursor:', '')) : 0;
    const found = ctx.search(q);
    const page = found.slice(start, start + first);
    const nodes: Record<string, unknown>[] = [];
    for (const { repo, issue } of page) {
      if (!issue.pull) {
        nodes.push({ __typename: 'Issue', number: issue.number, title: issue.title, body: issue.body, state: issue.state.toUpperCase(), author: { login: issue.user }, repository: repoNode(repo), labels: { nodes: issue.labels.map((name) => ({ name })) } });
        continue;
      }
      const pr = await ctx.renderPull(repo, issue);
      const head = (pr.head as { sha: string }).sha;
      const base = pr.base as { sha: string; ref: string };
      const contexts = ctx.statuses(repo, head);
      const milestone = pr.milestone as { title: string; number: number } | null;
      nodes.push({
        __typename: 'PullRequest',
        id: pr.node_id, number: issue.number, title: issue.title, body: issue.body, url: pr.html_url, permalink: pr.html_url,
        state: issue.pull.merged ? 'MERGED' : issue.state.toUpperCase(), merged: issue.pull.merged, isDraft: issue.pull.draft,
        mergeable: pr.mergeable === null ? 'UNKNOWN' : pr.mergeable ? 'MERGEABLE' : 'CONFLICTING',
        author: { login: issue.user }, authorAssociation: pr.author_association,
        baseRef: { name: issue.pull.baseRef, prefix: 'refs/heads/' }, baseRefName: issue.pull.baseRef, baseRefOid: base.sha,
        headRefName: issue.pull.headRef, headRefOid: head,
        repository: repoNode(repo),
        labels: { nodes: issue.labels.map((name) => ({ name })) },
        assignees: { nodes: issue.assignees.map((login) => ({ login })) },
        milestone: milestone ? { title: milestone.title, number: milestone.number } : null,
        reviewDecision: reviewDecision(issue),
        mergeStateStatus: pr.mergeable === false ? 'DIRTY' : pr.mergeable === null ? 'UNKNOWN' : 'CLEAN',
        canBeRebased: pr.mergeable !== false,
        createdAt: issue.createdAt, updatedAt: issue.updatedAt,
        commits: { nodes: [{ commit: { oid: head, status: { state: statusState(contexts), contexts: contexts.map((s) => ({ context: s.context, state: s.state.toUpperCase(), description: s.description, targetUrl: s.targetUrl })) }, statusCheckRollup: { contexts: { nodes: [] } } } }] },
      });
    }
    const end = start + page.length;
    return {
      search: {
        issueCount: found.length,
        pageInfo: { hasNextPage: end < found.length, endCursor: page.length > 0 ? Buffer.from(`cursor:${end}`).toString('base64') : null },
        nodes,
      },
      rateLimit: rateLimit(ctx),
    };
  },
};

function repoNode(repo: FakeRepo): Record<string, unknown> {
  return { name: repo.name, nameWithOwner: repo.fullName, owner: { login: repo.owner }, url: `https://github.com/${repo.fullName}`, isArchived: repo.archived, defaultBranchRef: { name: repo.defaultBranch } };
}

/**
 * `user(login: $login) { login status { indicatesLimitedAvailability } }`: a user's status (blunderbuss's
 * availability check). A user without a status has `status: null`; an unknown login resolves to null.
 */
const userStatusHandler: GraphQLHandler = {
  name: 'user',
  matches: (q) => /\buser\s*\(\s*login\s*:/.test(q) && !/\bsearch\s*\(/.test(q),
  resolve: async (ctx) => {
    const loginVar = /user\s*\(\s*login\s*:\s*\$(\w+)/.exec(ctx.query)?.[1];
    const login = loginVar ? String(ctx.variables[loginVar] ?? '') : (/user\s*\(\s*login\s*:\s*"([^"]*)"/.exec(ctx.query)?.[1] ?? '');
    const u = ctx.world.users.get(login.toLowerCase());
    if (u === undefined) return { user: null };
    return { user: { login: u.login, status: u.limitedAvailability === true ? { indicatesLimitedAvailability: true } : null } };
  },
};

/**
 * `search(type: USER, query: $email, first: N) { edges { node { ... on User { login } } } }`: users whose
 * public email is the query (the bugzilla plugin's QA contact lookup). Other user searches find nobody.
 */
const userSearchHandler: GraphQLHandler = {
  name: 'search-users',
  matches: (q) => /\bsearch\s*\(\s*type\s*:\s*USER\b/.test(q),
  resolve: async (ctx) => {
    const queryVar = /query\s*:\s*\$(\w+)/.exec(ctx.query)?.[1];
    const q = (queryVar ? String(ctx.variables[queryVar] ?? '') : (/query\s*:\s*"([^"]*)"/.exec(ctx.query)?.[1] ?? '')).trim().toLowerCase();
    const first = Number(/first\s*:\s*(\d+)/.exec(ctx.query)?.[1] ?? 10) || 10;
    const found = [...ctx.world.users.values()].filter((u) => q !== '' && u.email !== null && u.email.toLowerCase() === q).slice(0, first);
    return { search: { userCount: found.length, edges: found.map((u) => ({ node: { __typename: 'User', login: u.login } })) } };
  },
};

export const builtinGraphQLHandlers: GraphQLHandler[] = [...issueMutationHandlers, ...labelGraphQLHandlers, userSearchHandler, searchHandler, viewerHandler, userStatusHandler, blameHandler];

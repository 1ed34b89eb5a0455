// GraphQL mutations on issues, as GitHub answers them: transferIssue (the issue moves to another repository
// of the same owner and gets that repository's next number; its comments go with it, labels only where the
// destination has them), pinIssue and unpinIssue (at most three pinned issues per repository; pull requests
// cannot be pinned). Node ids are the ones the fake's REST JSON carries (`I_<repo id>_<number>`, `R_<id>`).
import { FakeGraphQLError } from './graphql-error.js';
import type { GraphQLContext, GraphQLHandler } from './graphql.js';
import type { FakeIssue, FakeRepo } from './state.js';

const MAX_PINNED = 3;

function inputOf(ctx: GraphQLContext): Record<string, unknown> {
  const name = /\(\s*input\s*:\s*\$(\w+)/.exec(ctx.query)?.[1] ?? 'input';
  const v = ctx.variables[name];
  if (typeof v !== 'object' || v === null) throw new FakeGraphQLError('INVALID', `Variable $${name} of type input was provided invalid value`);
  return v as Record<string, unknown>;
}

function notNode(id: unknown): FakeGraphQLError {
  return new FakeGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'.`);
}

function repoByNodeId(ctx: GraphQLContext, id: unknown): FakeRepo {
  const m = /^R_(\d+)$/.exec(String(id));
  const repo = m ? [...ctx.world.repos.values()].find((r) => r.id === Number(m[1])) : undefined;
  if (!repo) throw notNode(id);
  return repo;
}

export function issueByNodeId(ctx: GraphQLContext, id: unknown): { repo: FakeRepo; issue: FakeIssue } {
  const m = /^(I|PR)_(\d+)_(\d+)$/.exec(String(id));
  const repo = m ? [...ctx.world.repos.values()].find((r) => r.id === Number(m[2])) : undefined;
  const issue = repo?.issues.get(Number(m?.[3]));
  if (!repo || !issue || (m?.[1] === 'I') !== (issue.pull === undefined)) throw notNode(id);
  return { repo, issue };
}

function issueUrl(repo: FakeRepo, issue: FakeIssue): string {
  return `https://github.com/${repo.fullName}/issues/${issue.number}`;
}

const transferIssueHandler: GraphQLHandler = {
  name: 'transferIssue',
  matches: (q) => /\btransferIssue\s*\(/.test(q),
  resolve: async (ctx) => {
    const input = inputOf(ctx);
    const { repo: src, issue } = issueByNodeId(ctx, input.issueId);
    if (issue.pull) throw notNode(input.issueId);
    const dst = repoByNodeId(ctx, input.repositoryId);
    if (dst.owner.toLowerCase() !== src.owner.toLowerCase()) {
      throw new FakeGraphQLError('UNPROCESSABLE', 'Issues can only be transferred to repositories owned by the same user or organization.');
    }
    if (dst !== src) {
      const number = dst.nextNumber++;
      src.issues.delete(issue.number);
      for (const c of src.comments.values()) {
        if (c.issue !== issue.number) continue;
        src.comments.delete(c.id);
        dst.comments.set(c.id, { ...c, issue: number });
      }
      const moved: FakeIssue = { ...issue, number, labels: issue.labels.filter((l) => dst.labels.has(l.toLowerCase())), milestone: null, pinned: false };
      dst.issues.set(number, moved);
      return { transferIssue: { issue: { url: issueUrl(dst, moved), number } } };
    }
    return { transferIssue: { issue: { url: issueUrl(src, issue), number: issue.number } } };
  },
};

function pinHandler(name: 'pinIssue' | 'unpinIssue', pin: boolean): GraphQLHandler {
  return {
    name,
    matches: (q) => new RegExp(`\\b${name}\\s*\\(`).test(q),
    resolve: async (ctx) => {
      const input = inputOf(ctx);
      const { repo, issue } = issueByNodeId(ctx, input.issueId);
      if (issue.pull) throw notNode(input.issueId);
      if (pin && issue.pinned !== true && [...repo.issues.values()].filter((i) => i.pinned === true).length >= MAX_PINNED) {
        throw new FakeGraphQLError('UNPROCESSABLE', `You can't pin more than ${MAX_PINNED} issues to a repository`);
      }
      issue.pinned = pin;
      return { [name]: { issue: { id: input.issueId } } };
    },
  };
}

export const issueMutationHandlers: GraphQLHandler[] = [transferIssueHandler, pinHandler('pinIssue', true), pinHandler('unpinIssue', false)];

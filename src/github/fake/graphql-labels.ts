// GraphQL for labels, as GitHub answers it: `repository(owner:, name:) { issueOrPullRequest(number:) { ... }
// l0: label(name:) { id } ... }` (a label the repository lacks is null; GraphQL never creates one), and
// the mutations addLabelsToLabelable and removeLabelsFromLabelable, which answer with the labelable's
// labels after the change. Node ids are the ones the REST JSON carries (`I_…`, `PR_…`, `LA_<id>`); an
// unknown one is a NOT_FOUND error. Changes record `labeled` / `unlabeled` events as the REST routes do.
import { FakeGraphQLError } from './graphql-error.js';
import { issueByNodeId } from './graphql-issues.js';
import type { GraphQLContext, GraphQLHandler } from './graphql.js';
import type { FakeIssue, FakeLabel, FakeRepo } from './state.js';

/** A string or number argument: `$variable` or a literal. */
function argument(ctx: GraphQLContext, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (text.startsWith('$')) return ctx.variables[text.slice(1)];
  if (text.startsWith('"')) return JSON.parse(text) as unknown;
  return Number(text);
}

const VALUE = String.raw`(\$\w+|"(?:[^"\\]|\\.)*"|\d+)`;
const repositoryRe = new RegExp(String.raw`\brepository\s*\(\s*owner\s*:\s*${VALUE}\s*,\s*name\s*:\s*${VALUE}\s*\)`);
const numberRe = new RegExp(String.raw`\bissueOrPullRequest\s*\(\s*number\s*:\s*${VALUE}\s*\)`);
const labelAliasRe = new RegExp(String.raw`(\w+)\s*:\s*label\s*\(\s*name\s*:\s*${VALUE}\s*\)`, 'g');

function labelNode(repo: FakeRepo, l: FakeLabel): Record<string, unknown> {
  return { __typename: 'Label', id: `LA_${l.id}`, name: l.name, color: l.color, description: l.description, isDefault: false, url: `https://github.com/${repo.fullName}/labels/${encodeURIComponent(l.name)}` };
}

function labelsOf(repo: FakeRepo, issue: FakeIssue): Record<string, unknown>[] {
  return issue.labels.map((name) => labelNode(repo, repo.labels.get(name.toLowerCase()) ?? { id: 0, name, color: 'ededed', description: null }));
}

function labelableNode(repo: FakeRepo, issue: FakeIssue): Record<string, unknown> {
  const nodes = labelsOf(repo, issue);
  return {
    __typename: issue.pull ? 'PullRequest' : 'Issue', id: `${issue.pull ? 'PR' : 'I'}_${repo.id}_${issue.number}`, number: issue.number,
    labels: { totalCount: nodes.length, nodes },
  };
}

const labelLookupHandler: GraphQLHandler = {
  name: 'repository-labels',
  matches: (q) => /^\s*(query\b|\{)/.test(q) && repositoryRe.test(q) && (numberRe.test(q) || /\blabel\s*\(\s*name\s*:/.test(q)),
  resolve: async (ctx) => {
    const m = repositoryRe.exec(ctx.query)!;
    const owner = String(argument(ctx, m[1]) ?? '');
    const name = String(argument(ctx, m[2]) ?? '');
    const repo = ctx.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (repo === undefined) throw new FakeGraphQLError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
    const out: Record<string, unknown> = {};
    const n = numberRe.exec(ctx.query);
    if (n) {
      const number = Number(argument(ctx, n[1]));
      const issue = repo.issues.get(number);
      if (issue === undefined) throw new FakeGraphQLError('NOT_FOUND', `Could not resolve to an issue or pull request with the number of ${number}.`);
      out.issueOrPullRequest = labelableNode(repo, issue);
    }
    for (const [, alias = '', value] of ctx.query.matchAll(labelAliasRe)) {
      const l = repo.labels.get(String(argument(ctx, value) ?? '').toLowerCase());
      out[alias] = l ? labelNode(repo, l) : null;
    }
    return { repository: out };
  },
};

function labelMutation(field: 'addLabelsToLabelable' | 'removeLabelsFromLabelable', add: boolean): GraphQLHandler {
  return {
    name: field,
    matches: (q) => new RegExp(String.raw`^\s*mutation\b[\s\S]*\b${field}\s*\(`).test(q),
    resolve: async (ctx) => {
      const inputVar = /\(\s*input\s*:\s*\$(\w+)/.exec(ctx.query)?.[1] ?? 'input';
      const input = ctx.variables[inputVar] as { labelableId?: unknown; labelIds?: unknown } | undefined;
      if (typeof input !== 'object' || input === null || !Array.isArray(input.labelIds)) {
        throw new FakeGraphQLError('INVALID', `Variable $${inputVar} of type ${field[0]!.toUpperCase()}${field.slice(1)}Input! was provided invalid value`);
      }
      const { repo, issue } = issueByNodeId(ctx, input.labelableId);
      const labels = input.labelIds.map((id) => {
        const m = /^LA_(\d+)$/.exec(String(id));
        const l = m ? [...repo.labels.values()].find((x) => x.id === Number(m[1])) : undefined;
        if (!l) throw new FakeGraphQLError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(id)}'.`);
        return l;
      });
      for (const l of labels) {
        const at = issue.labels.findIndex((x) => x.toLowerCase() === l.name.toLowerCase());
        if (add && at < 0) {
          issue.labels.push(l.name);
          ctx.labelChanged(issue, 'labeled', l.name);
        } else if (!add && at >= 0) {
          issue.labels.splice(at, 1);
          ctx.labelChanged(issue, 'unlabeled', l.name);
        }
      }
      return { [field]: { clientMutationId: null, labelable: labelableNode(repo, issue) } };
    },
  };
}

export const labelGraphQLHandlers: GraphQLHandler[] = [labelLookupHandler, labelMutation('addLabelsToLabelable', true), labelMutation('removeLabelsFromLabelable', false)];

// `repository(owner:, name:) { object(expression: $ref) { ... on Commit { blame(path: $path) { ranges { ... } } } } }`:
// GitHub's GraphQL blame (the query upstream pkg/github/client.go GetBlame sends), answered from
// `git blame --porcelain` on the fake's real repository. An author is a user when the commit's author
// email is that user's (seeded email or noreply address), as on GitHub; otherwise `user` is null.
import { FakeGraphQLError } from './graphql-error.js';
import type { GraphQLContext, GraphQLHandler } from './graphql.js';
import type { FakeWorld } from './state.js';

interface BlameRangeNode {
  startingLine: number;
  endingLine: number;
  age: number;
  commit: { oid: string; author: { name: string; email: string; date: string; user: { login: string } | null } };
}

const NOREPLY_RE = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i;

function loginOf(world: FakeWorld, email: string): string | null {
  for (const u of world.users.values()) if (u.email !== null && u.email.toLowerCase() === email.toLowerCase()) return u.login;
  const login = NOREPLY_RE.exec(email)?.[1];
  return login !== undefined && world.users.has(login.toLowerCase()) ? world.users.get(login.toLowerCase())!.login : null;
}

function variable(ctx: GraphQLContext, field: string): string {
  const name = new RegExp(`\\b${field}\\s*:\\s*\\$(\\w+)`).exec(ctx.query)?.[1];
  if (name !== undefined) return String(ctx.variables[name] ?? '');
  return new RegExp(`\\b${field}\\s*:\\s*"([^"]*)"`).exec(ctx.query)?.[1] ?? '';
}

interface CommitMeta { email: string; name: string; time: number }

/** Parses `git blame --porcelain` into GitHub's ranges: consecutive final lines from one commit. */
export function parsePorcelainBlame(out: string): { start: number; end: number; sha: string; meta: CommitMeta }[] {
  const metas = new Map<string, CommitMeta>();
  const lines: { line: number; sha: string }[] = [];
  let current: { sha: string; meta: CommitMeta } | undefined;
  for (const l of out.split('\n')) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)(?: \d+)?$/.exec(l);
    if (header) {
      const sha = header[1]!;
      const meta = metas.get(sha) ?? { email: '', name: '', time: 0 };
      metas.set(sha, meta);
      current = { sha, meta };
      lines.push({ line: Number(header[2]), sha });
    } else if (current !== undefined && l.startsWith('author-mail ')) current.meta.email = l.slice('author-mail '.length).replace(/^<|>$/g, '');
    else if (current !== undefined && l.startsWith('author-time ')) current.meta.time = Number(l.slice('author-time '.length));
    else if (current !== undefined && l.startsWith('author ')) current.meta.name = l.slice('author '.length);
  }
  lines.sort((a, b) => a.line - b.line);
  const ranges: { start: number; end: number; sha: string; meta: CommitMeta }[] = [];
  for (const { line, sha } of lines) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.sha === sha && last.end === line - 1) last.end = line;
    else ranges.push({ start: line, end: line, sha, meta: metas.get(sha)! });
  }
  return ranges;
}

export const blameHandler: GraphQLHandler = {
  name: 'blame',
  matches: (q) => /\bblame\s*\(/.test(q),
  resolve: async (ctx) => {
    const owner = variable(ctx, 'owner');
    const name = variable(ctx, 'name');
    const expression = variable(ctx, 'expression');
    const path = variable(ctx, 'path');
    const repo = ctx.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (repo === undefined) throw new FakeGraphQLError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
    const sha = expression === '' || expression.startsWith('-') ? undefined : await repo.git.resolve(expression);
    if (sha === undefined) return { repository: { object: null } };
    const { stdout, code } = await repo.git.git(['blame', '--porcelain', sha, '--', path], { allowCodes: [128] });
    if (code !== 0) throw new FakeGraphQLError('NOT_FOUND', `Could not resolve file for path '${path}'.`);
    const parsed = parsePorcelainBlame(stdout);
    const newest = Math.max(0, ...parsed.map((r) => r.meta.time));
    const ranges: BlameRangeNode[] = parsed.map((r) => {
      const login = loginOf(ctx.world, r.meta.email);
      return {
        startingLine: r.start, endingLine: r.end,
        // GitHub's age is 1 (newest) to 10 (oldest); only the newest is told apart here.
        age: r.meta.time === newest ? 1 : 10,
        commit: { oid: r.sha, author: { name: r.meta.name, email: r.meta.email, date: new Date(r.meta.time * 1000).toISOString(), user: login === null ? null : { login } } },
      };
    });
    return { repository: { object: { __typename: 'Commit', oid: sha, blame: { ranges } } } };
  },
};

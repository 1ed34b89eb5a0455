// The fake GitHub: a real HTTP server speaking the REST routes (and the GraphQL queries) our
// client uses, over real git repositories. Tests drive the real Octokit client against it; demo
// mode (`prow up` without credentials) uses it as its GitHub.
import { createHash, createVerify, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, type ListeningServer } from '../../observability/http.js';
import { Hono, type Context } from 'hono';
import { GitRepo } from './git.js';
import {
  commentJson, commitJson, eventJson, fullUserJson, issueJson, labelJson, milestoneJson, pullJson, repoJson,
  reviewCommentJson, reviewJson, statusJson, teamJson, userJson, type RenderContext,
} from './render.js';
import { matchesQuery, sortFromQuery, tokenizeQuery } from './search.js';
import {
  emptyWorld, higherRole, rolePermissions, roleToPermission,
  type FakeComment, type FakeIssue, type FakeOrg, type FakeRepo, type FakeSeed, type FakeStatus, type FakeUser, type FakeWorld,
  type RepoRole, type SeedCommit, type SeedIssue, type SeedPull, type SeedRepo,
} from './state.js';
import { builtinGraphQLHandlers, type GraphQLHandler } from './graphql.js';

export interface FakeGitHubOptions {
  port?: number;
  host?: string;
  seed?: FakeSeed;
  /** The clock for created_at/updated_at; defaults to real time. */
  now?: () => Date;
  /** Where the git repositories live; defaults to a fresh temp dir removed by close(). */
  dataDir?: string;
  /** Serve as GitHub Enterprise Server does: `url` ends in /api/v3, GraphQL at /api/graphql. */
  enterprise?: boolean;
}

export interface FakeCall {
  seq: number;
  method: string;
  /** The request path, without the query. */
  path: string;
  query: string;
  /** `METHOD /template`, e.g. `POST /repos/{owner}/{repo}/issues/{issue_number}/labels`. */
  route: string;
  body: unknown;
  status: number;
  /** Login the credentials map to (null when unauthenticated). */
  actor: string | null;
  /** 'token' | 'installation' | 'app' | 'none' */
  auth: string;
  /** Changes state: any non-GET except token exchange and GraphQL queries. */
  write: boolean;
  time: string;
}

export interface CallFilter {
  method?: string;
  /** Exact path or a pattern over the path. */
  path?: string | RegExp;
  /** Path template as in `route` without the method, e.g. `/repos/{owner}/{repo}/issues/{issue_number}/labels`. */
  route?: string;
  write?: boolean;
}

export interface FakeFailure {
  method?: string;
  path?: string | RegExp;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  message?: string;
  headers?: Record<string, string>;
}

export interface FakeGitHub {
  /** The REST base URL (what the client's baseUrl is set to). */
  readonly url: string;
  /** Where repositories live (`<dataDir>/<owner>/<name>.git`). */
  readonly dataDir: string;
  close(): Promise<void>;
  /**
   * Replace the world with `seed`. In-memory state changes at once; git work finishes in the
   * background and every request waits for it, so awaiting is optional.
   */
  reset(seed?: FakeSeed): Promise<void>;
  /** Add to the world without clearing it. */
  seed(seed: FakeSeed): Promise<void>;
  /** Resolves when all pending git work is done. */
  ready(): Promise<void>;
  calls(filter?: CallFilter): FakeCall[];
  clearCalls(): void;
  /** Make the next matching request(s) fail with `status` (e.g. 502 to exercise retries). */
  failNext(failure: FakeFailure): void;
  setRateLimit(remaining: number, limit?: number): void;
  registerGraphQL(handler: GraphQLHandler): void;

  labels(repo: string, number: number): string[];
  repoLabels(repo: string): string[];
  comments(repo: string, number: number): { id: number; user: string; body: string }[];
  /** Every status posted to `sha`, oldest first. */
  statuses(repo: string, sha: string): { context: string; state: string; description: string; targetUrl: string; creator: string }[];
  assignees(repo: string, number: number): string[];
  requestedReviewers(repo: string, number: number): string[];
  reviews(repo: string, number: number): { user: string; state: string; body: string }[];
  reactions(repo: string, target: { comment: number } | { issue: number }): string[];
  issue(repo: string, number: number): FakeIssue | undefined;
  milestone(repo: string, number: number): string | null;
  isMerged(repo: string, number: number): boolean;
  headSha(repo: string, number: number): Promise<string>;
  branchSha(repo: string, branch: string): Promise<string | undefined>;
  /** The bare git repository behind `repo` (created on first use), e.g. to clone it. */
  repoDir(repo: string): Promise<string>;
  /** Read a file as GitHub would serve it (default branch unless ref). */
  file(repo: string, path: string, ref?: string): Promise<string | undefined>;

  /** Add a commit with `files` (null deletes) to a PR's head branch; returns the new head SHA. */
  pushToPull(repo: string, number: number, files: Record<string, string | null>, options?: { message?: string; author?: string }): Promise<string>;
  /** Add a commit to a branch (creating it from the default branch); returns the SHA. */
  pushToBranch(repo: string, branch: string, files: Record<string, string | null>, options?: { message?: string; author?: string }): Promise<string>;
  /** Open a pull request; returns its number. */
  openPull(pull: SeedPull): Promise<number>;
  /** Open an issue; returns its number. */
  createIssue(issue: SeedIssue): number;
  /** A comment by `author` (not the bot), as a person would write it; returns its id. */
  addComment(repo: string, number: number, author: string, body: string): number;
  setMergeable(repo: string, number: number, mergeable: boolean | null | undefined): void;
  /** The world itself, for demo seeding and advanced tests. */
  readonly world: FakeWorld;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly errors?: unknown[], readonly headers?: Record<string, string>) {
    super(message);
  }
}

const notFound = (): HttpError => new HttpError(404, 'Not Found');

interface Actor {
  login: string | null;
  auth: 'token' | 'installation' | 'app' | 'none';
  app?: number;
}

type Env = { Variables: { actor: Actor; body: unknown } };

const AUTH_ROUTES = new Set(['/app', '/app/installations/:installation_id/access_tokens', '/orgs/:org/installation', '/repos/:owner/:repo/installation', '/users/:username/installation']);

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'prow-fake-github-')));
  const fake = new FakeGitHubServer(dataDir, options.now ?? (() => new Date()), options.dataDir === undefined);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1', options.enterprise ?? false);
  if (options.seed) await fake.reset(options.seed);
  return fake;
}

/** Every REST route the fake serves, as `METHOD /template` with `{param}` (for the OpenAPI check). */
export function fakeGitHubRoutes(): string[] {
  const app = new FakeGitHubServer('', () => new Date(), false).buildApp();
  const routes = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path === '/*' || r.path.startsWith('/_fake/')) continue;
    routes.add(`${r.method} ${r.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}')}`);
  }
  return [...routes].sort();
}

class FakeGitHubServer implements FakeGitHub {
  world: FakeWorld = emptyWorld();
  url = '';
  private server: ListeningServer | undefined;
  private pending: Promise<void> = Promise.resolve();
  private pendingError: unknown;
  private callLog: FakeCall[] = [];
  private seq = 0;
  private failures: (FakeFailure & { left: number })[] = [];
  private graphqlHandlers: GraphQLHandler[] = [...builtinGraphQLHandlers];
  private generation = 0;
  private readonly cleanups = new Set<Promise<unknown>>();
  private mergeableCache = new Map<string, boolean>();
  private readonly render: RenderContext;

  constructor(readonly dataDir: string, private readonly now: () => Date, private readonly ownsDataDir: boolean) {
    this.render = { api: '', user: (login) => this.ensureUser(login) };
  }

  // ---- lifecycle -------------------------------------------------------------------------

  listen(port: number, host: string, enterprise: boolean): Promise<void> {
    const app = this.buildApp();
    // GitHub Enterprise Server layout: REST under /api/v3, GraphQL at /api/graphql.
    const fetch = enterprise
      ? (req: Request): Response | Promise<Response> => {
          const url = new URL(req.url);
          if (url.pathname === '/api/graphql') url.pathname = '/graphql';
          else if (url.pathname.startsWith('/api/v3/')) url.pathname = url.pathname.slice('/api/v3'.length);
          else if (!url.pathname.startsWith('/_fake/')) return this.errorResponse(notFound());
          return app.fetch(new Request(url, req));
        }
      : app.fetch;
    return listen(fetch, { port, host, closeTimeoutMs: 0 }).then((server) => {
      this.server = server;
      this.url = `http://${host}:${server.port}${enterprise ? '/api/v3' : ''}`;
      this.render.api = this.url;
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
    await this.pending.catch(() => undefined);
    await Promise.all(this.cleanups);
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.pending.then(work);
    this.pending = next.catch((err: unknown) => {
      this.pendingError = err;
    });
    return next;
  }

  async ready(): Promise<void> {
    await this.pending;
    if (this.pendingError !== undefined) {
      const err = this.pendingError;
      this.pendingError = undefined;
      throw err;
    }
  }

  reset(seed: FakeSeed = {}): Promise<void> {
    const oldGen = this.generation;
    this.generation++;
    this.world = emptyWorld();
    this.callLog = [];
    this.failures = [];
    this.mergeableCache.clear();
    if (oldGen > 0) {
      // The old world's repos go in the background; close() waits for it.
      const old = join(this.dataDir, `gen-${oldGen}`);
      const done = this.pending.then(() => rm(old, { recursive: true, force: true })).catch(() => undefined);
      this.cleanups.add(done);
      void done.then(() => this.cleanups.delete(done));
    }
    return this.seed(seed);
  }

  seed(seed: FakeSeed): Promise<void> {
    if (this.generation === 0) this.generation = 1;
    const w = this.world;
    if (seed.bot) w.bot = seed.bot;
    this.ensureUser(w.bot, 'Bot');
    for (const [token, login] of Object.entries(seed.tokens ?? {})) w.tokens.set(token, login);
    if (seed.strictTokens !== undefined) w.strictTokens = seed.strictTokens;
    if (seed.refuseUnknownLabels !== undefined) w.refuseUnknownLabels = seed.refuseUnknownLabels;
    if (seed.rateLimit !== undefined) w.rateLimit.remaining = seed.rateLimit;
    for (const u of seed.users ?? []) {
      const s = typeof u === 'string' ? { login: u } : u;
      const user = this.ensureUser(s.login, s.type);
      if (s.name !== undefined) user.name = s.name;
      if (s.email !== undefined) user.email = s.email;
    }
    for (const [login, o] of Object.entries(seed.orgs ?? {})) {
      const org = this.ensureOrg(login);
      for (const m of o.members ?? []) org.members.add(this.ensureUser(m).login);
      for (const m of o.admins ?? []) {
        org.members.add(this.ensureUser(m).login);
        org.admins.add(m);
      }
      for (const [slug, t] of Object.entries(o.teams ?? {})) {
        const team = org.teams.get(slug) ?? {
          id: this.nextId(), slug, name: t.name ?? slug, description: t.description ?? null, privacy: t.privacy ?? 'closed',
          members: new Map(), repos: new Map(),
        };
        org.teams.set(slug, team);
        for (const m of t.members ?? []) team.members.set(this.ensureUser(m).login, 'member');
        for (const m of t.maintainers ?? []) team.members.set(this.ensureUser(m).login, 'maintainer');
        for (const [repo, role] of Object.entries(t.repos ?? {})) team.repos.set(repo, role);
      }
    }
    for (const r of seed.repos ?? []) this.seedRepo(r);
    for (const i of seed.issues ?? []) {
      if (i.isPR) void this.openPullInternal({ ...i });
      else this.createIssue(i);
    }
    for (const p of seed.pulls ?? []) void this.openPullInternal(p);
    for (const a of seed.apps ?? []) {
      w.apps.set(a.id, { id: a.id, slug: a.slug ?? `app-${a.id}`, publicKey: a.publicKey, installations: new Map(Object.entries(a.installations ?? {})) });
      this.ensureUser(`${a.slug ?? `app-${a.id}`}[bot]`, 'Bot');
    }
    return this.ready();
  }

  // ---- world helpers ---------------------------------------------------------------------

  private nextId(): number {
    return this.world.nextId++;
  }

  private stamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  private ensureUser(login: string, type?: string): FakeUser {
    const key = login.toLowerCase();
    let u = this.world.users.get(key);
    if (!u) {
      u = { login, id: this.nextId(), type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'), name: null, email: null };
      this.world.users.set(key, u);
    } else if (type) {
      u.type = type;
    }
    return u;
  }

  private ensureOrg(login: string): FakeOrg {
    let org = this.world.orgs.get(login.toLowerCase());
    if (!org) {
      org = { login, id: this.ensureUser(login, 'Organization').id, members: new Set(), admins: new Set(), teams: new Map() };
      this.world.orgs.set(login.toLowerCase(), org);
    }
    return org;
  }

  private seedRepo(s: SeedRepo): FakeRepo {
    const full = s.repo ?? `${s.org ?? ''}/${s.name ?? ''}`;
    const [owner, name] = splitRepo(full);
    const repo = this.ensureRepo(owner, name, s.defaultBranch, s.files);
    if (s.private !== undefined) repo.private = s.private;
    if (s.archived !== undefined) repo.archived = s.archived;
    const collabs = Array.isArray(s.collaborators)
      ? Object.fromEntries(s.collaborators.map((c) => [c, 'write' as RepoRole]))
      : (s.collaborators ?? {});
    for (const [login, role] of Object.entries(collabs)) repo.collaborators.set(this.ensureUser(login).login.toLowerCase(), role);
    for (const l of s.labels ?? []) {
      const label = typeof l === 'string' ? { name: l } : l;
      repo.labels.set(label.name.toLowerCase(), { id: this.nextId(), name: label.name, color: label.color ?? 'ededed', description: label.description ?? null });
    }
    for (const m of s.milestones ?? []) {
      const ms = typeof m === 'string' ? { title: m } : m;
      const number = ms.number ?? repo.milestones.size + 1;
      repo.milestones.set(number, { id: this.nextId(), number, title: ms.title, state: ms.state ?? 'open', description: ms.description ?? null });
    }
    for (const [branch, p] of Object.entries(s.branchProtection ?? {})) repo.protection.set(branch, p);
    for (const [branch, files] of Object.entries(s.branches ?? {})) void this.pushToBranch(repo.fullName, branch, files);
    return repo;
  }

  private ensureRepo(owner: string, name: string, defaultBranch = 'main', files?: Record<string, string>): FakeRepo {
    const key = `${owner}/${name}`.toLowerCase();
    const existing = this.world.repos.get(key);
    if (existing) return existing;
    this.ensureUser(owner);
    const dir = join(this.dataDir, `gen-${this.generation}`, owner, `${name}.git`);
    const git = GitRepo.lazy(dir, defaultBranch, files ?? { 'README.md': `# ${name}\n` }, this.identity(owner), this.now);
    const repo: FakeRepo = {
      id: this.nextId(), owner, name, fullName: `${owner}/${name}`, defaultBranch, private: false, archived: false, git,
      collaborators: new Map(), labels: new Map(), issues: new Map(), comments: new Map(), statuses: new Map(),
      milestones: new Map(), protection: new Map(), nextNumber: 1,
    };
    this.world.repos.set(key, repo);
    return repo;
  }

  private identity(login: string): { name: string; email: string } {
    const u = this.ensureUser(login);
    return { name: u.name ?? login, email: u.email ?? `${u.id}+${login}@users.noreply.github.com` };
  }

  private repoOrThrow(owner: string, name: string): FakeRepo {
    const repo = this.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw notFound();
    return repo;
  }

  private repoByName(full: string): FakeRepo {
    const [owner, name] = splitRepo(full);
    const repo = this.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw new Error(`fake github: no repo ${full}`);
    return repo;
  }

  private issueOrThrow(repo: FakeRepo, n: string | number): FakeIssue {
    const issue = repo.issues.get(Number(n));
    if (!issue) throw notFound();
    return issue;
  }

  private pullOrThrow(repo: FakeRepo, n: string | number): FakeIssue & { pull: NonNullable<FakeIssue['pull']> } {
    const issue = this.issueOrThrow(repo, n);
    if (!issue.pull) throw notFound();
    return issue as FakeIssue & { pull: NonNullable<FakeIssue['pull']> };
  }

  /** Effective role on a repo: explicit collaborator, org owner, or team access. */
  private roleOf(repo: FakeRepo, login: string): RepoRole | undefined {
    const key = login.toLowerCase();
    let role = repo.collaborators.get(key);
    const org = this.world.orgs.get(repo.owner.toLowerCase());
    if (org) {
      if ([...org.admins].some((a) => a.toLowerCase() === key)) role = 'admin';
      for (const team of org.teams.values()) {
        const teamRole = team.repos.get(repo.fullName) ?? team.repos.get(repo.name);
        if (teamRole && [...team.members.keys()].some((m) => m.toLowerCase() === key)) role = higherRole(role, teamRole);
      }
    }
    if (repo.owner.toLowerCase() === key) role = 'admin';
    return role;
  }

  private isOrgMember(org: string, login: string): boolean {
    const o = this.world.orgs.get(org.toLowerCase());
    return o !== undefined && [...o.members].some((m) => m.toLowerCase() === login.toLowerCase());
  }

  private association(repo: FakeRepo, login: string): string {
    if (repo.owner.toLowerCase() === login.toLowerCase()) return 'OWNER';
    if (this.isOrgMember(repo.owner, login)) return 'MEMBER';
    if (this.roleOf(repo, login)) return 'COLLABORATOR';
    const authored = [...repo.issues.values()].some((i) => i.pull?.merged && i.user.toLowerCase() === login.toLowerCase());
    return authored ? 'CONTRIBUTOR' : 'NONE';
  }

  private touch(issue: FakeIssue): void {
    issue.updatedAt = this.stamp();
  }

  private addEvent(issue: FakeIssue, event: string, actor: string, extra: { label?: string; assignee?: string } = {}): void {
    issue.events.push({ id: this.nextId(), event, actor, createdAt: this.stamp(), ...extra });
  }

  createIssue(s: SeedIssue): number {
    const [owner, name] = splitRepo(s.repo);
    const repo = this.ensureRepo(owner, name);
    const issue = this.newIssue(repo, s);
    return issue.number;
  }

  private newIssue(repo: FakeRepo, s: SeedIssue | SeedPull): FakeIssue {
    const number = s.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    const author = this.ensureUser(s.author ?? 'alice').login;
    const now = this.stamp();
    const labels: string[] = [];
    for (const l of s.labels ?? []) labels.push(this.ensureRepoLabel(repo, l, true).name);
    let milestone: number | null = null;
    if (s.milestone !== undefined) {
      const m = [...repo.milestones.values()].find((x) => x.title === s.milestone);
      if (m) milestone = m.number;
      else {
        const num = repo.milestones.size + 1;
        repo.milestones.set(num, { id: this.nextId(), number: num, title: s.milestone, state: 'open', description: null });
        milestone = num;
      }
    }
    const issue: FakeIssue = {
      number, title: s.title ?? `Issue ${number}`, body: s.body ?? '', user: author, state: s.state ?? 'open',
      labels, assignees: (s.assignees ?? []).map((a) => this.ensureUser(a).login), milestone, locked: s.locked ?? false,
      createdAt: now, updatedAt: now, closedAt: s.state === 'closed' ? now : null, events: [], reactions: [],
    };
    repo.issues.set(number, issue);
    for (const c of s.comments ?? []) this.addCommentTo(repo, issue, c.author, c.body);
    return issue;
  }

  private ensureRepoLabel(repo: FakeRepo, name: string, create: boolean): { name: string } {
    const existing = repo.labels.get(name.toLowerCase());
    if (existing) return existing;
    if (!create) throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'invalid', field: 'name', value: name }]);
    const label = { id: this.nextId(), name, color: 'ededed', description: null };
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }

  private addCommentTo(repo: FakeRepo, issue: FakeIssue, author: string, body: string): FakeComment {
    const now = this.stamp();
    const c: FakeComment = { id: this.nextId(), issue: issue.number, user: this.ensureUser(author).login, body, createdAt: now, updatedAt: now, reactions: [] };
    repo.comments.set(c.id, c);
    this.touch(issue);
    return c;
  }

  addComment(repo: string, number: number, author: string, body: string): number {
    const r = this.repoByName(repo);
    const issue = r.issues.get(number);
    if (!issue) throw new Error(`fake github: no issue ${repo}#${number}`);
    return this.addCommentTo(r, issue, author, body).id;
  }

  openPull(p: SeedPull): Promise<number> {
    return this.openPullInternal(p);
  }

  private openPullInternal(p: SeedPull): Promise<number> {
    const [owner, name] = splitRepo(p.repo);
    const repo = this.ensureRepo(owner, name);
    const issue = this.newIssue(repo, p);
    const number = issue.number;
    const headRef = p.head ?? `pr-${number}`;
    issue.pull = {
      baseRef: p.base ?? repo.defaultBranch, headRef, draft: p.draft ?? false, merged: false, mergedAt: null, mergedBy: null,
      mergeCommitSha: null, mergeableOverride: p.mergeable, requestedReviewers: (p.requestedReviewers ?? []).map((r) => this.ensureUser(r).login),
      requestedTeams: [], reviews: [], reviewComments: [],
    };
    if (issue.title === `Issue ${number}`) issue.title = `Pull request ${number}`;
    const commits: SeedCommit[] = p.commits ?? [{ files: p.files ?? { [`pr-${number}.txt`]: `change ${number}\n` } }];
    const pull = issue.pull;
    const author = issue.user;
    return this.enqueue(async () => {
      const baseSha = await repo.git.resolve(`refs/heads/${pull.baseRef}`);
      if (!baseSha) throw new Error(`fake github: ${repo.fullName} has no branch ${pull.baseRef}`);
      const existing = await repo.git.resolve(`refs/heads/${headRef}`);
      const shas = await repo.git.commitSeries({
        branch: headRef, parent: existing ?? baseSha, alsoPoint: [`refs/pull/${number}/head`],
        commits: commits.map((c) => ({ files: c.files, message: c.message ?? issue.title, author: this.identity(c.author ?? author), date: this.now() })),
      });
      const parent = shas[shas.length - 1] ?? baseSha;
      for (const rv of p.reviews ?? []) {
        pull.reviews.push({ id: this.nextId(), user: this.ensureUser(rv.author).login, body: rv.body ?? '', state: rv.state, commitId: parent, submittedAt: this.stamp() });
      }
      for (const rc of p.reviewComments ?? []) {
        const now = this.stamp();
        pull.reviewComments.push({ id: this.nextId(), user: this.ensureUser(rc.author).login, body: rc.body, path: rc.path, line: rc.line ?? null, commitId: parent, inReplyToId: null, createdAt: now, updatedAt: now });
      }
    }).then(() => number);
  }

  pushToBranch(repoName: string, branch: string, files: Record<string, string | null>, options: { message?: string; author?: string } = {}): Promise<string> {
    const repo = this.repoByName(repoName);
    let sha = '';
    return this.enqueue(async () => {
      const parent = (await repo.git.resolve(`refs/heads/${branch}`)) ?? (await repo.git.resolve(`refs/heads/${repo.defaultBranch}`));
      // GitHub keeps refs/pull/<n>/head at each open PR's head: clonerefs fetches it.
      const pullRefs = [...repo.issues.values()]
        .filter((i) => i.pull && !i.pull.merged && i.state === 'open' && i.pull.headRef === branch)
        .map((i) => `refs/pull/${i.number}/head`);
      [sha = ''] = await repo.git.commitSeries({
        branch, parent, alsoPoint: pullRefs,
        commits: [{ files, message: options.message ?? `Update ${branch}`, author: this.identity(options.author ?? repo.owner), date: this.now() }],
      });
    }).then(() => sha);
  }

  async pushToPull(repoName: string, number: number, files: Record<string, string | null>, options: { message?: string; author?: string } = {}): Promise<string> {
    const repo = this.repoByName(repoName);
    const issue = repo.issues.get(number);
    if (!issue?.pull) throw new Error(`fake github: ${repoName}#${number} is not a pull request`);
    const sha = await this.pushToBranch(repoName, issue.pull.headRef, files, { message: options.message ?? 'Address review comments', author: options.author ?? issue.user });
    this.touch(issue);
    return sha;
  }

  private async prHead(repo: FakeRepo, issue: FakeIssue): Promise<string> {
    const p = issue.pull;
    if (!p) throw notFound();
    if (p.headSha) return p.headSha;
    const sha = await repo.git.resolve(`refs/heads/${p.headRef}`);
    if (!sha) throw new HttpError(500, `head branch ${p.headRef} is missing`);
    return sha;
  }

  private async prBase(repo: FakeRepo, issue: FakeIssue): Promise<string> {
    const sha = await repo.git.resolve(`refs/heads/${issue.pull?.baseRef ?? repo.defaultBranch}`);
    if (!sha) throw new HttpError(500, `base branch ${issue.pull?.baseRef ?? ''} is missing`);
    return sha;
  }

  private async mergeable(repo: FakeRepo, issue: FakeIssue, head: string, base: string): Promise<boolean | null> {
    const p = issue.pull;
    if (!p) return null;
    if (p.mergeableOverride !== undefined) return p.mergeableOverride;
    const key = `${repo.fullName}:${base}:${head}`;
    let value = this.mergeableCache.get(key);
    if (value === undefined) {
      value = (await repo.git.mergeTree(base, head)) !== undefined;
      this.mergeableCache.set(key, value);
    }
    return value;
  }

  private async renderPull(repo: FakeRepo, issue: FakeIssue): Promise<Record<string, unknown>> {
    const head = await this.prHead(repo, issue);
    const base = await this.prBase(repo, issue);
    const diffBase = issue.pull?.merged ? (issue.pull.mergeCommitSha ? `${issue.pull.mergeCommitSha}^1` : base) : base;
    const files = await repo.git.changedFiles(diffBase, head).catch(() => []);
    const commits = await repo.git.commitsBetween(diffBase, head).catch(() => []);
    return pullJson(this.render, repo, issue, {
      headSha: head, baseSha: base, mergeable: await this.mergeable(repo, issue, head, base), association: this.association(repo, issue.user),
      additions: files.reduce((n, f) => n + f.additions, 0), deletions: files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: files.length, commits: commits.length,
    });
  }

  private renderIssue(repo: FakeRepo, issue: FakeIssue): Record<string, unknown> {
    return issueJson(this.render, repo, issue, this.association(repo, issue.user));
  }

  // ---- test-facing accessors --------------------------------------------------------------

  calls(filter: CallFilter = {}): FakeCall[] {
    return this.callLog.filter((c) => {
      if (filter.method && c.method !== filter.method.toUpperCase()) return false;
      if (filter.write !== undefined && c.write !== filter.write) return false;
      if (filter.route && c.route.slice(c.method.length + 1) !== filter.route) return false;
      if (filter.path !== undefined) {
        if (typeof filter.path === 'string' ? c.path !== filter.path : !filter.path.test(c.path)) return false;
      }
      return true;
    });
  }

  clearCalls(): void {
    this.callLog = [];
  }

  failNext(failure: FakeFailure): void {
    this.failures.push({ ...failure, left: failure.times ?? 1 });
  }

  setRateLimit(remaining: number, limit?: number): void {
    this.world.rateLimit.remaining = remaining;
    if (limit !== undefined) this.world.rateLimit.limit = limit;
  }

  registerGraphQL(handler: GraphQLHandler): void {
    this.graphqlHandlers.unshift(handler);
  }

  labels(repo: string, number: number): string[] {
    return [...(this.repoByName(repo).issues.get(number)?.labels ?? [])];
  }

  repoLabels(repo: string): string[] {
    return [...this.repoByName(repo).labels.values()].map((l) => l.name);
  }

  comments(repo: string, number: number): { id: number; user: string; body: string }[] {
    return [...this.repoByName(repo).comments.values()].filter((c) => c.issue === number).map((c) => ({ id: c.id, user: c.user, body: c.body }));
  }

  statuses(repo: string, sha: string): { context: string; state: string; description: string; targetUrl: string; creator: string }[] {
    return (this.repoByName(repo).statuses.get(sha) ?? []).map((s) => ({ context: s.context, state: s.state, description: s.description, targetUrl: s.targetUrl, creator: s.creator }));
  }

  assignees(repo: string, number: number): string[] {
    return [...(this.repoByName(repo).issues.get(number)?.assignees ?? [])];
  }

  requestedReviewers(repo: string, number: number): string[] {
    const p = this.repoByName(repo).issues.get(number)?.pull;
    return p ? [...p.requestedReviewers, ...p.requestedTeams.map((t) => `${this.repoByName(repo).owner}/${t}`)] : [];
  }

  reviews(repo: string, number: number): { user: string; state: string; body: string }[] {
    return (this.repoByName(repo).issues.get(number)?.pull?.reviews ?? []).map((r) => ({ user: r.user, state: r.state, body: r.body }));
  }

  reactions(repo: string, target: { comment: number } | { issue: number }): string[] {
    const r = this.repoByName(repo);
    const list = 'comment' in target ? r.comments.get(target.comment)?.reactions : r.issues.get(target.issue)?.reactions;
    return (list ?? []).map((x) => `${x.user}:${x.content}`);
  }

  issue(repo: string, number: number): FakeIssue | undefined {
    return this.repoByName(repo).issues.get(number);
  }

  milestone(repo: string, number: number): string | null {
    const r = this.repoByName(repo);
    const m = r.issues.get(number)?.milestone;
    return m === null || m === undefined ? null : (r.milestones.get(m)?.title ?? null);
  }

  isMerged(repo: string, number: number): boolean {
    return this.repoByName(repo).issues.get(number)?.pull?.merged === true;
  }

  async headSha(repo: string, number: number): Promise<string> {
    await this.ready();
    const r = this.repoByName(repo);
    const issue = r.issues.get(number);
    if (!issue) throw new Error(`fake github: no pull request ${repo}#${number}`);
    return this.prHead(r, issue);
  }

  async branchSha(repo: string, branch: string): Promise<string | undefined> {
    await this.ready();
    return this.repoByName(repo).git.resolve(`refs/heads/${branch}`);
  }

  async repoDir(repo: string): Promise<string> {
    const git = this.repoByName(repo).git;
    await git.ensure();
    return git.dir;
  }

  async file(repo: string, path: string, ref?: string): Promise<string | undefined> {
    await this.ready();
    const r = this.repoByName(repo);
    const f = await r.git.readFile(ref ?? r.defaultBranch, path);
    return f?.content.toString('utf8');
  }

  setMergeable(repo: string, number: number, mergeable: boolean | null | undefined): void {
    const p = this.repoByName(repo).issues.get(number)?.pull;
    if (!p) throw new Error(`fake github: ${repo}#${number} is not a pull request`);
    p.mergeableOverride = mergeable;
  }

  // ---- HTTP ------------------------------------------------------------------------------

  private authenticate(header: string | undefined): Actor {
    if (!header) return { login: null, auth: 'none' };
    const m = /^(?:token|bearer)\s+(.+)$/i.exec(header.trim());
    if (!m?.[1]) throw new HttpError(401, 'Bad credentials');
    const credential = m[1];
    if (credential.split('.').length === 3 && credential.startsWith('eyJ')) {
      const app = this.verifyJwt(credential);
      return { login: `${app.slug}[bot]`, auth: 'app', app: app.id };
    }
    const inst = this.world.installationTokens.get(credential);
    if (inst) {
      const app = this.world.apps.get(inst.app);
      return { login: `${app?.slug ?? 'app'}[bot]`, auth: 'installation', app: inst.app };
    }
    const login = this.world.tokens.get(credential);
    if (login) return { login, auth: 'token' };
    if (this.world.strictTokens) throw new HttpError(401, 'Bad credentials');
    return { login: this.world.bot, auth: 'token' };
  }

  private verifyJwt(jwt: string): { id: number; slug: string } {
    const [h = '', p = '', s = ''] = jwt.split('.');
    let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
    let header: { alg?: unknown };
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown };
      payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof payload;
    } catch {
      throw new HttpError(401, 'A JSON web token could not be decoded');
    }
    if (header.alg !== 'RS256') throw new HttpError(401, "'alg' must be RS256");
    const app = this.world.apps.get(Number(payload.iss));
    if (!app) throw new HttpError(401, `Integration not found: iss ${String(payload.iss)}`);
    const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(app.publicKey, Buffer.from(s, 'base64url'));
    if (!ok) throw new HttpError(401, 'A JSON web token could not be decoded');
    const now = Math.floor(this.now().getTime() / 1000);
    if (typeof payload.exp !== 'number' || payload.exp < now - 60) throw new HttpError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
    if (typeof payload.iat === 'number' && payload.exp - payload.iat > 660) throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
    return app;
  }

  private paginate<T>(c: Context<Env>, items: T[]): Response {
    const q = new URL(c.req.url).searchParams;
    const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(q.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number): string => {
      const params = new URLSearchParams(q);
      params.set('page', String(p));
      if (q.has('per_page')) params.set('per_page', String(perPage));
      return `${this.url}${new URL(c.req.url).pathname}?${params.toString()}`;
    };
    const links: string[] = [];
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    if (links.length > 0) c.header('link', links.join(', '));
    return c.json(items.slice((page - 1) * perPage, page * perPage) as unknown as object);
  }

  private actorLogin(c: Context<Env>): string {
    const login = c.get('actor').login;
    if (!login) throw new HttpError(401, 'Requires authentication');
    return login;
  }

  buildApp(): Hono<Env> {
    const app = new Hono<Env>({ strict: false });

    app.get('/_fake/calls', (c) => c.json(this.callLog));
    app.get('/_fake/state', (c) => c.json(this.snapshot()));

    app.use('*', async (c, next) => {
      const url = new URL(c.req.url);
      if (url.pathname.startsWith('/_fake/')) return next();
      const seq = ++this.seq;
      let body: unknown;
      const text = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      c.set('body', body);
      let actor: Actor = { login: null, auth: 'none' };
      let res: Response;
      try {
        await this.pending;
        actor = this.authenticate(c.req.header('authorization'));
        c.set('actor', actor);
        const failure = this.failures.find((f) => f.left > 0 && (!f.method || f.method.toUpperCase() === c.req.method) && (f.path === undefined || (typeof f.path === 'string' ? f.path === url.pathname : f.path.test(url.pathname))));
        if (failure) {
          failure.left--;
          throw new HttpError(failure.status, failure.message ?? 'Server Error', undefined, failure.headers);
        }
        if (this.world.rateLimit.remaining <= 0 && actor.auth !== 'none') {
          throw new HttpError(403, `API rate limit exceeded for user ID ${actor.login ?? ''}.`, undefined, { 'x-ratelimit-remaining': '0' });
        }
        await next();
        res = c.res;
      } catch (err) {
        res = this.errorResponse(err);
      }
      const routePath = c.req.routePath && c.req.routePath !== '*' && c.req.routePath !== '/*' ? c.req.routePath : url.pathname;
      const template = `${c.req.method} ${routePath.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}')}`;
      const isQuery = url.pathname === '/graphql' && typeof body === 'object' && body !== null && !/^\s*mutation\b/.test(String((body as { query?: unknown }).query ?? ''));
      const write = c.req.method !== 'GET' && c.req.method !== 'HEAD' && !isQuery && !url.pathname.endsWith('/access_tokens');

      // Conditional requests: a matching ETag gets 304 and costs no rate limit, as on GitHub.
      let costs = actor.auth !== 'none' && !AUTH_ROUTES.has(c.req.routePath);
      if (c.req.method === 'GET' && res.status === 200 && (res.headers.get('content-type') ?? '').includes('json')) {
        const payload = await res.clone().text();
        const etag = `W/"${createHash('sha1').update(`${actor.login ?? ''}\n${payload}`).digest('hex')}"`;
        const headers = new Headers(res.headers);
        headers.set('etag', etag);
        if (c.req.header('if-none-match') === etag) {
          headers.delete('content-type');
          headers.delete('content-length');
          res = new Response(null, { status: 304, headers });
          costs = false;
        } else {
          res = new Response(payload, { status: 200, headers });
        }
      }
      const rl = this.world.rateLimit;
      if (costs && rl.remaining > 0) rl.remaining--;
      res.headers.set('x-ratelimit-limit', String(rl.limit));
      if (!res.headers.has('x-ratelimit-remaining')) res.headers.set('x-ratelimit-remaining', String(rl.remaining));
      res.headers.set('x-ratelimit-used', String(rl.limit - rl.remaining));
      res.headers.set('x-ratelimit-reset', String(rl.reset));
      res.headers.set('x-ratelimit-resource', url.pathname === '/graphql' ? 'graphql' : url.pathname.startsWith('/search/') ? 'search' : 'core');
      res.headers.set('x-github-request-id', `FAKE-${seq}`);
      this.callLog.push({
        seq, method: c.req.method, path: url.pathname, query: url.search.replace(/^\?/, ''), route: template, body, status: res.status,
        actor: actor.login, auth: actor.auth, write, time: this.now().toISOString(),
      });
      c.res = undefined as unknown as Response;
      c.res = res;
      return res;
    });

    this.routes(app);
    app.notFound(() => this.errorResponse(notFound()));
    app.onError((err) => this.errorResponse(err));
    return app;
  }

  private errorResponse(err: unknown): Response {
    if (err instanceof HttpError) {
      const json: Record<string, unknown> = { message: err.message, documentation_url: 'https://docs.github.com/rest', status: String(err.status) };
      if (err.errors) json.errors = err.errors;
      return new Response(JSON.stringify(json), { status: err.status, headers: { 'content-type': 'application/json; charset=utf-8', ...err.headers } });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new Response(JSON.stringify({ message: `fake github: ${message}` }), { status: 500, headers: { 'content-type': 'application/json' } });
  }

  private snapshot(): unknown {
    const w = this.world;
    return {
      bot: w.bot,
      rateLimit: w.rateLimit,
      orgs: [...w.orgs.values()].map((o) => ({
        login: o.login, members: [...o.members], admins: [...o.admins],
        teams: [...o.teams.values()].map((t) => ({ slug: t.slug, name: t.name, members: Object.fromEntries(t.members) })),
      })),
      repos: [...w.repos.values()].map((r) => ({
        fullName: r.fullName, defaultBranch: r.defaultBranch, dir: r.git.dir,
        collaborators: Object.fromEntries(r.collaborators), labels: [...r.labels.values()].map((l) => l.name),
        milestones: [...r.milestones.values()],
        issues: [...r.issues.values()].map((i) => ({
          number: i.number, title: i.title, state: i.state, user: i.user, labels: i.labels, assignees: i.assignees, isPR: i.pull !== undefined,
          pull: i.pull ? { base: i.pull.baseRef, head: i.pull.headRef, merged: i.pull.merged, requestedReviewers: i.pull.requestedReviewers, reviews: i.pull.reviews } : undefined,
          comments: [...r.comments.values()].filter((c) => c.issue === i.number).map((c) => ({ id: c.id, user: c.user, body: c.body })),
        })),
        statuses: Object.fromEntries(r.statuses),
      })),
    };
  }

  // ---- routes ----------------------------------------------------------------------------

  private routes(app: Hono<Env>): void {
    const R = this.render;
    const body = (c: Context<Env>): Record<string, unknown> => {
      const b = c.get('body');
      return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
    };
    const repoOf = (c: Context<Env>): FakeRepo => this.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
    const requireApp = (c: Context<Env>): Actor => {
      const a = c.get('actor');
      if (a.auth !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
      return a;
    };

    app.get('/rate_limit', (c) => {
      const rl = this.world.rateLimit;
      const core = { limit: rl.limit, remaining: rl.remaining, reset: rl.reset, used: rl.limit - rl.remaining };
      return c.json({ resources: { core, search: core, graphql: core }, rate: core });
    });

    // --- users, orgs, teams
    app.get('/user', (c) => c.json(fullUserJson(R, this.actorLogin(c))));
    app.get('/users/:username', (c) => {
      const u = this.world.users.get((c.req.param('username') ?? '').toLowerCase());
      if (!u) throw notFound();
      return c.json(fullUserJson(R, u.login));
    });
    app.get('/orgs/:org/members', (c) => {
      const org = this.world.orgs.get(c.req.param('org').toLowerCase());
      if (!org) throw notFound();
      const role = c.req.query('role') ?? 'all';
      const list = [...org.members].filter((m) => role === 'all' || (role === 'admin') === org.admins.has(m)).sort();
      return this.paginate(c, list.map((m) => userJson(R, m)));
    });
    app.get('/orgs/:org/members/:username', (c) => {
      if (!this.world.orgs.has(c.req.param('org').toLowerCase())) throw notFound();
      if (!this.isOrgMember(c.req.param('org'), c.req.param('username'))) throw new HttpError(404, 'User does not exist or is not a member of the organization');
      return c.body(null, 204);
    });
    app.get('/orgs/:org/teams', (c) => {
      const org = this.world.orgs.get(c.req.param('org').toLowerCase());
      if (!org) throw notFound();
      return this.paginate(c, [...org.teams.values()].map((t) => teamJson(R, org.login, t)));
    });
    app.get('/orgs/:org/teams/:team_slug/members', (c) => {
      const team = this.world.orgs.get(c.req.param('org').toLowerCase())?.teams.get(c.req.param('team_slug'));
      if (!team) throw notFound();
      const role = c.req.query('role') ?? 'all';
      const list = [...team.members].filter(([, r]) => role === 'all' || r === role).map(([login]) => userJson(R, login));
      return this.paginate(c, list);
    });
    app.get('/orgs/:org/teams/:team_slug/memberships/:username', (c) => {
      const team = this.world.orgs.get(c.req.param('org').toLowerCase())?.teams.get(c.req.param('team_slug'));
      if (!team) throw notFound();
      const login = c.req.param('username').toLowerCase();
      const entry = [...team.members].find(([m]) => m.toLowerCase() === login);
      if (!entry) throw notFound();
      return c.json({ role: entry[1], state: 'active', url: `${this.url}/orgs/${c.req.param('org')}/teams/${team.slug}/memberships/${entry[0]}` });
    });

    // --- GitHub App
    app.get('/app', (c) => {
      const a = requireApp(c);
      const fa = this.world.apps.get(a.app ?? 0);
      if (!fa) throw notFound();
      return c.json({ id: fa.id, slug: fa.slug, name: fa.slug, owner: null });
    });
    const installationFor = (c: Context<Env>, account: string): Response => {
      const a = requireApp(c);
      const fa = this.world.apps.get(a.app ?? 0);
      const id = fa ? [...fa.installations].find(([k]) => k.toLowerCase() === account.toLowerCase())?.[1] : undefined;
      if (!fa || id === undefined) throw notFound();
      return c.json({ id, app_id: fa.id, account: userJson(R, account), target_type: 'Organization', permissions: {} });
    };
    app.get('/orgs/:org/installation', (c) => installationFor(c, c.req.param('org')));
    app.get('/users/:username/installation', (c) => installationFor(c, c.req.param('username')));
    app.get('/repos/:owner/:repo/installation', (c) => {
      repoOf(c);
      return installationFor(c, c.req.param('owner'));
    });
    app.post('/app/installations/:installation_id/access_tokens', (c) => {
      const a = requireApp(c);
      const fa = this.world.apps.get(a.app ?? 0);
      const id = Number(c.req.param('installation_id'));
      const org = fa ? [...fa.installations].find(([, v]) => v === id)?.[0] : undefined;
      if (!fa || org === undefined) throw notFound();
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      this.world.installationTokens.set(token, { installation: id, app: fa.id, org });
      const expires = new Date(this.now().getTime() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return c.json({ token, expires_at: expires, permissions: { issues: 'write', pull_requests: 'write', statuses: 'write', contents: 'read' }, repository_selection: 'all' }, 201);
    });

    // --- repos
    app.post('/repos/:owner/:repo/issues', (c) => {
      const repo = repoOf(c);
      const b = body(c);
      if (typeof b.title !== 'string' || !b.title) throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
      const issue = this.newIssue(repo, { repo: repo.fullName, title: b.title, body: typeof b.body === 'string' ? b.body : '', author: this.actorLogin(c), labels: strings(b.labels), assignees: strings(b.assignees) });
      return c.json(this.renderIssue(repo, issue), 201);
    });
    app.get('/repos/:owner/:repo', async (c) => {
      const repo = repoOf(c);
      await repo.git.ensure(); // clone_url points at it
      return c.json(repoJson(R, repo));
    });
    app.get('/repos/:owner/:repo/collaborators', (c) => {
      const repo = repoOf(c);
      const logins = new Set<string>([...repo.collaborators.keys()]);
      const org = this.world.orgs.get(repo.owner.toLowerCase());
      for (const a of org?.admins ?? []) logins.add(a.toLowerCase());
      for (const t of org?.teams.values() ?? []) if (t.repos.has(repo.fullName) || t.repos.has(repo.name)) for (const m of t.members.keys()) logins.add(m.toLowerCase());
      const list = [...logins].sort().map((l) => {
        const login = this.ensureUser(l).login;
        const role = this.roleOf(repo, login);
        return { ...userJson(R, login), permissions: rolePermissions(role), role_name: role ?? 'none' };
      });
      return this.paginate(c, list);
    });
    app.get('/repos/:owner/:repo/collaborators/:username', (c) => {
      const repo = repoOf(c);
      if (!this.roleOf(repo, c.req.param('username'))) throw notFound();
      return c.body(null, 204);
    });
    app.get('/repos/:owner/:repo/collaborators/:username/permission', (c) => {
      const repo = repoOf(c);
      const login = c.req.param('username');
      if (!this.world.users.has(login.toLowerCase())) throw new HttpError(404, `${login} is not a user`);
      const role = this.roleOf(repo, login) ?? (repo.private ? undefined : 'read');
      return c.json({ permission: roleToPermission(role), role_name: role ?? 'none', user: userJson(R, login) });
    });
    app.get('/repos/:owner/:repo/git/ref/:ref{.+}', async (c) => {
      const repo = repoOf(c);
      const ref = c.req.param('ref');
      const sha = await repo.git.resolve(`refs/${ref}`);
      if (!sha || !/^(heads|tags)\//.test(ref)) throw notFound();
      return c.json({ ref: `refs/${ref}`, node_id: `REF_${sha}`, url: `${this.url}/repos/${repo.fullName}/git/refs/${ref}`, object: { sha, type: 'commit', url: `${this.url}/repos/${repo.fullName}/git/commits/${sha}` } });
    });
    app.get('/repos/:owner/:repo/commits/:ref/status', async (c) => {
      const repo = repoOf(c);
      const sha = await repo.git.resolve(c.req.param('ref'));
      if (!sha) throw new HttpError(422, `No commit found for SHA: ${c.req.param('ref')}`);
      const latest = latestStatuses(repo.statuses.get(sha) ?? []);
      const state = latest.some((s) => s.state === 'error' || s.state === 'failure') ? 'failure' : latest.length === 0 || latest.some((s) => s.state === 'pending') ? 'pending' : 'success';
      return c.json({ state, sha, total_count: latest.length, statuses: latest.map((s) => statusJson(R, s)), repository: repoJson(R, repo), commit_url: `${this.url}/repos/${repo.fullName}/commits/${sha}` });
    });
    app.get('/repos/:owner/:repo/commits/:ref/statuses', async (c) => {
      const repo = repoOf(c);
      const sha = await repo.git.resolve(c.req.param('ref'));
      if (!sha) throw notFound();
      return this.paginate(c, [...(repo.statuses.get(sha) ?? [])].reverse().map((s) => statusJson(R, s)));
    });
    app.get('/repos/:owner/:repo/commits/:ref', async (c) => {
      const repo = repoOf(c);
      const info = await repo.git.commitInfo(c.req.param('ref'));
      if (!info) throw new HttpError(422, `No commit found for SHA: ${c.req.param('ref')}`);
      return c.json(commitJson(R, repo, info, this.world.users.values()));
    });
    app.post('/repos/:owner/:repo/statuses/:sha', async (c) => {
      const repo = repoOf(c);
      const sha = await repo.git.resolve(c.req.param('sha'));
      if (!sha) throw new HttpError(422, `No commit found for SHA: ${c.req.param('sha')}`);
      const b = body(c);
      const state = String(b.state ?? '');
      if (!['error', 'failure', 'pending', 'success'].includes(state)) throw new HttpError(422, 'Validation Failed', [{ resource: 'Status', code: 'custom', field: 'state', message: `state is not included in the list` }]);
      const description = typeof b.description === 'string' ? b.description : '';
      if (description.length > 140) throw new HttpError(422, 'Validation Failed', [{ resource: 'Status', code: 'custom', field: 'description', message: 'description is too long (maximum is 140 characters)' }]);
      const now = this.stamp();
      const s: FakeStatus = {
        id: this.nextId(), state, context: typeof b.context === 'string' && b.context ? b.context : 'default', description,
        targetUrl: typeof b.target_url === 'string' ? b.target_url : '', creator: this.actorLogin(c), createdAt: now, updatedAt: now,
      };
      const list = repo.statuses.get(sha) ?? [];
      list.push(s);
      repo.statuses.set(sha, list);
      return c.json(statusJson(R, s), 201);
    });
    app.get('/repos/:owner/:repo/contents/:path{.+}', async (c) => {
      const repo = repoOf(c);
      const path = c.req.param('path').replace(/\/+$/, '');
      const ref = c.req.query('ref') ?? repo.defaultBranch;
      const file = await repo.git.readFile(ref, path);
      if (file) {
        if (/application\/vnd\.github(\.v3)?\.raw/.test(c.req.header('accept') ?? '')) {
          return c.body(new Uint8Array(file.content), 200, { 'content-type': 'application/vnd.github.raw; charset=utf-8' });
        }
        // Like GitHub: files over 1 MB come without content (encoding "none"); ask for raw instead.
        const large = file.content.length > 1024 * 1024;
        const content = large ? '' : file.content.toString('base64').replace(/(.{60})/g, '$1\n');
        return c.json({ type: 'file', encoding: large ? 'none' : 'base64', size: file.content.length, name: path.split('/').pop(), path, content, sha: file.sha, url: `${this.url}/repos/${repo.fullName}/contents/${path}?ref=${ref}` });
      }
      const dir = await repo.git.listDir(ref, path);
      if (!dir) throw notFound();
      return c.json(dir.map((e) => ({ type: e.type, name: e.name, path: e.path, sha: e.sha })));
    });
    app.get('/repos/:owner/:repo/branches/:branch/protection', async (c) => {
      const repo = repoOf(c);
      const branch = c.req.param('branch');
      if (!(await repo.git.resolve(`refs/heads/${branch}`))) throw new HttpError(404, 'Branch not found');
      const p = repo.protection.get(branch);
      if (!p) throw new HttpError(404, 'Branch not protected');
      const json: Record<string, unknown> = {
        url: `${this.url}/repos/${repo.fullName}/branches/${branch}/protection`,
        required_status_checks: p.contexts ? { strict: p.strict ?? false, contexts: p.contexts, checks: p.contexts.map((context) => ({ context, app_id: null })) } : undefined,
        enforce_admins: { enabled: p.enforceAdmins ?? false },
        required_pull_request_reviews: p.requiredApprovingReviewCount !== undefined ? { required_approving_review_count: p.requiredApprovingReviewCount, dismiss_stale_reviews: false, require_code_owner_reviews: false } : undefined,
        allow_force_pushes: { enabled: false },
        required_linear_history: { enabled: false },
      };
      if (p.restrictions) json.restrictions = { users: (p.restrictions.users ?? []).map((u) => userJson(R, u)), teams: (p.restrictions.teams ?? []).map((slug) => ({ slug, name: slug })), apps: [] };
      return c.json(json);
    });
    app.get('/repos/:owner/:repo/milestones', (c) => {
      const repo = repoOf(c);
      const state = c.req.query('state') ?? 'open';
      return this.paginate(c, [...repo.milestones.values()].filter((m) => state === 'all' || m.state === state).map((m) => milestoneJson(R, repo, m)));
    });

    // --- labels
    app.get('/repos/:owner/:repo/labels', (c) => {
      const repo = repoOf(c);
      return this.paginate(c, [...repo.labels.values()].map((l) => labelJson(R, repo, l)));
    });
    app.post('/repos/:owner/:repo/labels', (c) => {
      const repo = repoOf(c);
      const b = body(c);
      const name = typeof b.name === 'string' ? b.name : '';
      if (!name) throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'missing_field', field: 'name' }]);
      if (repo.labels.has(name.toLowerCase())) throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
      const label = { id: this.nextId(), name, color: typeof b.color === 'string' ? b.color : 'ededed', description: typeof b.description === 'string' ? b.description : null };
      repo.labels.set(name.toLowerCase(), label);
      return c.json(labelJson(R, repo, label), 201);
    });
    app.get('/repos/:owner/:repo/issues/:issue_number/labels', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      return this.paginate(c, (this.renderIssue(repo, issue).labels as unknown[]));
    });
    app.post('/repos/:owner/:repo/issues/:issue_number/labels', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      const raw = c.get('body');
      const names = Array.isArray(raw) ? strings(raw) : strings((raw as { labels?: unknown } | undefined)?.labels);
      const actor = this.actorLogin(c);
      for (const name of names) {
        const label = this.ensureRepoLabel(repo, name, !this.world.refuseUnknownLabels);
        if (issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) continue;
        issue.labels.push(label.name);
        this.addEvent(issue, 'labeled', actor, { label: label.name });
      }
      this.touch(issue);
      return c.json(this.renderIssue(repo, issue).labels as object);
    });
    app.delete('/repos/:owner/:repo/issues/:issue_number/labels/:name', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      const name = c.req.param('name');
      const idx = issue.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
      if (idx < 0) throw new HttpError(404, 'Label does not exist');
      const [removed = name] = issue.labels.splice(idx, 1);
      this.addEvent(issue, 'unlabeled', this.actorLogin(c), { label: removed });
      this.touch(issue);
      return c.json(this.renderIssue(repo, issue).labels as object);
    });

    // --- issues and comments
    app.get('/repos/:owner/:repo/issues/comments/:comment_id', (c) => {
      const repo = repoOf(c);
      const cm = repo.comments.get(Number(c.req.param('comment_id')));
      if (!cm) throw notFound();
      return c.json(commentJson(R, repo, cm, this.association(repo, cm.user)));
    });
    app.patch('/repos/:owner/:repo/issues/comments/:comment_id', (c) => {
      const repo = repoOf(c);
      const cm = repo.comments.get(Number(c.req.param('comment_id')));
      if (!cm) throw notFound();
      const b = body(c);
      if (typeof b.body !== 'string') throw new HttpError(422, 'Validation Failed', [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
      cm.body = b.body;
      cm.updatedAt = this.stamp();
      return c.json(commentJson(R, repo, cm, this.association(repo, cm.user)));
    });
    app.delete('/repos/:owner/:repo/issues/comments/:comment_id', (c) => {
      const repo = repoOf(c);
      if (!repo.comments.delete(Number(c.req.param('comment_id')))) throw notFound();
      return c.body(null, 204);
    });
    app.post('/repos/:owner/:repo/issues/comments/:comment_id/reactions', (c) => {
      const repo = repoOf(c);
      const cm = repo.comments.get(Number(c.req.param('comment_id')));
      if (!cm) throw notFound();
      return this.react(c, cm.reactions);
    });
    app.post('/repos/:owner/:repo/issues/:issue_number/reactions', (c) => {
      const issue = this.issueOrThrow(repoOf(c), c.req.param('issue_number'));
      return this.react(c, issue.reactions);
    });
    app.get('/repos/:owner/:repo/issues/:issue_number', (c) => {
      const repo = repoOf(c);
      return c.json(this.renderIssue(repo, this.issueOrThrow(repo, c.req.param('issue_number'))));
    });
    app.patch('/repos/:owner/:repo/issues/:issue_number', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      this.patchIssue(repo, issue, body(c), this.actorLogin(c));
      return c.json(this.renderIssue(repo, issue));
    });
    app.get('/repos/:owner/:repo/issues/:issue_number/comments', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      const list = [...repo.comments.values()].filter((cm) => cm.issue === issue.number).map((cm) => commentJson(R, repo, cm, this.association(repo, cm.user)));
      return this.paginate(c, list);
    });
    app.post('/repos/:owner/:repo/issues/:issue_number/comments', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      const b = body(c);
      if (typeof b.body !== 'string' || b.body === '') throw new HttpError(422, 'Validation Failed', [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
      if (b.body.length > 65536) throw new HttpError(422, 'Validation Failed', [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]);
      const cm = this.addCommentTo(repo, issue, this.actorLogin(c), b.body);
      return c.json(commentJson(R, repo, cm, this.association(repo, cm.user)), 201);
    });
    app.get('/repos/:owner/:repo/issues/:issue_number/events', (c) => {
      const issue = this.issueOrThrow(repoOf(c), c.req.param('issue_number'));
      return this.paginate(c, issue.events.map((e) => eventJson(R, e)));
    });
    app.post('/repos/:owner/:repo/issues/:issue_number/assignees', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      const actor = this.actorLogin(c);
      for (const login of strings(body(c).assignees)) {
        if (!this.isAssignable(repo, issue, login) || issue.assignees.length >= 10) continue; // GitHub drops these silently
        const u = this.ensureUser(login).login;
        if (issue.assignees.some((a) => a.toLowerCase() === u.toLowerCase())) continue;
        issue.assignees.push(u);
        this.addEvent(issue, 'assigned', actor, { assignee: u });
      }
      this.touch(issue);
      return c.json(this.renderIssue(repo, issue), 201);
    });
    app.delete('/repos/:owner/:repo/issues/:issue_number/assignees', (c) => {
      const repo = repoOf(c);
      const issue = this.issueOrThrow(repo, c.req.param('issue_number'));
      const actor = this.actorLogin(c);
      const drop = new Set(strings(body(c).assignees).map((a) => a.toLowerCase()));
      issue.assignees = issue.assignees.filter((a) => {
        if (!drop.has(a.toLowerCase())) return true;
        this.addEvent(issue, 'unassigned', actor, { assignee: a });
        return false;
      });
      this.touch(issue);
      return c.json(this.renderIssue(repo, issue));
    });

    // --- pull requests
    app.get('/repos/:owner/:repo/pulls', async (c) => {
      const repo = repoOf(c);
      const state = c.req.query('state') ?? 'open';
      const base = c.req.query('base');
      const head = c.req.query('head');
      const list = [...repo.issues.values()].filter((i) => i.pull && (state === 'all' || i.state === state) && (!base || i.pull.baseRef === base) && (!head || `${repo.owner}:${i.pull.headRef}` === head || i.pull.headRef === head));
      list.sort((a, b) => b.number - a.number);
      const rendered: Record<string, unknown>[] = [];
      for (const i of list) rendered.push(await this.renderPull(repo, i));
      return this.paginate(c, rendered);
    });
    app.get('/repos/:owner/:repo/pulls/:pull_number', async (c) => {
      const repo = repoOf(c);
      return c.json(await this.renderPull(repo, this.pullOrThrow(repo, c.req.param('pull_number'))));
    });
    app.patch('/repos/:owner/:repo/pulls/:pull_number', async (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      const b = body(c);
      if (typeof b.base === 'string') {
        if (!(await repo.git.resolve(`refs/heads/${b.base}`))) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
        issue.pull.baseRef = b.base;
      }
      this.patchIssue(repo, issue, { title: b.title, body: b.body, state: b.state }, this.actorLogin(c));
      return c.json(await this.renderPull(repo, issue));
    });
    app.get('/repos/:owner/:repo/pulls/:pull_number/files', async (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      const head = await this.prHead(repo, issue);
      const base = issue.pull.merged && issue.pull.mergeCommitSha ? `${issue.pull.mergeCommitSha}^1` : await this.prBase(repo, issue);
      const files = await repo.git.changedFiles(base, head);
      return this.paginate(c, files.map((f) => ({
        sha: f.blobSha, filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions,
        patch: f.patch, previous_filename: f.previousFilename,
        blob_url: `https://github.com/${repo.fullName}/blob/${head}/${f.filename}`, raw_url: `https://github.com/${repo.fullName}/raw/${head}/${f.filename}`,
        contents_url: `${this.url}/repos/${repo.fullName}/contents/${f.filename}?ref=${head}`,
      })));
    });
    app.get('/repos/:owner/:repo/pulls/:pull_number/commits', async (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      const head = await this.prHead(repo, issue);
      const base = issue.pull.merged && issue.pull.mergeCommitSha ? `${issue.pull.mergeCommitSha}^1` : await this.prBase(repo, issue);
      const commits = await repo.git.commitsBetween(base, head);
      return this.paginate(c, commits.map((ci) => commitJson(R, repo, ci, this.world.users.values())));
    });
    app.put('/repos/:owner/:repo/pulls/:pull_number/merge', async (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      const result = await this.merge(repo, issue, body(c), this.actorLogin(c));
      return c.json(result);
    });
    app.get('/repos/:owner/:repo/pulls/:pull_number/comments', (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      return this.paginate(c, issue.pull.reviewComments.map((rc) => reviewCommentJson(R, repo, issue.number, rc)));
    });
    app.get('/repos/:owner/:repo/pulls/:pull_number/reviews', (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      return this.paginate(c, issue.pull.reviews.map((rv) => reviewJson(R, repo, issue.number, rv)));
    });
    app.post('/repos/:owner/:repo/pulls/:pull_number/reviews', async (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      const actor = this.actorLogin(c);
      const b = body(c);
      const event = typeof b.event === 'string' ? b.event : '';
      const state = event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : event === 'COMMENT' ? 'COMMENTED' : event === '' ? 'PENDING' : undefined;
      if (!state) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequestReview', code: 'invalid', field: 'event' }]);
      if (actor.toLowerCase() === issue.user.toLowerCase() && (state === 'APPROVED' || state === 'CHANGES_REQUESTED')) {
        throw new HttpError(422, 'Unprocessable Entity', [`Can not ${state === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request`]);
      }
      const reviewBody = typeof b.body === 'string' ? b.body : '';
      if ((state === 'COMMENTED' || state === 'CHANGES_REQUESTED') && !reviewBody && !Array.isArray(b.comments)) {
        throw new HttpError(422, 'Unprocessable Entity', ['Review body is required for this event']);
      }
      const commitId = typeof b.commit_id === 'string' ? b.commit_id : await this.prHead(repo, issue);
      const rv = { id: this.nextId(), user: actor, body: reviewBody, state, commitId, submittedAt: this.stamp() };
      issue.pull.reviews.push(rv);
      for (const cm of Array.isArray(b.comments) ? (b.comments as Record<string, unknown>[]) : []) {
        const now = this.stamp();
        issue.pull.reviewComments.push({ id: this.nextId(), user: actor, body: String(cm.body ?? ''), path: String(cm.path ?? ''), line: typeof cm.line === 'number' ? cm.line : null, commitId, inReplyToId: null, createdAt: now, updatedAt: now });
      }
      if (state !== 'PENDING') issue.pull.requestedReviewers = issue.pull.requestedReviewers.filter((r) => r.toLowerCase() !== actor.toLowerCase());
      this.touch(issue);
      return c.json(reviewJson(R, repo, issue.number, rv));
    });
    app.post('/repos/:owner/:repo/pulls/:pull_number/requested_reviewers', async (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      const b = body(c);
      const reviewers = strings(b.reviewers);
      const teams = strings(b.team_reviewers);
      for (const r of reviewers) {
        if (r.toLowerCase() === issue.user.toLowerCase()) throw new HttpError(422, 'Review cannot be requested from pull request author.');
        if (!this.roleOf(repo, r) && !this.isOrgMember(repo.owner, r)) {
          throw new HttpError(422, `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.fullName} repository.`);
        }
      }
      const org = this.world.orgs.get(repo.owner.toLowerCase());
      for (const t of teams) {
        if (!org?.teams.has(t)) throw new HttpError(422, `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.fullName} repository.`);
      }
      const actor = this.actorLogin(c);
      for (const r of reviewers) {
        const login = this.ensureUser(r).login;
        if (!issue.pull.requestedReviewers.some((x) => x.toLowerCase() === login.toLowerCase())) {
          issue.pull.requestedReviewers.push(login);
          this.addEvent(issue, 'review_requested', actor);
        }
      }
      for (const t of teams) if (!issue.pull.requestedTeams.includes(t)) issue.pull.requestedTeams.push(t);
      this.touch(issue);
      return c.json(await this.renderPull(repo, issue), 201);
    });
    app.delete('/repos/:owner/:repo/pulls/:pull_number/requested_reviewers', async (c) => {
      const repo = repoOf(c);
      const issue = this.pullOrThrow(repo, c.req.param('pull_number'));
      const b = body(c);
      const drop = new Set(strings(b.reviewers).map((r) => r.toLowerCase()));
      const dropTeams = new Set(strings(b.team_reviewers));
      issue.pull.requestedReviewers = issue.pull.requestedReviewers.filter((r) => !drop.has(r.toLowerCase()));
      issue.pull.requestedTeams = issue.pull.requestedTeams.filter((t) => !dropTeams.has(t));
      this.touch(issue);
      return c.json(await this.renderPull(repo, issue));
    });

    // --- search and graphql
    app.get('/search/issues', (c) => {
      const q = c.req.query('q') ?? '';
      if (!q.trim()) throw new HttpError(422, 'Validation Failed', [{ resource: 'Search', field: 'q', code: 'missing' }]);
      const found = this.search(q, c.req.query('sort'), c.req.query('order'));
      const items = found.map(({ repo, issue }) => ({ ...this.renderIssue(repo, issue), score: 1 }));
      const q2 = new URL(c.req.url).searchParams;
      const perPage = Math.min(100, Number(q2.get('per_page') ?? 30) || 30);
      const page = Math.max(1, Number(q2.get('page') ?? 1) || 1);
      const pageItems = items.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(items.length / perPage));
      if (page < last) {
        const next = new URLSearchParams(q2);
        next.set('page', String(page + 1));
        const lastP = new URLSearchParams(q2);
        lastP.set('page', String(last));
        c.header('link', `<${this.url}/search/issues?${next.toString()}>; rel="next", <${this.url}/search/issues?${lastP.toString()}>; rel="last"`);
      }
      return c.json({ total_count: items.length, incomplete_results: false, items: pageItems });
    });
    app.post('/graphql', async (c) => {
      const b = body(c);
      const query = typeof b.query === 'string' ? b.query : '';
      const variables = (typeof b.variables === 'object' && b.variables !== null ? b.variables : {}) as Record<string, unknown>;
      const handler = this.graphqlHandlers.find((h) => h.matches(query));
      if (!handler) return c.json({ errors: [{ type: 'FAKE_UNSUPPORTED', message: `fake github: no GraphQL handler for query: ${query.slice(0, 120)}` }] });
      const data = await handler.resolve({
        query, variables, actor: c.get('actor').login,
        search: (q) => this.search(q, undefined, undefined),
        renderPull: (repo, issue) => this.renderPull(repo, issue),
        world: this.world,
        statuses: (repo, sha) => latestStatuses(repo.statuses.get(sha) ?? []),
      });
      return c.json({ data });
    });
  }

  private react(c: Context<Env>, list: { user: string; content: string }[]): Response {
    const content = String(body(c).content ?? '');
    if (!['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'].includes(content)) {
      throw new HttpError(422, 'Validation Failed', [{ resource: 'Reaction', code: 'invalid', field: 'content' }]);
    }
    const user = this.actorLogin(c);
    const existing = list.find((r) => r.user === user && r.content === content);
    if (!existing) list.push({ user, content });
    return c.json({ id: this.nextId(), content, user: userJson(this.render, user), created_at: this.stamp() }, existing ? 200 : 201);
  }

  private isAssignable(repo: FakeRepo, issue: FakeIssue, login: string): boolean {
    if (!this.world.users.has(login.toLowerCase())) return false;
    const key = login.toLowerCase();
    if (this.roleOf(repo, login) || this.isOrgMember(repo.owner, login)) return true;
    if (issue.user.toLowerCase() === key) return true;
    return [...repo.comments.values()].some((cm) => cm.issue === issue.number && cm.user.toLowerCase() === key);
  }

  private patchIssue(repo: FakeRepo, issue: FakeIssue, b: Record<string, unknown>, actor: string): void {
    if (typeof b.title === 'string') {
      if (b.title !== issue.title) this.addEvent(issue, 'renamed', actor);
      issue.title = b.title;
    }
    if (typeof b.body === 'string') issue.body = b.body;
    if ('milestone' in b) {
      if (b.milestone === null) issue.milestone = null;
      else {
        const n = Number(b.milestone);
        if (!repo.milestones.has(n)) throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', code: 'invalid', field: 'milestone', value: b.milestone }]);
        issue.milestone = n;
        this.addEvent(issue, 'milestoned', actor);
      }
    }
    if (b.state === 'closed' || b.state === 'open') {
      if (b.state === 'open' && issue.pull?.merged) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', field: 'state', message: 'state cannot be changed. The pull request cannot be reopened because it was merged.' }]);
      if (b.state !== issue.state) {
        issue.state = b.state;
        issue.closedAt = b.state === 'closed' ? this.stamp() : null;
        this.addEvent(issue, b.state === 'closed' ? 'closed' : 'reopened', actor);
      }
    } else if (b.state !== undefined) {
      throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', code: 'invalid', field: 'state' }]);
    }
    if (Array.isArray(b.labels)) issue.labels = strings(b.labels).map((l) => this.ensureRepoLabel(repo, l, true).name);
    if (Array.isArray(b.assignees)) issue.assignees = strings(b.assignees).filter((a) => this.isAssignable(repo, issue, a));
    this.touch(issue);
  }

  private async merge(repo: FakeRepo, issue: FakeIssue & { pull: NonNullable<FakeIssue['pull']> }, b: Record<string, unknown>, actor: string): Promise<{ sha: string; merged: boolean; message: string }> {
    const p = issue.pull;
    if (issue.state !== 'open' || p.merged) throw new HttpError(405, 'Pull Request is not mergeable');
    const head = await this.prHead(repo, issue);
    const base = await this.prBase(repo, issue);
    if (typeof b.sha === 'string' && b.sha !== head) throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
    if (p.draft) throw new HttpError(405, 'Pull Request is still a draft');
    const mergeable = await this.mergeable(repo, issue, head, base);
    if (mergeable === false) throw new HttpError(405, 'Pull Request is not mergeable');
    const protection = repo.protection.get(p.baseRef);
    if (protection?.contexts) {
      const latest = latestStatuses(repo.statuses.get(head) ?? []);
      for (const context of protection.contexts) {
        const s = latest.find((x) => x.context === context);
        if (s?.state !== 'success') throw new HttpError(405, `Required status check "${context}" is ${s ? `${s.state === 'pending' ? 'expected' : 'failing'}` : 'expected'}.`);
      }
    }
    const method = typeof b.merge_method === 'string' ? b.merge_method : 'merge';
    if (!['merge', 'squash', 'rebase'].includes(method)) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'merge_method' }]);
    const who = this.identity(actor);
    const title = typeof b.commit_title === 'string' ? b.commit_title : undefined;
    const message = typeof b.commit_message === 'string' ? b.commit_message : undefined;
    let sha: string;
    if (method === 'rebase') {
      let current = base;
      for (const ci of await repo.git.commitsBetween(base, head)) {
        const tree = await repo.git.applyCommit(current, ci.sha);
        if (!tree) throw new HttpError(405, 'Pull Request is not mergeable');
        current = await repo.git.commitTree(tree, [current], ci.message, { name: ci.authorName, email: ci.authorEmail }, this.now(), who);
      }
      sha = current;
    } else {
      const tree = await repo.git.mergeTree(base, head);
      if (!tree) throw new HttpError(405, 'Pull Request is not mergeable');
      if (method === 'merge') {
        const msg = `${title ?? `Merge pull request #${issue.number} from ${repo.owner}/${p.headRef}`}\n\n${message ?? issue.title}`;
        sha = await repo.git.commitTree(tree, [base, head], msg, who, this.now());
      } else {
        const commits = await repo.git.commitsBetween(base, head);
        const msg = `${title ?? `${issue.title} (#${issue.number})`}\n\n${message ?? commits.map((ci) => `* ${ci.message}`).join('\n\n')}`;
        sha = await repo.git.commitTree(tree, [base], msg, this.identity(issue.user), this.now(), who);
      }
    }
    await repo.git.setBranch(p.baseRef, sha);
    p.headSha = head;
    p.merged = true;
    p.mergedAt = this.stamp();
    p.mergedBy = actor;
    p.mergeCommitSha = sha;
    issue.state = 'closed';
    issue.closedAt = p.mergedAt;
    this.addEvent(issue, 'merged', actor);
    this.addEvent(issue, 'closed', actor);
    this.touch(issue);
    return { sha, merged: true, message: 'Pull Request successfully merged' };
  }

  private search(q: string, sort: string | undefined, order: string | undefined): { repo: FakeRepo; issue: FakeIssue }[] {
    const terms = tokenizeQuery(q);
    const found: { repo: FakeRepo; issue: FakeIssue }[] = [];
    for (const repo of this.world.repos.values()) {
      for (const issue of repo.issues.values()) {
        if (matchesQuery(terms, repo, issue, (login) => this.association(repo, login))) found.push({ repo, issue });
      }
    }
    const s = sortFromQuery(terms) ?? (sort === 'created' || sort === 'updated' || sort === 'comments' ? { field: sort, order: order === 'asc' ? 'asc' : 'desc' } : undefined);
    if (s) {
      const key = (x: { repo: FakeRepo; issue: FakeIssue }): string | number =>
        s.field === 'created' ? x.issue.createdAt : s.field === 'updated' ? x.issue.updatedAt : [...x.repo.comments.values()].filter((cm) => cm.issue === x.issue.number).length;
      found.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const cmp = ka < kb ? -1 : ka > kb ? 1 : a.issue.number - b.issue.number;
        return s.order === 'asc' ? cmp : -cmp;
      });
    }
    return found;
  }
}

function body(c: Context<Env>): Record<string, unknown> {
  const b = c.get('body');
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function splitRepo(full: string): [string, string] {
  const [owner, name, extra] = full.split('/');
  if (!owner || !name || extra !== undefined) throw new Error(`fake github: repo must be "owner/name", got ${JSON.stringify(full)}`);
  return [owner, name];
}

/** The newest status per context, newest first (what the combined status lists). */
export function latestStatuses(all: FakeStatus[]): FakeStatus[] {
  const seen = new Map<string, FakeStatus>();
  for (let i = all.length - 1; i >= 0; i--) {
    const s = all[i];
    if (s && !seen.has(s.context)) seen.set(s.context, s);
  }
  return [...seen.values()];
}

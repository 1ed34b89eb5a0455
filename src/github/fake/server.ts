// The fake GitHub: a real HTTP server speaking the REST routes (and the GraphQL queries) our
// client uses, over real git repositories. Tests drive the real Octokit client against it; demo
// mode (`prow up` without credentials) uses it as its GitHub. The world model is model.ts, seeding
// seed.ts, the middleware middleware.ts, and the routes one module per area under routes/.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, type ListeningServer } from '../../observability/http.js';
import { Hono } from 'hono';
import type { GraphQLHandler } from './graphql.js';
import { errorResponse, notFound, type Env } from './http.js';
import {
  authenticateCaller, conditionalGet, enforceRateLimit, injectFailures, jsonBody, rateLimitHeaders, recordCalls, waitForGit,
} from './middleware.js';
import { FakeModel } from './model.js';
import { FakeLimiter, type FakeLimits } from './limits.js';
import { appRoutes } from './routes/app.js';
import { fakeWebRoutes } from './routes/web.js';
import { fakeControlRoutes } from './routes/fake.js';
import { forksRoutes } from './routes/forks.js';
import { gitHttpRoutes } from './routes/git-http.js';
import { issuesRoutes } from './routes/issues.js';
import { labelsRoutes } from './routes/labels.js';
import { pullsRoutes } from './routes/pulls.js';
import { reposRoutes } from './routes/repos.js';
import { searchRoutes } from './routes/search.js';
import { statusesRoutes } from './routes/statuses.js';
import { usersRoutes } from './routes/users.js';
import { seedWorld } from './seed.js';
import { emptyWorld, type FakeIssue, type FakeSeed, type FakeWorld, type SeedIssue, type SeedPull } from './state.js';
import { Traffic, type CallFilter, type FakeCall, type FakeFailure } from './traffic.js';

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
  /** The primary budget's window and GitHub's secondary limits (off unless given): limits.ts. */
  limits?: FakeLimits;
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
  /** Replace the secondary limits and the primary window (limits.ts); counters start again. */
  setLimits(limits: FakeLimits): void;
  /** 403s answered for each limit since start, and the most requests one caller had in flight. */
  limitStats(): { secondary: number; primary: number; maxInFlight: number };
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

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'prow-fake-github-')));
  const fake = new FakeGitHubServer(dataDir, options.now ?? (() => new Date()), options.dataDir === undefined, options.limits);
  if (options.limits) fake.setLimits(options.limits);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1', options.enterprise ?? false);
  if (options.seed) await fake.reset(options.seed);
  return fake;
}

/** Every REST route the fake serves, as `METHOD /template` with `{param}` (for the OpenAPI check). */
export function fakeGitHubRoutes(): string[] {
  const app = buildFakeApp(new FakeModel('', () => new Date()), new Traffic(), new FakeLimiter());
  const routes = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path === '/*' || r.path.startsWith('/_fake/') || r.path.includes('.git}')) continue;
    routes.add(`${r.method} ${r.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}')}`);
  }
  return [...routes].sort();
}

/** The fake as one Hono app: control routes, then the middleware, then GitHub's routes by area. */
function buildFakeApp(model: FakeModel, traffic: Traffic, limiter: FakeLimiter): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  app.route('/', fakeControlRoutes(model, traffic));
  // Git over HTTP is not the REST API: no API middleware, no call record, no rate limit.
  app.route('/', gitHttpRoutes(model));
  app.route('/', fakeWebRoutes(model));
  app.use('*', recordCalls({ traffic, now: model.now }));
  app.use('*', rateLimitHeaders({ model }));
  app.use('*', conditionalGet());
  app.use('*', jsonBody());
  app.use('*', waitForGit({ model }));
  app.use('*', authenticateCaller({ model }));
  app.use('*', injectFailures({ traffic }));
  app.use('*', enforceRateLimit({ model, limiter }));
  for (const routes of [usersRoutes, appRoutes, reposRoutes, statusesRoutes, labelsRoutes, issuesRoutes, forksRoutes, pullsRoutes, searchRoutes]) {
    app.route('/', routes(model));
  }
  app.notFound(() => errorResponse(notFound()));
  app.onError((err) => errorResponse(err));
  return app;
}

class FakeGitHubServer implements FakeGitHub {
  url = '';
  private readonly model: FakeModel;
  private readonly traffic = new Traffic();
  private readonly limiter: FakeLimiter;
  private server: ListeningServer | undefined;
  private readonly cleanups = new Set<Promise<unknown>>();

  constructor(readonly dataDir: string, now: () => Date, private readonly ownsDataDir: boolean, limits: FakeLimits = {}) {
    this.limiter = new FakeLimiter(limits);
    this.model = new FakeModel(dataDir, now);
  }

  get world(): FakeWorld {
    return this.model.world;
  }

  // ---- lifecycle -------------------------------------------------------------------------

  listen(port: number, host: string, enterprise: boolean): Promise<void> {
    const app = buildFakeApp(this.model, this.traffic, this.limiter);
    // GitHub Enterprise Server layout: REST under /api/v3, GraphQL at /api/graphql.
    const fetch = enterprise
      ? (req: Request): Response | Promise<Response> => {
          const url = new URL(req.url);
          if (url.pathname === '/api/graphql') url.pathname = '/graphql';
          else if (url.pathname.startsWith('/api/v3/')) url.pathname = url.pathname.slice('/api/v3'.length);
          else if (!url.pathname.startsWith('/_fake/')) return errorResponse(notFound());
          return app.fetch(new Request(url, req));
        }
      : app.fetch;
    return listen(fetch, { port, host, closeTimeoutMs: 0 }).then((server) => {
      this.server = server;
      this.url = `http://${host}:${server.port}${enterprise ? '/api/v3' : ''}`;
      this.model.url = this.url;
      this.model.render.api = this.url;
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
    await this.model.pending;
    await Promise.all(this.cleanups);
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  ready(): Promise<void> {
    return this.model.ready();
  }

  reset(seed: FakeSeed = {}): Promise<void> {
    const model = this.model;
    const oldGen = model.generation;
    model.generation++;
    model.world = emptyWorld();
    model.mergeableCache.clear();
    this.traffic.clear();
    if (oldGen > 0) {
      // The old world's repos go in the background; close() waits for it.
      const old = join(this.dataDir, `gen-${oldGen}`);
      const done = model.pending.then(() => rm(old, { recursive: true, force: true })).catch(() => undefined);
      this.cleanups.add(done);
      void done.then(() => this.cleanups.delete(done));
    }
    return this.seed(seed);
  }

  seed(seed: FakeSeed): Promise<void> {
    return seedWorld(this.model, seed);
  }

  // ---- test-facing accessors --------------------------------------------------------------

  calls(filter: CallFilter = {}): FakeCall[] {
    return this.traffic.filter(filter);
  }

  clearCalls(): void {
    this.traffic.calls = [];
  }

  failNext(failure: FakeFailure): void {
    this.traffic.failNext(failure);
  }

  setLimits(limits: FakeLimits): void {
    this.limiter.configure(limits);
    if (limits.primary) {
      this.world.rateLimit.limit = limits.primary.limit;
      this.world.rateLimit.remaining = limits.primary.limit;
      this.world.rateLimit.reset = Math.floor(Date.now() / 1000) + this.limiter.primaryWindowSeconds;
    }
  }

  limitStats(): { secondary: number; primary: number; maxInFlight: number } {
    return { ...this.limiter.refused, maxInFlight: this.limiter.maxInFlightSeen };
  }

  setRateLimit(remaining: number, limit?: number): void {
    this.world.rateLimit.remaining = remaining;
    if (limit !== undefined) this.world.rateLimit.limit = limit;
  }

  registerGraphQL(handler: GraphQLHandler): void {
    this.model.graphqlHandlers.unshift(handler);
  }

  createIssue(s: SeedIssue): number {
    return this.model.createIssue(s);
  }

  addComment(repo: string, number: number, author: string, body: string): number {
    return this.model.addComment(repo, number, author, body);
  }

  openPull(p: SeedPull): Promise<number> {
    return this.model.openPull(p);
  }

  pushToBranch(repo: string, branch: string, files: Record<string, string | null>, options: { message?: string; author?: string } = {}): Promise<string> {
    return this.model.pushToBranch(repo, branch, files, options);
  }

  pushToPull(repo: string, number: number, files: Record<string, string | null>, options: { message?: string; author?: string } = {}): Promise<string> {
    return this.model.pushToPull(repo, number, files, options);
  }

  labels(repo: string, number: number): string[] {
    return [...(this.model.repoByName(repo).issues.get(number)?.labels ?? [])];
  }

  repoLabels(repo: string): string[] {
    return [...this.model.repoByName(repo).labels.values()].map((l) => l.name);
  }

  comments(repo: string, number: number): { id: number; user: string; body: string }[] {
    return [...this.model.repoByName(repo).comments.values()].filter((c) => c.issue === number).map((c) => ({ id: c.id, user: c.user, body: c.body }));
  }

  statuses(repo: string, sha: string): { context: string; state: string; description: string; targetUrl: string; creator: string }[] {
    return (this.model.repoByName(repo).statuses.get(sha) ?? []).map((s) => ({ context: s.context, state: s.state, description: s.description, targetUrl: s.targetUrl, creator: s.creator }));
  }

  assignees(repo: string, number: number): string[] {
    return [...(this.model.repoByName(repo).issues.get(number)?.assignees ?? [])];
  }

  requestedReviewers(repo: string, number: number): string[] {
    const p = this.model.repoByName(repo).issues.get(number)?.pull;
    return p ? [...p.requestedReviewers, ...p.requestedTeams.map((t) => `${this.model.repoByName(repo).owner}/${t}`)] : [];
  }

  reviews(repo: string, number: number): { user: string; state: string; body: string }[] {
    return (this.model.repoByName(repo).issues.get(number)?.pull?.reviews ?? []).map((r) => ({ user: r.user, state: r.state, body: r.body }));
  }

  reactions(repo: string, target: { comment: number } | { issue: number }): string[] {
    const r = this.model.repoByName(repo);
    const list = 'comment' in target ? r.comments.get(target.comment)?.reactions : r.issues.get(target.issue)?.reactions;
    return (list ?? []).map((x) => `${x.user}:${x.content}`);
  }

  issue(repo: string, number: number): FakeIssue | undefined {
    return this.model.repoByName(repo).issues.get(number);
  }

  milestone(repo: string, number: number): string | null {
    const r = this.model.repoByName(repo);
    const m = r.issues.get(number)?.milestone;
    return m === null || m === undefined ? null : (r.milestones.get(m)?.title ?? null);
  }

  isMerged(repo: string, number: number): boolean {
    return this.model.repoByName(repo).issues.get(number)?.pull?.merged === true;
  }

  async headSha(repo: string, number: number): Promise<string> {
    await this.model.ready();
    const r = this.model.repoByName(repo);
    const issue = r.issues.get(number);
    if (!issue) throw new Error(`fake github: no pull request ${repo}#${number}`);
    return this.model.prHead(r, issue);
  }

  async branchSha(repo: string, branch: string): Promise<string | undefined> {
    await this.model.ready();
    return this.model.repoByName(repo).git.resolve(`refs/heads/${branch}`);
  }

  async repoDir(repo: string): Promise<string> {
    const git = this.model.repoByName(repo).git;
    await git.ensure();
    return git.dir;
  }

  async file(repo: string, path: string, ref?: string): Promise<string | undefined> {
    await this.model.ready();
    const r = this.model.repoByName(repo);
    const f = await r.git.readFile(ref ?? r.defaultBranch, path);
    return f?.content.toString('utf8');
  }

  setMergeable(repo: string, number: number, mergeable: boolean | null | undefined): void {
    const p = this.model.repoByName(repo).issues.get(number)?.pull;
    if (!p) throw new Error(`fake github: ${repo}#${number} is not a pull request`);
    p.mergeableOverride = mergeable;
  }
}

// The one GitHubClient implementation: Octokit (REST + GraphQL) with retry, throttling, an ETag
// cache, token or GitHub App auth, --dry-run, and metrics. Cross-cutting concerns live in one
// request hook (see instrument()); the methods below only map arguments and results.
import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { createAppAuth } from '@octokit/auth-app';
import type { Registry } from 'prom-client';
import { createSilentLogger, type Logger } from '../observability/logger.js';
import { createGitHubMetrics, type GitHubMetrics } from './metrics.js';
import {
  labelNames, toBranchProtection, toCollaborator, toCommit, toIssue, toIssueComment, toIssueEvent, toLabel, toMilestone,
  toPullRequest, toPullRequestFile, toRepo, toReview, toReviewComment, toStatus, toTeam, toUser, toUserRef,
} from './map.js';
import {
  GitHubError, GraphQLError, MissingUsersError, ModifiedHeadError, UnmergeablePullRequestError,
  type BranchProtection, type Collaborator, type CombinedStatus, type Commit, type GitHubClient, type Issue, type IssueComment,
  type IssueEvent, type IssuePatch, type Label, type ListPullRequestsOptions, type MergeInput, type MergeResult, type Milestone,
  type Permission, type PermissionLevel, type PullRequest, type PullRequestFile, type PullRequestPatch, type ReactionContent,
  type Repo, type Review, type ReviewComment, type ReviewInput, type SearchOptions, type Status, type StatusInput, type Team,
  type TeamMembership, type User, type UserRef,
} from './types.js';

export const DEFAULT_GITHUB_ENDPOINT = 'https://api.github.com';

export interface GitHubClientOptions {
  /** REST base URL (`--github-endpoint`); GitHub Enterprise is `https://host/api/v3`. */
  baseUrl?: string;
  /** A personal access token or installation token. */
  token?: string;
  /** File holding the token (`--github-token-path`); read once and trimmed. */
  tokenPath?: string;
  /** GitHub App id (`--github-app-id`); with privateKey or privateKeyPath. */
  appId?: number | string;
  privateKey?: string;
  /** PEM file (`--github-app-private-key-path`). */
  privateKeyPath?: string;
  /** Log writes instead of sending them; reads still go to GitHub. */
  dryRun?: boolean;
  log?: Logger;
  /** Where metrics go; a private registry when omitted. */
  registry?: Registry;
  /** Passed to @octokit/plugin-retry. Against the fake use { retryAfterBaseValue: 1 }. */
  retry?: { retries?: number; retryAfterBaseValue?: number; enabled?: boolean };
  /** Secondary and primary rate-limit handling (default true). Disable against the fake. */
  throttle?: boolean;
  /** Entries in the ETag cache per credential (default 5000); 0 disables it. */
  etagCacheSize?: number;
  userAgent?: string;
}

/** What createGitHubClient returns: the seam plus introspection for tests and benchmarks. */
export interface OctokitGitHubClient extends GitHubClient {
  forPlugin(plugin: string): OctokitGitHubClient;
  cacheStats(): { hits: number; misses: number; entries: number };
  readonly metrics: GitHubMetrics;
  readonly dryRun: boolean;
}

const MyOctokit = Octokit.plugin(retry, throttling);
type MyOctokitInstance = InstanceType<typeof MyOctokit>;

interface CachedResponse {
  etag: string;
  status: number;
  url: string;
  headers: Record<string, unknown>;
  data: unknown;
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, unknown> };
}

function isRequestError(err: unknown): err is RequestErrorLike {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' && err instanceof Error;
}

const PLUGIN_HEADER = 'x-prow-plugin';
const ROUTE_HEADER = 'x-prow-route';
const DRY_RUN_HEADER = 'x-prow-dry-run';

/** Shared by a client and its forPlugin() children. */
class Core {
  readonly log: Logger;
  readonly metrics: GitHubMetrics;
  readonly dryRun: boolean;
  readonly baseUrl: string;
  private readonly cache = new Map<string, CachedResponse>();
  private readonly cacheSize: number;
  readonly stats = { hits: 0, misses: 0 };
  private tokenOctokit: MyOctokitInstance | undefined;
  private appOctokit: MyOctokitInstance | undefined;
  private readonly installations = new Map<string, Promise<MyOctokitInstance>>();
  private readonly app: { appId: number | string; privateKey: string } | undefined;
  private botUserPromise: Promise<User> | undefined;

  constructor(private readonly options: GitHubClientOptions) {
    this.log = options.log ?? createSilentLogger();
    this.metrics = createGitHubMetrics(options.registry);
    this.dryRun = options.dryRun ?? false;
    this.baseUrl = (options.baseUrl ?? DEFAULT_GITHUB_ENDPOINT).replace(/\/+$/, '');
    this.cacheSize = options.etagCacheSize ?? 5000;
    const token = options.token ?? (options.tokenPath ? readSecret(options.tokenPath, 'GitHub token') : undefined);
    if (token !== undefined) {
      if (!token) throw new Error(`GitHub token is empty${options.tokenPath ? ` (${options.tokenPath})` : ''}`);
      this.tokenOctokit = this.newOctokit({ auth: token }, 'token');
    } else if (options.appId !== undefined) {
      const privateKey = options.privateKey ?? (options.privateKeyPath ? readSecret(options.privateKeyPath, 'GitHub App private key') : undefined);
      if (!privateKey) throw new Error('GitHub App auth needs a private key (--github-app-private-key-path)');
      this.app = { appId: options.appId, privateKey };
      this.appOctokit = this.newOctokit({ authStrategy: createAppAuth, auth: { appId: options.appId, privateKey } }, 'app');
    } else {
      throw new Error('no GitHub credentials: give a token (--github-token-path) or a GitHub App (--github-app-id and --github-app-private-key-path)');
    }
  }

  get isApp(): boolean {
    return this.app !== undefined;
  }

  private newOctokit(auth: Record<string, unknown>, cacheScope: string): MyOctokitInstance {
    const log = this.log;
    const throttle = this.options.throttle ?? true;
    const octokit = new MyOctokit({
      ...auth,
      baseUrl: this.baseUrl,
      userAgent: this.options.userAgent ?? 'prow-ts',
      log: { debug: () => undefined, info: () => undefined, warn: (msg: string) => log.warn(msg), error: (msg: string) => log.error(msg) },
      retry: { ...this.options.retry },
      throttle: throttle
        ? {
            onRateLimit: (retryAfter: number, opts: { method: string; url: string }, _o: unknown, retryCount: number) => {
              log.warn({ method: opts.method, path: opts.url, retryAfter }, 'github rate limit hit');
              return retryCount < 1;
            },
            onSecondaryRateLimit: (retryAfter: number, opts: { method: string; url: string }, _o: unknown, retryCount: number) => {
              log.warn({ method: opts.method, path: opts.url, retryAfter }, 'github secondary rate limit hit');
              return retryCount < 1;
            },
          }
        : { enabled: false, onRateLimit: () => false, onSecondaryRateLimit: () => false },
    });
    this.instrument(octokit, cacheScope);
    return octokit;
  }

  /** Dry-run, ETag cache, metrics and logging: one wrap around every request. */
  private instrument(octokit: MyOctokitInstance, cacheScope: string): void {
    octokit.hook.wrap('request', async (request, options) => {
      // Inner hooks are bound to this very options object (before-after-hook), so changes must be
      // made in place. Each request (and each page of a paginated one) has its own headers object.
      const headers = options.headers as Record<string, string | undefined>;
      const plugin = headers[PLUGIN_HEADER] ?? '';
      const routeHint = headers[ROUTE_HEADER];
      delete headers[PLUGIN_HEADER];
      delete headers[ROUTE_HEADER];
      const method = String(options.method ?? 'GET').toUpperCase();
      const template = routeHint ?? templateOf(String(options.url), this.baseUrl);
      const labels = { method, path: template, plugin };

      if (this.dryRun && isWrite(method, template, options as Record<string, unknown>)) {
        const parsed = octokit.request.endpoint.parse(options as never);
        this.metrics.dryRunWrites.inc(labels);
        this.log.info({ method, path: pathOf(parsed.url), plugin }, 'dry run: skipped github write');
        return { status: 200, url: parsed.url, headers: { [DRY_RUN_HEADER]: 'true' }, data: dryRunAnswer(template) } as never;
      }

      const end = this.metrics.duration.startTimer();
      let cacheKey: string | undefined;
      let cached: CachedResponse | undefined;
      if (method === 'GET' && this.cacheSize > 0) {
        const parsed = octokit.request.endpoint.parse(options as never) as { url: string; headers: Record<string, unknown> };
        cacheKey = `${cacheScope}\n${String(parsed.headers.accept ?? '')}\n${parsed.url}`;
        cached = this.cache.get(cacheKey);
        if (cached) headers['if-none-match'] = cached.etag;
      }
      let status = 0;
      try {
        const response = await request(options);
        status = response.status;
        this.noteRateLimit(response.headers as Record<string, unknown>);
        if (cacheKey) {
          const etag = (response.headers as Record<string, unknown>).etag;
          this.stats.misses++;
          if (typeof etag === 'string') this.remember(cacheKey, { etag, status: response.status, url: response.url, headers: response.headers as Record<string, unknown>, data: response.data });
        }
        return response;
      } catch (err) {
        if (isRequestError(err)) {
          status = err.status;
          if (err.response?.headers) this.noteRateLimit(err.response.headers);
          if (err.status === 304 && cached && cacheKey) {
            this.stats.hits++;
            this.metrics.cacheHits.inc({ path: template, plugin });
            this.remember(cacheKey, cached);
            status = 200;
            return { status: cached.status, url: cached.url, headers: { ...cached.headers, ...err.response?.headers, etag: cached.etag }, data: cached.data } as never;
          }
        }
        throw err;
      } finally {
        const statusLabel = status === 0 ? 'error' : String(status);
        end({ ...labels, status: statusLabel });
        this.metrics.requests.inc({ ...labels, status: statusLabel });
        this.log.debug({ method, path: template, status, plugin }, 'github request');
      }
    });
  }

  private remember(key: string, entry: CachedResponse): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  get cacheEntries(): number {
    return this.cache.size;
  }

  private noteRateLimit(headers: Record<string, unknown>): void {
    const remaining = Number(headers['x-ratelimit-remaining']);
    const resource = typeof headers['x-ratelimit-resource'] === 'string' ? headers['x-ratelimit-resource'] : 'core';
    if (Number.isFinite(remaining)) this.metrics.tokenUsage.set({ resource }, remaining);
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset)) this.metrics.tokenReset.set({ resource }, reset);
  }

  /** The Octokit for an org: the token's, or the App installation's for that org. */
  async octokitFor(org: string | undefined): Promise<MyOctokitInstance> {
    if (this.tokenOctokit) return this.tokenOctokit;
    if (!org) throw new Error('GitHub App auth needs an org to pick an installation');
    const key = org.toLowerCase();
    let p = this.installations.get(key);
    if (!p) {
      p = this.installationOctokit(org);
      this.installations.set(key, p);
      p.catch(() => this.installations.delete(key));
    }
    return p;
  }

  private async installationOctokit(org: string): Promise<MyOctokitInstance> {
    const app = this.appOctokit;
    if (!app || !this.app) throw new Error('not a GitHub App client');
    let id: number;
    try {
      id = (await app.request('GET /orgs/{org}/installation', { org })).data.id;
    } catch (err) {
      if (!isRequestError(err) || err.status !== 404) throw toGitHubError(err, 'GET', `/orgs/${org}/installation`);
      try {
        id = (await app.request('GET /users/{username}/installation', { username: org })).data.id;
      } catch (err2) {
        throw toGitHubError(err2, 'GET', `/users/${org}/installation`);
      }
    }
    this.log.info({ org, installation: id }, 'using github app installation');
    return this.newOctokit({ authStrategy: createAppAuth, auth: { appId: this.app.appId, privateKey: this.app.privateKey, installationId: id } }, `installation:${id}`);
  }

  botUser(request: (org: string | undefined) => Promise<User>): Promise<User> {
    if (!this.botUserPromise) {
      this.botUserPromise = request(undefined);
      this.botUserPromise.catch(() => {
        this.botUserPromise = undefined;
      });
    }
    return this.botUserPromise;
  }

  async appSlug(): Promise<string> {
    if (!this.appOctokit) throw new Error('not a GitHub App client');
    try {
      const res = await this.appOctokit.request('GET /app');
      return String((res.data as { slug?: unknown } | null)?.slug ?? '');
    } catch (err) {
      throw toGitHubError(err, 'GET', '/app');
    }
  }
}

function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read ${what} from ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function templateOf(url: string, baseUrl: string): string {
  let path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url.replace(/^https?:\/\/[^/]+/, '');
  path = path.split('?')[0] ?? path;
  return path;
}

function pathOf(url: string): string {
  return url.replace(/^https?:\/\/[^/]+/, '').split('?')[0] ?? url;
}

function isWrite(method: string, template: string, options: Record<string, unknown>): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  if (template.endsWith('/access_tokens')) return false; // App token exchange: auth, not a write
  if (template.endsWith('/graphql')) return /^\s*mutation\b/.test(String(options.query ?? ''));
  return true;
}

function dryRunAnswer(template: string): unknown {
  if (template.endsWith('/labels')) return [];
  if (template.endsWith('/merge')) return { merged: true, sha: '', message: 'dry run' };
  if (template.endsWith('/graphql')) return { data: {} };
  return {};
}

/**
 * Whether a login can name a user in a URL path. GitHub ignores a trailing slash, so an empty login turns
 * `/orgs/{org}/members/{login}` into the member list (200), and fetch resolves a `..` login away: either
 * would read as "is a member". Logins are letters, digits, `-` and `_` (and an App's `[bot]` suffix).
 */
export function isLoginLike(login: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\[bot\])?$/.test(login);
}

export function toGitHubError(err: unknown, method: string, path: string): GitHubError {
  if (err instanceof GitHubError) return err;
  if (isRequestError(err)) {
    const data = err.response?.data as { message?: unknown; documentation_url?: unknown; errors?: unknown } | undefined;
    const message = typeof data?.message === 'string' ? data.message : err.message;
    const opts = {
      cause: err,
      documentationUrl: typeof data?.documentation_url === 'string' ? data.documentation_url : undefined,
      errors: Array.isArray(data?.errors) ? data.errors : undefined,
    };
    if (err.status === 405 && path.endsWith('/merge')) return new UnmergeablePullRequestError(err.status, method, path, message, opts);
    if (err.status === 409 && path.endsWith('/merge')) return new ModifiedHeadError(err.status, method, path, message, opts);
    return new GitHubError(err.status, method, path, message, opts);
  }
  return new GitHubError(0, method, path, err instanceof Error ? err.message : String(err), { cause: err });
}

type Params = Record<string, unknown>;

function expand(route: string, params: Params): { method: string; path: string } {
  const [method = 'GET', template = ''] = route.split(' ');
  const path = template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
  return { method, path };
}

function normalizeRef(ref: string): string {
  const r = ref.replace(/^refs\//, '');
  return /^(heads|tags)\//.test(r) ? r : `heads/${r}`;
}

/** `org/team` entries become team slugs when org is the repo's org; others are missing. */
function splitReviewers(org: string, logins: string[]): { users: string[]; teams: string[]; missing: string[] } {
  const users: string[] = [];
  const teams: string[] = [];
  const missing: string[] = [];
  for (const login of logins) {
    const parts = login.split('/');
    if (parts.length === 1) users.push(login);
    else if (parts.length === 2 && parts[0]?.toLowerCase() === org.toLowerCase() && parts[1]) teams.push(parts[1]);
    else missing.push(login);
  }
  return { users, teams, missing };
}

class Client implements OctokitGitHubClient {
  constructor(private readonly core: Core, private readonly plugin: string) {}

  get metrics(): GitHubMetrics {
    return this.core.metrics;
  }

  get dryRun(): boolean {
    return this.core.dryRun;
  }

  forPlugin(plugin: string): OctokitGitHubClient {
    return new Client(this.core, plugin);
  }

  cacheStats(): { hits: number; misses: number; entries: number } {
    return { ...this.core.stats, entries: this.core.cacheEntries };
  }

  private headers(route: string): Record<string, string> {
    return { [PLUGIN_HEADER]: this.plugin, [ROUTE_HEADER]: route.split(' ')[1] ?? route };
  }

  private async request(org: string | undefined, route: string, params: Params = {}): Promise<{ status: number; data: unknown; headers: Record<string, unknown> }> {
    const { method, path } = expand(route, params);
    try {
      const octokit = await this.core.octokitFor(org);
      const res = await octokit.request(route, { ...params, headers: this.headers(route) });
      return { status: res.status, data: res.data, headers: res.headers as Record<string, unknown> };
    } catch (err) {
      throw toGitHubError(err, method, path);
    }
  }

  private async paginate(org: string | undefined, route: string, params: Params = {}): Promise<unknown[]> {
    const { method, path } = expand(route, params);
    try {
      const octokit = await this.core.octokitFor(org);
      return (await octokit.paginate(route, { per_page: 100, ...params, headers: this.headers(route) })) as unknown[];
    } catch (err) {
      throw toGitHubError(err, method, path);
    }
  }

  /** 204 → true, 404 → false. */
  private async exists(org: string, route: string, params: Params): Promise<boolean> {
    try {
      const res = await this.request(org, route, params);
      return res.status === 204 || res.status === 200;
    } catch (err) {
      if (err instanceof GitHubError && err.status === 404) return false;
      throw err;
    }
  }

  private async orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GitHubError && err.status === 404) return undefined;
      throw err;
    }
  }

  botUser(): Promise<User> {
    return this.core.botUser(async () => {
      if (this.core.isApp) {
        const slug = await this.core.appSlug();
        return { login: `${slug}[bot]`, id: 0, type: 'Bot', name: null, email: null };
      }
      return toUser((await this.request(undefined, 'GET /user')).data);
    });
  }

  async getUser(login: string): Promise<User | undefined> {
    return this.orUndefined(async () => toUser((await this.request(undefined, 'GET /users/{username}', { username: login })).data));
  }

  async isMember(org: string, login: string): Promise<boolean> {
    if (!isLoginLike(login)) return false;
    if (org.toLowerCase() === login.toLowerCase()) return true;
    return this.exists(org, 'GET /orgs/{org}/members/{username}', { org, username: login });
  }

  async listOrgMembers(org: string, role: 'all' | 'admin' | 'member' = 'all'): Promise<UserRef[]> {
    return (await this.paginate(org, 'GET /orgs/{org}/members', { org, role })).map(toUserRef);
  }

  async isCollaborator(org: string, repo: string, login: string): Promise<boolean> {
    if (!isLoginLike(login)) return false;
    if (org.toLowerCase() === login.toLowerCase()) return true;
    return this.exists(org, 'GET /repos/{owner}/{repo}/collaborators/{username}', { owner: org, repo, username: login });
  }

  async listCollaborators(org: string, repo: string): Promise<Collaborator[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/collaborators', { owner: org, repo })).map(toCollaborator);
  }

  async getPermission(org: string, repo: string, login: string): Promise<Permission> {
    const data = (await this.request(org, 'GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner: org, repo, username: login })).data as { permission?: string; role_name?: string };
    const permission = (['admin', 'write', 'read', 'none'].includes(data.permission ?? '') ? data.permission : 'none') as PermissionLevel;
    return { permission, roleName: data.role_name ?? permission };
  }

  async getRepo(org: string, repo: string): Promise<Repo> {
    return toRepo((await this.request(org, 'GET /repos/{owner}/{repo}', { owner: org, repo })).data);
  }

  async getRef(org: string, repo: string, ref: string): Promise<string> {
    const data = (await this.request(org, 'GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: org, repo, ref: normalizeRef(ref) })).data as { object?: { sha?: string } };
    const sha = data.object?.sha;
    if (!sha) throw new GitHubError(200, 'GET', `/repos/${org}/${repo}/git/ref/${normalizeRef(ref)}`, 'response has no object.sha');
    return sha;
  }

  async getCommit(org: string, repo: string, sha: string): Promise<Commit> {
    return toCommit((await this.request(org, 'GET /repos/{owner}/{repo}/commits/{ref}', { owner: org, repo, ref: sha })).data);
  }

  async getFile(org: string, repo: string, path: string, ref?: string): Promise<string | undefined> {
    const params: Params = { owner: org, repo, path };
    if (ref) params.ref = ref;
    const data = await this.orUndefined(async () => (await this.request(org, 'GET /repos/{owner}/{repo}/contents/{path}', params)).data);
    if (data === undefined || Array.isArray(data)) return undefined;
    const file = data as { type?: string; content?: string; encoding?: string };
    if (file.type !== 'file') return undefined;
    if (file.encoding === 'none') {
      // Over 1 MB GitHub leaves the content out; the raw media type returns it.
      const raw = await this.request(org, 'GET /repos/{owner}/{repo}/contents/{path}', { ...params, mediaType: { format: 'raw' } });
      return typeof raw.data === 'string' ? raw.data : Buffer.from(raw.data as ArrayBuffer).toString('utf8');
    }
    return file.encoding === 'base64' ? Buffer.from(file.content ?? '', 'base64').toString('utf8') : (file.content ?? '');
  }

  async getBranchProtection(org: string, repo: string, branch: string): Promise<BranchProtection | undefined> {
    return this.orUndefined(async () => toBranchProtection((await this.request(org, 'GET /repos/{owner}/{repo}/branches/{branch}/protection', { owner: org, repo, branch })).data));
  }

  async getIssue(org: string, repo: string, number: number): Promise<Issue> {
    return toIssue((await this.request(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: org, repo, issue_number: number })).data);
  }

  async getPullRequest(org: string, repo: string, number: number): Promise<PullRequest> {
    return toPullRequest((await this.request(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: org, repo, pull_number: number })).data);
  }

  async listPullRequests(org: string, repo: string, options: ListPullRequestsOptions = {}): Promise<PullRequest[]> {
    const params: Params = { owner: org, repo, state: options.state ?? 'open' };
    if (options.base) params.base = options.base;
    if (options.head) params.head = options.head;
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/pulls', params)).map(toPullRequest);
  }

  async listPullRequestFiles(org: string, repo: string, number: number): Promise<PullRequestFile[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: org, repo, pull_number: number })).map(toPullRequestFile);
  }

  async listPullRequestCommits(org: string, repo: string, number: number): Promise<Commit[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { owner: org, repo, pull_number: number })).map(toCommit);
  }

  async patchIssue(org: string, repo: string, number: number, patch: IssuePatch): Promise<Issue> {
    return toIssue((await this.request(org, 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner: org, repo, issue_number: number, ...patch })).data);
  }

  async patchPullRequest(org: string, repo: string, number: number, patch: PullRequestPatch): Promise<PullRequest> {
    return toPullRequest((await this.request(org, 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { owner: org, repo, pull_number: number, ...patch })).data);
  }

  async closeIssue(org: string, repo: string, number: number): Promise<void> {
    await this.patchIssue(org, repo, number, { state: 'closed' });
  }

  async reopenIssue(org: string, repo: string, number: number): Promise<void> {
    await this.patchIssue(org, repo, number, { state: 'open' });
  }

  async closePullRequest(org: string, repo: string, number: number): Promise<void> {
    await this.patchPullRequest(org, repo, number, { state: 'closed' });
  }

  async reopenPullRequest(org: string, repo: string, number: number): Promise<void> {
    await this.patchPullRequest(org, repo, number, { state: 'open' });
  }

  async mergePullRequest(org: string, repo: string, number: number, input: MergeInput = {}): Promise<MergeResult> {
    const params: Params = { owner: org, repo, pull_number: number, merge_method: input.method ?? 'merge' };
    if (input.sha) params.sha = input.sha;
    if (input.commitTitle !== undefined) params.commit_title = input.commitTitle;
    if (input.commitMessage !== undefined) params.commit_message = input.commitMessage;
    const data = (await this.request(org, 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', params)).data as { sha?: string; merged?: boolean; message?: string };
    return { sha: data.sha ?? '', merged: data.merged ?? false, message: data.message ?? '' };
  }

  async listIssueLabels(org: string, repo: string, number: number): Promise<string[]> {
    return labelNames(await this.paginate(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner: org, repo, issue_number: number }));
  }

  async listRepoLabels(org: string, repo: string): Promise<Label[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/labels', { owner: org, repo })).map(toLabel);
  }

  async addLabel(org: string, repo: string, number: number, label: string): Promise<void> {
    await this.addLabels(org, repo, number, [label]);
  }

  async addLabels(org: string, repo: string, number: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner: org, repo, issue_number: number, labels });
  }

  async removeLabel(org: string, repo: string, number: number, label: string): Promise<void> {
    await this.orUndefined(() => this.request(org, 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', { owner: org, repo, issue_number: number, name: label }));
  }

  async createComment(org: string, repo: string, number: number, body: string): Promise<IssueComment> {
    return toIssueComment((await this.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: org, repo, issue_number: number, body })).data);
  }

  async editComment(org: string, repo: string, commentId: number, body: string): Promise<IssueComment> {
    return toIssueComment((await this.request(org, 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: org, repo, comment_id: commentId, body })).data);
  }

  async listComments(org: string, repo: string, number: number): Promise<IssueComment[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: org, repo, issue_number: number })).map(toIssueComment);
  }

  async deleteComment(org: string, repo: string, commentId: number): Promise<void> {
    await this.request(org, 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: org, repo, comment_id: commentId });
  }

  async createCommentReaction(org: string, repo: string, commentId: number, content: ReactionContent): Promise<void> {
    await this.request(org, 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { owner: org, repo, comment_id: commentId, content });
  }

  async createIssueReaction(org: string, repo: string, number: number, content: ReactionContent): Promise<void> {
    await this.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/reactions', { owner: org, repo, issue_number: number, content });
  }

  async listReviewComments(org: string, repo: string, number: number): Promise<ReviewComment[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments', { owner: org, repo, pull_number: number })).map(toReviewComment);
  }

  async listReviews(org: string, repo: string, number: number): Promise<Review[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner: org, repo, pull_number: number })).map(toReview);
  }

  async createReview(org: string, repo: string, number: number, review: ReviewInput): Promise<Review> {
    const params: Params = { owner: org, repo, pull_number: number, event: review.event };
    if (review.body !== undefined) params.body = review.body;
    if (review.commitId) params.commit_id = review.commitId;
    if (review.comments) params.comments = review.comments;
    return toReview((await this.request(org, 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', params)).data);
  }

  async listIssueEvents(org: string, repo: string, number: number): Promise<IssueEvent[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}/events', { owner: org, repo, issue_number: number })).map(toIssueEvent);
  }

  async assignIssue(org: string, repo: string, number: number, logins: string[]): Promise<void> {
    if (logins.length === 0) return;
    const res = await this.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/assignees', { owner: org, repo, issue_number: number, assignees: logins });
    if (res.headers[DRY_RUN_HEADER]) return;
    const assigned = new Set(toIssue(res.data).assignees.map((a) => a.toLowerCase()));
    const missing = logins.filter((l) => !assigned.has(l.toLowerCase()));
    if (missing.length > 0) throw new MissingUsersError(missing, 'assign');
  }

  async unassignIssue(org: string, repo: string, number: number, logins: string[]): Promise<void> {
    if (logins.length === 0) return;
    const res = await this.request(org, 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees', { owner: org, repo, issue_number: number, assignees: logins });
    if (res.headers[DRY_RUN_HEADER]) return;
    const still = new Set(toIssue(res.data).assignees.map((a) => a.toLowerCase()));
    const missing = logins.filter((l) => still.has(l.toLowerCase()));
    if (missing.length > 0) throw new MissingUsersError(missing, 'unassign');
  }

  async requestReview(org: string, repo: string, number: number, logins: string[]): Promise<void> {
    const { users, teams, missing } = splitReviewers(org, logins);
    const route = 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers';
    const send = (reviewers: string[], teamReviewers: string[]): Promise<unknown> =>
      this.request(org, route, { owner: org, repo, pull_number: number, reviewers, team_reviewers: teamReviewers });
    if (users.length + teams.length > 0) {
      try {
        await send(users, teams);
      } catch (err) {
        if (!(err instanceof GitHubError) || err.status !== 422) throw err;
        // One refused login fails the whole call: retry one at a time to learn which.
        for (const u of users) {
          try {
            await send([u], []);
          } catch (e) {
            if (!(e instanceof GitHubError) || e.status !== 422) throw e;
            missing.push(u);
          }
        }
        for (const t of teams) {
          try {
            await send([], [t]);
          } catch (e) {
            if (!(e instanceof GitHubError) || e.status !== 422) throw e;
            missing.push(`${org}/${t}`);
          }
        }
      }
    }
    if (missing.length > 0) throw new MissingUsersError(missing, 'request a PR review from');
  }

  async unrequestReview(org: string, repo: string, number: number, logins: string[]): Promise<void> {
    const { users, teams, missing } = splitReviewers(org, logins);
    if (users.length + teams.length > 0) {
      const res = await this.request(org, 'DELETE /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { owner: org, repo, pull_number: number, reviewers: users, team_reviewers: teams });
      if (!res.headers[DRY_RUN_HEADER]) {
        const pr = toPullRequest(res.data);
        const still = new Set(pr.requestedReviewers.map((r) => r.toLowerCase()));
        for (const u of users) if (still.has(u.toLowerCase())) missing.push(u);
        for (const t of teams) if (pr.requestedTeams.includes(t)) missing.push(`${org}/${t}`);
      }
    }
    if (missing.length > 0) throw new MissingUsersError(missing, 'remove the PR review request of');
  }

  async getCombinedStatus(org: string, repo: string, ref: string): Promise<CombinedStatus> {
    const statuses: Status[] = [];
    let sha = '';
    let state: CombinedStatus['state'] = 'pending';
    for (let page = 1; ; page++) {
      const data = (await this.request(org, 'GET /repos/{owner}/{repo}/commits/{ref}/status', { owner: org, repo, ref, per_page: 100, page })).data as {
        sha?: string; state?: string; total_count?: number; statuses?: unknown[];
      };
      sha = data.sha ?? sha;
      state = data.state === 'success' || data.state === 'failure' ? data.state : 'pending';
      const batch = (data.statuses ?? []).map(toStatus);
      statuses.push(...batch);
      if (batch.length === 0 || statuses.length >= (data.total_count ?? 0)) break;
    }
    return { sha, state, statuses };
  }

  async listStatuses(org: string, repo: string, ref: string): Promise<Status[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/commits/{ref}/statuses', { owner: org, repo, ref })).map(toStatus);
  }

  async createStatus(org: string, repo: string, sha: string, status: StatusInput): Promise<Status> {
    const params: Params = { owner: org, repo, sha, state: status.state, context: status.context };
    if (status.description !== undefined) params.description = status.description;
    if (status.targetUrl !== undefined) params.target_url = status.targetUrl;
    const res = await this.request(org, 'POST /repos/{owner}/{repo}/statuses/{sha}', params);
    return res.headers[DRY_RUN_HEADER] ? { ...toStatus({}), state: status.state, context: status.context, description: status.description ?? '', targetUrl: status.targetUrl ?? '' } : toStatus(res.data);
  }

  async searchIssues(query: string, options: SearchOptions = {}): Promise<Issue[]> {
    const params: Params = { q: query };
    if (options.sort) params.sort = options.sort;
    if (options.order) params.order = options.order;
    return (await this.paginate(orgOfQuery(query), 'GET /search/issues', params)).map(toIssue);
  }

  async listTeams(org: string): Promise<Team[]> {
    return (await this.paginate(org, 'GET /orgs/{org}/teams', { org })).map(toTeam);
  }

  async listTeamMembers(org: string, teamSlug: string, role: 'all' | 'member' | 'maintainer' = 'all'): Promise<UserRef[]> {
    return (await this.paginate(org, 'GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: teamSlug, role })).map(toUserRef);
  }

  async getTeamMembership(org: string, teamSlug: string, login: string): Promise<TeamMembership | undefined> {
    return this.orUndefined(async () => {
      const data = (await this.request(org, 'GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: teamSlug, username: login })).data as { role?: string; state?: string };
      return { role: data.role === 'maintainer' ? 'maintainer' : 'member', state: data.state === 'pending' ? 'pending' : 'active' };
    });
  }

  async listMilestones(org: string, repo: string): Promise<Milestone[]> {
    return (await this.paginate(org, 'GET /repos/{owner}/{repo}/milestones', { owner: org, repo, state: 'all' })).map((m) => toMilestone(m) as Milestone);
  }

  async graphql<T = unknown>(query: string, variables: Record<string, unknown> = {}, org?: string): Promise<T> {
    const params: Params = { query, variables };
    // GitHub Enterprise Server serves REST at /api/v3 but GraphQL at /api/graphql.
    if (/\/api\/v3$/.test(this.core.baseUrl)) params.baseUrl = this.core.baseUrl.replace(/\/api\/v3$/, '/api');
    const res = await this.request(org, 'POST /graphql', params);
    const body = res.data as { data?: unknown; errors?: { message: string; type?: string; path?: (string | number)[] }[] };
    if (Array.isArray(body.errors) && body.errors.length > 0) throw new GraphQLError(body.errors, body.data);
    return body.data as T;
  }
}

function orgOfQuery(query: string): string | undefined {
  const m = /(?:^|\s)(?:repo:([^/\s]+)\/|org:([^\s]+)|user:([^\s]+))/.exec(query);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

export function createGitHubClient(options: GitHubClientOptions): OctokitGitHubClient {
  return new Client(new Core(options), '');
}

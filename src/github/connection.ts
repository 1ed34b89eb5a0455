// Credentials and the Octokits they give: one for a token, or one per GitHub App installation (picked
// by org) plus the App's own. Shared by a client and its forPlugin() children, with the ETag cache,
// metrics and the bot's identity.
import { readFileSync } from 'node:fs';
import { createAppAuth } from '@octokit/auth-app';
import type { Registry } from 'prom-client';
import { createSilentLogger, type Logger } from '../observability/logger.js';
import { EtagCache } from './etag-cache.js';
import { createGitHubMetrics, type GitHubMetrics } from './metrics.js';
import { newOctokit, type OctokitSettings, type ProwOctokitInstance } from './octokit.js';
import { installRequestHook } from './request-hook.js';
import type { RetryOptions } from './retry.js';
import type { SchedulerOptions } from './scheduler/options.js';
import { GitHubScheduler } from './scheduler/scheduler.js';
import type { User } from './types.js';

const DEFAULT_GITHUB_ENDPOINT = 'https://api.github.com';

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
  /** Retries of 5xx and unanswered requests (retry.ts). Against the fake use { retryAfterBaseValue: 1 }. */
  retry?: RetryOptions;
  /**
   * The request scheduler (default true): GitHub's secondary limits, rate-limit waits and retries, the
   * optional token bucket and spacing of `rateLimits`. false sends every request at once, as it comes.
   */
  throttle?: boolean;
  /** Token bucket, per-org buckets, secondary-limit guard and spacing (docs/github.md "Rate limits"). */
  rateLimits?: SchedulerOptions;
  /** Entries in the ETag cache per credential (default 5000); 0 disables it. */
  etagCacheSize?: number;
  userAgent?: string;
}

export class GitHubConnection {
  readonly log: Logger;
  readonly metrics: GitHubMetrics;
  readonly dryRun: boolean;
  readonly baseUrl: string;
  readonly cache: EtagCache;
  /** One lane per credential; undefined with `throttle: false`. */
  readonly scheduler: GitHubScheduler | undefined;
  private readonly settings: OctokitSettings;
  /** Also followed by idempotent-writes.ts for the writes it retries itself (after checking they did not land). */
  readonly retry: RetryOptions;
  private readonly tokenOctokit: ProwOctokitInstance | undefined;
  private readonly appOctokit: ProwOctokitInstance | undefined;
  private readonly app: { appId: number | string; privateKey: string } | undefined;
  private readonly installations = new Map<string, Promise<ProwOctokitInstance>>();
  private botUserPromise: Promise<User> | undefined;

  constructor(options: GitHubClientOptions) {
    this.log = options.log ?? createSilentLogger();
    this.metrics = createGitHubMetrics(options.registry);
    this.dryRun = options.dryRun ?? false;
    this.baseUrl = (options.baseUrl ?? DEFAULT_GITHUB_ENDPOINT).replace(/\/+$/, '');
    this.cache = new EtagCache(options.etagCacheSize ?? 5000);
    this.settings = {
      baseUrl: this.baseUrl,
      userAgent: options.userAgent ?? 'prow-ts',
      log: this.log,
    };
    this.retry = options.retry ?? {};
    this.scheduler = options.throttle === false ? undefined : new GitHubScheduler(options.rateLimits ?? {}, this.metrics, this.log);
    const token = options.token ?? (options.tokenPath ? readSecret(options.tokenPath, 'GitHub token') : undefined);
    if (token !== undefined) {
      if (!token) throw new Error(`GitHub token is empty${options.tokenPath ? ` (${options.tokenPath})` : ''}`);
      this.tokenOctokit = this.octokit({ auth: token }, 'token');
    } else if (options.appId !== undefined) {
      const privateKey = options.privateKey ?? (options.privateKeyPath ? readSecret(options.privateKeyPath, 'GitHub App private key') : undefined);
      if (!privateKey) throw new Error('GitHub App auth needs a private key (--github-app-private-key-path)');
      this.app = { appId: options.appId, privateKey };
      this.appOctokit = this.octokit({ authStrategy: createAppAuth, auth: { appId: options.appId, privateKey } }, 'app');
    } else {
      throw new Error('no GitHub credentials: give a token (--github-token-path) or a GitHub App (--github-app-id and --github-app-private-key-path)');
    }
  }

  get isApp(): boolean {
    return this.app !== undefined;
  }

  private octokit(auth: Record<string, unknown>, cacheScope: string, org?: string): ProwOctokitInstance {
    const octokit = newOctokit(this.settings, auth);
    const lane = this.scheduler?.lane(cacheScope, org);
    installRequestHook(octokit, { log: this.log, metrics: this.metrics, dryRun: this.dryRun, baseUrl: this.baseUrl, cache: this.cache, cacheScope, lane, scheduler: this.scheduler, retry: this.retry });
    return octokit;
  }

  /** The Octokit for an org: the token's, or the App installation's for that org. */
  async octokitFor(org: string | undefined): Promise<ProwOctokitInstance> {
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

  private async installationOctokit(org: string): Promise<ProwOctokitInstance> {
    const app = this.appOctokit;
    if (!app || !this.app) throw new Error('not a GitHub App client');
    let id: number;
    try {
      id = (await app.request('GET /orgs/{org}/installation', { org })).data.id;
    } catch (err) {
      // The request hook has typed the error already; a 404 means "not an org": try the user.
      if ((err as { status?: unknown }).status !== 404) throw err;
      id = (await app.request('GET /users/{username}/installation', { username: org })).data.id;
    }
    this.log.info({ org, installation: id }, 'using github app installation');
    return this.octokit({ authStrategy: createAppAuth, auth: { appId: this.app.appId, privateKey: this.app.privateKey, installationId: id } }, `installation:${id}`, org);
  }

  /** The bot's identity, asked for once; a failed ask is asked again next time. */
  botUser(ask: () => Promise<User>): Promise<User> {
    if (!this.botUserPromise) {
      this.botUserPromise = ask();
      this.botUserPromise.catch(() => {
        this.botUserPromise = undefined;
      });
    }
    return this.botUserPromise;
  }

  /** GET /app with the App's JWT: the App's slug, whose bot comments as `<slug>[bot]`. */
  async appSlug(): Promise<string> {
    if (!this.appOctokit) throw new Error('not a GitHub App client');
    const res = await this.appOctokit.request('GET /app');
    return String((res.data as { slug?: unknown } | null)?.slug ?? '');
  }
}

function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read ${what} from ${path}: ${(err as Error).message}`, { cause: err });
  }
}

// How the methods talk to GitHub: a route and its parameters, sent with the plugin's name and the route
// template for the request hook. Failures arrive typed (errors.ts) from the hook.
import type { GitHubConnection } from './connection.js';
import { isNotFound, toGitHubError } from './errors.js';
import { PLUGIN_HEADER, ROUTE_HEADER } from './request-hook.js';

export type Params = Record<string, unknown>;

interface GitHubResponse {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}

/** `GET /repos/{owner}/{repo}` with params → the method and the path with the parameters filled in. */
function expand(route: string, params: Params): { method: string; path: string } {
  const [method = 'GET', template = ''] = route.split(' ');
  return { method, path: template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`)) };
}

export class GitHubCall {
  constructor(readonly connection: GitHubConnection, readonly plugin: string) {}

  private headers(route: string): Record<string, string> {
    return { [PLUGIN_HEADER]: this.plugin, [ROUTE_HEADER]: route.split(' ')[1] ?? route };
  }

  /** One request; `org` picks the App installation. */
  async request(org: string | undefined, route: string, params: Params = {}): Promise<GitHubResponse> {
    try {
      const octokit = await this.connection.octokitFor(org);
      const res = await octokit.request(route, { ...params, headers: this.headers(route) });
      return { status: res.status, data: res.data, headers: res.headers as Record<string, unknown> };
    } catch (err) {
      const { method, path } = expand(route, params);
      throw toGitHubError(err, method, path); // only errors from before the hook (no installation…)
    }
  }

  /** Every page of a list, 100 at a time, following GitHub's Link headers. */
  async paginate(org: string | undefined, route: string, params: Params = {}): Promise<unknown[]> {
    try {
      const octokit = await this.connection.octokitFor(org);
      return (await octokit.paginate(route, { per_page: 100, ...params, headers: this.headers(route) })) as unknown[];
    } catch (err) {
      const { method, path } = expand(route, params);
      throw toGitHubError(err, method, path);
    }
  }

  /** A membership-style probe: 204 (or 200) → true, 404 → false. The 404 is the expected answer. */
  async exists(org: string, route: string, params: Params): Promise<boolean> {
    const res = await this.orUndefined(() => this.request(org, route, params));
    return res !== undefined && (res.status === 204 || res.status === 200);
  }

  /** A read where 404 means "there is none". */
  async orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

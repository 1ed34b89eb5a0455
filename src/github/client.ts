// The one GitHubClient implementation: @octokit/core (REST + GraphQL) with pagination, retry,
// throttling, an ETag cache, token or GitHub App auth, --dry-run and metrics (docs/github.md).
// Octokit setup is in octokit.ts, credentials in connection.ts, the cross-cutting concerns in one
// request hook (request-hook.ts), and the methods by area in methods/.
import { GitHubCall } from './call.js';
import { GitHubConnection, type GitHubClientOptions } from './connection.js';
import type { GitHubMetrics } from './metrics.js';
import { contributionMethods } from './methods/contributions.js';
import { issueMethods } from './methods/issues.js';
import { orgMethods } from './methods/orgs.js';
import { pullMethods } from './methods/pulls.js';
import { repoMethods } from './methods/repos.js';
import { searchMethods } from './methods/search.js';
import type { GitHubClient } from './types.js';

export type { GitHubClientOptions } from './connection.js';

/** What createGitHubClient returns: the seam plus introspection for tests and benchmarks. */
export interface OctokitGitHubClient extends GitHubClient {
  forPlugin(plugin: string): OctokitGitHubClient;
  cacheStats(): { hits: number; misses: number; entries: number };
  readonly metrics: GitHubMetrics;
  readonly dryRun: boolean;
}

function clientFor(call: GitHubCall): OctokitGitHubClient {
  const { connection } = call;
  return {
    ...orgMethods(call),
    ...repoMethods(call),
    ...issueMethods(call),
    ...pullMethods(call),
    ...searchMethods(call),
    ...contributionMethods(call),
    forPlugin: (plugin) => clientFor(new GitHubCall(connection, plugin)),
    cacheStats: () => ({ ...connection.cache.stats, entries: connection.cache.size }),
    metrics: connection.metrics,
    dryRun: connection.dryRun,
  };
}

export function createGitHubClient(options: GitHubClientOptions): OctokitGitHubClient {
  return clientFor(new GitHubCall(new GitHubConnection(options), ''));
}

// Prometheus metrics for GitHub calls. Names follow upstream's pkg/ghmetrics where one exists
// (github_request_duration, github_token_usage, github_token_reset).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface GitHubMetrics {
  requests: Counter<'method' | 'path' | 'status' | 'plugin'>;
  duration: Histogram<'method' | 'path' | 'status' | 'plugin'>;
  cacheHits: Counter<'path' | 'plugin'>;
  dryRunWrites: Counter<'method' | 'path' | 'plugin'>;
  tokenUsage: Gauge<'resource'>;
  tokenReset: Gauge<'resource'>;
  schedulerWait: Histogram<'kind'>;
  supersededWrites: Counter;
  rateLimited: Counter<'reason'>;
  graphqlLabelWrites: Counter<'op' | 'plugin'>;
}

function existing<T>(registry: Registry, name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined;
}

/** Creates the metrics on `registry`, or returns the ones a previous client registered there. */
export function createGitHubMetrics(registry: Registry = new Registry()): GitHubMetrics {
  const registers = [registry];
  return {
    requests:
      existing(registry, 'github_requests_total') ??
      new Counter({ name: 'github_requests_total', help: 'GitHub API calls by method, path template, status and plugin.', labelNames: ['method', 'path', 'status', 'plugin'], registers }),
    duration:
      existing(registry, 'github_request_duration') ??
      new Histogram({
        name: 'github_request_duration', help: 'GitHub API call latency in seconds (retries included).',
        labelNames: ['method', 'path', 'status', 'plugin'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers,
      }),
    cacheHits:
      existing(registry, 'github_cache_hits_total') ??
      new Counter({ name: 'github_cache_hits_total', help: 'GETs answered 304 Not Modified from the ETag cache (no rate limit spent).', labelNames: ['path', 'plugin'], registers }),
    dryRunWrites:
      existing(registry, 'github_dry_run_writes_total') ??
      new Counter({ name: 'github_dry_run_writes_total', help: 'Writes skipped because of --dry-run.', labelNames: ['method', 'path', 'plugin'], registers }),
    tokenUsage:
      existing(registry, 'github_token_usage') ??
      new Gauge({ name: 'github_token_usage', help: 'Requests remaining in the current rate-limit window (x-ratelimit-remaining).', labelNames: ['resource'], registers }),
    tokenReset:
      existing(registry, 'github_token_reset') ??
      new Gauge({ name: 'github_token_reset', help: 'When the rate-limit window resets (unix seconds, x-ratelimit-reset).', labelNames: ['resource'], registers }),
    schedulerWait:
      existing(registry, 'github_scheduler_wait_seconds') ??
      new Histogram({
        name: 'github_scheduler_wait_seconds', help: 'How long a GitHub request that had to wait waited for its slot, by kind (read, merge, status, label, other, comment).',
        labelNames: ['kind'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300], registers,
      }),
    supersededWrites:
      existing(registry, 'github_superseded_status_writes_total') ??
      new Counter({ name: 'github_superseded_status_writes_total', help: 'Queued status writes dropped because a newer state for the same SHA and context came first.', registers }),
    rateLimited:
      existing(registry, 'github_rate_limited_total') ??
      new Counter({ name: 'github_rate_limited_total', help: 'GitHub answers that said a rate limit was hit (reason: secondary or primary).', labelNames: ['reason'], registers }),
    graphqlLabelWrites:
      existing(registry, 'github_graphql_label_writes_total') ??
      new Counter({
        name: 'github_graphql_label_writes_total', help: 'REST label writes sent through GraphQL because the REST points were spent (op: add or remove).',
        labelNames: ['op', 'plugin'], registers,
      }),
  };
}

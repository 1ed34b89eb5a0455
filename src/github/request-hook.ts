// The one wrap around every request (Octokit's `hook.wrap('request')`): dry-run, the ETag cache,
// the scheduler's slot (scheduler/), a label write sent as GraphQL when the lane says so
// (scheduler/graphql-labels.ts), metrics, the request's debug line and the mapping of failures to
// typed errors (errors.ts).
import type { Logger } from '../observability/logger.js';
import { DRY_RUN_HEADER, dryRunAnswer, isWrite } from './dry-run.js';
import { toGitHubError, isRequestError } from './errors.js';
import type { CachedResponse, EtagCache } from './etag-cache.js';
import type { GitHubMetrics } from './metrics.js';
import type { ProwOctokitInstance } from './octokit.js';
import { withRetries, type RetryOptions } from './retry.js';
import { classifyRequest, graphqlLabelWriteClass } from './scheduler/classify.js';
import { graphqlUrl, labelWriteOf, type GraphQLPost, type LabelWrite } from './scheduler/graphql-labels.js';
import { settleSuperseded, type Grant, type Lane } from './scheduler/lane.js';
import type { GitHubScheduler } from './scheduler/scheduler.js';
import { currentWriteWaitObserver } from './scheduler/wait-observer.js';

/** Request headers the methods set for the hook, removed before the request leaves. */
export const PLUGIN_HEADER = 'x-prow-plugin';
export const ROUTE_HEADER = 'x-prow-route';
/** On the GraphQL calls of a label write sent as GraphQL: they go under the write's slot, not a slot of their own. */
const GRANTED_HEADER = 'x-prow-granted';

interface RequestHookDeps {
  log: Logger;
  metrics: GitHubMetrics;
  dryRun: boolean;
  /** REST base URL without a trailing slash; stripped from paths in metrics, logs and errors. */
  baseUrl: string;
  cache: EtagCache;
  /** Which credential the cached answers belong to: `token`, `app` or `installation:<id>`. */
  cacheScope: string;
  /** The credential's lane in the scheduler; no scheduling (and no rate-limit retries) without one. */
  lane?: Lane;
  scheduler?: GitHubScheduler;
  retry: RetryOptions;
}

/** The path below baseUrl, without the query: `/repos/o/r/issues/1/labels`. */
function pathBelow(url: string, baseUrl: string): string {
  const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url.replace(/^https?:\/\/[^/]+/, '');
  const bare = path.split('?')[0] ?? path;
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare; // not valid percent-encoding: keep it as sent
  }
}

export function installRequestHook(octokit: ProwOctokitInstance, deps: RequestHookDeps): void {
  const { log, metrics, cache, cacheScope, lane, scheduler } = deps;
  octokit.hook.wrap('request', async (request, options) => {
    // Inner hooks are bound to this very options object (before-after-hook), so changes are made in
    // place. Each request (and each page of a paginated one) has its own headers object.
    const headers = options.headers as Record<string, string | undefined>;
    const plugin = headers[PLUGIN_HEADER] ?? '';
    const routeHint = headers[ROUTE_HEADER];
    const granted = headers[GRANTED_HEADER] !== undefined;
    delete headers[PLUGIN_HEADER];
    delete headers[ROUTE_HEADER];
    delete headers[GRANTED_HEADER];
    const method = String(options.method ?? 'GET').toUpperCase();
    const parsed = octokit.request.endpoint.parse(options as never) as { url: string; headers: Record<string, unknown> };
    const path = pathBelow(parsed.url, deps.baseUrl);
    const template = routeHint ?? path;
    const labels = { method, path: template, plugin };

    if (deps.dryRun && isWrite(method, template, options as Record<string, unknown>)) {
      metrics.dryRunWrites.inc(labels);
      // One line per write with what it would have sent (upstream's dry-run client logs the same).
      log.info({ method, path, plugin, body: (parsed as { body?: unknown }).body ?? null }, 'dry run: skipped github write');
      return { status: 200, url: parsed.url, headers: { [DRY_RUN_HEADER]: 'true' }, data: dryRunAnswer(template) } as never;
    }

    const end = metrics.duration.startTimer();
    let cacheKey: string | undefined;
    let cached: CachedResponse | undefined;
    if (method === 'GET' && cache.enabled) {
      cacheKey = `${cacheScope}\n${String(parsed.headers.accept ?? '')}\n${parsed.url}`;
      cached = cache.get(cacheKey);
      if (cached) headers['if-none-match'] = cached.etag;
    }
    let status = 0;
    let fromCache = false;
    const cls = lane && !granted ? classifyRequest(method, template, options as Record<string, unknown>) : undefined;
    const writer = cls ? scheduler?.graphqlLabels : undefined;
    let labelWrite = writer ? labelWriteOf(method, template, options as Record<string, unknown>) : undefined;
    let graphqlUsed = false;

    /** Sends the label write as GraphQL under `grant`; undefined when it has to go as REST after all. */
    const sendAsGraphQL = async (w: LabelWrite, grant: Grant): Promise<unknown> => {
      // Through this hook again (retries, metrics, typed errors) but under this write's grant.
      const post: GraphQLPost = async (query, variables) => {
        const res = await octokit.request({
          method: 'POST', url: graphqlUrl(deps.baseUrl), query, variables,
          headers: { [GRANTED_HEADER]: '1', [PLUGIN_HEADER]: plugin, [ROUTE_HEADER]: '/graphql' },
        });
        return { status: res.status, headers: res.headers as Record<string, unknown>, data: res.data };
      };
      try {
        const outcome = await writer!.send(w, post, deps.baseUrl);
        grant.release(outcome.status, outcome.headers);
        if (!outcome.sent) {
          log.debug({ method, path, plugin, reason: outcome.reason }, 'label write goes as REST after all');
          return undefined;
        }
        metrics.graphqlLabelWrites.inc({ op: w.op, plugin });
        graphqlUsed = true;
        status = outcome.status;
        return { status: 200, url: parsed.url, headers: outcome.headers, data: outcome.labels };
      } catch (err) {
        const cause = (err as { cause?: unknown }).cause; // the hook's typed error wraps Octokit's
        const verdict = isRequestError(cause) ? grant.release(cause.status, cause.response?.headers) : grant.release(0, undefined);
        if (verdict.limited) metrics.rateLimited.inc({ reason: verdict.reason });
        log.debug({ method, path, plugin, err }, 'graphql label write failed; sending it as REST');
        return undefined;
      }
    };

    try {
      for (let attempt = 0; ; attempt++) {
        let grant: Grant | undefined;
        if (lane && cls) {
          const overflow = labelWrite ? graphqlLabelWriteClass(writer!.needsLookup(labelWrite)) : undefined;
          const slot = lane.acquire(cls, cls.write ? currentWriteWaitObserver() : undefined, overflow);
          const ticket = slot instanceof Promise ? await slot : slot;
          if (ticket.superseded) {
            log.debug({ method, path, plugin }, 'status write superseded by a newer state before it was sent');
            const answer = (await ticket.by) as { status: number };
            status = answer.status;
            return answer as never;
          }
          grant = ticket;
          if (grant.waitedMs > 0) metrics.schedulerWait.observe({ kind: cls.kind }, grant.waitedMs / 1000);
          if (grant.overflow && labelWrite) {
            const answer = await sendAsGraphQL(labelWrite, grant);
            if (answer !== undefined) return answer as never;
            labelWrite = undefined; // the REST path from here; falling back is not a retry
            attempt--;
            continue;
          }
        }
        try {
          // A write idempotent-writes.ts retries itself (after checking it did not land) asks for no retries here.
          const noRetry = (options as { request?: { retries?: number } }).request?.retries === 0;
          const response = await withRetries(noRetry ? { enabled: false } : deps.retry, async () => request(options));
          status = response.status;
          grant?.release(status, response.headers as Record<string, unknown>);
          noteRateLimit(metrics, response.headers as Record<string, unknown>);
          if (cacheKey) {
            const etag = (response.headers as Record<string, unknown>).etag;
            cache.stats.misses++;
            if (typeof etag === 'string') {
              cache.remember(cacheKey, { etag, status: response.status, url: response.url, headers: response.headers as Record<string, unknown>, data: response.data });
            }
          }
          if (grant) settleSuperseded(grant, response, false);
          return response;
        } catch (err) {
          if (!isRequestError(err)) {
            grant?.release(0, undefined);
            throw err;
          }
          status = err.status;
          const verdict = grant?.release(err.status, err.response?.headers) ?? { limited: false };
          if (err.response?.headers) noteRateLimit(metrics, err.response.headers);
          if (err.status === 304 && cached && cacheKey) {
            // Not Modified: the answer we hold is current. Counted as a 200, since the caller got one.
            cache.stats.hits++;
            metrics.cacheHits.inc({ path: template, plugin });
            cache.remember(cacheKey, cached);
            status = 200;
            fromCache = true;
            return { status: cached.status, url: cached.url, headers: { ...cached.headers, ...err.response?.headers, etag: cached.etag }, data: cached.data } as never;
          }
          if (verdict.limited) {
            metrics.rateLimited.inc({ reason: verdict.reason });
            if (scheduler && attempt < scheduler.maxRetries && verdict.waitMs <= scheduler.maxSleepMs) {
              log.warn(
                { method, path, plugin, retry_after: Math.ceil(verdict.waitMs / 1000), attempt: attempt + 1 },
                verdict.reason === 'secondary' ? 'github secondary rate limit hit' : 'github rate limit hit',
              );
              continue;
            }
          }
          if (grant) settleSuperseded(grant, err, true);
          throw err;
        }
      }
    } catch (err) {
      // The caller decides whether this failure matters (a 404 is often the answer it asked for),
      // so it is thrown typed and not logged here above debug.
      throw toGitHubError(err, method, path);
    } finally {
      const statusLabel = status === 0 ? 'error' : String(status);
      end({ ...labels, status: statusLabel });
      metrics.requests.inc({ ...labels, status: statusLabel });
      log.debug({ method, path: template, status: fromCache ? 304 : status, plugin, cached: fromCache || undefined, graphql: graphqlUsed || undefined }, 'github request');
    }
  });
}

function noteRateLimit(metrics: GitHubMetrics, headers: Record<string, unknown>): void {
  const remaining = Number(headers['x-ratelimit-remaining']);
  const resource = typeof headers['x-ratelimit-resource'] === 'string' ? headers['x-ratelimit-resource'] : 'core';
  if (Number.isFinite(remaining)) metrics.tokenUsage.set({ resource }, remaining);
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset)) metrics.tokenReset.set({ resource }, reset);
}

// Octokit setup: @octokit/core with pagination, retry and throttling, its own log routed to ours.
// Methods call `octokit.request('GET /repos/{owner}/{repo}/…', params)`; there is no `octokit.rest.*`.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../observability/logger.js';

const ProwOctokit = Octokit.plugin(paginateRest, retry, throttling);
export type ProwOctokitInstance = InstanceType<typeof ProwOctokit>;

export interface OctokitSettings {
  baseUrl: string;
  userAgent: string;
  log: Logger;
  /** Passed to @octokit/plugin-retry. */
  retry: { retries?: number; retryAfterBaseValue?: number; enabled?: boolean };
  /** Secondary and primary rate-limit handling. */
  throttle: boolean;
}

type OctokitLogFn = (msg: string, ...extra: unknown[]) => void;

/** An Error Octokit passes along is kept as `err`; other extras (request options, with headers) are not logged. */
function errOf(extra: unknown[]): { err?: Error } {
  const err = extra.find((e): e is Error => e instanceof Error);
  return err ? { err } : {};
}

/**
 * Octokit's own log. Its debug and info lines (request traces, deprecation notes from plugins) are
 * debug for us: a request's outcome is logged once by the request hook at debug, and a failure the
 * caller did not expect is logged by the caller. Warnings stay warnings.
 */
export function octokitLog(log: Logger): { debug: OctokitLogFn; info: OctokitLogFn; warn: OctokitLogFn; error: OctokitLogFn } {
  return {
    debug: (msg, ...extra) => log.debug(errOf(extra), msg),
    info: (msg, ...extra) => log.debug(errOf(extra), msg),
    warn: (msg, ...extra) => log.warn(errOf(extra), msg),
    error: (msg, ...extra) => log.error(errOf(extra), msg),
  };
}

interface RateLimitedRequest {
  method: string;
  url: string;
}

/** A new Octokit with `auth` (token, or an App / installation strategy). */
export function newOctokit(settings: OctokitSettings, auth: Record<string, unknown>): ProwOctokitInstance {
  const { log } = settings;
  return new ProwOctokit({
    ...auth,
    baseUrl: settings.baseUrl,
    userAgent: settings.userAgent,
    log: octokitLog(log),
    retry: { ...settings.retry },
    throttle: settings.throttle
      ? {
          onRateLimit: (retryAfter: number, opts: RateLimitedRequest, _o: unknown, retryCount: number) => {
            log.warn({ method: opts.method, path: opts.url, retry_after: retryAfter }, 'github rate limit hit');
            return retryCount < 1;
          },
          onSecondaryRateLimit: (retryAfter: number, opts: RateLimitedRequest, _o: unknown, retryCount: number) => {
            log.warn({ method: opts.method, path: opts.url, retry_after: retryAfter }, 'github secondary rate limit hit');
            return retryCount < 1;
          },
        }
      : { enabled: false, onRateLimit: () => false, onSecondaryRateLimit: () => false },
  });
}

// Octokit setup: @octokit/core with pagination and retry (5xx), its own log routed to ours. Rate limits
// are ours, not Octokit's throttling plugin (its limiters are process-wide): see scheduler/ and the
// request hook. Methods call `octokit.request('GET /repos/{owner}/{repo}/…', params)`; there is no `octokit.rest.*`.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import type { Logger } from '../observability/logger.js';

const ProwOctokit = Octokit.plugin(paginateRest, retry);
export type ProwOctokitInstance = InstanceType<typeof ProwOctokit>;

export interface OctokitSettings {
  baseUrl: string;
  userAgent: string;
  log: Logger;
  /** Passed to @octokit/plugin-retry. */
  retry: { retries?: number; retryAfterBaseValue?: number; enabled?: boolean };
}

/** Statuses plugin-retry leaves alone: its own list plus 429, which the scheduler waits out (retry-after). */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

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

/** A new Octokit with `auth` (token, or an App / installation strategy). */
export function newOctokit(settings: OctokitSettings, auth: Record<string, unknown>): ProwOctokitInstance {
  return new ProwOctokit({
    ...auth,
    baseUrl: settings.baseUrl,
    userAgent: settings.userAgent,
    log: octokitLog(settings.log),
    retry: { doNotRetry: DO_NOT_RETRY, ...settings.retry },
  });
}

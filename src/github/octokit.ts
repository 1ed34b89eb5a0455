// Octokit setup: @octokit/core with pagination, its own log routed to ours. Retries (retry.ts) and rate
// limits (scheduler/) are ours, in the request hook: Octokit's throttling plugin kept process-wide
// limiters, and its retry plugin a limiter per request.
// Methods call `octokit.request('GET /repos/{owner}/{repo}/…', params)`; there is no `octokit.rest.*`.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import type { Logger } from '../observability/logger.js';

const ProwOctokit = Octokit.plugin(paginateRest);
export type ProwOctokitInstance = InstanceType<typeof ProwOctokit>;

export interface OctokitSettings {
  baseUrl: string;
  userAgent: string;
  log: Logger;
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

/** A new Octokit with `auth` (token, or an App / installation strategy). */
export function newOctokit(settings: OctokitSettings, auth: Record<string, unknown>): ProwOctokitInstance {
  return new ProwOctokit({
    ...auth,
    baseUrl: settings.baseUrl,
    userAgent: settings.userAgent,
    log: octokitLog(settings.log),
  });
}

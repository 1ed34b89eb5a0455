// The GitHub rate-limit flags every component that talks to GitHub takes: upstream's token bucket
// (pkg/flagutil/github.go) and ghproxy's spacing (cmd/ghproxy/ghproxy.go), both off by default, and
// ours: --no-github-graphql-label-writes (label writes overflowing into GraphQL's budget, on by default).
import { Option, type Command } from 'commander';
import { parseOrgThrottlers, validateTokenBucket, type SchedulerOptions } from '../../github/scheduler/options.js';
import { collect } from './flags.js';

export interface GitHubRateFlags {
  githubHourlyTokens: number;
  githubAllowedBurst: number;
  githubThrottleOrg: string[];
  throttlingTimeMs: number;
  getThrottlingTimeMs: number;
  throttlingTimeV4Ms: number;
  throttlingMaxDelayDurationSeconds: number;
  /** false with --no-github-graphql-label-writes. */
  githubGraphqlLabelWrites: boolean;
}

function whole(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: want a whole number >= 0, got "${value}"`);
    return n;
  };
}

export function addGitHubRateFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--github-hourly-tokens <n>', 'client-side token bucket: tokens per hour (0: off, as upstream hook); with --github-allowed-burst').default(0).argParser(whole('--github-hourly-tokens')))
    .addOption(new Option('--github-allowed-burst <n>', 'token bucket size; with --github-hourly-tokens').default(0).argParser(whole('--github-allowed-burst')))
    .option('--github-throttle-org <org:hourlyTokens:burst>', 'a token bucket for one org (GitHub App only; repeatable)', collect, [])
    .addOption(new Option('--throttling-time-ms <ms>', 'space writes this far apart per token or installation (ghproxy; 0: off)').default(0).argParser(whole('--throttling-time-ms')))
    .addOption(new Option('--get-throttling-time-ms <ms>', 'space GETs this far apart (ghproxy; 0: off)').default(0).argParser(whole('--get-throttling-time-ms')))
    .addOption(new Option('--throttling-time-v4-ms <ms>', 'space GraphQL calls this far apart (ghproxy; 0: as --throttling-time-ms)').default(0).argParser(whole('--throttling-time-v4-ms')))
    .addOption(new Option('--throttling-max-delay-duration-seconds <s>', 'never hold a request longer than this for spacing (ghproxy)').default(30).argParser(whole('--throttling-max-delay-duration-seconds')))
    .option('--no-github-graphql-label-writes', "never send a label write as GraphQL when the REST points are spent (default: it goes through GraphQL's separate budget)");
}

/** The scheduler options the flags ask for; throws naming the flag when they do not fit together. */
export function rateLimitsFrom(f: GitHubRateFlags, isApp: boolean): SchedulerOptions {
  const tokenBucket = validateTokenBucket('--github-hourly-tokens/--github-allowed-burst', f.githubHourlyTokens, f.githubAllowedBurst);
  if (f.githubThrottleOrg.length > 0 && !isApp) throw new Error("--github-throttle-org was passed, but the client doesn't use GitHub App auth");
  const orgTokenBuckets = parseOrgThrottlers(f.githubThrottleOrg);
  const spacing = f.throttlingTimeMs || f.getThrottlingTimeMs || f.throttlingTimeV4Ms
    ? { writeMs: f.throttlingTimeMs, getMs: f.getThrottlingTimeMs, v4Ms: f.throttlingTimeV4Ms, maxDelayMs: f.throttlingMaxDelayDurationSeconds * 1000 }
    : undefined;
  return { ...(tokenBucket ? { tokenBucket } : {}), orgTokenBuckets, ...(spacing ? { spacing } : {}), ...(f.githubGraphqlLabelWrites === false ? { graphqlLabelWrites: false } : {}) };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { addGitHubRateFlags, rateLimitsFrom, type GitHubRateFlags } from '../../../src/cli/support/github-rate-flags.js';

function parse(args: string[]): GitHubRateFlags {
  const cmd = addGitHubRateFlags(new Command('x')).exitOverride();
  cmd.parse(args, { from: 'user' });
  return cmd.opts<GitHubRateFlags>();
}

describe('GitHub rate-limit flags', () => {
  it('are off by default, as upstream hook', () => {
    assert.deepEqual(rateLimitsFrom(parse([]), false), { orgTokenBuckets: {} });
  });

  it('turn on the token bucket, per-org buckets and ghproxy spacing', () => {
    const f = parse(['--github-hourly-tokens', '3000', '--github-allowed-burst', '100', '--github-throttle-org', 'kubernetes:1200:50',
      '--throttling-time-ms', '300', '--get-throttling-time-ms', '50', '--throttling-max-delay-duration-seconds', '10']);
    assert.deepEqual(rateLimitsFrom(f, true), {
      tokenBucket: { hourlyTokens: 3000, burst: 100 },
      orgTokenBuckets: { kubernetes: { hourlyTokens: 1200, burst: 50 } },
      spacing: { writeMs: 300, getMs: 50, v4Ms: 0, maxDelayMs: 10_000 },
    });
  });

  it('--no-github-graphql-label-writes keeps label writes on REST', () => {
    assert.equal(rateLimitsFrom(parse([]), false).graphqlLabelWrites, undefined, 'on by default');
    assert.equal(rateLimitsFrom(parse(['--no-github-graphql-label-writes']), false).graphqlLabelWrites, false);
  });

  const bad: { name: string; args: string[]; app?: boolean; error: RegExp }[] = [
    { name: 'hourly tokens without a burst', args: ['--github-hourly-tokens', '10'], error: /must be set together/ },
    { name: 'a burst over the hourly tokens', args: ['--github-hourly-tokens', '10', '--github-allowed-burst', '20'], error: /must not be greater/ },
    { name: 'a per-org bucket with token auth', args: ['--github-throttle-org', 'o:10:5'], error: /GitHub App/ },
    { name: 'a malformed per-org bucket', args: ['--github-throttle-org', 'o:10'], app: true, error: /org:hourlyTokens:burst/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}, naming the flag`, () => {
      assert.throws(() => rateLimitsFrom(parse(c.args), c.app ?? false), c.error);
    });
  }

  it('refuses a negative number at parse time', () => {
    assert.throws(() => parse(['--throttling-time-ms', '-5']), /--throttling-time-ms: want a whole number/);
  });
});

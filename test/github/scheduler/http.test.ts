// The scheduler between the real Octokit client and the fake GitHub enforcing GitHub's limits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGitHubClient } from '../../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/github/fake/server.js';

const PRS = Array.from({ length: 12 }, (_, i) => i + 1);

describe('github scheduler over HTTP', () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  async function world(): Promise<void> {
    await gh.reset({ repos: [{ repo: 'org/repo', labels: ['do-not-merge/hold'] }], issues: PRS.map((number) => ({ repo: 'org/repo', number })) });
    // 40 points per second: 12 label writes (60 points) cannot all go in one window.
    gh.setLimits({ secondary: { points: 40, windowMs: 1000 } });
  }

  it('without the scheduler, a burst of writes meets the secondary limit', async () => {
    await world();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', throttle: false, retry: { enabled: false } });
    const results = await Promise.allSettled(PRS.map((n) => client.addLabel('org', 'repo', n, 'do-not-merge/hold')));
    assert.ok(results.some((r) => r.status === 'rejected'), 'some writes were refused');
    assert.ok(gh.limitStats().secondary > 0);
  });

  it('with the guard set to the limits, every write lands and GitHub refuses none', async () => {
    await world();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { enabled: false }, rateLimits: { secondary: { points: 40, windowMs: 1000 } } });
    await Promise.all(PRS.map((n) => client.addLabel('org', 'repo', n, 'do-not-merge/hold')));
    for (const n of PRS) assert.deepEqual(gh.labels('org/repo', n), ['do-not-merge/hold']);
    assert.equal(gh.limitStats().secondary, 0);
  });

  it('without a guard, waits out retry-after and retries what GitHub refused', async () => {
    await world();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { enabled: false }, rateLimits: { secondary: false } });
    await Promise.all(PRS.map((n) => client.addLabel('org', 'repo', n, 'do-not-merge/hold')));
    for (const n of PRS) assert.deepEqual(gh.labels('org/repo', n), ['do-not-merge/hold']);
    assert.ok(gh.limitStats().secondary > 0, 'GitHub refused some at first');
    const limited = await client.metrics.rateLimited.get();
    assert.ok(limited.values.some((v) => v.labels.reason === 'secondary' && v.value > 0));
  });

  it('refills the primary budget when its window ends', async () => {
    await world();
    gh.setLimits({ primary: { limit: 2, windowSeconds: 1 } });
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { enabled: false } });
    for (const n of PRS.slice(0, 4)) await client.getIssue('org', 'repo', n);
    assert.equal(gh.limitStats().primary, 0, 'the client waited for the reset instead of meeting a 403');
    assert.equal(gh.calls({ method: 'GET' }).filter((c) => c.status === 200).length, 4);
  });
});

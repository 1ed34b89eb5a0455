// Label writes overflow into GraphQL's budget when the REST points are spent: the real Octokit client over
// HTTP against the fake GitHub, which enforces REST (900) and GraphQL (2,000) points as separate budgets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitHubCall } from '../../../src/github/call.js';
import { createGitHubClient, type GitHubClientOptions } from '../../../src/github/client.js';
import { GitHubConnection } from '../../../src/github/connection.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/github/fake/server.js';
import type { FakeSecondaryLimits } from '../../../src/github/fake/limits.js';

const HOLD = 'do-not-merge/hold';
const ADD_ROUTE = 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels';

describe('label writes through GraphQL when the REST points are spent', () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  async function world(prs: number, limits: Partial<FakeSecondaryLimits>, held: number[] = []): Promise<void> {
    await gh.reset({
      repos: [{ repo: 'org/repo', labels: [HOLD] }],
      issues: Array.from({ length: prs }, (_, i) => ({ repo: 'org/repo', number: i + 1, isPR: true, labels: held.includes(i + 1) ? [HOLD] : [] })),
    });
    gh.setLimits({ secondary: limits });
  }

  /** The client's guard set to the fake's numbers, no reserve for reads (the tests count points exactly). */
  function client(limits: Partial<FakeSecondaryLimits>, extra: Partial<GitHubClientOptions['rateLimits']> = {}): ReturnType<typeof createGitHubClient> {
    return createGitHubClient({ baseUrl: gh.url, token: 't', retry: { enabled: false }, rateLimits: { secondary: { ...limits, readReserve: 0 }, ...extra } });
  }

  const restLabelWrites = (): number => gh.calls({ route: '/repos/{owner}/{repo}/issues/{issue_number}/labels', method: 'POST' }).filter((c) => c.status === 200).length;
  const mutations = (field = 'addLabelsToLabelable'): number => gh.calls({ path: '/graphql' }).filter((c) => String((c.body as { query?: string }).query).includes(field)).length;
  const lookups = (): number => gh.calls({ path: '/graphql' }).filter((c) => /^query/.test(String((c.body as { query?: string }).query))).length;
  const refused = (): number => gh.calls().filter((c) => c.status === 403).length;

  it('the fake counts REST and GraphQL points apart', async () => {
    await world(1, { points: 10, graphqlPoints: 3, windowMs: 60_000 });
    const post = (path: string, body: unknown) => fetch(`${gh.url}${path}`, { method: 'POST', headers: { authorization: 'token t', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const viewer = { query: 'query { viewer { login } }' };
    assert.deepEqual([(await post('/repos/org/repo/issues/1/labels', { labels: [HOLD] })).status, (await post('/repos/org/repo/issues/1/labels', { labels: [HOLD] })).status], [200, 200]);
    const refusedRest = await post('/repos/org/repo/issues/1/labels', { labels: [HOLD] });
    assert.equal(refusedRest.status, 403, '10 REST points spent');
    assert.ok(Number(refusedRest.headers.get('retry-after')) > 0);
    for (let i = 0; i < 3; i++) assert.equal((await post('/graphql', viewer)).status, 200, 'GraphQL has its own 3 points');
    assert.equal((await post('/graphql', viewer)).status, 403, 'and now those are spent too');
    assert.equal(gh.limitStats().secondary, 2);
  });

  it('sends label writes as REST while REST points last, then as GraphQL; the caller sees no difference', async () => {
    await world(6, { points: 20, windowMs: 60_000 });
    const c = client({ points: 20, windowMs: 60_000 });
    for (let n = 1; n <= 6; n++) await c.addLabel('org', 'repo', n, HOLD);
    for (let n = 1; n <= 6; n++) assert.deepEqual(gh.labels('org/repo', n), [HOLD]);
    assert.equal(restLabelWrites(), 4, '20 REST points: four writes');
    assert.equal(mutations(), 2);
    assert.equal(refused(), 0);
    const counted = (await c.metrics.graphqlLabelWrites.get()).values.reduce((sum, v) => sum + v.value, 0);
    assert.equal(counted, 2);
    // The same PR again: its node id and the label id are cached, so no lookup.
    const before = lookups();
    await c.addLabels('org', 'repo', 6, [HOLD]);
    assert.equal(lookups(), before);
    assert.equal(mutations(), 3);
  });

  it('answers with the REST shape: the issue\'s labels as REST label objects', async () => {
    await world(2, { points: 5, windowMs: 60_000 });
    const connection = new GitHubConnection({ baseUrl: gh.url, token: 't', retry: { enabled: false }, rateLimits: { secondary: { points: 5, windowMs: 60_000, readReserve: 0 } } });
    const call = new GitHubCall(connection, 'test');
    const viaRest = await call.request('org', ADD_ROUTE, { owner: 'org', repo: 'repo', issue_number: 1, labels: [HOLD, 'kind/bug'] });
    const viaGraphQL = await call.request('org', ADD_ROUTE, { owner: 'org', repo: 'repo', issue_number: 2, labels: [HOLD] });
    assert.equal(mutations(), 1, 'the second went as GraphQL');
    assert.equal(viaGraphQL.status, viaRest.status);
    const withoutId = (labels: unknown) => (labels as Record<string, unknown>[]).map(({ id: _id, ...rest }) => rest);
    assert.deepEqual(viaGraphQL.data, withoutId(viaRest.data).filter((l) => l.name === HOLD), 'GraphQL has no database id; every other field as REST');
    connection.scheduler?.close();
  });

  it('sends a label the repository lacks as REST (GraphQL cannot create it), waiting for REST points', async () => {
    await world(2, { points: 5, windowMs: 1000 });
    const c = client({ points: 5, windowMs: 1000 });
    await c.addLabel('org', 'repo', 1, HOLD);
    await c.addLabel('org', 'repo', 2, 'brand-new');
    assert.deepEqual(gh.labels('org/repo', 2), ['brand-new']);
    assert.ok(gh.repoLabels('org/repo').includes('brand-new'), 'REST created it');
    assert.deepEqual([lookups(), mutations(), restLabelWrites(), refused()], [1, 0, 2, 0]);
  });

  it('removes a label through GraphQL; a label the issue lacks goes to REST, whose 404 the caller expects', async () => {
    await world(2, { points: 5, windowMs: 1000 }, [1, 2]);
    const c = client({ points: 5, windowMs: 1000 });
    await c.removeLabel('org', 'repo', 1, HOLD); // REST: points left
    await c.removeLabel('org', 'repo', 2, HOLD); // GraphQL: REST spent
    assert.deepEqual([gh.labels('org/repo', 1), gh.labels('org/repo', 2)], [[], []]);
    assert.equal(mutations('removeLabelsFromLabelable'), 1);
    assert.deepEqual(gh.issue('org/repo', 2)?.events.map((e) => `${e.event}:${e.label}`), [`unlabeled:${HOLD}`]);
    await c.removeLabel('org', 'repo', 2, HOLD); // not on the PR any more: REST answers 404, which removeLabel takes as done
    assert.equal(mutations('removeLabelsFromLabelable'), 1);
    assert.equal(gh.calls({ method: 'DELETE' }).filter((x) => x.status === 404).length, 1);
    assert.equal(refused(), 0);
  });

  it('never uses GraphQL when turned off', async () => {
    await world(8, { points: 20, windowMs: 1000 });
    const c = client({ points: 20, windowMs: 1000 }, { graphqlLabelWrites: false });
    await Promise.all(Array.from({ length: 8 }, (_, i) => c.addLabel('org', 'repo', i + 1, HOLD)));
    for (let n = 1; n <= 8; n++) assert.deepEqual(gh.labels('org/repo', n), [HOLD]);
    assert.deepEqual([gh.calls({ path: '/graphql' }).length, restLabelWrites(), refused()], [0, 8, 0]);
  });

  it('a burst lands with no 403, using both budgets', async () => {
    const limits = { points: 40, graphqlPoints: 60, windowMs: 1000 };
    await world(30, limits);
    const c = client(limits);
    await Promise.all(Array.from({ length: 30 }, (_, i) => c.addLabel('org', 'repo', i + 1, HOLD)));
    for (let n = 1; n <= 30; n++) assert.deepEqual(gh.labels('org/repo', n), [HOLD]);
    assert.equal(refused(), 0);
    assert.equal(restLabelWrites() + mutations(), 30);
    assert.ok(restLabelWrites() > 0 && mutations() > 0, `REST ${restLabelWrites()}, GraphQL ${mutations()}`);
  });
});

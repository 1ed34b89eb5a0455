import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyRequest, graphqlLabelWriteClass } from '../../../src/github/scheduler/classify.js';
import { Lane, settleSuperseded, type Grant, type Superseded } from '../../../src/github/scheduler/lane.js';
import { GITHUB_SECONDARY_LIMITS } from '../../../src/github/scheduler/options.js';

const label = classifyRequest('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', {});
const comment = classifyRequest('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', {});
const merge = classifyRequest('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', {});
const read = classifyRequest('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', {});
const status = (state: string) => classifyRequest('POST', '/repos/{owner}/{repo}/statuses/{sha}', { owner: 'o', repo: 'r', sha: 'abc', context: 'ci', state });

/** One write in flight at a time (a secondary limit of one concurrent request, no reserve for reads). */
function oneAtATime(readReserve = 0): Lane {
  return new Lane(
    { secondary: { ...GITHUB_SECONDARY_LIMITS, maxConcurrent: 1, readReserve }, bucket: undefined, spacing: undefined },
    { now: () => Date.now(), onSuperseded: () => undefined },
  );
}

async function grantOf(slot: Grant | Superseded | Promise<Grant | Superseded>): Promise<Grant> {
  const t = await slot;
  assert.equal(t.superseded, false);
  return t as Grant;
}

describe('scheduler lane', () => {
  it('classifies requests by kind, cost and status key', () => {
    assert.deepEqual([read.kind, merge.kind, status('success').kind, label.kind, comment.kind], ['read', 'merge', 'status', 'label', 'comment']);
    assert.deepEqual([read.points, label.points, comment.content, label.content], [1, 5, true, false]);
    assert.equal(status('pending').supersedeKey, 'o/r@abc#ci');
    assert.equal(classifyRequest('POST', '/graphql', { query: 'query { viewer { login } }' }).kind, 'read');
    assert.equal(classifyRequest('POST', '/graphql', { query: 'mutation { x }' }).write, true);
    assert.equal(classifyRequest('POST', '/app/installations/{installation_id}/access_tokens', {}).kind, 'read');
  });

  it('grants waiting writes by priority: merges, statuses, labels, then comments', async () => {
    const lane = oneAtATime();
    const first = await grantOf(lane.acquire(label));
    const order: string[] = [];
    const waiting = [comment, label, status('success'), merge].map(async (cls) => {
      const g = await grantOf(lane.acquire(cls));
      order.push(cls.kind);
      g.release(200, {});
    });
    assert.equal(lane.waiting, 4);
    first.release(201, {});
    await Promise.all(waiting);
    assert.deepEqual(order, ['merge', 'status', 'label', 'comment']);
  });

  it('tells the caller when a request starts and stops waiting', async () => {
    const lane = oneAtATime();
    const first = await grantOf(lane.acquire(label));
    const seen: boolean[] = [];
    const second = lane.acquire(comment, (w) => seen.push(w));
    assert.deepEqual(seen, [true]);
    first.release(200, {});
    (await grantOf(second)).release(200, {});
    assert.deepEqual(seen, [true, false]);
  });

  it('lets reads pass writes that wait', async () => {
    // Two slots, of which writes may take half: one.
    const lane2 = new Lane(
      { secondary: { ...GITHUB_SECONDARY_LIMITS, maxConcurrent: 2, readReserve: 0.5 }, bucket: undefined, spacing: undefined },
      { now: () => Date.now(), onSuperseded: () => undefined },
    );
    const w1 = await grantOf(lane2.acquire(label));
    const w2 = lane2.acquire(comment);
    assert.ok(w2 instanceof Promise, 'the second write waits');
    const r = lane2.acquire(read);
    assert.ok(!(r instanceof Promise), 'the read goes at once');
    (r as Grant).release(200, {});
    w1.release(200, {});
    (await grantOf(w2)).release(200, {});
  });

  it('drops a queued status write when a newer state for the same SHA and context comes', async () => {
    let superseded = 0;
    const lane = new Lane(
      { secondary: { ...GITHUB_SECONDARY_LIMITS, maxConcurrent: 1, readReserve: 0 }, bucket: undefined, spacing: undefined },
      { now: () => Date.now(), onSuperseded: () => superseded++ },
    );
    const blocker = await grantOf(lane.acquire(label));
    const pending = lane.acquire(status('pending'));
    const success = lane.acquire(status('success'));
    const older = await pending;
    assert.equal(older.superseded, true);
    assert.equal(superseded, 1);
    blocker.release(200, {});
    const newer = await grantOf(success);
    settleSuperseded(newer, { status: 201, data: { state: 'success' } }, false);
    newer.release(201, {});
    assert.deepEqual(await (older as Superseded).by, { status: 201, data: { state: 'success' } });
  });

  it('pauses the lane for retry-after on a secondary limit and until the reset when the budget is spent', async () => {
    const lane = oneAtATime();
    const g = await grantOf(lane.acquire(label));
    const verdict = g.release(403, { 'retry-after': '1', 'x-ratelimit-remaining': '10' });
    assert.deepEqual(verdict, { limited: true, waitMs: 1000, reason: 'secondary' });
    const start = Date.now();
    (await grantOf(lane.acquire(read))).release(200, {});
    assert.ok(Date.now() - start >= 900, 'the next request waited for retry-after');
    const g2 = await grantOf(lane.acquire(label));
    const reset = Math.floor(Date.now() / 1000) + 30;
    const primary = g2.release(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    assert.equal(primary.limited && primary.reason, 'primary');
  });

  it('counts REST and GraphQL points against budgets of their own', async () => {
    const lane = new Lane(
      { secondary: { ...GITHUB_SECONDARY_LIMITS, points: 5, graphqlPoints: 5, readReserve: 0, windowMs: 60_000 }, bucket: undefined, spacing: undefined },
      { now: () => Date.now(), onSuperseded: () => undefined },
    );
    const mutation = classifyRequest('POST', '/graphql', { query: 'mutation { addLabelsToLabelable(input: {}) { clientMutationId } }' });
    assert.equal(mutation.graphql, true);
    (await grantOf(lane.acquire(label))).release(200, {});
    const g = lane.acquire(mutation);
    assert.ok(!(g instanceof Promise), 'the REST points are spent, the GraphQL ones are not');
    (g as Grant).release(200, {});
    const restAgain = lane.acquire(label);
    const graphqlAgain = lane.acquire(mutation);
    assert.ok(restAgain instanceof Promise && graphqlAgain instanceof Promise, 'both budgets are spent for a minute');
    lane.close();
  });

  it('grants the overflow class only when the REST points alone hold a write back', async () => {
    const lane = new Lane(
      { secondary: { ...GITHUB_SECONDARY_LIMITS, points: 10, maxConcurrent: 1, readReserve: 0, windowMs: 60_000 }, bucket: undefined, spacing: undefined },
      { now: () => Date.now(), onSuperseded: () => undefined },
    );
    const viaGraphQL = graphqlLabelWriteClass(true);
    assert.deepEqual([viaGraphQL.points, graphqlLabelWriteClass(false).points, viaGraphQL.graphql], [6, 5, true]);
    const first = await grantOf(lane.acquire(label, undefined, viaGraphQL));
    assert.equal(first.overflow, false, 'REST points left: REST');
    const second = lane.acquire(label, undefined, viaGraphQL);
    assert.ok(second instanceof Promise, 'one in flight at a time: the overflow cannot skip the concurrency limit');
    first.release(200, {});
    const g2 = await grantOf(second);
    assert.equal(g2.overflow, false, 'points left for one more REST write');
    g2.release(200, {});
    const g3 = await grantOf(lane.acquire(label, undefined, viaGraphQL));
    assert.equal(g3.overflow, true, 'REST points spent: GraphQL');
    g3.release(200, {});
    assert.ok(lane.acquire(label) instanceof Promise, 'without an overflow class the write waits for REST points');
    lane.close();
  });

  it('spends the token bucket and waits for its refill', async () => {
    const lane = new Lane(
      { secondary: undefined, bucket: { hourlyTokens: 3600 * 20, burst: 2 }, spacing: undefined }, // 20 a second
      { now: () => Date.now(), onSuperseded: () => undefined },
    );
    (await grantOf(lane.acquire(label))).release(200, {});
    (await grantOf(lane.acquire(label))).release(200, {});
    const third = lane.acquire(label);
    assert.ok(third instanceof Promise, 'the burst is spent');
    (await grantOf(third)).release(200, {});
  });

  it('spaces writes as ghproxy does, never past the max delay', async () => {
    const lane = new Lane(
      { secondary: undefined, bucket: undefined, spacing: { writeMs: 10_000, getMs: 0, v4Ms: 0, maxDelayMs: 50 } },
      { now: () => Date.now(), onSuperseded: () => undefined },
    );
    (await grantOf(lane.acquire(label))).release(200, {});
    const second = lane.acquire(label);
    assert.ok(second instanceof Promise, 'the second write is spaced');
    (await grantOf(second)).release(200, {}); // granted after the 50 ms max delay, not 10 s
  });
});

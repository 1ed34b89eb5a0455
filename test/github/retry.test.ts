import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withRetries } from '../../src/github/retry.js';

function failing(statuses: (number | undefined)[]): { send: () => Promise<{ data: unknown }>; calls: () => number } {
  let n = 0;
  return {
    calls: () => n,
    send: async () => {
      const status = statuses[n++];
      if (status === 200 || n > statuses.length) return { data: 'ok' };
      throw Object.assign(new Error(`answer ${status}`), status === undefined ? {} : { status });
    },
  };
}

const fast = { retryAfterBaseValue: 1 };

describe('withRetries', () => {
  const cases: { name: string; statuses: (number | undefined)[]; ok: boolean; calls: number }[] = [
    { name: 'retries 5xx until an answer comes', statuses: [502, 500, 200], ok: true, calls: 3 },
    { name: 'gives up after three retries', statuses: [502, 502, 502, 502, 502], ok: false, calls: 4 },
    { name: 'never retries a 404', statuses: [404], ok: false, calls: 1 },
    { name: 'leaves 403 and 429 to the scheduler', statuses: [429], ok: false, calls: 1 },
    { name: 'does not retry an error from before the request (no status)', statuses: [undefined], ok: false, calls: 1 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const f = failing(c.statuses);
      if (c.ok) assert.deepEqual(await withRetries(fast, f.send), { data: 'ok' });
      else await assert.rejects(withRetries(fast, f.send));
      assert.equal(f.calls(), c.calls);
    });
  }

  it('retries GraphQL\'s "Something went wrong" answer', async () => {
    let n = 0;
    const answer = await withRetries(fast, async () => (++n === 1 ? { data: { errors: [{ message: 'Something went wrong while executing your query.' }] } } : { data: 'ok' }));
    assert.deepEqual(answer, { data: 'ok' });
    assert.equal(n, 2);
  });
});

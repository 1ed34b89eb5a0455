// hold against the fake GitHub with the real client (upstream pkg/plugins/hold/hold_test.go, S22).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handleHold, holdPlugin } from '../../../src/plugins/hold/hold.js';
import { HOLD } from '../../../src/api/labels.js';
import type { GenericCommentEvent } from '../../../src/github/event-types.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { REPO, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const cases = [
  { name: 'adds the label', body: '/hold', had: [], want: [HOLD], writes: 1 },
  { name: 'adds the label, reason and all', body: 'wait\n/hold until the freeze', had: [], want: [HOLD], writes: 1 },
  { name: 'ignores a quoted command', body: '> /hold', had: [], want: [], writes: 0 },
  { name: 'ignores a command in the middle of a line', body: 'please /hold', had: [], want: [], writes: 0 },
  { name: 'cancel wins over hold, with spaces and a reason', body: '/hold   cancel  reason', had: [HOLD], want: [], writes: 1 },
  { name: '/remove-hold removes', body: '/remove-hold', had: [HOLD], want: [], writes: 1 },
  { name: '/unhold removes', body: '/UNHOLD', had: [HOLD], want: [], writes: 1 },
  { name: 'already held: no write', body: '/hold', had: [HOLD], want: [HOLD], writes: 0 },
  { name: 'not held: cancel writes nothing', body: '/hold cancel', had: [], want: [], writes: 0 },
  { name: 'ignores issues', body: '/hold', had: [], want: [], writes: 0, isPR: false },
];

describe('hold', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  let e: GenericCommentEvent;
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(seed({ isPR: c.isPR ?? true, labels: c.had, repoLabels: [HOLD] }));
      e = genericOf(await commentDelivery(w.gh, 'rando', c.body));
      w.gh.clearCalls();
    },
    act: () => handleHold(w.client, log, e),
    writes: () => writes(w.gh),
    check: (c, first) => {
      assert.deepEqual(w.gh.labels(REPO, 1), c.want);
      assert.equal(first.length, c.writes);
    },
  });

  it('ignores edited comments', async () => {
    await w.gh.reset(seed({ isPR: true, repoLabels: [HOLD] }));
    const e = genericOf(await commentDelivery(w.gh, 'rando', '/hold', { action: 'edited' }));
    w.gh.clearCalls();
    await holdPlugin.handlers.genericComment!(e, { github: w.client, log } as never);
    assert.equal(w.gh.calls().length, 0);
  });

  it('reads labels once and writes once per held PR', async () => {
    await w.gh.reset(seed({ isPR: true, repoLabels: [HOLD] }));
    const e = genericOf(await commentDelivery(w.gh, 'rando', '/hold'));
    w.gh.clearCalls();
    await handleHold(w.client, log, e);
    assert.deepEqual(w.gh.calls().map((c) => c.route), [
      'GET /repos/{owner}/{repo}/issues/{issue_number}/labels',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);
  });
});

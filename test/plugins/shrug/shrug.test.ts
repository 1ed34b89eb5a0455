// shrug against the fake GitHub with the real client (upstream pkg/plugins/shrug).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SHRUG } from '../../../src/api/labels.js';
import { ESCAPED_SHRUG, handleShrug } from '../../../src/plugins/shrug/shrug.js';
import { REPO, botComments, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const cases = [
  { name: '/shrug adds the label', body: '/shrug', had: [], want: [SHRUG], replies: 0, writes: 1 },
  { name: '/shrug on an issue too', body: '/shrug', had: [], want: [SHRUG], replies: 0, writes: 1, isPR: false },
  { name: '/unshrug removes it with a shrug back', body: '/unshrug', had: [SHRUG], want: [], replies: 1, writes: 2 },
  { name: '/shrug when shrugged: nothing', body: '/shrug', had: [SHRUG], want: [SHRUG], replies: 0, writes: 0 },
  { name: 'not a whole-line command', body: '/shrug it off', had: [], want: [], replies: 0, writes: 0 },
];

describe('shrug', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({ isPR: c.isPR ?? true, labels: c.had, repoLabels: [SHRUG] }));
      const e = genericOf(await commentDelivery(w.gh, 'rando', c.body));
      w.gh.clearCalls();
      await handleShrug(w.client, log, e);
      await handleShrug(w.client, log, e);
      assert.deepEqual(w.gh.labels(REPO, 1), c.want);
      const replies = botComments(w.gh);
      assert.equal(replies.length, c.replies);
      if (c.replies > 0) assert.ok(replies[0]!.startsWith(`@rando: ${ESCAPED_SHRUG}\n\n<details>`), replies[0]);
      assert.equal(writes(w.gh).length, c.writes);
    });
  }

  it('the label is the shrug itself', () => {
    assert.equal(SHRUG, '¯\\_(ツ)_/¯');
    assert.equal(ESCAPED_SHRUG, '¯\\\\\\_(ツ)\\_/¯');
  });
});

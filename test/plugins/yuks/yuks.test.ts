// yuks against the fake GitHub with the real client (upstream pkg/plugins/yuks/yuks_test.go): jokes come
// from our shipped list, escaped as upstream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JOKES } from '../../../src/plugins/yuks/jokes.js';
import { escapeMarkdown, handleYuks, pickJoke } from '../../../src/plugins/yuks/yuks.js';
import { botComments, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';

describe('yuks', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  it('/joke replies once with an escaped joke from the list', async () => {
    await w.gh.reset(seed({ isPR: false }));
    const e = genericOf(await commentDelivery(w.gh, 'rando', 'tell me\n/joke'));
    w.gh.clearCalls();
    await handleYuks(w.client, log, e, ['A <b>bold</b> joke & more'], false);
    await handleYuks(w.client, log, e, ['A <b>bold</b> joke & more'], true); // redelivery: same joke, no second comment
    const replies = botComments(w.gh);
    assert.equal(replies.length, 1);
    assert.ok(replies[0]!.startsWith('@rando: A &#60;b&#62;bold&#60;&#47;b&#62; joke &#38; more\n\n<details>'), replies[0]);
    assert.equal(writes(w.gh).length, 1);
  });

  for (const body of ['/joke please', '> /joke', 'no joke']) {
    it(`ignores ${JSON.stringify(body)}`, async () => {
      await w.gh.reset(seed({ isPR: true }));
      const e = genericOf(await commentDelivery(w.gh, 'rando', body));
      w.gh.clearCalls();
      await handleYuks(w.client, log, e);
      assert.equal(w.gh.calls().length, 0);
    });
  }

  it('escapes every character outside [\\w?\'!., ]', () => {
    assert.equal(escapeMarkdown("Why? It's fine, really. Yes!"), "Why? It's fine, really. Yes!");
    assert.equal(escapeMarkdown('a-b*c_d'), 'a&#45;b&#42;c_d');
    assert.equal(escapeMarkdown('ツ'), '&#12484;');
  });

  it('ships enough jokes, and picks them by comment', () => {
    assert.ok(JOKES.length >= 30);
    assert.ok(JOKES.every((j) => j.trim() !== '' && !j.includes('\n')));
    assert.equal(pickJoke('a'), pickJoke('a'));
    const picked = new Set(Array.from({ length: 200 }, (_, i) => pickJoke(`org/repo#1:IC_${i}`)));
    assert.ok(picked.size > 10, `only ${picked.size} different jokes`);
  });
});

// trick-or-treat (upstream pkg/plugins/trick-or-treat/trick-or-treat_test.go TestTrickOrTreat): candy images
// served by a local image server that answers HEAD with Content-Length as image hosts do.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CANDY_IMAGES } from '../../../src/plugins/trick-or-treat/candies.js';
import { trickOrTreatPlugin } from '../../../src/plugins/trick-or-treat/trick-or-treat.js';
import { snapshotFrom } from '../../support/config.js';
import { startFakeImages, type FakeImages } from '../../support/fake-images.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { botComments, commentDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

interface Case {
  name: string;
  body: string;
  isPR?: boolean;
  action?: string;
  /** paths on the image server the plugin may pick from */
  images?: string[];
  candy: boolean;
  fails?: boolean;
}

const cases: Case[] = [
  { name: 'failed reading image: no comment, an error', body: '/trick-or-treat', images: ['/img/big.jpg', '/missing.jpg'], candy: false, fails: true },
  { name: 'ignores an edited comment', body: '/trick-or-treat', action: 'edited', candy: false },
  { name: 'leaves candy on a PR', body: '/trick-or-treat', isPR: true, candy: true },
  { name: 'leaves candy on an issue', body: '/trick-or-treat', candy: true },
  { name: 'trailing space and carriage return', body: '/trick-or-treat \r', candy: true },
  { name: 'trailing words', body: '/trick-or-treat clothes', candy: true },
  { name: 'without dashes', body: '/trickortreat', candy: true },
  { name: 'not at the start of a line', body: 'say /trick-or-treat', candy: false },
];

describe('trick-or-treat', () => {
  let w: World;
  let images: FakeImages;
  let d: Delivery;
  let pass = 0;
  const failures: unknown[] = [];
  before(async () => {
    w = await startWorld();
    images = await startFakeImages();
  });
  after(async () => {
    await images.close();
    await w.close();
  });

  pluginCases(cases, {
    async arrange(c) {
      await w.gh.reset(seed({ isPR: c.isPR ?? false }));
      d = await commentDelivery(w.gh, 'rando', c.body, { id: `tot-${c.name}`, action: c.action });
      pass = 0;
      failures.length = 0;
      w.gh.clearCalls();
    },
    async act(c) {
      const list = (c.images ?? ['/img/candy.jpg']).map((p) => `${images.url}${p}`);
      const snapshot = snapshotFrom({ plugins: `trick_or_treat:\n  images: [${list.map((u) => JSON.stringify(u)).join(', ')}]\n` });
      await deliverTo(trickOrTreatPlugin, d, { ...pluginContextFor(w, { plugin: 'trick-or-treat', snapshot, withOwners: false, redelivery: pass++ > 0 }), http: fetch })
        .catch((err: unknown) => failures.push(err));
    },
    writes: () => writes(w.gh),
    check(c) {
      const replies = botComments(w.gh);
      if (c.candy) {
        assert.equal(replies.length, 1);
        assert.ok(replies[0]!.includes(`![candy image](${images.url}/img/candy.jpg)`), replies[0]);
      } else assert.deepEqual(replies, []);
      assert.equal(failures.length > 0, c.fails === true, String(failures[0]));
    },
  });

  it("the default list is upstream's", () => {
    assert.equal(DEFAULT_CANDY_IMAGES.length, 51);
    assert.ok(DEFAULT_CANDY_IMAGES.every((u) => u.startsWith('https://')));
  });
});

// pony (upstream pkg/plugins/pony/pony_test.go) through the registered plugin, against a local fake of
// theponyapi.com.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ponyPlugin } from '../../../src/plugins/pony/pony.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { startFakeImages, type FakeImages } from '../../support/fake-images.js';
import { deliverTo } from '../support/fixtures.js';
import { botComments, commentDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

describe('pony', () => {
  let w: World;
  let images: FakeImages;
  before(async () => {
    w = await startWorld();
    images = await startFakeImages();
  });
  after(async () => {
    await w.close();
    await images.close();
  });
  async function run(body: string) {
    await w.gh.reset(seed());
    const d = await commentDelivery(w.gh, 'rando', body);
    const snapshot = snapshotFrom({ plugins: `pony:\n  url: ${images.url}/api/v1/pony/random\n` });
    for (const redelivery of [false, true]) {
      await deliverTo(ponyPlugin, d, { ...pluginContextFor(w, { plugin: 'pony', snapshot, redelivery, withOwners: false }), http: fetch }).catch((err: unknown) => {
        if (!/could not find a valid pony image/.test(String(err))) throw err;
      });
    }
    return botComments(w.gh);
  }
  it('/pony posts a pony, small image linking the full one', async () => {
    const c = await run('/pony');
    assert.equal(c.length, 1);
    assert.match(c[0]!, new RegExp(`\\[!\\[pony image\\]\\(${images.url}/img/pony-small\\.png\\)\\]\\(${images.url}/img/pony-full\\.png\\)`));
  });
  it('a named pony', async () => {
    assert.equal((await run('/pony Twilight Sparkle')).length, 1);
  });
  it('an unknown pony is answered', async () => {
    assert.match((await run('/pony Nobody'))[0]!, /Couldn't find a pony matching given tag\(s\)\./);
  });
  it('ignores other comments', async () => {
    assert.deepEqual(await run('/ponies'), []);
  });
});

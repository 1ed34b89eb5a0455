// dog (upstream pkg/plugins/dog/dog_test.go) through the registered plugin, against a local fake of
// random.dog and the this-is-fine images.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dogPlugin, formatDogURL } from '../../../src/plugins/dog/dog.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { startFakeImages, type FakeImages } from '../../support/fake-images.js';
import { deliverTo } from '../support/fixtures.js';
import { botComments, commentDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

describe('dog', () => {
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
  async function run(body: string, dogs?: string[]) {
    await w.gh.reset(seed());
    if (dogs) images.dogs = dogs;
    images.requests.length = 0;
    const d = await commentDelivery(w.gh, 'rando', body);
    w.gh.clearCalls();
    const snapshot = snapshotFrom({ plugins: `dog:\n  url: ${images.url}/woof.json\n  fine_images_root: ${images.url}/fine/\n` });
    for (const redelivery of [false, true]) await deliverTo(dogPlugin, d, { ...pluginContextFor(w, { plugin: 'dog', snapshot, redelivery, withOwners: false }), http: fetch });
    return botComments(w.gh);
  }
  it('/woof posts the dog, once', async () => {
    const c = await run('/woof', ['/img/dog.jpg']);
    assert.equal(c.length, 1);
    assert.match(c[0]!, new RegExp(`^@rando: \\[!\\[dog image\\]\\(${images.url}/img/dog\\.jpg\\)\\]\\(${images.url}/img/dog\\.jpg\\)`));
    assert.equal(writes(w.gh).length, 1);
  });
  it('skips videos and images that are too big, then takes the next', async () => {
    const c = await run('/bark', ['/img/clip.mp4', '/img/big.jpg', '/img/ok.png']);
    assert.match(c[0]!, /img\/ok\.png/);
  });
  it('/this-is-fine and friends post the fixed images', async () => {
    assert.match((await run('/this-is-fine'))[0]!, /fine\/this_is_fine\.png/);
    assert.match((await run('/this-is-not-fine'))[0]!, /fine\/this_is_not_fine\.png/);
    assert.match((await run('/this-is-unbearable'))[0]!, /fine\/this_is_unbearable\.jpg/);
  });
  it('no dog after 5 tries is an error and no comment', async () => {
    await assert.rejects(run('/woof', ['/img/clip.mp4']), /could not find a valid dog image/);
    assert.deepEqual(botComments(w.gh), []);
  });
  it('ignores other comments', async () => {
    assert.deepEqual(await run('/woofer'), []);
    assert.deepEqual(images.requests, []);
  });
  it('formats urls as upstream FormatURL', () => {
    assert.equal(formatDogURL('http://example.com/a.jpg'), '[![dog image](http://example.com/a.jpg)](http://example.com/a.jpg)');
    assert.throws(() => formatDogURL(''), /empty url/);
    assert.throws(() => formatDogURL('not a url'), /invalid url/);
  });
});

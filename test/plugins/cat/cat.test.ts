// cat (upstream pkg/plugins/cat/cat_test.go) through the registered plugin, against a local fake of
// thecatapi.com.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catPlugin, catURL } from '../../../src/plugins/cat/cat.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { startFakeImages, type FakeImages } from '../../support/fake-images.js';
import { deliverTo } from '../support/fixtures.js';
import { botComments, commentDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

describe('cat', () => {
  let w: World;
  let images: FakeImages;
  let dir: string;
  before(async () => {
    w = await startWorld();
    images = await startFakeImages();
    dir = mkdtempSync(join(tmpdir(), 'cat-'));
    writeFileSync(join(dir, 'key'), 'secret-key\n');
  });
  after(async () => {
    await w.close();
    await images.close();
    rmSync(dir, { recursive: true, force: true });
  });
  async function run(body: string) {
    await w.gh.reset(seed());
    images.requests.length = 0;
    const d = await commentDelivery(w.gh, 'rando', body);
    const snapshot = snapshotFrom({ plugins: `cat:\n  key_path: ${join(dir, 'key')}\n  url: "${images.url}/v1/images/search?format=json&results_per_page=1"\n  grumpy_root: ${images.url}/img/\n` });
    let error: unknown;
    for (const redelivery of [false, true]) {
      await deliverTo(catPlugin, d, { ...pluginContextFor(w, { plugin: 'cat', snapshot, redelivery, withOwners: false }), http: fetch }).catch((err: unknown) => {
        error = err;
      });
    }
    return { comments: botComments(w.gh), error };
  }
  it('/meow posts a cat, once', async () => {
    const r = await run('/meow');
    assert.deepEqual(r.comments.map((c) => c.split('\n')[0]), [`@rando: ![cat image](${images.url}/img/cat.jpg)`]);
  });
  it('/meowvie asks for a GIF, with the key and the category', async () => {
    const r = await run('/meowvie caturday');
    assert.match(r.comments[0]!, /img\/cat\.gif/);
  });
  it('/meow grumpy posts the grumpy cat without asking the API', async () => {
    const r = await run('/meow grumpy');
    assert.match(r.comments[0]!, /img\/Grumpy_Cat_by_Gage_Skidmore\.jpg/);
    assert.ok(!images.requests.some((x) => x.includes('/v1/images/search')));
  });
  it('a bad category is answered and the handler fails', async () => {
    const r = await run('/meow nosuchcategory');
    assert.match(r.comments[0]!, /Bad category\. Please see https:\/\/api\.thecatapi\.com\/api\/categories\/list/);
    assert.match(String(r.error), /could not find a valid cat image/);
  });
  it('builds upstream URLs', () => {
    assert.equal(catURL('https://x/s?format=json', 'a b', true, 'k'), 'https://x/s?format=json&category=a+b&api_key=k&mime_types=gif');
  });
});

// goose (upstream pkg/plugins/goose/goose_test.go) through the registered plugin, against a local fake of
// Unsplash's random-photo API that checks the access key.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goosePlugin } from '../../../src/plugins/goose/goose.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { startFakeImages, type FakeImages } from '../../support/fake-images.js';
import { deliverTo } from '../support/fixtures.js';
import { botComments, commentDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

describe('goose', () => {
  let w: World;
  let images: FakeImages;
  let dir: string;
  before(async () => {
    w = await startWorld();
    images = await startFakeImages();
    dir = mkdtempSync(join(tmpdir(), 'goose-'));
    writeFileSync(join(dir, 'key'), 'honk-key\n');
    writeFileSync(join(dir, 'bad-key'), 'nope\n');
  });
  after(async () => {
    await w.close();
    await images.close();
    rmSync(dir, { recursive: true, force: true });
  });
  async function run(body: string, keyFile = 'key') {
    await w.gh.reset(seed());
    const d = await commentDelivery(w.gh, 'rando', body);
    const snapshot = snapshotFrom({ plugins: `goose:\n  key_path: ${join(dir, keyFile)}\n  url: "${images.url}/photos/random?query=goose"\n` });
    let error: unknown;
    for (const redelivery of [false, true]) {
      await deliverTo(goosePlugin, d, { ...pluginContextFor(w, { plugin: 'goose', snapshot, redelivery, withOwners: false }), http: fetch }).catch((err: unknown) => {
        error = err;
      });
    }
    return { comments: botComments(w.gh), error };
  }
  it('/honk posts the goose, once', async () => {
    const r = await run('/honk');
    assert.equal(r.comments.length, 1);
    assert.match(r.comments[0]!, new RegExp(`^@rando: \\n!\\[goose image\\]\\(${images.url}/img/goose\\.jpg\\)`));
  });
  it('a refused key: the garden message and an error', async () => {
    const r = await run('/honk', 'bad-key');
    assert.match(r.comments[0]!, /Unable to find goose\. Have you checked the garden\?/);
    assert.match(String(r.error), /could not find a valid goose image/);
  });
  it('ignores other comments', async () => {
    assert.deepEqual((await run('/honk honk')).comments, []);
  });
});

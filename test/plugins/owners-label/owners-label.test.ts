// owners-label (upstream pkg/plugins/owners-label/owners-label_test.go) with the world's OWNERS client
// reading real OWNERS files from the fake GitHub's repository.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ownersLabelPlugin } from '../../../src/plugins/owners-label/owners-label.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo } from '../support/fixtures.js';
import { REPO, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const OWNERS = {
  OWNERS: 'approvers: [collab1]\n',
  'a/OWNERS': 'approvers: [collab1]\nlabels: [sig/a, area/a]\n',
  'b/OWNERS': 'approvers: [collab1]\nlabels: [sig/b]\n',
  'c/OWNERS': 'approvers: [collab1]\nlabels: [sig/missing]\n',
};

describe('owners-label', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  async function run(files: Record<string, string>, o: { labels?: string[]; action?: string } = {}) {
    await w.gh.reset(seed({ isPR: true, files, labels: o.labels ?? [], repoFiles: OWNERS, repoLabels: ['sig/a', 'area/a', 'sig/b'] }));
    const d = await pullRequestDelivery(w.gh, o.action ?? 'opened');
    w.gh.clearCalls();
    for (const redelivery of [false, true]) await deliverTo(ownersLabelPlugin, d, pluginContextFor(w, { plugin: 'owners-label', redelivery }));
  }
  it('labels from the OWNERS of every touched file', async () => {
    await run({ 'a/x.go': '1', 'b/y.go': '2' });
    assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), ['area/a', 'sig/a', 'sig/b']);
    assert.equal(writes(w.gh).length, 3, 'each once');
  });
  it('labels already there are not added again; labels the repo lacks are skipped', async () => {
    await run({ 'a/x.go': '1', 'c/z.go': '3' }, { labels: ['sig/a'] });
    assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), ['area/a', 'sig/a']);
  });
  it('files without labelled OWNERS: no label calls', async () => {
    await run({ 'root.go': '1' });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.deepEqual(writes(w.gh), []);
  });
  it('closed PRs are ignored', async () => {
    await run({ 'a/x.go': '1' }, { action: 'closed' });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
  });
});

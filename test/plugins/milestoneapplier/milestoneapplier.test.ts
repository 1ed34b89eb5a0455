// milestoneapplier (upstream pkg/plugins/milestoneapplier/milestoneapplier_test.go) through the registered
// plugin, with pull_request deliveries built from the fake GitHub.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { milestoneApplierPlugin } from '../../../src/plugins/milestoneapplier/milestoneapplier.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo } from '../support/fixtures.js';
import { REPO, pullRequestDelivery, startWorld, writes, BOT, type World } from '../shared/fixtures.js';

const PLUGINS = 'milestone_applier:\n  org/repo:\n    master: v1.0\n    release-1.19: v1.19\n    release-1.18: v1.18-missing\n';

describe('milestoneapplier', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  async function run(o: { base?: string; action: string; merge?: boolean; milestone?: string }) {
    await w.gh.reset({
      bot: BOT, users: ['author'],
      repos: [{ repo: REPO, defaultBranch: 'master', files: { a: '1' }, branches: { 'release-1.19': {}, 'release-1.18': {}, 'release-1.17': {} }, milestones: ['v1.0', 'v1.19'] }],
      pulls: [{ repo: REPO, number: 1, author: 'author', title: 't', base: o.base ?? 'master', files: { b: '2' }, ...(o.milestone ? { milestone: o.milestone } : {}) }],
    });
    if (o.merge) await w.client.mergePullRequest('org', 'repo', 1);
    const d = await pullRequestDelivery(w.gh, o.action);
    w.gh.clearCalls();
    for (const redelivery of [false, true]) {
      await deliverTo(milestoneApplierPlugin, d, pluginContextFor(w, { plugin: 'milestoneapplier', snapshot: snapshotFrom({ plugins: PLUGINS }), redelivery, withOwners: false }));
    }
    return w.gh.milestone(REPO, 1);
  }

  it('a PR merged into the default branch gets its milestone', async () => {
    assert.equal(await run({ action: 'closed', merge: true }), 'v1.0');
    assert.equal(writes(w.gh).length, 1, 'the redelivery sees the milestone and writes nothing');
  });
  it('a PR opened against the default branch waits for the merge', async () => {
    assert.equal(await run({ action: 'opened' }), null);
  });
  it('a PR opened against a release branch gets it at once', async () => {
    assert.equal(await run({ action: 'opened', base: 'release-1.19' }), 'v1.19');
  });
  it('a closed, unmerged PR gets nothing', async () => {
    assert.equal(await run({ action: 'closed', base: 'release-1.19' }), null);
  });
  it('a branch without a configured milestone gets nothing', async () => {
    assert.equal(await run({ action: 'opened', base: 'release-1.17' }), null);
  });
  it('the milestone already set: no call at all', async () => {
    assert.equal(await run({ action: 'closed', merge: true, milestone: 'v1.0' }), 'v1.0');
    assert.deepEqual(w.gh.calls().map((c) => c.route), []);
  });
  it('a configured milestone the repo lacks is an error naming it', async () => {
    await assert.rejects(run({ action: 'opened', base: 'release-1.18' }), /The configured milestone v1\.18-missing for release-1\.18 branch does not exist in the org\/repo repo/);
  });
});

// cherry-pick-unapproved (upstream pkg/plugins/cherrypickunapproved/cherrypick-unapproved_test.go) through
// the registered plugin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CP_APPROVED, CP_UNAPPROVED, DEFAULT_CP_UNAPPROVED_COMMENT, cherryPickUnapprovedPlugin } from '../../../src/plugins/cherry-pick-unapproved/cherry-pick-unapproved.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo } from '../support/fixtures.js';
import { BOT, REPO, botComments, pullRequestDelivery, startWorld, writes, type World } from '../shared/fixtures.js';

describe('cherry-pick-unapproved', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  async function run(o: { base: string; action: string; labels?: string[]; label?: string; botComment?: boolean; changesFrom?: string }) {
    await w.gh.reset({
      bot: BOT, users: ['author'],
      repos: [{ repo: REPO, defaultBranch: 'master', files: { a: '1' }, branches: { 'release-1.10': {} }, labels: [CP_APPROVED, CP_UNAPPROVED] }],
      pulls: [{ repo: REPO, number: 1, author: 'author', title: 't', base: o.base, files: { b: '2' }, labels: o.labels ?? [],
        comments: o.botComment ? [{ author: BOT, body: `${DEFAULT_CP_UNAPPROVED_COMMENT}\n\nfooter` }] : [] }],
    });
    const d = await pullRequestDelivery(w.gh, o.action, o.label ? { label: o.label } : {});
    if (o.changesFrom !== undefined) d.payload.changes = { base: { ref: { from: o.changesFrom }, sha: { from: 'abc' } } };
    w.gh.clearCalls();
    for (const redelivery of [false, true]) await deliverTo(cherryPickUnapprovedPlugin, d, pluginContextFor(w, { plugin: 'cherry-pick-unapproved', snapshot: snapshotFrom(), redelivery, withOwners: false }));
  }

  const cases: Array<{ name: string; base: string; action: string; labels?: string[]; label?: string; botComment?: boolean; changesFrom?: string; want: string[]; comments: number }> = [
    { name: 'opened against a release branch: label and comment', base: 'release-1.10', action: 'opened', want: [CP_UNAPPROVED], comments: 1 },
    { name: 'opened against master: nothing', base: 'master', action: 'opened', want: [], comments: 0 },
    { name: 'already approved: no label', base: 'release-1.10', action: 'reopened', labels: [CP_APPROVED], want: [CP_APPROVED], comments: 0 },
    { name: 'approval added: the label and the comment go', base: 'release-1.10', action: 'labeled', label: CP_APPROVED, labels: [CP_APPROVED, CP_UNAPPROVED], botComment: true, want: [CP_APPROVED], comments: 0 },
    { name: 'another label: ignored', base: 'release-1.10', action: 'labeled', label: 'lgtm', want: [], comments: 0 },
    { name: 'base changed to a release branch', base: 'release-1.10', action: 'edited', changesFrom: 'master', want: [CP_UNAPPROVED], comments: 1 },
    { name: 'base changed away from a release branch: both labels go', base: 'master', action: 'edited', changesFrom: 'release-1.10', labels: [CP_APPROVED, CP_UNAPPROVED], botComment: true, want: [], comments: 0 },
    { name: 'edited without a base change: ignored', base: 'release-1.10', action: 'edited', want: [], comments: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await run(c);
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), c.want);
      assert.equal(botComments(w.gh).length, c.comments);
    });
  }

  it('a redelivery writes nothing more', async () => {
    await run({ base: 'release-1.10', action: 'opened' });
    assert.equal(writes(w.gh).length, 2);
  });
});

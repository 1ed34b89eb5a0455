// merge-method-comment (upstream pkg/plugins/merge-method-comment/merge-method-comment_test.go).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mergeMethodComment, mergeMethodCommentPlugin } from '../../../src/plugins/merge-method-comment/merge-method-comment.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo } from '../support/fixtures.js';
import { BOT, REPO, botComments, pullRequestDelivery, startWorld, type World } from '../shared/fixtures.js';

describe('merge-method-comment', () => {
  const texts: Array<[string, Parameters<typeof mergeMethodComment>[0], string]> = [
    ['squash with a merge label', { merge_method: { 'org/repo': 'squash' }, merge_label: 'tide/merge-method-merge' }, 'This PR has multiple commits, and the default merge method is: squash.\nYou can request commits to be merged using the label: tide/merge-method-merge'],
    ['squash without a merge label', { merge_method: { org: 'squash' } }, 'This PR has multiple commits, and the default merge method is: squash.\nCommits will be squashed, as no merge labels are defined'],
    ['merge with a squash label', { squash_label: 'tide/merge-method-squash' }, 'This PR has multiple commits, and the default merge method is: merge.\nYou can request commits to be squashed using the label: tide/merge-method-squash'],
    ['merge without a squash label', { merge_method: { org: { repo: 'merge' } } }, 'This PR has multiple commits, and the default merge method is: merge.\nCommits will be merged, as no squash labels are defined'],
    ['rebase says only the method', { merge_method: { 'org/repo': 'rebase' } }, 'This PR has multiple commits, and the default merge method is: rebase.\n'],
  ];
  for (const [name, tide, want] of texts) it(name, () => assert.equal(mergeMethodComment(tide, 'org', 'repo'), want));

  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  async function run(commits: number, action = 'opened') {
    await w.gh.reset({
      bot: BOT, users: ['author'], repos: [{ repo: REPO, defaultBranch: 'master', files: { a: '1' } }],
      pulls: [{ repo: REPO, number: 1, author: 'author', title: 't', commits: Array.from({ length: commits }, (_, i) => ({ files: { [`f${i}`]: 'x' } })) }],
    });
    const d = await pullRequestDelivery(w.gh, action);
    for (const redelivery of [false, true]) await deliverTo(mergeMethodCommentPlugin, d, pluginContextFor(w, { plugin: 'merge-method-comment', snapshot: snapshotFrom({ config: 'tide:\n  squash_label: tide/merge-method-squash\n' }), redelivery, withOwners: false }));
    return botComments(w.gh);
  }
  it('a PR with two commits gets the comment once', async () => {
    const c = await run(2);
    assert.equal(c.length, 1);
    assert.match(c[0]!, /^This PR has multiple commits, and the default merge method is: merge\.\nYou can request commits to be squashed using the label: tide\/merge-method-squash/);
  });
  it('a PR with one commit gets nothing', async () => assert.deepEqual(await run(1), []));
  it('a labeled event gets nothing', async () => assert.deepEqual(await run(2, 'labeled'), []));
});

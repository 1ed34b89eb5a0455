// mergecommitblocker (upstream pkg/plugins/mergecommitblocker/mergecommitblocker_test.go): a real merge
// commit is made on the PR's branch in the fake GitHub's git repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { MERGE_COMMITS_COMMENT, MERGE_COMMITS_LABEL, mergeCommitBlockerPlugin } from '../../../src/plugins/mergecommitblocker/mergecommitblocker.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo } from '../support/fixtures.js';
import { BOT, REPO, botComments, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

describe('mergecommitblocker', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  /** Makes the PR branch's head a merge of itself and master (as `git merge master` on the branch would). */
  async function addMergeCommit(): Promise<void> {
    const dir = await w.gh.repoDir(REPO);
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' } }).trim();
    const head = git('rev-parse', 'refs/heads/pr-1');
    const base = git('rev-parse', 'refs/heads/master');
    const merge = git('commit-tree', `${head}^{tree}`, '-p', head, '-p', base, '-m', 'Merge branch master');
    git('update-ref', 'refs/heads/pr-1', merge);
  }

  async function run(o: { merge: boolean; labels?: string[]; comments?: { author: string; body: string }[]; action?: string }) {
    await w.gh.reset(seed({ isPR: true, files: { 'b.txt': 'x' }, labels: o.labels ?? [], repoLabels: [MERGE_COMMITS_LABEL], comments: o.comments ?? [] }));
    if (o.merge) await addMergeCommit();
    const d = await pullRequestDelivery(w.gh, o.action ?? 'synchronize');
    w.gh.clearCalls();
    for (const redelivery of [false, true]) await deliverTo(mergeCommitBlockerPlugin, d, pluginContextFor(w, { plugin: 'mergecommitblocker', redelivery, withOwners: false }));
  }

  it('a merge commit adds the label and the explanation, once', async () => {
    await run({ merge: true });
    assert.deepEqual(w.gh.labels(REPO, 1), [MERGE_COMMITS_LABEL]);
    assert.equal(botComments(w.gh).length, 1);
    assert.match(botComments(w.gh)[0]!, /PR contains merge commits, which are not allowed/);
    assert.equal(writes(w.gh).length, 2);
  });
  it('no merge commit: the label and the explanation go', async () => {
    await run({ merge: false, labels: [MERGE_COMMITS_LABEL], comments: [{ author: BOT, body: `${MERGE_COMMITS_COMMENT}\n\nfooter` }, { author: 'rando', body: 'hi' }] });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.deepEqual(botComments(w.gh), []);
    assert.equal(w.gh.comments(REPO, 1).length, 1);
  });
  it('nothing to change: no writes', async () => {
    await run({ merge: false });
    assert.deepEqual(writes(w.gh), []);
  });
  it('other actions are ignored', async () => {
    await run({ merge: true, action: 'labeled' });
    assert.deepEqual(w.gh.calls(), []);
  });
});

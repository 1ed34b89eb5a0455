// lgtm against the fake GitHub with the real client (upstream pkg/plugins/lgtm/lgtm_test.go, S18-S21).
// Every delivery is handled twice; the second pass must write nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PluginsConfig } from '../../../src/config/types.js';
import { addLgtmNotification, lgtmPlugin, REMOVE_LGTM_NOTIFICATION } from '../../../src/plugins/lgtm/lgtm.js';
import {
  configWith, contextFor, issueCommentDelivery, pluginConfigWith, pullRequestDelivery, reviewDelivery, scenarioSeed, startWorld,
  writes, type Delivery, type World,
} from '../trigger/fixtures.js';
import { deliverTo, deliverTwice } from '../support/fixtures.js';
import { pluginCases } from '../../support/plugin-cases.js';

let w: World;
let pc: PluginsConfig = pluginConfigWith();
before(async () => {
  w = await startWorld(() => pc);
});
after(async () => {
  await w.close();
});

const deliver = (d: Delivery): Promise<void> => deliverTo(lgtmPlugin, d, contextFor(w, d.id, configWith(), pc));
const twice = (d: Delivery): Promise<void> => deliverTwice(w.gh, () => deliver(d));

async function reset(seed: Parameters<typeof scenarioSeed>[0], lgtm: PluginsConfig['lgtm'] = [], extra: Partial<PluginsConfig> = {}): Promise<void> {
  pc = pluginConfigWith({ lgtm, ...extra });
  await w.gh.reset(scenarioSeed(seed));
  w.gh.clearCalls();
}

const comments = (): string[] => w.gh.comments('org/repo', 5).map((c) => c.body);
const treeHash = [{ repos: ['org/repo'], store_tree_hash: true }];

describe('lgtm', () => {
  it('S18 a collaborator who is not assigned: assigned, labelled, tree hash stored', async () => {
    await reset({ assignees: ['collab1', 'assignee1'] }, treeHash);
    await twice(await issueCommentDelivery(w.gh, 's18', 'collab2', '/lgtm'));
    assert.deepEqual(w.gh.assignees('org/repo', 5).sort(), ['assignee1', 'collab1', 'collab2']);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm']);
    const tree = (await w.client.getCommit('org', 'repo', await w.gh.headSha('org/repo', 5))).treeSha;
    assert.deepEqual(comments(), [addLgtmNotification(tree)]);
  });

  let delivery: Delivery;
  pluginCases([
    { name: 'S19 the author cannot lgtm their own PR', user: 'author', reply: '@author: you cannot LGTM your own PR.' },
    { name: 'S19 a non-collaborator cannot lgtm', user: 'not-in-the-org', reply: '@not-in-the-org: changing LGTM is restricted to collaborators' },
  ], {
    arrange: async (c) => {
      await reset({});
      delivery = await issueCommentDelivery(w.gh, `s19-${c.user}`, c.user, '/lgtm');
    },
    act: () => deliver(delivery),
    writes: () => writes(w.gh),
    check: (c, first) => {
      assert.equal(first.length, 1, first.join('\n'));
      assert.deepEqual(w.gh.labels('org/repo', 5), []);
      assert.deepEqual(w.gh.assignees('org/repo', 5), []);
      const all = comments();
      assert.equal(all.length, 1);
      assert.ok(all[0]!.startsWith(`${c.reply}\n\n<details>\n\nIn response to [this](`), all[0]);
    },
  });

  it('S20 the author may cancel: label removed, review re-requested, no comment', async () => {
    await reset({ labels: ['lgtm'], assignees: ['collab1', 'assignee1'] }, treeHash);
    await twice(await issueCommentDelivery(w.gh, 's20', 'author', '/lgtm cancel'));
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.deepEqual(w.gh.requestedReviewers('org/repo', 5).sort(), ['assignee1', 'collab1']);
    assert.deepEqual(w.gh.assignees('org/repo', 5).sort(), ['assignee1', 'collab1']);
    assert.deepEqual(comments(), []);
  });

  it('S21 a new push drops the label with a comment', async () => {
    await reset({ labels: ['lgtm'] });
    await w.gh.pushToPull('org/repo', 5, { CHANGED: 'new content\n' });
    await twice(await pullRequestDelivery(w.gh, 's21', 'synchronize'));
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.deepEqual(comments(), [REMOVE_LGTM_NOTIFICATION]);
  });

  it('S21 variant: with store_tree_hash an unchanged tree keeps lgtm', async () => {
    await reset({ labels: ['lgtm'] }, treeHash);
    const tree = (await w.client.getCommit('org', 'repo', await w.gh.headSha('org/repo', 5))).treeSha;
    await w.client.createComment('org', 'repo', 5, addLgtmNotification(tree));
    w.gh.clearCalls();
    await twice(await pullRequestDelivery(w.gh, 's21b', 'synchronize'));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm']);
    assert.deepEqual(writes(w.gh), []);
  });

  it('S21 variant: with store_tree_hash a changed tree drops lgtm and re-requests review', async () => {
    await reset({ labels: ['lgtm'], assignees: ['collab1'] }, treeHash);
    await w.client.createComment('org', 'repo', 5, addLgtmNotification('0'.repeat(40)));
    await twice(await pullRequestDelivery(w.gh, 's21c', 'synchronize'));
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.deepEqual(w.gh.requestedReviewers('org/repo', 5), ['collab1']);
  });

  it('a new lgtm prunes the bot\'s earlier "LGTM label has been removed" comment', async () => {
    await reset({});
    await w.client.createComment('org', 'repo', 5, REMOVE_LGTM_NOTIFICATION);
    await twice(await issueCommentDelivery(w.gh, 'prune', 'collab1', '/LGTM'));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm']);
    assert.deepEqual(comments(), []);
  });

  it('reviews act as lgtm only with review_acts_as_lgtm; a review body with a command is left to the comment path', async () => {
    await reset({}, []);
    await twice(await reviewDelivery(w.gh, 'rv0', 'collab1', 'approved'));
    assert.deepEqual(w.gh.labels('org/repo', 5), [], 'off by default');
    await reset({}, [{ repos: ['org'], review_acts_as_lgtm: true }]);
    await twice(await reviewDelivery(w.gh, 'rv1', 'collab1', 'approved'));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm']);
    await twice(await reviewDelivery(w.gh, 'rv2', 'collab1', 'changes_requested'));
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    await reset({}, [{ repos: ['org'], review_acts_as_lgtm: true }]);
    const withCommand = await reviewDelivery(w.gh, 'rv3', 'collab1', 'commented', '/lgtm');
    await twice(withCommand);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm'], 'once, through the generic review body');
  });

  it('skip_collaborators: OWNERS approvers and reviewers may lgtm, others may not', async () => {
    await reset({ repoFiles: { OWNERS: 'approvers: [alice]\nreviewers: [rando]\n' } }, [], { owners: { skip_collaborators: ['org/repo'] } });
    await twice(await issueCommentDelivery(w.gh, 'sc1', 'collab1', '/lgtm'));
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.ok(comments()[0]!.startsWith('@collab1: adding LGTM is restricted to approvers and reviewers in OWNERS files.'));
    await twice(await issueCommentDelivery(w.gh, 'sc2', 'rando', '/lgtm'));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm']);
    assert.deepEqual(w.gh.assignees('org/repo', 5), [], 'no assignment under skip_collaborators');
  });

  it('ignores issues, edits and closed PRs', async () => {
    await reset({});
    const edited = await issueCommentDelivery(w.gh, 'ed', 'collab1', '/lgtm');
    edited.payload.action = 'edited';
    const closed = await issueCommentDelivery(w.gh, 'cl', 'collab1', '/lgtm');
    closed.payload.issue.state = 'closed';
    const quoted = await issueCommentDelivery(w.gh, 'qu', 'collab1', '> /lgtm');
    for (const d of [edited, closed, quoted]) await deliver(d);
    assert.equal(w.gh.calls().filter((c) => !c.route.startsWith('GET /repos/{owner}/{repo}/issues/{issue_number}') && c.route !== 'GET /repos/{owner}/{repo}').length, 0);
  });
});

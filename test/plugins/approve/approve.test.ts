// approve against the fake GitHub with the real client and OWNERS loaded from the fake's git repo
// (upstream pkg/plugins/approve/approve_test.go, S25-S28). Every delivery is handled twice; the second pass
// must write nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PluginsConfig } from '../../../src/config/types.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { approvePlugin, findAssociatedIssue } from '../../../src/plugins/approve/approve.js';
import {
  BOT, configWith, contextFor, issueCommentDelivery, pluginConfigWith, pullRequestDelivery, reviewDelivery, scenarioSeed,
  startWorld, writes, type Delivery, type World,
} from '../trigger/fixtures.js';
import { deliverTo, deliverTwice } from '../support/fixtures.js';

let w: World;
let pc: PluginsConfig = pluginConfigWith();
before(async () => {
  w = await startWorld(() => pc);
});
after(async () => {
  await w.close();
});

const deliver = (d: Delivery): Promise<void> => deliverTo(approvePlugin, d, contextFor(w, d.id, configWith(), pc));
const twice = (d: Delivery): Promise<void> => deliverTwice(w.gh, () => deliver(d));

const OWNERS = {
  'a/OWNERS': 'approvers: [alice]\n',
  'c/OWNERS': 'approvers: [cblecker, cjwagner]\n',
};
const COLLABS = ['alice', 'cblecker', 'cjwagner', 'collab1'];

async function reset(seed: Parameters<typeof scenarioSeed>[0], approve: PluginsConfig['approve'] = []): Promise<void> {
  pc = pluginConfigWith({ approve });
  await w.gh.reset({ ...scenarioSeed({ repoFiles: OWNERS, collaborators: COLLABS, ...seed }), tokens: { 'human-token': 'a-human' } });
  w.gh.clearCalls();
}

const comments = (): string[] => w.gh.comments('org/repo', 5).map((c) => c.body);

describe('approve', () => {
  it('S25 first notification, unapproved: one leaf approver suggested, no label', async () => {
    await reset({ author: 'cjwagner', files: { 'c/c.go': 'package c\n' } }, [{ repos: ['org/repo'], require_self_approval: true }]);
    await twice(await pullRequestDelivery(w.gh, 's25', 'opened'));
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    const c = comments();
    assert.equal(c.length, 1);
    assert.ok(c[0]!.startsWith('[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nThis pull-request has been approved by:\n**Once this PR has been reviewed and has the lgtm label**, please assign ['), c[0]);
    assert.match(c[0]!, /- \*\*\[c\/OWNERS\]\(https:\/\/github\.com\/org\/repo\/blob\/master\/c\/OWNERS\)\*\*\n/);
    assert.match(c[0]!, /<!-- META=\{"approvers":\["(cblecker|cjwagner)"\]\} -->$/);
  });

  it('S26 the author approves their own PR by default', async () => {
    await reset({ author: 'cjwagner', files: { 'c/c.go': 'package c\n' } });
    await twice(await pullRequestDelivery(w.gh, 's26', 'opened'));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['approved']);
    const c = comments();
    assert.equal(c.length, 1);
    assert.ok(c[0]!.startsWith('[APPROVALNOTIFIER] This PR is **APPROVED**\n\nThis pull-request has been approved by: *<a href="https://github.com/org/repo/pull/5#" title="Author self-approved">cjwagner</a>*\n\n'), c[0]);
    assert.match(c[0]!, /- ~~\[c\/OWNERS\]\(https:\/\/github\.com\/org\/repo\/blob\/master\/c\/OWNERS\)~~ \[cjwagner\]\n/);
  });

  it('S27 /approve cancel removes the label and replaces the notification', async () => {
    await reset({
      files: { 'a/a.go': 'package a\n' }, labels: ['approved'],
      comments: [
        { author: 'alice', body: '/approve no-issue' },
        { author: BOT, body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
        { author: 'alice', body: 'stuff\n/approve cancel \nmore stuff' },
      ],
    }, [{ repos: ['org/repo'], issue_required: true }]);
    await twice(await issueCommentDelivery(w.gh, 's27', 'alice', 'stuff\n/approve cancel \nmore stuff'));
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.equal(w.gh.calls({ method: 'DELETE', route: '/repos/{owner}/{repo}/issues/comments/{comment_id}' }).length, 1);
    const bot = w.gh.comments('org/repo', 5).filter((c) => c.user === BOT).map((c) => c.body);
    assert.equal(bot.length, 1);
    assert.ok(bot[0]!.startsWith('[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nThis pull-request has been approved by: *<a href="https://github.com/org/repo/pull/5#" title="Author self-approved">author</a>*\n**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice) for approval.'), bot[0]);
    assert.ok(bot[0]!.includes('\n\n*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with `/approve no-issue`\n\n'));
  });

  it('S28 a human-added approved label wins and is kept', async () => {
    await reset({ files: { 'a/a.go': 'package a\n' }, comments: [{ author: BOT, body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nblah' }] }, [{ repos: ['org/repo'], require_self_approval: true }]);
    const human = createGitHubClient({ baseUrl: w.gh.url, token: 'human-token', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
    await human.addLabel('org', 'repo', 5, 'approved');
    w.gh.clearCalls();
    await twice(await pullRequestDelivery(w.gh, 's28', 'labeled', { label: 'approved', sender: 'a-human' }));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['approved']);
    const bot = w.gh.comments('org/repo', 5).filter((c) => c.user === BOT).map((c) => c.body);
    assert.equal(bot.length, 1, 'the old notification was deleted');
    assert.ok(bot[0]!.startsWith('[APPROVALNOTIFIER] This PR is **APPROVED**\n\nApproval requirements bypassed by manually added approval.\n\nThis pull-request has been approved by:\n\n'), bot[0]);
    assert.ok(bot[0]!.endsWith('- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**\n\nApprovers can indicate their approval by writing `/approve` in a comment\nApprovers can cancel approval by writing `/approve cancel` in a comment\n</details>\n<!-- META={"approvers":["alice"]} -->'));
  });

  it('the bot adding approved is not a human approval; a label event by the bot is ignored', async () => {
    await reset({ files: { 'a/a.go': 'package a\n' }, labels: ['approved'] }, [{ repos: ['org/repo'], require_self_approval: true }]);
    await twice(await pullRequestDelivery(w.gh, 'botlabel', 'labeled', { label: 'approved', sender: BOT }));
    assert.deepEqual(writes(w.gh), []);
    await twice(await pullRequestDelivery(w.gh, 'sync', 'synchronize'));
    assert.deepEqual(w.gh.labels('org/repo', 5), [], 'no human added it: removed');
  });

  for (const c of [
    { name: 'an APPROVE review by an approver approves', review: 'APPROVED' as const, cfg: {}, want: ['approved'] },
    { name: 'reviews do not count with ignore_review_state', review: 'APPROVED' as const, cfg: { ignore_review_state: true }, want: [], ignored: true },
    { name: 'a CHANGES_REQUESTED review is no approval', review: 'CHANGES_REQUESTED' as const, cfg: {}, want: [] },
    { name: '/lgtm approves with lgtm_acts_as_approve', user: 'alice', body: '/lgtm', cfg: { lgtm_acts_as_approve: true }, want: ['approved'] },
    { name: '/lgtm is no approval by default', user: 'alice', body: '/lgtm', cfg: {}, want: [], ignored: true },
    { name: '/approve by someone who is not an approver does not approve', user: 'collab1', body: '/approve', cfg: {}, want: [] },
    { name: '/approve by the approver approves', user: 'alice', body: '/APPROVE', cfg: {}, want: ['approved'] },
    { name: '/approve then /remove-approve withdraws', user: 'alice', body: '/remove-approve', before: '/approve', cfg: {}, want: [] },
  ]) {
    it(c.name, async () => {
      const reviews = c.review ? [{ author: 'alice', state: c.review }] : [];
      await reset({ files: { 'a/a.go': 'package a\n' }, reviews }, [{ repos: ['org/repo'], require_self_approval: true, ...c.cfg }]);
      let d: Delivery;
      if (c.review) d = await reviewDelivery(w.gh, `rv-${c.name}`.slice(0, 40), 'alice', c.review.toLowerCase() as 'approved');
      else {
        // approve replays the PR's whole history, so the command must be there as a comment by its author.
        if (c.before) w.gh.addComment('org/repo', 5, c.user!, c.before);
        const id = w.gh.addComment('org/repo', 5, c.user!, c.body!);
        d = await issueCommentDelivery(w.gh, `c-${c.name}`.slice(0, 40), c.user!, c.body!, { commentId: id });
      }
      await twice(d);
      assert.deepEqual(w.gh.labels('org/repo', 5), c.want);
      const notes = w.gh.comments('org/repo', 5).filter((x) => x.user === BOT).length;
      assert.equal(notes, c.ignored ? 0 : 1, c.ignored ? 'the event is not an approval event: nothing happens' : 'one notification');
    });
  }

  it('finds an associated issue as #N or org/<repo>/issues/N', () => {
    assert.equal(findAssociatedIssue('Fixes #123', 'org'), 123);
    assert.equal(findAssociatedIssue('see https://github.com/org/other/issues/77', 'org'), 77);
    assert.equal(findAssociatedIssue('nothing here', 'org'), 0);
  });
});

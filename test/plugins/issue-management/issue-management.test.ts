// issue-management (upstream pkg/plugins/issue-management/*_test.go's cases): /link-issue, /unlink-issue,
// /pin-issue, /unpin-issue and /transfer-issue against the fake GitHub (REST + the GraphQL mutations), each
// delivery handled twice (the second as a redelivery), and transfer once end to end through the real hook.
// OWNERS approvers must be collaborators (the OWNERS client drops others, as upstream): collab1 is the root approver.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FakeSeed } from '../../../src/github/fake/state.js';
import { issueManagementPlugin } from '../../../src/plugins/issue-management/issue-management.js';
import { formatIssueRef, parseIssueRef, updateFixesLine } from '../../../src/plugins/issue-management/link-issue.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { startHookRig, type HookRig } from '../support/through-hook.js';
import { BOT, REPO, commentDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

function world(o: { isPR?: boolean; body?: string; pinned?: number[] } = {}): FakeSeed {
  const s = seed({
    isPR: o.isPR ?? false, body: o.body ?? 'Initial body', repoFiles: { 'README.md': 'hi\n', OWNERS: 'approvers: [collab1]\n' },
    extraIssues: [10, 11, 12, 20, 21, 22].map((n) => ({ repo: REPO, number: n, title: `issue ${n}`, author: 'author' })),
    extraPulls: o.isPR === true ? [] : [{ repo: REPO, number: 30, title: 'a PR', author: 'author' }],
  });
  s.repos!.push({ repo: 'org/test-infra', defaultBranch: 'master', labels: ['kind/bug'] });
  s.repos!.push({ repo: 'other/repo', defaultBranch: 'master' });
  s.issues!.push({ repo: 'other/repo', number: 77, title: 'elsewhere', author: 'author' });
  return s;
}

describe('issue-management', () => {
  let w: World;
  let rig: HookRig;
  before(async () => {
    w = await startWorld();
    rig = await startHookRig(w);
  });
  after(async () => {
    await rig.close();
    await w.close();
  });

  const replies = (n = 1): string[] => w.gh.comments(REPO, n).filter((c) => c.user === BOT).map((c) => c.body);

  /** The delivery handled twice, the second time as a redelivery: the effects must be those of one. */
  async function twice(d: Delivery): Promise<void> {
    for (const redelivery of [false, true]) {
      await deliverTo(issueManagementPlugin, d, pluginContextFor(w, { plugin: 'issue-management', redelivery }));
    }
  }

  describe('/link-issue and /unlink-issue', () => {
    const cases: Array<{ name: string; body: string; user?: string; isPR?: boolean; prBody?: string; action?: string; wantBody?: string; reply?: RegExp }> = [
      { name: 'on an issue: told it is for PRs', body: '/link-issue 10', isPR: false, reply: /can only be used on pull requests/ },
      { name: 'an edited comment: ignored', body: '/link-issue 10', action: 'edited', wantBody: 'Initial body' },
      { name: 'a non-member is refused', body: '/link-issue 1', user: 'rando', reply: /You must be an org member to use this command\./ },
      { name: 'a repository that does not exist', body: '/link-issue nope/repo#12', reply: /Repository \*\*nope\/repo\*\* does not exist\./, wantBody: 'Initial body' },
      { name: 'an issue that does not exist', body: '/link-issue 99', reply: /Issue \*\*#99\*\* in repository \*\*org\/repo\*\* does not exist\./, wantBody: 'Initial body' },
      { name: 'a pull request is skipped', body: '/link-issue 1', reply: /Skipped issue #1 of \*\*org\/repo\*\* as it is a \*\*\*pull request\*\*\*\./, wantBody: 'Initial body' },
      { name: 'a bad reference', body: '/link-issue abc', reply: /Invalid format for issue \*\*abc\*\*/, wantBody: 'Initial body' },
      { name: 'link adds a Fixes line', body: '/link-issue 10', wantBody: 'Initial body\n\nFixes #10', reply: /Updated the `Fixes` line in the pull request body\./ },
      { name: 'link an issue of another repo', body: '/link-issue other/repo#77', wantBody: 'Initial body\n\nFixes other/repo#77', reply: /Updated the `Fixes` line/ },
      { name: 'unlink removes the line', body: '/unlink-issue 11', prBody: 'Fixes #11', wantBody: '', reply: /Updated the `Fixes` line/ },
      { name: 'unlink and link together', body: '/unlink-issue 11\n/link-issue 12', prBody: 'Fixes #11', wantBody: 'Fixes #12', reply: /Updated the `Fixes` line/ },
      { name: 'already linked: no change', body: '/link-issue 12', prBody: 'Fixes #12', wantBody: 'Fixes #12', reply: /The PR body is already up-to-date\. No changes were made\./ },
      {
        name: 'a change and an error in one reply', body: '/link-issue 10 99', wantBody: 'Initial body\n\nFixes #10',
        reply: /Updated the `Fixes` line in the pull request body\.\n\nHowever, there are one or more errors.*\n\* Issue \*\*#99\*\*/,
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await w.gh.reset(world({ isPR: c.isPR ?? true, body: c.prBody }));
        const d = await commentDelivery(w.gh, c.user ?? 'trusted-member', c.body, { action: c.action });
        w.gh.clearCalls();
        await twice(d);
        if (c.wantBody !== undefined) assert.equal(w.gh.issue(REPO, 1)!.body, c.wantBody);
        const got = replies();
        if (c.reply) {
          assert.equal(got.length, 1, got.join('\n---\n'));
          assert.match(got[0]!, c.reply);
        } else assert.deepEqual(got, []);
      });
    }

    it('parses references as upstream', () => {
      assert.deepEqual(parseIssueRef('42', 'kubernetes', 'test-infra'), { org: 'kubernetes', repo: 'test-infra', num: 42 });
      assert.deepEqual(parseIssueRef('foo/bar#77', 'kubernetes', 'test-infra'), { org: 'foo', repo: 'bar', num: 77 });
      for (const bad of ['abc', 'foo/bar', 'foo/bar/baz#1', 'foo/bar#x', 'foo#1']) assert.throws(() => parseIssueRef(bad, 'o', 'r'), bad);
      assert.equal(formatIssueRef({ org: 'o', repo: 'r', num: 12 }, 'o', 'r'), '#12');
      assert.equal(formatIssueRef({ org: 'foo', repo: 'bar', num: 33 }, 'o', 'r'), 'foo/bar#33');
    });

    it('rewrites the Fixes line as upstream', () => {
      assert.equal(updateFixesLine('This is a PR body.', ['#12'], []), 'This is a PR body.\n\nFixes #12');
      assert.equal(updateFixesLine('Fixes #1 #2', [], ['#2']), 'Fixes #1');
      assert.equal(updateFixesLine('line1\nFixes #99\nline2', [], ['#99']), 'line1\nline2');
      assert.equal(updateFixesLine('Fixes #12', ['#12'], []), 'Fixes #12');
      assert.equal(updateFixesLine('fixes #3', ['#1'], []), 'Fixes #1 #3');
    });
  });

  describe('/pin-issue and /unpin-issue', () => {
    const cases: Array<{ name: string; body: string; user?: string; isPR?: boolean; action?: string; pinned?: number[]; want?: boolean; reply?: RegExp }> = [
      { name: 'a top-level approver pins', body: '/pin-issue', user: 'collab1', want: true, reply: /Issue #1 has been pinned to the repository\./ },
      { name: 'a top-level approver unpins', body: '/unpin-issue', user: 'collab1', pinned: [1], want: false, reply: /Issue #1 has been unpinned from the repository\./ },
      { name: 'on a pull request: an error reply', body: '/pin-issue', user: 'collab1', isPR: true, reply: /can only be triggered on GitHub issues/ },
      { name: 'an edited comment: nothing', body: '/pin-issue', user: 'collab1', action: 'edited', want: false },
      { name: 'not an approver: refused', body: '/pin-issue', user: 'bob', want: false, reply: /You are not authorized to pin or unpin issues on this repository\./ },
      { name: 'the pin fails (three pinned already)', body: '/pin-issue', user: 'collab1', pinned: [10, 11, 12], want: false, reply: /Unable to pin issue #1\. Please try again later\./ },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await w.gh.reset(world({ isPR: c.isPR ?? false }));
        for (const n of c.pinned ?? []) w.gh.issue(REPO, n)!.pinned = true;
        const d = await commentDelivery(w.gh, c.user ?? 'collab1', c.body, { action: c.action });
        await twice(d);
        if (c.want !== undefined) assert.equal(w.gh.issue(REPO, 1)!.pinned === true, c.want);
        const got = replies();
        if (c.reply) {
          assert.equal(got.length, 1, got.join('\n---\n'));
          assert.match(got[0]!, c.reply);
        } else assert.deepEqual(got, []);
      });
    }
  });

  describe('/transfer-issue', () => {
    const cases: Array<{ name: string; body: string; user?: string; isPR?: boolean; action?: string; moved: boolean; reply?: RegExp }> = [
      { name: 'on a pull request: told it is for issues', body: '/transfer-issue test-infra', isPR: true, moved: false, reply: /only supported on issues, not pull requests/ },
      { name: 'an edited comment: nothing', body: '/transfer-issue test-infra', action: 'edited', moved: false },
      { name: 'no destination', body: '/transfer', moved: false, reply: /must only be used once and with a single destination repo/ },
      { name: 'two commands', body: '/transfer a\n/transfer b', moved: false, reply: /must only be used once and with a single destination repo/ },
      { name: 'a destination that does not exist', body: '/transfer-issue fake', moved: false, reply: /Something went wrong or the destination repo \*\*org\/fake\*\* does not exist\./ },
      { name: 'a non-member is refused', body: '/transfer-issue test-infra', user: 'rando', moved: false, reply: /You must be an org member to transfer this issue\./ },
      { name: 'transfers, trimming the destination', body: '/transfer-issue test-infra\r', moved: true },
      { name: 'transfers with /transfer amid other text', body: 'This belongs elsewhere\n/transfer test-infra\nthanks', moved: true },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        await w.gh.reset(world({ isPR: c.isPR ?? false }));
        w.gh.issue(REPO, 1)!.labels = ['kind/bug'];
        const d = await commentDelivery(w.gh, c.user ?? 'trusted-member', c.body, { action: c.action, post: true });
        await twice(d);
        assert.equal(w.gh.issue(REPO, 1) === undefined, c.moved);
        if (c.moved) {
          const moved = w.gh.issue('org/test-infra', 1);
          assert.equal(moved?.title, 'A thing');
          assert.deepEqual(moved?.labels, ['kind/bug']);
          assert.equal(w.gh.comments('org/test-infra', 1)[0]?.body, c.body, 'the comments go along');
          return;
        }
        const got = replies();
        if (c.reply) {
          assert.equal(got.length, 1, got.join('\n---\n'));
          assert.match(got[0]!, c.reply);
        } else assert.deepEqual(got, []);
      });
    }

    it('through the hook: a member transfers an issue with one GraphQL mutation', async () => {
      await w.gh.reset(world());
      rig.configure(['issue-management']);
      const d = await commentDelivery(w.gh, 'trusted-member', '/transfer test-infra', { post: true });
      w.gh.clearCalls();
      await rig.send(d);
      assert.equal(w.gh.issue(REPO, 1), undefined);
      assert.equal(w.gh.issue('org/test-infra', 1)?.title, 'A thing');
      assert.deepEqual(writes(w.gh), ['POST /graphql']);
    });
  });
});

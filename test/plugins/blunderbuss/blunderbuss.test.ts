// blunderbuss (upstream pkg/plugins/blunderbuss/blunderbuss_test.go: TestHandleWithExcludeApproversOnlyReviewers,
// TestHandleWithoutExcludeApproversMixed, TestHandlePullRequest, TestHandleGenericComment, TestHandleStatus,
// TestPopActiveReviewer) over real OWNERS files in the fake GitHub's repository. Picks are random, so, as
// upstream's tests do, cases check how many reviewers were requested and from which set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { blunderbussPlugin } from '../../../src/plugins/blunderbuss/blunderbuss.js';
import { pluginsConfigFrom, snapshotFrom } from '../../support/config.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo, restJson, type Delivery } from '../support/fixtures.js';
import { REPO, commentDelivery, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const PEOPLE = ['top', 'parent', 'leaf1', 'leaf2', 'leaf3', 'leaf4', 'leaf5', 'appr-top', 'appr-c', 'carol', 'busy-user'];
const OWNERS = {
  OWNERS: 'approvers: [appr-top]\nreviewers: [top]\n',
  'a/OWNERS': 'reviewers: [parent]\n',
  'a/b/OWNERS': 'reviewers: [leaf1, leaf2, leaf3]\n',
  'c/OWNERS': 'approvers: [appr-c]\nreviewers: [leaf4]\n',
  'd/OWNERS': 'reviewers: [leaf5]\nrequired_reviewers: [carol]\n',
  'e/OWNERS': 'reviewers: [busy-user, leaf1, leaf2]\n',
};
const LEAVES = ['leaf1', 'leaf2', 'leaf3'];

interface Case {
  name: string;
  files: string[];
  /** blunderbuss section of plugins.yaml */
  config?: string;
  author?: string;
  action?: string;
  body?: string;
  draft?: boolean;
  comment?: string;
  state?: 'open' | 'closed';
  requested?: string[];
  /** a status delivery on the head instead: [context, state, description] */
  status?: [string, string, string];
  statusSha?: string;
  /** exactly these are requested */
  want?: string[];
  /** or: `count` requested, all from `from` (plus every `must`) */
  count?: number;
  from?: string[];
  must?: string[];
}

const NO_APPROVERS = 'exclude_approvers: true';
const WAIT = 'wait_for_status: {}';
const cases: Case[] = [
  { name: 'one file, 3 leaf reviewers, request 3', files: ['a/b/x.go'], config: `request_count: 3\n  ${NO_APPROVERS}`, count: 3, from: LEAVES },
  { name: 'one file, 3 leaf reviewers, 1 parent, 1 top level, request 4: the parent before the top', files: ['a/b/x.go'], config: `request_count: 4\n  ${NO_APPROVERS}`, want: [...LEAVES, 'parent'] },
  { name: 'one file, request 5 takes every level', files: ['a/b/x.go'], config: `request_count: 5\n  ${NO_APPROVERS}`, want: [...LEAVES, 'parent', 'top'] },
  { name: 'two files in two OWNERS: one leaf from each, request 2', files: ['a/b/x.go', 'c/y.go'], config: `request_count: 2\n  ${NO_APPROVERS}`, count: 2, from: [...LEAVES, 'leaf4'], must: ['leaf4'] },
  { name: 'two files, request 1: still one per OWNERS file', files: ['a/b/x.go', 'c/y.go'], config: `request_count: 1\n  ${NO_APPROVERS}`, count: 2, from: [...LEAVES, 'leaf4'], must: ['leaf4'] },
  { name: 'two files, request 1, limit 1', files: ['a/b/x.go', 'c/y.go'], config: `request_count: 1\n  max_request_count: 1\n  ${NO_APPROVERS}`, count: 1, from: [...LEAVES, 'leaf4'] },
  { name: 'excludes the author', files: ['a/b/x.go'], author: 'leaf1', config: `request_count: 3\n  ${NO_APPROVERS}`, want: ['leaf2', 'leaf3', 'parent'] },
  { name: 'approvers top up when reviewers run out (exclude_approvers off): every approver found is added', files: ['c/y.go'], config: 'request_count: 3', want: ['appr-c', 'appr-top', 'leaf4', 'top'] },
  { name: 'exclude_approvers: only the reviewers there are', files: ['c/y.go'], config: `request_count: 3\n  ${NO_APPROVERS}`, want: ['leaf4', 'top'] },
  { name: 'approvers top up, limited by max_request_count', files: ['c/y.go'], config: 'request_count: 3\n  max_request_count: 2', count: 2, from: ['leaf4', 'top'] },
  { name: 'required reviewers are always added', files: ['d/z.go'], config: 'request_count: 1', want: ['leaf5', 'carol'] },
  { name: 'PR opened with /cc in the body: nothing', files: ['a/b/x.go'], body: 'please\n/cc @leaf1', want: [] },
  { name: 'PR opened but wait_for_status is set: nothing', files: ['a/b/x.go'], config: WAIT, want: [] },
  { name: 'PR closed: nothing', files: ['a/b/x.go'], action: 'closed', want: [] },
  { name: 'draft PR opened with ignore_drafts: nothing', files: ['a/b/x.go'], draft: true, config: 'ignore_drafts: true', want: [] },
  { name: 'non-draft PR with ignore_drafts: requests', files: ['a/b/x.go'], config: 'ignore_drafts: true', count: 2, from: LEAVES },
  { name: 'draft ready for review with ignore_drafts: requests', files: ['a/b/x.go'], action: 'ready_for_review', config: 'ignore_drafts: true', count: 2, from: LEAVES },
  { name: 'PR by an ignored author: nothing', files: ['a/b/x.go'], config: 'ignore_authors: [author]', want: [] },
  { name: '/auto-cc on an open PR requests reviews', files: ['a/b/x.go'], comment: '/auto-cc', count: 2, from: LEAVES },
  { name: 'an invalid command does nothing', files: ['a/b/x.go'], comment: '/auto-ccc', want: [] },
  { name: '/auto-cc on a closed PR does nothing', files: ['a/b/x.go'], comment: '/auto-cc', state: 'closed', want: [] },
  { name: "tide's missing-review status requests reviews", files: ['a/b/x.go'], config: WAIT, status: ['tide', 'pending', 'Not mergeable. PullRequest is missing sufficient approving GitHub review(s)'], count: 2, from: LEAVES },
  { name: "tide's needs lgtm status requests reviews", files: ['a/b/x.go'], config: WAIT, status: ['tide', 'pending', 'Not mergeable. Needs lgtm label.'], count: 2, from: LEAVES },
  { name: "tide's needs approved, lgtm status requests reviews", files: ['a/b/x.go'], config: WAIT, status: ['tide', 'pending', 'Not mergeable. Needs approved, lgtm labels.'], count: 2, from: LEAVES },
  { name: 'status for another sha is ignored', files: ['a/b/x.go'], config: WAIT, status: ['tide', 'pending', 'Not mergeable. Needs lgtm label.'], statusSha: '0123456789abcdef0123456789abcdef01234567', want: [] },
  { name: 'status state does not match', files: ['a/b/x.go'], config: WAIT, status: ['tide', 'success', 'Not mergeable. Needs lgtm label.'], want: [] },
  { name: 'status context does not match', files: ['a/b/x.go'], config: WAIT, status: ['ci', 'pending', 'Not mergeable. Needs lgtm label.'], want: [] },
  { name: 'status description does not match', files: ['a/b/x.go'], config: WAIT, status: ['tide', 'pending', 'In merge pool.'], want: [] },
  { name: 'status for an ignored author', files: ['a/b/x.go'], config: `${WAIT}\n  ignore_authors: [author]`, status: ['tide', 'pending', 'Not mergeable. Needs lgtm label.'], want: [] },
  { name: 'status when reviews were already requested', files: ['a/b/x.go'], config: WAIT, requested: ['top'], status: ['tide', 'pending', 'Not mergeable. Needs lgtm label.'], want: ['top'] },
  { name: 'use_status_availability never picks the busy user', files: ['e/x.go'], config: `request_count: 3\n  use_status_availability: true\n  ${NO_APPROVERS}`, want: ['leaf1', 'leaf2', 'top'] },
];

describe('blunderbuss', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  let delivery: Delivery;
  let pass = 0;

  pluginCases(cases, {
    async arrange(c) {
      const s = seed({
        isPR: true, author: c.author ?? 'author', body: c.body ?? 'a PR', draft: c.draft ?? false, state: c.state ?? 'open', requestedReviewers: c.requested,
        repoFiles: OWNERS, files: Object.fromEntries(c.files.map((f) => [f, 'change\n'])), users: PEOPLE,
        orgs: { org: { members: ['trusted-member', ...PEOPLE] } },
      });
      s.repos![0]!.collaborators = ['author', ...PEOPLE];
      s.users = [...s.users!.filter((u) => u !== 'busy-user'), { login: 'busy-user', limitedAvailability: true }];
      await w.gh.reset(s);
      pass = 0;
      if (c.status !== undefined) {
        const [context, state, description] = c.status;
        const repository = await restJson(w.gh, `/repos/${REPO}`);
        const sha = c.statusSha ?? (await w.gh.headSha(REPO, 1));
        delivery = { type: 'status', id: `bb-${c.name}`, payload: { sha, state, context, description, target_url: '', repository, sender: { login: 'k8s-ci-robot', type: 'Bot' } } };
      } else if (c.comment !== undefined) delivery = await commentDelivery(w.gh, 'rando', c.comment, { id: `bb-${c.name}` });
      else delivery = await pullRequestDelivery(w.gh, c.action ?? 'opened', { id: `bb-${c.name}` });
      w.gh.clearCalls();
    },
    async act(c) {
      const plugins = `blunderbuss:\n  ${c.config ?? 'request_count: 2'}\n`;
      await deliverTo(blunderbussPlugin, delivery, pluginContextFor(w, { plugin: 'blunderbuss', snapshot: snapshotFrom({ plugins }), redelivery: pass++ > 0 }));
    },
    writes: () => writes(w.gh),
    check(c, first) {
      const got = w.gh.requestedReviewers(REPO, 1);
      assert.ok(first.length <= 1, `one request at most: ${first.join(', ')}`);
      if (c.want !== undefined) {
        assert.deepEqual([...got].sort(), [...c.want].sort());
        return;
      }
      assert.equal(got.length, c.count, `requested ${got.join(', ')}`);
      for (const r of got) assert.ok(c.from!.includes(r), `${r} is not one of ${c.from!.join(', ')}`);
      for (const r of c.must ?? []) assert.ok(got.includes(r), `${r} was not requested`);
    },
  });

  it('/plugin-help states the request count', () => {
    const help = blunderbussPlugin.configHelp!(snapshotFrom({ plugins: 'blunderbuss:\n  request_count: 3\n' }).plugins, ['org/repo']);
    assert.deepEqual(help, { '': 'blunderbuss is currently configured to request reviews from 3 reviewers.' });
  });
});

describe('blunderbuss config', () => {
  it('checkconfig names a wait_for_status description that does not compile', () => {
    assert.throws(() => pluginsConfigFrom('blunderbuss:\n  wait_for_status:\n    description: "(unclosed"\n'), /plugins\.yaml:3: blunderbuss\.wait_for_status\.description/);
  });
});

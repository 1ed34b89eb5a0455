// assign against the fake GitHub with the real client (upstream pkg/plugins/assign/assign_test.go, S29).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handleAssign, parseTargets } from '../../../src/plugins/assign/assign.js';
import { REPO, botComments, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';
import RE2 from 're2';

interface Case {
  name: string;
  body: string;
  user?: string;
  isPR?: boolean;
  assignees?: string[];
  requested?: string[];
  wantAssignees: string[];
  wantRequested?: string[];
  writes: number;
  reply?: string;
}

const cases: Case[] = [
  { name: 'S29 /assign alone assigns the commenter', body: '/assign', user: 'rando', wantAssignees: ['rando'], writes: 1 },
  { name: 'S29 assign one, unassign another', body: '/assign @fejta\n/unassign @spxtr', assignees: ['spxtr'], wantAssignees: ['fejta'], writes: 2 },
  { name: 'S29 a login with bad characters matches nothing', body: '/assign @Invalid$User', wantAssignees: [], writes: 0 },
  { name: 'several logins, with and without @', body: '/assign collab1 @collab2', wantAssignees: ['collab1', 'collab2'], writes: 1 },
  // A first delivery writes without reading first, as upstream (a no-op for GitHub); the redelivery reads and writes nothing.
  { name: 'the later mention wins', body: '/assign @collab1\n/unassign @collab1', assignees: [], wantAssignees: [], writes: 1 },
  { name: 'already assigned: written once, as upstream, not again on redelivery', body: '/assign @collab1', assignees: ['collab1'], wantAssignees: ['collab1'], writes: 1 },
  { name: '/unassign of someone not assigned: written once, as upstream', body: '/unassign @collab1', wantAssignees: [], writes: 1 },
  { name: 'works on issues', body: '/assign @collab1', isPR: false, wantAssignees: ['collab1'], writes: 1 },
  {
    // The redelivery tries the assignment again (GitHub may have changed its mind); the reply is not repeated.
    name: 'S29 GitHub refuses a user: the reply names them', body: '/assign @user12', wantAssignees: [], writes: 3,
    reply: "GitHub didn't allow me to assign the following users: user12.\n\nNote that only [org members](https://github.com/orgs/org/people) with read permissions, repo collaborators and people who have commented on this issue/PR can be assigned. Additionally, issues/PRs can only have 10 assignees at the same time.\nFor more information please see [the contributor guide](https://git.k8s.io/community/contributors/guide/first-contribution.md#issue-assignment-in-github)",
  },
  { name: '/cc requests a review', body: '/cc @collab1', wantAssignees: [], wantRequested: ['collab1'], writes: 1 },
  { name: 'S29 /cc of an org team uses team_reviewers', body: '/cc @org/sig-foo', wantAssignees: [], wantRequested: ['org/sig-foo'], writes: 1 },
  { name: '/uncc withdraws a request', body: '/uncc @collab1', requested: ['collab1'], wantAssignees: [], wantRequested: [], writes: 1 },
  { name: '/cc of someone already requested: written once, as upstream', body: '/cc collab1', requested: ['collab1'], wantAssignees: [], wantRequested: ['collab1'], writes: 1 },
  { name: 'S29 /cc on an issue does nothing', body: '/cc @someone', isPR: false, wantAssignees: [], writes: 0 },
  {
    // Each delivery: the refused request, the client's one-at-a-time retry; then one reply in all.
    name: '/cc of the author is refused with the review reply', body: '/cc @author', wantAssignees: [], wantRequested: [], writes: 5,
    reply: "GitHub didn't allow me to request PR reviews from the following users: author.\n\nNote that only [org members](https://github.com/orgs/org/people) and repo collaborators can review this PR, and authors cannot review their own PRs.",
  },
];

describe('assign', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const c of cases) {
    it(c.name, async () => {
      const isPR = c.isPR ?? true;
      await w.gh.reset({
        ...seed({ isPR, assignees: c.assignees, requestedReviewers: c.requested, users: ['user12', 'someone'] }),
        orgs: { org: { members: ['trusted-member', 'fejta', 'spxtr'], teams: { 'sig-foo': { members: ['alice'] } } } },
      });
      const user = c.user ?? 'trusted-member';
      const e = genericOf(await commentDelivery(w.gh, user, c.body, { post: true }));
      w.gh.clearCalls();
      await handleAssign(w.client, log, e, false);
      await handleAssign(w.client, log, e, true); // redelivery, as the dispatcher marks it
      assert.deepEqual([...w.gh.assignees(REPO, 1)].sort(), c.wantAssignees);
      if (isPR) {
        assert.deepEqual(w.gh.requestedReviewers(REPO, 1), c.wantRequested ?? c.requested ?? []);
      }
      assert.equal(writes(w.gh).length, c.writes, writes(w.gh).join('\n'));
      const replies = botComments(w.gh);
      if (c.reply === undefined) assert.deepEqual(replies, []);
      else {
        assert.equal(replies.length, 1);
        assert.ok(replies[0]!.startsWith(`@${user}: ${c.reply}\n\n<details>`), replies[0]);
      }
    });
  }
});

describe('assign: first delivery and redelivery', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  const routes = (): string[] => w.gh.calls().map((c) => c.route).filter((r) => r !== 'GET /user');

  it('a first /assign and /cc write directly, without reading the issue or the PR', async () => {
    await w.gh.reset(seed({ isPR: true }));
    const e = genericOf(await commentDelivery(w.gh, 'trusted-member', '/assign @collab1\n/cc @collab2', { post: true }));
    w.gh.clearCalls();
    await handleAssign(w.client, log, e, false);
    assert.deepEqual(routes().sort(), [
      'POST /repos/{owner}/{repo}/issues/{issue_number}/assignees',
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    ]);
    assert.deepEqual(w.gh.assignees(REPO, 1), ['collab1']);
    assert.deepEqual(w.gh.requestedReviewers(REPO, 1), ['collab2']);
  });

  it('a redelivery reads first and neither writes again nor repeats the reply', async () => {
    await w.gh.reset({ ...seed({ isPR: true, users: ['user12'] }), orgs: { org: { members: ['trusted-member'] } } });
    const e = genericOf(await commentDelivery(w.gh, 'trusted-member', '/assign @collab1 @user12\n/cc @collab2', { post: true }));
    await handleAssign(w.client, log, e, false);
    assert.equal(botComments(w.gh).length, 1, 'the first delivery replies about user12');
    w.gh.clearCalls();
    await handleAssign(w.client, log, e, true);
    const r = routes();
    assert.ok(r.includes('GET /repos/{owner}/{repo}/issues/{issue_number}'), r.join('\n'));
    assert.ok(r.includes('GET /repos/{owner}/{repo}/pulls/{pull_number}'), r.join('\n'));
    assert.ok(!r.includes('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers'), r.join('\n'));
    assert.equal(botComments(w.gh).length, 1, 'no second reply');
    assert.deepEqual(w.gh.assignees(REPO, 1), ['collab1']);
  });
});

describe('assign: parsing', () => {
  const re = new RE2('(?mi)^/(un)?assign(( @?[-\\w]+?)*)\\s*$', 'g');
  it('keeps the spelling given and lets a later mention override', () => {
    assert.deepEqual(parseTargets(re, '/assign @Alice bob\n/UNASSIGN alice', 'me'), { add: ['bob'], remove: ['alice'] });
    assert.deepEqual(parseTargets(re, '/assign', 'me'), { add: ['me'], remove: [] });
    assert.equal(parseTargets(re, 'no command', 'me'), undefined);
  });
});

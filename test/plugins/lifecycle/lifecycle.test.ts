// lifecycle (/close, /reopen, /lifecycle) against the fake GitHub with the real client
// (upstream pkg/plugins/lifecycle/*_test.go, S30 lifecycle cases).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CANNOT_CLOSE, CANNOT_REOPEN, PR_NOT_PLANNED, handleLifecycle } from '../../../src/plugins/lifecycle/lifecycle.js';
import { REPO, botComments, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const ALL = ['lifecycle/active', 'lifecycle/frozen', 'lifecycle/stale', 'lifecycle/rotten'];

interface Case {
  name: string;
  body: string;
  user: string;
  isPR?: boolean;
  state?: 'open' | 'closed';
  had?: string[];
  wantState: 'open' | 'closed';
  wantLabels?: string[];
  reply?: string;
  writes: number;
}

const cases: Case[] = [
  { name: 'S30 a stranger cannot close an active issue', body: '/close', user: 'rando', wantState: 'open', reply: CANNOT_CLOSE, writes: 1 },
  { name: 'S30 anyone can close a stale issue', body: '/close', user: 'rando', had: ['lifecycle/stale'], wantState: 'closed', reply: 'Closing this issue.', writes: 2 },
  { name: 'anyone can close a rotten issue', body: '/close', user: 'rando', had: ['lifecycle/rotten'], wantState: 'closed', reply: 'Closing this issue.', writes: 2 },
  { name: 'the author closes their issue', body: '/close', user: 'author', wantState: 'closed', reply: 'Closing this issue.', writes: 2 },
  { name: 'a collaborator closes a PR', body: '/close', user: 'collab1', isPR: true, wantState: 'closed', reply: 'Closed this PR.', writes: 2 },
  {
    name: '/close not-planned on an issue', body: '/close not-planned', user: 'author', wantState: 'closed', writes: 2,
    reply: 'Closing this issue, marking it as "Not Planned".',
  },
  { name: '/close not-planned on a PR is refused', body: '/close not-planned', user: 'author', isPR: true, wantState: 'open', reply: PR_NOT_PLANNED, writes: 1 },
  { name: '/close on a closed issue does nothing', body: '/close', user: 'author', state: 'closed', wantState: 'closed', writes: 0 },
  { name: '/close with trailing words is not a command', body: '/close this please', user: 'author', wantState: 'open', writes: 0 },
  { name: 'the author reopens their issue', body: '/reopen', user: 'author', state: 'closed', wantState: 'open', reply: 'Reopened this issue.', writes: 2 },
  { name: 'a collaborator reopens a PR', body: '/reopen', user: 'collab2', isPR: true, state: 'closed', wantState: 'open', reply: 'Reopened this PR.', writes: 2 },
  { name: 'a stranger cannot reopen', body: '/reopen', user: 'rando', state: 'closed', had: ['lifecycle/rotten'], wantState: 'closed', reply: CANNOT_REOPEN, writes: 1 },
  { name: '/reopen on an open issue does nothing', body: '/reopen', user: 'author', wantState: 'open', writes: 0 },
  { name: '/lifecycle frozen replaces stale', body: '/lifecycle frozen', user: 'rando', had: ['lifecycle/stale'], wantState: 'open', wantLabels: ['lifecycle/frozen'], writes: 2 },
  { name: '/lifecycle frozen is refused on PRs', body: '/lifecycle frozen', user: 'rando', isPR: true, wantState: 'open', wantLabels: [], writes: 1, reply: 'The `lifecycle/frozen` label cannot be applied to Pull Requests.' },
  { name: '/remove-lifecycle removes only that label', body: '/remove-lifecycle stale', user: 'rando', had: ['lifecycle/stale', 'kind/bug'], wantState: 'open', wantLabels: ['kind/bug'], writes: 1 },
  { name: '/remove-lifecycle of an absent label does nothing', body: '/remove-lifecycle rotten', user: 'rando', had: ['lifecycle/stale'], wantState: 'open', wantLabels: ['lifecycle/stale'], writes: 0 },
  { name: 'every matching line counts; only the outcome is written', body: '/lifecycle stale\n/lifecycle rotten', user: 'rando', wantState: 'open', wantLabels: ['lifecycle/rotten'], writes: 1 },
  { name: 'the same label twice writes once', body: '/lifecycle active', user: 'rando', had: ['lifecycle/active'], wantState: 'open', wantLabels: ['lifecycle/active'], writes: 0 },
];

describe('lifecycle', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({ isPR: c.isPR ?? false, state: c.state ?? 'open', labels: c.had ?? [], repoLabels: [...ALL, 'kind/bug'] }));
      const e = genericOf(await commentDelivery(w.gh, c.user, c.body));
      w.gh.clearCalls();
      await handleLifecycle(w.client, log, e, false);
      await handleLifecycle(w.client, log, e, true); // redelivery, as the dispatcher marks it
      const issue = w.gh.issue(REPO, 1)!;
      assert.equal(issue.state, c.wantState);
      if (c.wantLabels !== undefined) assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), [...c.wantLabels].sort());
      const replies = botComments(w.gh);
      if (c.reply === undefined) assert.deepEqual(replies, []);
      else {
        assert.equal(replies.length, 1, replies.join('\n---\n'));
        assert.ok(replies[0]!.startsWith(`@${c.user}: ${c.reply}\n\n<details>`), replies[0]);
      }
      assert.equal(writes(w.gh).length, c.writes, writes(w.gh).join('\n'));
    });
  }

  it('sends state_reason not_planned to GitHub', async () => {
    await w.gh.reset(seed({ isPR: false }));
    const e = genericOf(await commentDelivery(w.gh, 'author', '/close not-planned'));
    w.gh.clearCalls();
    await handleLifecycle(w.client, log, e);
    const patch = w.gh.calls({ method: 'PATCH' })[0];
    assert.deepEqual(patch?.body, { state: 'closed', state_reason: 'not_planned' });
  });

  it('a refused reopen answers with GitHub\'s reason', async () => {
    await w.gh.reset(seed({ isPR: true, state: 'closed' }));
    const e = genericOf(await commentDelivery(w.gh, 'author', '/reopen'));
    w.gh.failNext({ method: 'PATCH', status: 422, message: 'state cannot be changed. The head branch was deleted.' });
    await handleLifecycle(w.client, log, e);
    assert.equal(w.gh.issue(REPO, 1)!.state, 'closed');
    const replies = botComments(w.gh);
    assert.equal(replies.length, 1);
    assert.match(replies[0]!, /^@author: Failed to re-open PR: .*state cannot be changed/);
  });
});

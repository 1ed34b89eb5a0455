// milestone and milestonestatus (upstream pkg/plugins/milestone/milestone_test.go and
// pkg/plugins/milestonestatus/milestonestatus_test.go) against the fake GitHub with a real team.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { handleMilestone, type RepoMilestone } from '../../../src/plugins/milestone/milestone.js';
import { handleMilestoneStatus } from '../../../src/plugins/milestonestatus/milestonestatus.js';
import type { GenericCommentEvent } from '../../../src/github/event-types.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { BOT, REPO, botComments, commentDelivery, genericOf, log, startWorld, writes, type World } from '../shared/fixtures.js';

const TEAM: RepoMilestone = { maintainers_team: 'kubernetes-milestone-maintainers', maintainers_friendly_name: 'SIG Chair' };
function worldSeed(milestone?: string, labels: string[] = []) {
  return {
    bot: BOT, users: ['sig-lead', 'random-person', 'author'],
    orgs: { org: { members: ['sig-lead'], teams: { 'kubernetes-milestone-maintainers': { members: ['sig-lead'] } } } },
    repos: [{ repo: REPO, defaultBranch: 'master', files: { a: '1' }, milestones: ['v1.0', 'v1.1', 'v2.0'], labels: ['status/in-progress', 'status/in-review', 'status/approved-for-milestone'] }],
    issues: [{ repo: REPO, number: 1, author: 'author', title: 't', labels, ...(milestone ? { milestone } : {}) }],
  };
}

describe('milestone', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  let e: GenericCommentEvent;
  let redelivery = false;
  const cases: Array<{ name: string; body: string; user: string; had?: string; want: string | null; reply?: RegExp }> = [
    { name: 'a maintainer sets the milestone', body: '/milestone v1.0', user: 'sig-lead', want: 'v1.0' },
    { name: 'a maintainer changes the milestone', body: '/milestone v2.0', user: 'sig-lead', had: 'v1.0', want: 'v2.0' },
    { name: 'a maintainer clears the milestone', body: '/milestone clear', user: 'sig-lead', had: 'v1.0', want: null },
    { name: 'someone else is refused', body: '/milestone v1.0', user: 'random-person', want: null, reply: /You must be a member of the \[org\/kubernetes-milestone-maintainers\]\(https:\/\/github\.com\/orgs\/org\/teams\/kubernetes-milestone-maintainers\/members\) GitHub team to set the milestone\. .*contact your SIG Chair/ },
    { name: 'an unknown milestone lists the valid ones', body: '/milestone v9.9', user: 'sig-lead', want: null, reply: /The provided milestone is not valid for this repository\. Milestones in this repository: \[`v1\.0`, `v1\.1`, `v2\.0`\]\n\nUse `\/milestone clear` to clear the milestone\./ },
    { name: 'not a command', body: 'no /milestone v1.0 here', user: 'sig-lead', want: null },
  ];
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(worldSeed(c.had));
      e = genericOf(await commentDelivery(w.gh, c.user, c.body));
      redelivery = false;
      w.gh.clearCalls();
    },
    act: async () => {
      await handleMilestone(w.client, log, e, TEAM, redelivery);
      redelivery = true;
    },
    writes: () => writes(w.gh).filter((r) => !r.startsWith('PATCH')),
    check: (c) => {
      assert.equal(w.gh.milestone(REPO, 1), c.want);
      const replies = botComments(w.gh);
      if (c.reply) assert.match(replies[0] ?? '', c.reply);
      else assert.deepEqual(replies, []);
    },
  });
});

describe('milestonestatus', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  let e: GenericCommentEvent;
  let redelivery = false;
  const cases: Array<{ name: string; body: string; user: string; want: string[]; reply?: boolean; byId?: boolean }> = [
    { name: 'a maintainer adds a status', body: '/status in-progress', user: 'sig-lead', want: ['status/in-progress'] },
    { name: 'several statuses', body: '/status in-review\n/status approved-for-milestone', user: 'sig-lead', want: ['status/approved-for-milestone', 'status/in-review'] },
    { name: 'an unknown status is ignored', body: '/status done', user: 'sig-lead', want: [] },
    { name: 'someone else is refused', body: '/status in-progress', user: 'random-person', want: [], reply: true },
    { name: 'the team may be named by id', body: '/status in-progress', user: 'sig-lead', want: ['status/in-progress'], byId: true },
  ];
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(worldSeed());
      e = genericOf(await commentDelivery(w.gh, c.user, c.body));
      redelivery = false;
      w.gh.clearCalls();
    },
    act: async (c) => {
      let team = TEAM;
      if (c.byId) {
        const id = (await w.client.listTeams('org')).find((t) => t.slug === 'kubernetes-milestone-maintainers')!.id;
        team = { maintainers_id: id };
      }
      await handleMilestoneStatus(w.client, log, e, team, redelivery);
      redelivery = true;
    },
    writes: () => writes(w.gh),
    check: (c) => {
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), c.want);
      const replies = botComments(w.gh);
      assert.equal(replies.length, c.reply ? 1 : 0);
      if (c.reply) assert.match(replies[0]!, /^You must be a member of the \[org\/kubernetes-milestone-maintainers\].* to add status labels\./);
    },
  });
});

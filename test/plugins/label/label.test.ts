// label against the fake GitHub with the real client (upstream pkg/plugins/label/label_test.go, S23, S24).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handleLabelAssignOn, handleLabelComment } from '../../../src/plugins/label/label.js';
import type { PluginsConfig } from '../../../src/config/types.js';
import type { GenericCommentEvent } from '../../../src/github/event-types.js';
import { pluginCases } from '../../support/plugin-cases.js';
import {
  REPO, botComments, commentDelivery, genericOf, log, pluginConfig, pullRequestDelivery, seed, startWorld, typedOf, writes, type World,
} from '../shared/fixtures.js';

const RESTRICTED = `
label:
  additional_labels: [api-review, community/discussion]
  restricted_labels:
    "*":
      - label: restricted-label
        allowed_teams: [authorized-team]
    org:
      - label: only-bob
        allowed_users: [bob]
        assign_on:
          - label: needs-bob
`;

interface Case {
  name: string;
  body: string;
  user?: string;
  action?: string;
  isPR?: boolean;
  repoLabels: string[];
  had?: string[];
  want: string[];
  writes: number;
  reply?: string;
  config?: string;
}

const cases: Case[] = [
  { name: 'S23 adds a prefixed label, lower-cased', body: '/kind BuG', repoLabels: ['kind/bug'], want: ['kind/bug'], writes: 1 },
  {
    name: 'S23 a label the repo lacks gets the reply and no write', body: '/priority critical', repoLabels: ['area/infra'], want: [], writes: 1,
    reply: "The label(s) `priority/critical` cannot be applied, because the repository doesn't have them.",
  },
  {
    name: 'S23 removes and adds in one comment', body: '/remove-area infra\n/area test', repoLabels: ['area/infra', 'area/test'],
    had: ['area/infra'], want: ['area/test'], writes: 2,
  },
  { name: 'S23 edited comments do nothing', body: '/kind bug', action: 'edited', repoLabels: ['kind/bug'], want: [], writes: 0 },
  { name: 'several arguments give several labels', body: '/area api infra', repoLabels: ['area/api', 'area/infra'], want: ['area/api', 'area/infra'], writes: 2 },
  { name: 'works on issues too', body: '/sig testing', isPR: false, repoLabels: ['sig/testing'], want: ['sig/testing'], writes: 1 },
  { name: 'a label already present is not added again', body: '/kind bug', repoLabels: ['kind/bug'], had: ['kind/bug'], want: ['kind/bug'], writes: 0 },
  { name: 'commands inside HTML comments are ignored', body: '<!--\n/kind bug\n-->', repoLabels: ['kind/bug'], want: [], writes: 0 },
  { name: 'a quoted command is ignored', body: '> /kind bug', repoLabels: ['kind/bug'], want: [], writes: 0 },
  { name: 'an empty /area does nothing', body: '/area', repoLabels: ['area/x'], want: [], writes: 0 },
  {
    name: 'removing the last kind adds needs-kind', body: '/remove-kind bug', repoLabels: ['kind/bug', 'needs-kind'], had: ['kind/bug'],
    want: ['needs-kind'], writes: 2,
  },
  {
    name: 'removing one of two kinds does not add needs-kind', body: '/remove-kind bug', repoLabels: ['kind/bug', 'kind/api', 'needs-kind'],
    had: ['kind/bug', 'kind/api'], want: ['kind/api'], writes: 1,
  },
  {
    name: 'removing a label that is not there gets the reply', body: '/remove-kind bug', repoLabels: ['kind/bug'], want: [], writes: 1,
    reply: 'Those labels are not set on the issue: `kind/bug`',
  },
  {
    name: 'S24 a non-member cannot add triage/accepted', body: '/triage accepted', user: 'rando', repoLabels: ['triage/accepted'], want: [], writes: 1,
    reply: 'The label `triage/accepted` cannot be applied. Only GitHub organization members can add the label.',
  },
  { name: 'a member can add triage/accepted', body: '/triage accepted', user: 'trusted-member', repoLabels: ['triage/accepted'], want: ['triage/accepted'], writes: 1 },
  { name: '/label adds a configured label', body: '/label api-review', repoLabels: ['api-review'], want: ['api-review'], writes: 1, config: RESTRICTED },
  { name: '/remove-label removes it', body: '/remove-label api-review', repoLabels: ['api-review'], had: ['api-review'], want: [], writes: 1, config: RESTRICTED },
  {
    name: '/label with an unconfigured label gets the supported list', body: '/label foo', repoLabels: ['foo'], want: [], writes: 1, config: RESTRICTED,
    reply: 'The label(s) `/label foo` cannot be applied. These labels are supported: `api-review, community/discussion, only-bob, restricted-label`. Is this label configured under `labels -> additional_labels` or `labels -> restricted_labels` in `plugin.yaml`?',
  },
  { name: '/label with two arguments does nothing', body: '/label api-review other', repoLabels: ['api-review'], want: [], writes: 0, config: RESTRICTED },
  {
    name: 'S24 a restricted label refuses outsiders', body: '/label restricted-label', user: 'outsider', repoLabels: ['restricted-label'], want: [], writes: 1, config: RESTRICTED,
    reply: 'The label(s) `restricted-label` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user. Must be a member of one of these teams: authorized-team',
  },
  { name: 'a restricted label accepts its team', body: '/label restricted-label', user: 'alice', repoLabels: ['restricted-label'], want: ['restricted-label'], writes: 1, config: RESTRICTED },
  { name: 'a restricted label accepts its users', body: '/label only-bob', user: 'BOB', repoLabels: ['only-bob'], want: ['only-bob'], writes: 1, config: RESTRICTED },
  {
    name: 'a restricted label cannot be removed by others', body: '/remove-label only-bob', user: 'rando', repoLabels: ['only-bob'], had: ['only-bob'],
    want: ['only-bob'], writes: 1, config: RESTRICTED,
    reply: 'The label(s) `only-bob` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user. Consider assigning one of the following members: bob',
  },
];

describe('label: comments', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  let pc: PluginsConfig;
  let e: GenericCommentEvent;
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset({
        ...seed({ isPR: c.isPR ?? true, labels: c.had ?? [], repoLabels: c.repoLabels }),
        orgs: { org: { members: ['trusted-member', 'alice', 'bob'], teams: { 'authorized-team': { members: ['alice'] } } } },
      });
      pc = pluginConfig(c.config);
      e = genericOf(await commentDelivery(w.gh, c.user ?? 'rando', c.body, { action: c.action }));
      w.gh.clearCalls();
    },
    act: () => handleLabelComment(w.client, log, pc, e), // twice: no new writes, no second reply
    writes: () => writes(w.gh),
    check: (c, first) => {
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), [...c.want].sort());
      assert.equal(first.length, c.writes, first.join('\n'));
      const replies = botComments(w.gh);
      if (c.reply === undefined) assert.deepEqual(replies, []);
      else {
        assert.equal(replies.length, 1);
        assert.ok(replies[0]!.startsWith(`@${c.user ?? 'rando'}: ${c.reply}\n\n<details>`), replies[0]);
        assert.ok(replies[0]!.includes(`In response to [this](${e.htmlURL}):\n\n>${c.body.split('\n')[0]}`), replies[0]);
      }
    },
  });

  it('a user asking again to remove a label the bot already removed gets no reply', async () => {
    await w.gh.reset(seed({ isPR: true, labels: ['kind/bug'], repoLabels: ['kind/bug'] }));
    const first = genericOf(await commentDelivery(w.gh, 'rando', '/remove-kind bug'));
    await handleLabelComment(w.client, log, pluginConfig(), first);
    const again = genericOf(await commentDelivery(w.gh, 'rando', '/remove-kind bug'));
    await handleLabelComment(w.client, log, pluginConfig(), again);
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.deepEqual(botComments(w.gh), []);
  });

  it('reads repo labels and issue labels once, then writes', async () => {
    await w.gh.reset(seed({ isPR: true, repoLabels: ['kind/bug'] }));
    const e = genericOf(await commentDelivery(w.gh, 'rando', '/kind bug'));
    w.gh.clearCalls();
    await handleLabelComment(w.client, log, pluginConfig(), e);
    assert.deepEqual(w.gh.calls().map((c) => c.route).sort(), [
      'GET /repos/{owner}/{repo}/issues/{issue_number}/labels',
      'GET /repos/{owner}/{repo}/labels',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    ]);
  });
});

describe('label: assign_on', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  it('assigns the allowed users when the assign_on label is added', async () => {
    await w.gh.reset(seed({ isPR: true, labels: ['needs-bob'], repoLabels: ['needs-bob', 'only-bob'] }));
    const e = typedOf(await pullRequestDelivery(w.gh, 'labeled', { label: 'Needs-Bob', sender: 'rando' }), 'pullRequest');
    w.gh.clearCalls();
    await handleLabelAssignOn(w.client, log, pluginConfig(RESTRICTED), e);
    assert.deepEqual(w.gh.assignees(REPO, 1), ['bob']);
    assert.equal(writes(w.gh).length, 1);
  });

  it('ignores other labels and other actions', async () => {
    await w.gh.reset(seed({ isPR: true, labels: ['x'], repoLabels: ['x', 'needs-bob'] }));
    w.gh.clearCalls();
    await handleLabelAssignOn(w.client, log, pluginConfig(RESTRICTED), typedOf(await pullRequestDelivery(w.gh, 'labeled', { label: 'x' }), 'pullRequest'));
    await handleLabelAssignOn(w.client, log, pluginConfig(RESTRICTED), typedOf(await pullRequestDelivery(w.gh, 'unlabeled', { label: 'needs-bob' }), 'pullRequest'));
    assert.deepEqual(w.gh.assignees(REPO, 1), []);
    assert.equal(writes(w.gh).length, 0);
  });
});

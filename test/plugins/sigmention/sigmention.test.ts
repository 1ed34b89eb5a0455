// sigmention (upstream pkg/plugins/sigmention/sigmention_test.go TestSigMention) against the fake GitHub.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { handleSigMention } from '../../../src/plugins/sigmention/sigmention.js';
import { DEFAULT_SIGMENTION_REGEXP } from '../../../src/config/plugins.js';
import type { GenericCommentEvent } from '../../../src/github/event-types.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { BOT, REPO, botComments, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const member = 'trusted-member';
const outsider = 'outsider';
const cases: Array<{ name: string; body: string; commenter: string; newLabels: string[]; repoLabels: string[]; issueLabels: string[]; repeats: string[]; regexp?: string }> = [
  { name: "Don't repeat when org member mentions sig", body: '@kubernetes/sig-node-misc', commenter: member, newLabels: ['sig/node'], repoLabels: ['area/infra', 'priority/urgent', 'sig/node'], issueLabels: [], repeats: [] },
  { name: "Don't repeat or label when bot adds mentions sig", body: '@kubernetes/sig-node-misc', commenter: BOT, newLabels: [], repoLabels: ['area/infra', 'priority/urgent', 'sig/node'], issueLabels: [], repeats: [] },
  { name: 'Repeat when non org adds one sig label (sig label already present)', body: '@kubernetes/sig-node-bugs', commenter: outsider, newLabels: ['kind/bug'], repoLabels: ['area/infra', 'priority/urgent', 'sig/node', 'kind/bug'], issueLabels: ['sig/node'], repeats: ['@kubernetes/sig-node-bugs'] },
  { name: "Don't repeat non existent labels", body: '@kubernetes/sig-node-misc @kubernetes/sig-api-machinery-bugs', commenter: outsider, newLabels: [], repoLabels: [], issueLabels: [], repeats: [] },
  { name: "Don't repeat multiple if org member (all labels present).", body: '@kubernetes/sig-node-misc @kubernetes/sig-api-machinery-bugs', commenter: member, newLabels: [], repoLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'], issueLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'], repeats: [] },
  { name: 'Repeat multiple valid labels from non org member', body: '@kubernetes/sig-node-misc @kubernetes/sig-api-machinery-bugs', commenter: outsider, newLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'], repoLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'], issueLabels: [], repeats: ['@kubernetes/sig-node-misc', '@kubernetes/sig-api-machinery-bugs'] },
  { name: 'Repeat multiple valid labels with a line break from non org member.', body: '@kubernetes/sig-node-misc\n@kubernetes/sig-api-machinery-bugs', commenter: outsider, newLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'], repoLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'], issueLabels: [], repeats: ['@kubernetes/sig-node-misc', '@kubernetes/sig-api-machinery-bugs'] },
  { name: 'Repeat Multiple Sig Labels Different Lines With Other Text', body: 'Code Comment.  Design Review\n@kubernetes/sig-node-proposals\ncc @kubernetes/sig-api-machinery-bugs', commenter: outsider, newLabels: ['sig/node', 'sig/api-machinery', 'kind/bug', 'kind/design'], repoLabels: ['area/infra', 'priority/urgent', 'sig/node', 'sig/api-machinery', 'kind/bug', 'kind/design'], issueLabels: [], repeats: ['@kubernetes/sig-node-proposals', '@kubernetes/sig-api-machinery-bugs'] },
  { name: 'Repeat when multiple label adding commands (sig labels present)', body: '/area infra\n/priority urgent Design Review\n@kubernetes/sig-node-misc\ncc @kubernetes/sig-api-machinery-bugs', commenter: outsider, newLabels: ['sig/node', 'kind/bug'], repoLabels: ['area/infra', 'priority/urgent', 'sig/node', 'sig/api-machinery', 'sig/testing', 'kind/bug'], issueLabels: ['sig/api-machinery', 'sig/testing'], repeats: ['@kubernetes/sig-node-misc', '@kubernetes/sig-api-machinery-bugs'] },
  { name: 'Works for non-specialized teams', body: '@openshift/sig-node', commenter: member, newLabels: ['sig/node'], repoLabels: ['area/infra', 'priority/urgent', 'sig/node'], issueLabels: [], repeats: [], regexp: '(?m)@openshift/sig-([\\w-]*)' },
];

describe('sigmention', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  let e: GenericCommentEvent;
  let redelivery = false;
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(seed({ labels: c.issueLabels, repoLabels: c.repoLabels, users: [BOT] }));
      e = genericOf(await commentDelivery(w.gh, c.commenter, c.body));
      redelivery = false;
      w.gh.clearCalls();
    },
    act: async (c) => {
      await handleSigMention(w.client, log, e, c.regexp ?? DEFAULT_SIGMENTION_REGEXP, redelivery);
      redelivery = true;
    },
    writes: () => writes(w.gh),
    check: (c) => {
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), [...c.issueLabels, ...c.newLabels].sort());
      const comments = botComments(w.gh);
      if (c.repeats.length === 0) assert.deepEqual(comments, []);
      else {
        assert.equal(comments.length, 1);
        assert.match(comments[0]!, /Reiterating the mentions to trigger a notification: /);
        for (const r of c.repeats) assert.ok(comments[0]!.includes(r), r);
      }
    },
  });
});

// reward-owners (upstream pkg/plugins/reward-owners/reward-owners_test.go TestHandle): a merged PR's OWNERS
// and OWNERS_ALIASES at its base and head SHAs, read by the real OWNERS client from the fake's git repo.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { rewardMessage, rewardOwnersPlugin } from '../../../src/plugins/reward-owners/reward-owners.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { REPO, botComments, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const BASE = { OWNERS: 'approvers: [team]\nreviewers: [collab1]\n', OWNERS_ALIASES: 'aliases:\n  team:\n  - alice\n', 'src/OWNERS': 'approvers: [bob]\n' };

interface Case {
  name: string;
  files: Record<string, string | null>;
  merged?: boolean;
  /** the new owners thanked; undefined: no comment */
  thanked?: string;
}

const cases: Case[] = [
  { name: 'no OWNERS file', files: { 'main.go': 'package main\n' } },
  { name: 'add a user to OWNERS', files: { 'src/OWNERS': 'approvers: [bob, collab2]\n' }, thanked: '@collab2' },
  { name: 'add a user to OWNERS_ALIASES', files: { OWNERS_ALIASES: 'aliases:\n  team:\n  - alice\n  - collab2\n' }, thanked: '@collab2' },
  { name: 'add two users: both thanked, sorted', files: { 'src/OWNERS': 'approvers: [bob, trusted-member]\nreviewers: [collab2]\n' }, thanked: '@collab2, @trusted-member' },
  { name: 'remove a user from OWNERS', files: { 'src/OWNERS': 'approvers: [alice]\n' } },
  { name: 'remove a user from OWNERS_ALIASES', files: { OWNERS_ALIASES: 'aliases:\n  team: []\n' } },
  { name: 'move a user from OWNERS_ALIASES to OWNERS', files: { OWNERS_ALIASES: 'aliases:\n  team:\n  - bob\n', 'src/OWNERS': 'approvers: [alice]\n' } },
  { name: 'closed without merging', files: { 'src/OWNERS': 'approvers: [bob, collab2]\n' }, merged: false },
];

describe('reward-owners', () => {
  let w: World;
  let d: Delivery;
  let pass = 0;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  pluginCases(cases, {
    async arrange(c) {
      const s = seed({ isPR: true, repoFiles: BASE, files: c.files });
      s.repos![0]!.collaborators = ['collab1', 'collab2', 'alice', 'bob', 'trusted-member'];
      await w.gh.reset(s);
      d = await pullRequestDelivery(w.gh, 'closed', { id: `ro-${c.name}` });
      d.payload.pull_request.merged = c.merged ?? true;
      d.payload.pull_request.base.sha = await w.gh.branchSha(REPO, 'master');
      pass = 0;
      w.gh.clearCalls();
    },
    async act() {
      await deliverTo(rewardOwnersPlugin, d, pluginContextFor(w, { plugin: 'reward-owners', redelivery: pass++ > 0 }));
    },
    writes: () => writes(w.gh),
    check(c) {
      assert.deepEqual(botComments(w.gh), c.thanked === undefined ? [] : [rewardMessage(c.thanked)]);
    },
  });
});

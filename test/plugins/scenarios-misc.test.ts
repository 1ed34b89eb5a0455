// The acceptance scenarios for the misc plugins (upstream pkg/plugins/ tests: S22 hold_test.go, S23 and
// S24 label_test.go, S29 assign_test.go, S30 size_test.go and wip-label_test.go), run through the
// registered plugin objects: each delivery is demultiplexed as hook does and handed to every handler the
// plugin registers, twice (a redelivery must write nothing new).
// Fixture: org/repo, bot k8s-ci-robot, PR or issue #5 by `author`, member trusted-member,
// collaborators collab1 and collab2.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demuxEvent } from '../../src/github/events.js';
import { builtinPlugins } from '../../src/plugins/registry.js';
import type { Plugin } from '../../src/plugins/types.js';
import type { PluginEvent } from '../../src/github/event-types.js';
import {
  REPO, botComments, commentDelivery, contextFor, pluginConfig, pullRequestDelivery, seed, startWorld, writes, type Delivery, type World,
} from './shared/fixtures.js';

const N = 5;

function plugin(name: string): Plugin {
  const p = builtinPlugins.find((x) => x.name === name);
  if (p === undefined) throw new Error(`plugin ${name} is not registered`);
  return p;
}

async function deliver(w: World, name: string, d: Delivery, pcYaml?: string): Promise<void> {
  const p = plugin(name);
  const { typed, generic } = demuxEvent(d.type, d.id, d.payload);
  // The second pass is a redelivery, marked as the dispatcher marks a delivery claimed before.
  for (const redelivery of [false, true]) {
    const ctx = contextFor(w, d.id, pluginConfig(pcYaml), redelivery);
    const run = async (e: PluginEvent | undefined): Promise<void> => {
      if (e === undefined) return;
      const h = p.handlers[e.kind] as ((ev: PluginEvent, c: typeof ctx) => Promise<void>) | undefined;
      if (h !== undefined) await h(e, ctx);
    };
    await run(typed);
    await run(generic);
  }
}

const added = (w: World): string[] => w.gh.calls({ method: 'POST', route: '/repos/{owner}/{repo}/issues/{issue_number}/labels' }).map((c) => (c.body as { labels: string[] }).labels.join(','));
const removed = (w: World): string[] => w.gh.calls({ method: 'DELETE', route: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}' }).map((c) => decodeURIComponent(c.path.split('/').pop()!));

let w: World;
before(async () => {
  w = await startWorld();
});
after(() => w.close());

describe('S22 hold', () => {
  const cases = [
    { isPR: true, labels: [], body: '/hold', add: ['do-not-merge/hold'], remove: [], calls: 1 },
    { isPR: true, labels: [], body: '> /hold', add: [], remove: [], calls: 0 },
    { isPR: true, labels: ['do-not-merge/hold'], body: '/hold   cancel  reason', add: [], remove: ['do-not-merge/hold'], calls: 1 },
    { isPR: true, labels: ['do-not-merge/hold'], body: '/remove-hold', add: [], remove: ['do-not-merge/hold'], calls: 1 },
    { isPR: false, labels: [], body: '/hold', add: [], remove: [], calls: 0 },
  ];
  for (const c of cases) {
    it(`${c.isPR ? 'PR' : 'issue'} ${JSON.stringify(c.labels)} ${JSON.stringify(c.body)}`, async () => {
      await w.gh.reset(seed({ number: N, isPR: c.isPR, labels: c.labels, repoLabels: ['do-not-merge/hold'] }));
      const d = await commentDelivery(w.gh, 'rando', c.body, { number: N });
      w.gh.clearCalls();
      await deliver(w, 'hold', d);
      assert.deepEqual(added(w), c.add);
      assert.deepEqual(removed(w), c.remove);
      assert.equal(writes(w.gh).length, c.calls);
    });
  }
});

describe('S23 label basics', () => {
  it('/kind BuG adds kind/bug', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, repoLabels: ['kind/bug'] }));
    await deliver(w, 'label', await commentDelivery(w.gh, 'rando', '/kind BuG', { number: N }));
    assert.deepEqual(w.gh.labels(REPO, N), ['kind/bug']);
  });
  it('/priority critical on a repo without it: the reply and no label', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, repoLabels: ['area/infra'] }));
    w.gh.clearCalls();
    await deliver(w, 'label', await commentDelivery(w.gh, 'rando', '/priority critical', { number: N }));
    assert.deepEqual(added(w), []);
    const bot = botComments(w.gh, N);
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /The label\(s\) `priority\/critical` cannot be applied, because the repository doesn't have them\./);
  });
  it('/remove-area infra + /area test', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, labels: ['area/infra'], repoLabels: ['area/infra', 'area/test'] }));
    w.gh.clearCalls();
    await deliver(w, 'label', await commentDelivery(w.gh, 'rando', '/remove-area infra\n/area test', { number: N }));
    assert.deepEqual(added(w), ['area/test']);
    assert.deepEqual(removed(w), ['area/infra']);
  });
  it('an edited comment makes no calls', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, repoLabels: ['kind/bug'] }));
    const d = await commentDelivery(w.gh, 'rando', '/kind bug', { number: N, action: 'edited' });
    w.gh.clearCalls();
    await deliver(w, 'label', d);
    assert.equal(w.gh.calls().length, 0);
  });
});

describe('S24 label authorisation', () => {
  it('a non-member cannot add triage/accepted', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, repoLabels: ['triage/accepted'] }));
    w.gh.clearCalls();
    await deliver(w, 'label', await commentDelivery(w.gh, 'non-member', '/triage accepted', { number: N }));
    assert.deepEqual(added(w), []);
    const bot = botComments(w.gh, N);
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /^@non-member: The label `triage\/accepted` cannot be applied\. Only GitHub organization members can add the label\./);
  });
  it('an outsider cannot add a restricted label', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, repoLabels: ['restricted-label'] }));
    w.gh.clearCalls();
    const yaml = 'label:\n  restricted_labels:\n    "*":\n      - label: restricted-label\n        allowed_teams: [authorized-team]\n';
    await deliver(w, 'label', await commentDelivery(w.gh, 'outsider', '/label restricted-label', { number: N }), yaml);
    assert.deepEqual(added(w), []);
    const bot = botComments(w.gh, N);
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /cannot be applied or removed, because you are not in one of the allowed teams/);
  });
});

describe('S29 assign / cc', () => {
  const orgs = { org: { members: ['trusted-member', 'fejta', 'spxtr'], teams: { 'sig-foo': { members: ['alice'] } } } };
  it('/assign by rando assigns rando', async () => {
    await w.gh.reset({ ...seed({ number: N, isPR: true }), orgs });
    await deliver(w, 'assign', await commentDelivery(w.gh, 'rando', '/assign', { number: N, post: true }));
    assert.deepEqual(w.gh.assignees(REPO, N), ['rando']);
  });
  it('/assign @fejta + /unassign @spxtr', async () => {
    await w.gh.reset({ ...seed({ number: N, isPR: true, assignees: ['spxtr'] }), orgs });
    w.gh.clearCalls();
    await deliver(w, 'assign', await commentDelivery(w.gh, 'rando', '/assign @fejta\n/unassign @spxtr', { number: N }));
    assert.deepEqual(w.gh.assignees(REPO, N), ['fejta']);
    assert.deepEqual(writes(w.gh), ['DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees', 'POST /repos/{owner}/{repo}/issues/{issue_number}/assignees']);
  });
  it('/assign @Invalid$User makes no calls', async () => {
    await w.gh.reset({ ...seed({ number: N, isPR: true }), orgs });
    const d = await commentDelivery(w.gh, 'rando', '/assign @Invalid$User', { number: N });
    w.gh.clearCalls();
    await deliver(w, 'assign', d);
    assert.equal(w.gh.calls().length, 0);
  });
  it('/cc @org/sig-foo requests the team', async () => {
    await w.gh.reset({ ...seed({ number: N, isPR: true }), orgs });
    w.gh.clearCalls();
    await deliver(w, 'assign', await commentDelivery(w.gh, 'rando', '/cc @org/sig-foo', { number: N }));
    const req = w.gh.calls({ method: 'POST', route: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers' });
    assert.equal(req.length, 1);
    assert.deepEqual((req[0]!.body as { team_reviewers: string[] }).team_reviewers, ['sig-foo']);
  });
  it('/cc on an issue makes no calls', async () => {
    await w.gh.reset({ ...seed({ number: N, isPR: false }), orgs });
    const d = await commentDelivery(w.gh, 'rando', '/cc @someone', { number: N });
    w.gh.clearCalls();
    await deliver(w, 'assign', d);
    assert.equal(w.gh.calls().length, 0);
  });
  it('GitHub refusing user12 gets the reply', async () => {
    await w.gh.reset({ ...seed({ number: N, isPR: true, users: ['user12'] }), orgs });
    await deliver(w, 'assign', await commentDelivery(w.gh, 'rando', '/assign @user12', { number: N }));
    const bot = botComments(w.gh, N);
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /GitHub didn't allow me to assign the following users: user12\.\n\nNote that only \[org members\]/);
  });
});

describe('S30 PR-opened labellers and the lifecycle guard', () => {
  const lines = (n: number, c: string): string => Array.from({ length: n }, (_, i) => `${c}${i}\n`).join('');
  it('size: +10/-10 and +3/-4 swaps size/XL for size/S', async () => {
    await w.gh.reset(seed({
      number: N, isPR: true, labels: ['size/XL'], repoLabels: ['size/XL', 'size/S'],
      repoFiles: { foobar: lines(10, 'a'), barfoo: lines(4, 'a') }, files: { foobar: lines(10, 'b'), barfoo: lines(3, 'b') },
    }));
    w.gh.clearCalls();
    await deliver(w, 'size', await pullRequestDelivery(w.gh, 'opened', { number: N }));
    assert.deepEqual(removed(w), ['size/XL']);
    assert.deepEqual(added(w), ['size/S']);
  });
  it('wip: "[WIP] thing" on open adds the label', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, title: '[WIP] thing', repoLabels: ['do-not-merge/work-in-progress'] }));
    w.gh.clearCalls();
    await deliver(w, 'wip', await pullRequestDelivery(w.gh, 'opened', { number: N }));
    assert.deepEqual(added(w), ['do-not-merge/work-in-progress']);
  });
  it('wip: an edited title without WIP removes it', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, title: 'thing', labels: ['do-not-merge/work-in-progress'] }));
    w.gh.clearCalls();
    await deliver(w, 'wip', await pullRequestDelivery(w.gh, 'edited', { number: N }));
    assert.deepEqual(removed(w), ['do-not-merge/work-in-progress']);
  });
  it('lifecycle: rando cannot /close an active issue', async () => {
    await w.gh.reset(seed({ number: N, isPR: false }));
    await deliver(w, 'lifecycle', await commentDelivery(w.gh, 'rando', '/close', { number: N }));
    assert.equal(w.gh.issue(REPO, N)!.state, 'open');
    const bot = botComments(w.gh, N);
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /^@rando: You can't close an active issue\/PR unless you authored it or you are a collaborator\./);
  });
  it('lifecycle: rando can /close a stale issue', async () => {
    await w.gh.reset(seed({ number: N, isPR: false, labels: ['lifecycle/stale'] }));
    await deliver(w, 'lifecycle', await commentDelivery(w.gh, 'rando', '/close', { number: N }));
    assert.equal(w.gh.issue(REPO, N)!.state, 'closed');
    const bot = botComments(w.gh, N);
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /^@rando: Closing this issue\./);
  });
});

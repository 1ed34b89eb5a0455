// cherry-pick-approved (upstream pkg/plugins/cherrypickapproved/cherrypickapproved_test.go's cases) through
// the real hook: a signed pull_request_review webhook, the plugin enabled in plugins.yaml.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CP_APPROVED, CP_UNAPPROVED } from '../../../src/plugins/cherry-pick-unapproved/cherry-pick-unapproved.js';
import { pluginsConfigFrom } from '../../support/config.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { restJson, type Delivery } from '../support/fixtures.js';
import { startHookRig, type HookRig } from '../support/through-hook.js';
import { REPO, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const ENTRY = (o: { approvers?: string; extra?: string; org?: string; repo?: string } = {}) =>
  `cherry_pick_approved:\n- org: ${o.org ?? 'org'}\n  repo: ${o.repo ?? 'repo'}\n  branchregexp: ^release-*\n  approvers: [${o.approvers ?? 'alice'}]\n${o.extra ?? ''}`;

interface Case {
  name: string;
  yaml?: string;
  labels?: string[];
  base?: string;
  reviewer?: string;
  state?: string;
  action?: string;
  failedStatus?: boolean;
  want: string[];
}

const cases: Case[] = [
  { name: 'an approver approves: the label is added and not-approved removed', labels: ['lgtm', 'approved', CP_UNAPPROVED], want: ['approved', CP_APPROVED, 'lgtm'] },
  {
    name: 'allowed missing lgtm and approved labels', yaml: ENTRY({ extra: '  allow_missing_approved_label: true\n  allow_missing_lgtm_label: true\n' }),
    labels: [CP_UNAPPROVED], want: [CP_APPROVED],
  },
  { name: 'a reviewer who is not an approver changes nothing', reviewer: 'bob', labels: ['lgtm', 'approved', CP_UNAPPROVED], want: ['approved', CP_UNAPPROVED, 'lgtm'] },
  { name: 'failed tests: nothing', failedStatus: true, labels: ['lgtm', 'approved', CP_UNAPPROVED], want: ['approved', CP_UNAPPROVED, 'lgtm'] },
  { name: 'a comment review: nothing', state: 'commented', labels: ['lgtm', 'approved'], want: ['approved', 'lgtm'] },
  { name: 'an edited review: nothing', action: 'edited', labels: ['lgtm', 'approved'], want: ['approved', 'lgtm'] },
  { name: 'a branch that does not match: nothing', base: 'master', labels: ['lgtm', 'approved'], want: ['approved', 'lgtm'] },
  { name: 'no approvers configured: nothing', yaml: ENTRY({ approvers: '' }), labels: ['lgtm', 'approved'], want: ['approved', 'lgtm'] },
  { name: 'another repo configured: nothing', yaml: ENTRY({ repo: 'other' }), labels: ['lgtm', 'approved'], want: ['approved', 'lgtm'] },
  { name: 'another org configured: nothing', yaml: ENTRY({ org: 'other' }), labels: ['lgtm', 'approved'], want: ['approved', 'lgtm'] },
  { name: 'without lgtm: nothing', labels: ['approved'], want: ['approved'] },
  { name: 'held: nothing', labels: ['lgtm', 'approved', 'do-not-merge/hold'], want: ['approved', 'do-not-merge/hold', 'lgtm'] },
  { name: 'already approved: only the not-approved label goes', labels: ['lgtm', 'approved', CP_APPROVED, CP_UNAPPROVED], want: ['approved', CP_APPROVED, 'lgtm'] },
];

async function reviewDelivery(w: World, user: string, state: string, action: string): Promise<Delivery> {
  const pr = await restJson(w.gh, `/repos/${REPO}/pulls/1`);
  const review = {
    id: 88, node_id: 'PRR_88', body: '', state, user: { login: user, type: 'User' }, commit_id: pr.head.sha,
    html_url: `${pr.html_url as string}#pullrequestreview-88`, submitted_at: '2026-11-27T12:00:00Z',
  };
  return { type: 'pull_request_review', id: `review-${user}-${state}`, payload: { action, review, pull_request: pr, repository: pr.base.repo, sender: { login: user, type: 'User' } } };
}

describe('cherry-pick-approved', () => {
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

  let d: Delivery;
  pluginCases(cases, {
    arrange: async (c) => {
      const s = seed({ isPR: true, labels: c.labels ?? [], base: c.base ?? 'release-1.29', repoLabels: ['lgtm', 'approved', 'do-not-merge/hold', CP_APPROVED, CP_UNAPPROVED] });
      s.repos![0]!.branches = { 'release-1.29': {} };
      await w.gh.reset(s);
      rig.configure(['cherry-pick-approved'], c.yaml ?? ENTRY());
      d = await reviewDelivery(w, c.reviewer ?? 'alice', c.state ?? 'approved', c.action ?? 'submitted');
      if (c.failedStatus === true) await w.client.createStatus('org', 'repo', d.payload.pull_request.head.sha as string, { state: 'failure', context: 'unit' });
      w.gh.clearCalls();
    },
    act: () => rig.send(d),
    writes: () => writes(w.gh),
    check: (c) => {
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), c.want);
    },
  });

  it('a branchregexp that does not compile is a config error naming the field', () => {
    assert.throws(() => pluginsConfigFrom('cherry_pick_approved:\n- org: o\n  repo: r\n  branchregexp: "("\n'), /cherry_pick_approved\[0\]\.branchregexp/);
  });

  it('the branch regexp defaults to upstream\'s ^release-.*$', () => {
    const pc = pluginsConfigFrom('cherry_pick_approved:\n- org: o\n  repo: r\n') as unknown as { cherry_pick_approved: { branchregexp: string }[] };
    assert.equal(pc.cherry_pick_approved[0]!.branchregexp, '^release-.*$');
  });
});

// cla (upstream pkg/plugins/cla/cla_test.go TestCLALabels and TestCheckCLA), through the registered
// plugin: status and comment deliveries are demultiplexed as hook does and handled twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLA_NO, CLA_YES, claPlugin, handleClaStatus } from '../../../src/plugins/cla/cla.js';
import type { StatusState } from '../../../src/github/types.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo, restJson, typedOf, writes, type Delivery } from '../support/fixtures.js';
import { REPO, commentDelivery, log, seed, startWorld, type World } from '../shared/fixtures.js';

const N = 3;
const added = (w: World): string[] => w.gh.calls({ method: 'POST', route: '/repos/{owner}/{repo}/issues/{issue_number}/labels' }).map((c) => (c.body as { labels: string[] }).labels.join(','));
const removed = (w: World): string[] => w.gh.calls({ method: 'DELETE', route: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}' }).map((c) => decodeURIComponent(c.path.split('/').pop()!));

async function statusDelivery(w: World, sha: string, context: string, state: string): Promise<Delivery> {
  return { type: 'status', id: `status-${sha}-${context}-${state}`, payload: { sha, context, state, description: '', target_url: '', repository: await restJson(w.gh, `/repos/${REPO}`), sender: { login: 'easycla', type: 'Bot' }, branches: [] } };
}

async function twice(w: World, d: Delivery): Promise<void> {
  for (const redelivery of [false, true]) await deliverTo(claPlugin, d, pluginContextFor(w, { plugin: 'cla', redelivery, withOwners: false }));
}

let w: World;
before(async () => {
  w = await startWorld();
});
after(() => w.close());

describe('cla status events', () => {
  const cases: Array<{ name: string; context: string; state: string; labels?: string[]; headIsSha?: boolean; add: string[]; remove: string[] }> = [
    { name: 'unrecognized status context has no effect', context: 'unknown', state: 'success', add: [], remove: [] },
    { name: 'EasyCLA status pending has no effect', context: 'EasyCLA', state: 'pending', add: [], remove: [] },
    { name: 'success does not add/remove labels when the PR already has cncf-cla: yes', context: 'EasyCLA', state: 'success', labels: [CLA_YES], add: [], remove: [] },
    { name: 'failure does not add/remove labels when the PR already has cncf-cla: no', context: 'EasyCLA', state: 'failure', labels: [CLA_NO], add: [], remove: [] },
    { name: 'success on the head commit adds cncf-cla: yes', context: 'EasyCLA', state: 'success', add: [CLA_YES], remove: [] },
    { name: 'pending on the head commit does nothing', context: 'EasyCLA', state: 'pending', add: [], remove: [] },
    { name: 'success removes cncf-cla: no', context: 'EasyCLA', state: 'success', labels: [CLA_NO], add: [CLA_YES], remove: [CLA_NO] },
    { name: 'failure removes cncf-cla: yes', context: 'EasyCLA', state: 'failure', labels: [CLA_YES], add: [CLA_NO], remove: [CLA_YES] },
    { name: 'error counts as failure', context: 'EasyCLA', state: 'error', add: [CLA_NO], remove: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({ number: N, isPR: true, labels: c.labels ?? [], repoLabels: [CLA_YES, CLA_NO], extraPulls: [{ repo: REPO, number: 4, author: 'x', title: 'other', labels: [] }] }));
      const sha = await w.gh.headSha(REPO, N);
      const d = await statusDelivery(w, sha, c.context, c.state);
      w.gh.clearCalls();
      await twice(w, d);
      assert.deepEqual(added(w), c.add);
      assert.deepEqual(removed(w), c.remove);
      assert.deepEqual(w.gh.labels(REPO, 4), [], 'a PR without the commit is untouched');
    });
  }

  it('a status for an older commit of the PR changes nothing (the search finds no open PR with it as head)', async () => {
    await w.gh.reset(seed({ number: N, isPR: true, repoLabels: [CLA_YES, CLA_NO] }));
    const old = await w.gh.headSha(REPO, N);
    await w.gh.pushToPull(REPO, N, { 'new.txt': 'x' });
    const d = await statusDelivery(w, old, 'EasyCLA', 'success');
    w.gh.clearCalls();
    let slept = 0;
    await handleClaStatus(w.client, log, typedOf(d, 'status'), { sleep: async () => { slept++; } });
    assert.equal(slept, 4, 'searched five times, waiting between');
    assert.deepEqual(writes(w.gh), []);
  });
});

describe('/check-cla', () => {
  const cases: Array<{ name: string; context: string; state: StatusState; issueState?: 'open' | 'closed'; body?: string; labels?: string[]; add: string[]; remove: string[] }> = [
    { name: 'ignore non EasyCLA context', context: 'random/context', state: 'success', add: [], remove: [] },
    { name: 'ignore non open PRs', context: 'EasyCLA', state: 'success', issueState: 'closed', add: [], remove: [] },
    { name: 'ignore non /check-cla comments', context: 'EasyCLA', state: 'success', body: '/shrug', add: [], remove: [] },
    { name: 'do nothing when the status is pending', context: 'EasyCLA', state: 'pending', add: [], remove: [] },
    { name: 'success adds cncf-cla: yes', context: 'EasyCLA', state: 'success', add: [CLA_YES], remove: [] },
    { name: 'success adds cncf-cla: yes and removes cncf-cla: no', context: 'EasyCLA', state: 'success', labels: [CLA_NO], add: [CLA_YES], remove: [CLA_NO] },
    { name: 'failure adds cncf-cla: no', context: 'EasyCLA', state: 'failure', add: [CLA_NO], remove: [] },
    { name: 'failure adds cncf-cla: no and removes cncf-cla: yes', context: 'EasyCLA', state: 'failure', labels: [CLA_YES], add: [CLA_NO], remove: [CLA_YES] },
    { name: 'success keeps cncf-cla: yes and removes cncf-cla: no', context: 'EasyCLA', state: 'success', labels: [CLA_YES, CLA_NO], add: [], remove: [CLA_NO] },
    { name: 'failure keeps cncf-cla: no and removes cncf-cla: yes', context: 'EasyCLA', state: 'failure', labels: [CLA_YES, CLA_NO], add: [], remove: [CLA_YES] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({ number: N, isPR: true, state: c.issueState ?? 'open', labels: c.labels ?? [], repoLabels: [CLA_YES, CLA_NO] }));
      await w.client.createStatus('org', 'repo', await w.gh.headSha(REPO, N), { context: c.context, state: c.state });
      const d = await commentDelivery(w.gh, 'rando', c.body ?? '/check-cla', { number: N });
      w.gh.clearCalls();
      await twice(w, d);
      assert.deepEqual(added(w), c.add);
      assert.deepEqual(removed(w), c.remove);
    });
  }
});

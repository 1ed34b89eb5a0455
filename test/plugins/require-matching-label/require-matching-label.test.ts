// require-matching-label (upstream pkg/plugins/require-matching-label/require-matching-label_test.go)
// against the fake GitHub: issue, pull_request and comment deliveries through the registered plugin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeRule, requireMatchingLabelPlugin } from '../../../src/plugins/require-matching-label/require-matching-label.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom, pluginsConfigFrom } from '../../support/config.js';
import { deliverTo, restJson, type Delivery } from '../support/fixtures.js';
import { BOT, REPO, botComments, commentDelivery, pullRequestDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

const PLUGINS = `require_matching_label:
- org: org
  repo: repo
  issues: true
  regexp: ^(sig|wg)/
  missing_label: needs-sig
  missing_comment: Please add a SIG label.
  grace_period: 1ms
- org: org
  prs: true
  branch: master
  regexp: ^kind/
  missing_label: needs-kind
  grace_period: 1ms
`;

describe('require-matching-label', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  async function issueDelivery(action: string, label?: string): Promise<Delivery> {
    const issue = await restJson(w.gh, `/repos/${REPO}/issues/1`);
    const repository = await restJson(w.gh, `/repos/${REPO}`);
    return { type: 'issues', id: `issue-${action}-${Math.random()}`, payload: { action, issue, repository, sender: { login: 'author', type: 'User' }, ...(label ? { label: { name: label } } : {}) } };
  }
  async function run(o: { isPR?: boolean; labels?: string[]; action: string; label?: string; botComment?: boolean; comment?: string; base?: string }) {
    const labels = ['needs-sig', 'needs-kind', 'sig/node', 'kind/bug', 'other'];
    await w.gh.reset(seed({ isPR: o.isPR ?? false, labels: o.labels ?? [], repoLabels: labels, comments: o.botComment ? [{ author: BOT, body: 'Please add a SIG label.\n\nfooter' }] : [] }));
    const d = o.comment !== undefined ? await commentDelivery(w.gh, 'rando', o.comment) : o.isPR ? await pullRequestDelivery(w.gh, o.action, o.label ? { label: o.label } : {}) : await issueDelivery(o.action, o.label);
    for (const redelivery of [false, true]) await deliverTo(requireMatchingLabelPlugin, d, pluginContextFor(w, { plugin: 'require-matching-label', snapshot: snapshotFrom({ plugins: PLUGINS }), redelivery, withOwners: false }));
    return [...w.gh.labels(REPO, 1)].sort();
  }

  it('an opened issue without a SIG label gets needs-sig and the comment, once', async () => {
    assert.deepEqual(await run({ action: 'opened' }), ['needs-sig']);
    assert.equal(botComments(w.gh).length, 1);
    assert.match(botComments(w.gh)[0]!, /^Please add a SIG label\./);
  });
  it('an issue with a SIG label gets nothing', async () => {
    assert.deepEqual(await run({ action: 'opened', labels: ['sig/node'] }), ['sig/node']);
  });
  it('adding a matching label removes needs-sig and the comment', async () => {
    assert.deepEqual(await run({ action: 'labeled', label: 'sig/node', labels: ['sig/node', 'needs-sig'], botComment: true }), ['sig/node']);
    assert.deepEqual(botComments(w.gh), []);
  });
  it('removing the matching label brings needs-sig back', async () => {
    assert.deepEqual(await run({ action: 'unlabeled', label: 'sig/node', labels: [] }), ['needs-sig']);
  });
  it('a label event for an unrelated label is ignored', async () => {
    assert.deepEqual(await run({ action: 'labeled', label: 'other', labels: ['other'] }), ['other']);
  });
  it('a PR on master without a kind label gets needs-kind (the issues rule does not apply)', async () => {
    assert.deepEqual(await run({ isPR: true, action: 'opened' }), ['needs-kind']);
  });
  it('/check-required-labels re-checks a PR', async () => {
    assert.deepEqual(await run({ isPR: true, action: '', comment: '/check-required-labels', labels: ['kind/bug', 'needs-kind'] }), ['kind/bug']);
  });
  it('describes each rule for /plugin-help as upstream', () => {
    const [issues, prs] = pluginsConfigFrom(PLUGINS).require_matching_label;
    assert.equal(describeRule(issues!), "Applies the 'needs-sig' label and comments on Issues in the 'org/repo' GitHub repo that have no labels matching the regular expression '^(sig|wg)/'.");
    assert.equal(describeRule(prs!), "Applies the 'needs-kind' label to 'master' branch PRs in the 'org' GitHub org that have no labels matching the regular expression '^kind/'.");
  });
});

// skip (upstream pkg/plugins/skip/skip_test.go TestSkipStatus) through the registered plugin: presubmits
// from job config through the real loader, statuses on the fake GitHub.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { skipPlugin } from '../../../src/plugins/skip/skip.js';
import type { StatusState } from '../../../src/github/types.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo } from '../support/fixtures.js';
import { REPO, commentDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const job = (name: string, o: { optional?: boolean; trigger?: string } = {}) =>
  `  - name: ${name}\n    context: ${name}\n    optional: ${o.optional ?? false}\n    always_run: true\n${o.trigger ? `    trigger: '${o.trigger}'\n    rerun_command: /test job\n` : ''}    spec: {containers: [{image: x}]}\n`;

describe('skip', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  async function run(o: { jobs: string; statuses: Array<[string, StatusState]>; body?: string; state?: 'open' | 'closed' }) {
    await w.gh.reset(seed({ isPR: true, state: o.state ?? 'open' }));
    const sha = await w.gh.headSha(REPO, 1);
    for (const [context, state] of o.statuses) await w.client.createStatus('org', 'repo', sha, { context, state });
    const d = await commentDelivery(w.gh, 'rando', o.body ?? '/skip');
    w.gh.clearCalls();
    const snapshot = snapshotFrom({ jobs: `presubmits:\n  org/repo:\n${o.jobs}` });
    for (const redelivery of [false, true]) await deliverTo(skipPlugin, d, pluginContextFor(w, { plugin: 'skip', snapshot, redelivery, withOwners: false }));
    const latest = new Map<string, string>();
    for (const s of w.gh.statuses(REPO, sha)) latest.set(s.context, `${s.state}${s.description ? `:${s.description}` : ''}`);
    return Object.fromEntries([...latest].sort());
  }

  it('required contexts are not skipped regardless of their state', async () => {
    assert.deepEqual(await run({ jobs: job('passing-tests') + job('failed-tests') + job('pending-tests'), statuses: [['passing-tests', 'success'], ['failed-tests', 'failure'], ['pending-tests', 'pending']] }),
      { 'failed-tests': 'failure', 'passing-tests': 'success', 'pending-tests': 'pending' });
  });
  it('optional contexts that have failed or are pending are skipped, once', async () => {
    assert.deepEqual(await run({ jobs: job('failed-tests', { optional: true }) + job('pending-tests', { optional: true }), statuses: [['failed-tests', 'failure'], ['pending-tests', 'pending']] }),
      { 'failed-tests': 'success:Skipped', 'pending-tests': 'success:Skipped' });
    assert.equal(writes(w.gh).length, 2);
  });
  it('optional contexts that have not posted are not skipped', async () => {
    assert.deepEqual(await run({ jobs: job('untriggered-tests', { optional: true }) + job('other'), statuses: [['other', 'failure']] }), { other: 'failure' });
  });
  it('optional tests that have failed but will be run by trigger for this comment are not skipped', async () => {
    assert.deepEqual(await run({ jobs: job('failed-tests', { optional: true, trigger: '(?m)^/test (?:.*? )?job(?: .*?)?$' }), statuses: [['failed-tests', 'failure']], body: '/skip\n/test job' }),
      { 'failed-tests': 'failure' });
  });
  it('nothing is skipped when the combined status is success', async () => {
    assert.deepEqual(await run({ jobs: job('a', { optional: true }), statuses: [['a', 'success']] }), { a: 'success' });
    assert.deepEqual(writes(w.gh), []);
  });
  it('closed PRs and other comments are ignored', async () => {
    assert.deepEqual(await run({ jobs: job('a', { optional: true }), statuses: [['a', 'failure']], state: 'closed' }), { a: 'failure' });
    assert.deepEqual(await run({ jobs: job('a', { optional: true }), statuses: [['a', 'failure']], body: '/skipped' }), { a: 'failure' });
  });
});

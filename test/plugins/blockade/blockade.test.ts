// blockade (upstream pkg/plugins/blockade/blockade_test.go) through the registered plugin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BLOCKED_PATHS, BLOCKED_PATHS_BODY, blockadePlugin } from '../../../src/plugins/blockade/blockade.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo } from '../support/fixtures.js';
import { BOT, REPO, botComments, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const PLUGINS = `blockades:
- repos: [org/repo]
  blockregexps: ['^docs/', '\\.md$']
  exceptionregexps: ['^docs/keep/']
  explanation: docs live elsewhere
- repos: [org]
  branchregexp: ^release-
  blockregexps: ['^vendor/']
- repos: [other/repo]
  blockregexps: ['.*']
`;

describe('blockade', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  async function run(files: Record<string, string | null>, o: { labels?: string[]; botComment?: boolean; action?: string } = {}) {
    await w.gh.reset(seed({ isPR: true, files, labels: o.labels ?? [], repoLabels: [BLOCKED_PATHS], comments: o.botComment ? [{ author: BOT, body: `@author: ${BLOCKED_PATHS_BODY}\n\nmore` }] : [] }));
    const d = await pullRequestDelivery(w.gh, o.action ?? 'opened');
    w.gh.clearCalls();
    for (const redelivery of [false, true]) await deliverTo(blockadePlugin, d, pluginContextFor(w, { plugin: 'blockade', snapshot: snapshotFrom({ plugins: PLUGINS }), redelivery, withOwners: false }));
  }
  it('a protected file blocks the PR with the reason and the file', async () => {
    await run({ 'docs/a.txt': 'x', 'src/b.go': 'y' });
    assert.deepEqual(w.gh.labels(REPO, 1), [BLOCKED_PATHS]);
    const [c] = botComments(w.gh);
    assert.match(c!, /^@author: Adding label: `do-not-merge\/blocked-paths` because PR changes a protected file\./);
    assert.match(c!, /#### Reasons for blocking this PR:\n\[docs live elsewhere\]\n- \[docs\/a\.txt\]\(http[^)]+\/org\/repo\/blob\/[0-9a-f]{40}\/docs\/a\.txt\)\n/);
    assert.doesNotMatch(c!, /src\/b\.go/);
    assert.equal(writes(w.gh).length, 2, 'label and comment once');
  });
  it('an exception unblocks', async () => {
    await run({ 'docs/keep/a.txt': 'x' });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
  });
  it('a branch-scoped blockade does not apply to master', async () => {
    await run({ 'vendor/x.go': 'x' });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
  });
  it('no longer blocked: the label and the comment go', async () => {
    await run({ 'src/b.go': 'y' }, { labels: [BLOCKED_PATHS], botComment: true });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.deepEqual(botComments(w.gh), []);
  });
  it('labeled events are ignored', async () => {
    await run({ 'docs/a.txt': 'x' }, { action: 'labeled' });
    assert.deepEqual(w.gh.calls(), []);
  });
});

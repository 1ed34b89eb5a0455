// branchcleaner (upstream pkg/plugins/branchcleaner/branchcleaner_test.go TestBranchCleaner and
// TestBranchCleanerIsPreservedBranch): merged PRs from a branch of the same repo have the branch deleted in
// the fake GitHub's git repository; and the fake answers DELETE git/refs as GitHub does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitHubError } from '../../../src/github/errors.js';
import { branchCleanerPlugin, isPreservedBranch } from '../../../src/plugins/branchcleaner/branchcleaner.js';
import { pluginsConfigFrom, snapshotFrom } from '../../support/config.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { REPO, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

interface Case {
  name: string;
  action?: string;
  merged?: boolean;
  /** the head repo differs (a fork) */
  fork?: boolean;
  branch?: string;
  plugins?: string;
  deleted: boolean;
}

const PRESERVE = 'branch_cleaner:\n  preserved_branches:\n    org/repo: [release-1.0]\n    org: ["^keep-.*"]\n';
const cases: Case[] = [
  { name: 'merged PR from the same repo: the branch is deleted', deleted: true },
  { name: 'open PR: nothing', action: 'opened', merged: false, deleted: false },
  { name: 'closed without merging: nothing', merged: false, deleted: false },
  { name: 'merged PR from a fork: nothing', fork: true, deleted: false },
  { name: 'a branch preserved for the repo is kept', branch: 'release-1.0', plugins: PRESERVE, deleted: false },
  { name: 'a branch matching an org pattern is kept', branch: 'keep-this', plugins: PRESERVE, deleted: false },
  { name: 'other branches still go', branch: 'feature', plugins: PRESERVE, deleted: true },
];

describe('branchcleaner', () => {
  let w: World;
  let d: Delivery;
  let pass = 0;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  pluginCases(cases, {
    async arrange(c) {
      const s = seed({ isPR: true });
      s.pulls![0]!.head = c.branch ?? 'topic';
      await w.gh.reset(s);
      d = await pullRequestDelivery(w.gh, c.action ?? 'closed', { id: `bc-${c.name}` });
      d.payload.pull_request.merged = c.merged ?? true;
      if (c.fork === true) d.payload.pull_request.head.repo = { ...d.payload.pull_request.head.repo, full_name: 'someone/repo' };
      pass = 0;
      w.gh.clearCalls();
    },
    async act(c) {
      await deliverTo(branchCleanerPlugin, d, pluginContextFor(w, { plugin: 'branchcleaner', snapshot: snapshotFrom({ plugins: c.plugins ?? '{}' }), withOwners: false, redelivery: pass++ > 0 }));
    },
    writes: () => writes(w.gh),
    async check(c, first) {
      const branch = c.branch ?? 'topic';
      assert.equal(await w.gh.branchSha(REPO, branch), c.deleted ? undefined : await w.gh.headSha(REPO, 1).catch(() => undefined));
      assert.deepEqual(first, c.deleted ? ['DELETE /repos/{owner}/{repo}/git/refs/{ref}'] : []);
    },
  });

  it('the fake answers a missing ref with 422, as GitHub does', async () => {
    await w.gh.reset(seed({ isPR: true }));
    await assert.rejects(w.client.deleteRef('org', 'repo', 'heads/no-such-branch'), (e: unknown) => e instanceof GitHubError && e.status === 422);
  });

  it('preserved branches: exact names and unanchored patterns, by repo and by org', () => {
    const cfg = pluginsConfigFrom(PRESERVE) as { branch_cleaner?: Parameters<typeof isPreservedBranch>[0] };
    assert.equal(isPreservedBranch(cfg.branch_cleaner!, 'org', 'repo', 'release-1.0'), true);
    assert.equal(isPreservedBranch(cfg.branch_cleaner!, 'org', 'other', 'release-1.0'), false);
    assert.equal(isPreservedBranch(cfg.branch_cleaner!, 'org', 'other', 'keep-me'), true);
    assert.equal(isPreservedBranch(cfg.branch_cleaner!, 'org', 'other', 'please-keep-me'), false);
    assert.equal(isPreservedBranch(cfg.branch_cleaner!, 'other', 'repo', 'keep-me'), false);
  });

  it('an entry that is no valid pattern still preserves its exact branch name, as upstream', () => {
    const cfg = pluginsConfigFrom('branch_cleaner:\n  preserved_branches:\n    org: ["feature/[x"]\n') as { branch_cleaner?: Parameters<typeof isPreservedBranch>[0] };
    assert.equal(isPreservedBranch(cfg.branch_cleaner!, 'org', 'repo', 'feature/[x'), true);
    assert.equal(isPreservedBranch(cfg.branch_cleaner!, 'org', 'repo', 'feature/x'), false);
  });
});

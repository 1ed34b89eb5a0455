// tide end to end over the fake GitHub: real search, real merges in real git, real ProwJobs in SQLite.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOBS, pullNumbers, REPO, seedWith, startTideHarness, tideConfig } from './harness.js';

function tideStatus(h: { gh: { statuses(repo: string, sha: string): { context: string; state: string; description: string }[] } }, sha: string): { state: string; description: string } | undefined {
  return h.gh.statuses(REPO, sha).filter((s) => s.context === 'tide').at(-1);
}

describe('tide', () => {
  it('batches two ready PRs and merges both into the base branch', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1 }, { number: 2 }]), tideConfig());
    t.after(() => h.close());
    await h.passUnit(1);
    await h.passUnit(2);
    const first = await h.tide.syncOnce();
    // Both passed at the current base: the lowest-numbered one merges alone (upstream MERGE)...
    assert.equal(first.pools[0]?.Action, 'MERGE');
    assert.deepEqual(first.pools[0]?.Target.map((p) => p.Number), [1]);
    assert.equal(h.gh.isMerged(REPO, 1), true);
    // ...which moves the base: #2 needs a retest, alone in the pool → TRIGGER.
    const second = await h.tide.syncOnce();
    assert.equal(second.pools[0]?.Action, 'TRIGGER');
    await h.runCI(() => true);
    const third = await h.tide.syncOnce();
    assert.equal(third.pools[0]?.Action, 'MERGE');
    assert.equal(h.gh.isMerged(REPO, 2), true);
    assert.equal(await h.gh.file(REPO, 'file-1.txt', 'main'), 'change 1\n');
    assert.equal(await h.gh.file(REPO, 'file-2.txt', 'main'), 'change 2\n');
  });

  it('tests PRs whose results are stale as one batch, then merges the batch', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1 }, { number: 2 }]), tideConfig());
    t.after(() => h.close());
    // Green, but at an older base: both need a retest, so tide batches them.
    for (const n of [1, 2]) {
      await h.client.createStatus('org', 'repo', await h.gh.headSha(REPO, n), { context: 'unit', state: 'success', description: 'Job succeeded.' });
    }
    const first = await h.tide.syncOnce();
    assert.equal(first.pools[0]?.Action, 'TRIGGER_BATCH');
    const batch = (await h.jobs()).filter((pj) => pj.spec.type === 'batch');
    assert.equal(batch.length, 1);
    assert.deepEqual(pullNumbers(batch[0]!), [1, 2]);
    assert.equal(batch[0]!.metadata.labels?.['created-by-tide'], 'true');
    // While the batch runs, upstream also retests the first PR on its own (serial TRIGGER)...
    const serial = await h.tide.syncOnce();
    assert.equal(serial.pools[0]?.Action, 'TRIGGER');
    assert.deepEqual(serial.pools[0]?.BatchPending.map((p) => p.Number), [1, 2]);
    // ...and then waits, creating nothing more.
    const waiting = await h.tide.syncOnce();
    assert.equal(waiting.pools[0]?.Action, 'WAIT');
    assert.equal((await h.jobs()).length, 2);
    assert.equal(tideStatus(h, await h.gh.headSha(REPO, 2))?.description, 'Not mergeable. Retesting: unit');
    await h.runCI(() => true);
    const merged = await h.tide.syncOnce();
    assert.equal(merged.pools[0]?.Action, 'MERGE_BATCH');
    assert.equal(h.gh.isMerged(REPO, 1), true);
    assert.equal(h.gh.isMerged(REPO, 2), true);
    const hist = h.history.all()['org/repo:main'] ?? [];
    assert.deepEqual(hist.map((r) => r.action), ['MERGE_BATCH', 'TRIGGER', 'TRIGGER_BATCH']);
    const metrics = await h.registry.metrics();
    const pool = 'org="org",repo="repo",branch="main"';
    assert.match(metrics, new RegExp(`^tide_merged_prs_total\\{${pool}\\} 2$`, 'm'));
    assert.match(metrics, new RegExp(`^merges_sum\\{${pool}\\} 2$`, 'm'));
    assert.match(metrics, new RegExp(`^tide_batch_size_count\\{${pool}\\} 1$`, 'm'));
    assert.match(metrics, new RegExp(`^tide_ci_runs_total\\{${pool},type="batch"\\} 1$`, 'm'));
    assert.match(metrics, new RegExp(`^tide_retests_total\\{${pool},action="TRIGGER_BATCH"\\} 2$`, 'm'));
    assert.match(metrics, new RegExp(`^tide_time_in_pool_seconds_count\\{${pool}\\} 2$`, 'm'));
    assert.match(metrics, /^tidesyncheartbeat\{controller="sync"\} 4$/m);
  });

  it('never merges a PR missing approved and says why in its tide status', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1, labels: ['lgtm'] }]), tideConfig());
    t.after(() => h.close());
    await h.passUnit(1);
    const res = await h.tide.syncOnce();
    assert.equal(res.pools.length, 0);
    assert.equal(h.gh.isMerged(REPO, 1), false);
    const status = tideStatus(h, await h.gh.headSha(REPO, 1));
    assert.deepEqual(status && { state: status.state, description: status.description }, { state: 'pending', description: 'Not mergeable. Needs approved label.' });
    // Unchanged: the next status update writes nothing.
    const again = await h.tide.syncOnce();
    assert.equal(again.statusesWritten, 0);
  });

  it('a new push during a batch invalidates it', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1 }, { number: 2 }]), tideConfig());
    t.after(() => h.close());
    for (const n of [1, 2]) {
      await h.client.createStatus('org', 'repo', await h.gh.headSha(REPO, n), { context: 'unit', state: 'success', description: 'Job succeeded.' });
    }
    assert.equal((await h.tide.syncOnce()).pools[0]?.Action, 'TRIGGER_BATCH');
    await h.gh.pushToPull(REPO, 2, { 'file-2.txt': 'changed again\n' });
    await h.runCI(() => true);
    const after = await h.tide.syncOnce();
    assert.notEqual(after.pools[0]?.Action, 'MERGE_BATCH');
    assert.equal(h.gh.isMerged(REPO, 2), false);
    // #2's new head has no result: it left the pool and its status says what it lacks.
    assert.deepEqual(after.pools[0]?.SuccessPRs.map((p) => p.Number) ?? [], []);
    const status = tideStatus(h, await h.gh.headSha(REPO, 2));
    assert.equal(status?.description, 'Not mergeable. Job unit has not succeeded.');
  });

  it('marks a ready PR "In merge pool." before merging it and keeps a held one out', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1 }, { number: 2, labels: ['lgtm', 'approved', 'do-not-merge/hold'] }]), tideConfig('  batch_size_limit:\n    "*": -1\n'), JOBS);
    t.after(() => h.close());
    await h.passUnit(1);
    await h.passUnit(2);
    const sha1 = await h.gh.headSha(REPO, 1);
    const sha2 = await h.gh.headSha(REPO, 2);
    await h.tide.syncOnce();
    assert.equal(h.gh.isMerged(REPO, 1), true);
    assert.equal(h.gh.isMerged(REPO, 2), false);
    // The merged PR got success before its merge (branch protection may require the tide context).
    assert.deepEqual(tideStatus(h, sha1), { ...tideStatus(h, sha1), state: 'success', description: 'In merge pool.' });
    assert.equal(tideStatus(h, sha2)?.description, 'Not mergeable. Should not have do-not-merge/hold label.');
  });

  it('blocks the pool while an issue with the blocker label names the branch', async (t) => {
    const seed = seedWith([{ number: 1 }]);
    seed.repos![0]!.labels!.push('tide/merge-blocker');
    seed.issues = [{ repo: REPO, number: 50, title: 'Code freeze branch:main', labels: ['tide/merge-blocker'] }];
    const h = await startTideHarness(seed, tideConfig('  blocker_label: tide/merge-blocker\n'));
    t.after(() => h.close());
    await h.passUnit(1);
    const res = await h.tide.syncOnce();
    assert.equal(res.pools[0]?.Action, 'BLOCKED');
    assert.deepEqual(res.pools[0]?.Blockers.map((b) => [b.Number, b.Title]), [[50, 'Code freeze branch:main']]);
    assert.equal(h.gh.isMerged(REPO, 1), false);
  });

  it('merges with the squash label over merge_method and renders merge_commit_template', async (t) => {
    const h = await startTideHarness(
      seedWith([{ number: 1, labels: ['lgtm', 'approved', 'tide/merge-method-squash'] }], { repos: [{ repo: REPO, labels: ['lgtm', 'approved', 'tide/merge-method-squash'] }] }),
      tideConfig('  squash_label: tide/merge-method-squash\n  merge_method:\n    org/repo: merge\n  merge_commit_template:\n    org/repo:\n      title: "{{ .Title }} (#{{ .Number }})"\n      body: "by {{ .Author.Login }}"\n'),
    );
    t.after(() => h.close());
    await h.passUnit(1);
    await h.tide.syncOnce();
    const merge = h.gh.calls().find((c) => c.method === 'PUT' && /\/pulls\/1\/merge$/.test(c.path));
    assert.deepEqual(merge?.body, { merge_method: 'squash', sha: await h.gh.headSha(REPO, 1), commit_title: 'Change 1 (#1)', commit_message: 'by bob' });
    assert.equal(h.gh.isMerged(REPO, 1), true);
  });

  for (const overwrite of [false, true]) {
    it(`a passed batch ${overwrite ? 'overwrites a pending required context and merges' : 'cannot merge past a pending required context (GitHub refuses)'} (overwrite-pending-contexts ${overwrite})`, async (t) => {
      const seed = seedWith([{ number: 1 }, { number: 2 }]);
      seed.repos![0]!.branchProtection = { main: { contexts: ['unit'] } };
      const h = await startTideHarness(seed, tideConfig(overwrite ? '  context_options:\n    overwrite-pending-contexts: true\n' : ''));
      t.after(() => h.close());
      for (const n of [1, 2]) {
        await h.client.createStatus('org', 'repo', await h.gh.headSha(REPO, n), { context: 'unit', state: 'success', description: 'Job succeeded.' });
      }
      assert.equal((await h.tide.syncOnce()).pools[0]?.Action, 'TRIGGER_BATCH');
      assert.equal((await h.tide.syncOnce()).pools[0]?.Action, 'TRIGGER');
      // The serial retest of #1 is still running (crier set its context pending) when the batch passes.
      await h.client.createStatus('org', 'repo', await h.gh.headSha(REPO, 1), { context: 'unit', state: 'pending', description: 'Job triggered.' });
      await h.runCI(() => true, (pj) => pj.spec.type === 'batch');
      const res = await h.tide.syncOnce();
      assert.equal(res.pools[0]?.Action, 'MERGE_BATCH');
      assert.equal(h.gh.isMerged(REPO, 1), overwrite);
      assert.equal(h.gh.isMerged(REPO, 2), true);
      if (!overwrite) assert.match(res.pools[0]!.Error, /#1: GitHub refused the merge: .*Required status check "unit"/);
    });
  }

  it('builds a new batch from the candidates that merge cleanly one after the other (upstream pickNewBatch)', async (t) => {
    const h = await startTideHarness(seedWith([
      { number: 1 },
      { number: 2, files: { 'shared.txt': 'from two\n' } },
      { number: 3, files: { 'shared.txt': 'from three\n' } },
      { number: 4 },
    ]), tideConfig());
    t.after(() => h.close());
    for (const n of [1, 2, 3, 4]) {
      await h.client.createStatus('org', 'repo', await h.gh.headSha(REPO, n), { context: 'unit', state: 'success', description: 'Job succeeded.' });
    }
    const res = await h.tide.syncOnce();
    assert.equal(res.pools[0]?.Action, 'TRIGGER_BATCH');
    // #3 conflicts with #2 once #2 is merged in: left out of this batch; #4 still comes in.
    assert.deepEqual(res.pools[0]?.Target.map((p) => p.Number), [1, 2, 4]);
  });
});

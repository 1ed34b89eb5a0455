// Beyond upstream (docs/tide.md), each against upstream's behaviour with the option off: a PR GitHub
// refuses to merge leaves the pool in the same sync, a failed batch is bisected, and a flaky batch
// member does not block the batch once a retest passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { pullNumbers, REPO, seedWith, startTideHarness, tideConfig, type TideHarness } from './harness.js';

async function staleGreen(h: TideHarness, numbers: number[]): Promise<void> {
  for (const n of numbers) {
    await h.client.createStatus('org', 'repo', await h.gh.headSha(REPO, n), { context: 'unit', state: 'success', description: 'Job succeeded.' });
  }
}

/** Sync and run CI until nothing is left to do (bounded). Returns the actions taken. */
async function drive(h: TideHarness, passes: (pj: ProwJob) => boolean, rounds = 20): Promise<{ action: string; reason: string | undefined; targets: number[] }[]> {
  const actions: { action: string; reason: string | undefined; targets: number[] }[] = [];
  for (let i = 0; i < rounds; i++) {
    const res = await h.tide.syncOnce();
    const pool = res.pools[0];
    if (!pool) break;
    actions.push({ action: pool.Action, reason: pool.Reason, targets: pool.Target.map((p) => p.Number) });
    await h.runCI(passes);
  }
  return actions;
}

describe('tide beyond upstream', () => {
  for (const evict of [false, true]) {
    it(`a PR GitHub refuses to merge ${evict ? 'leaves the pool and the next merges in the same sync' : 'stalls the pool for that sync (upstream)'}`, async (t) => {
      const h = await startTideHarness(
        seedWith([{ number: 1, files: { 'shared.txt': 'from one\n' } }, { number: 2 }]),
        tideConfig(evict ? '  improvements:\n    evict_unmergeable: true\n    reason_codes: true\n' : ''),
      );
      t.after(() => h.close());
      // main moves under #1 so that it conflicts, while GitHub still reports it mergeable.
      await h.gh.pushToBranch(REPO, 'main', { 'shared.txt': 'from main\n' });
      h.gh.setMergeable(REPO, 1, true);
      await h.passUnit(1);
      await h.passUnit(2);
      const res = await h.tide.syncOnce();
      assert.equal(h.gh.isMerged(REPO, 1), false);
      assert.equal(h.gh.isMerged(REPO, 2), evict);
      const pool = res.pools[0]!;
      if (evict) {
        assert.deepEqual(pool.Evicted?.map((e) => e.Number), [1]);
        assert.match(pool.Evicted?.[0]?.Reason ?? '', /GitHub refused the merge/);
        const status = h.gh.statuses(REPO, await h.gh.headSha(REPO, 1)).filter((s) => s.context === 'tide').at(-1);
        assert.equal(status?.state, 'error');
        assert.match(status?.description ?? '', /^Not mergeable\. GitHub refused the merge: .*\[merge-refused\]$/);
        const hist = h.history.all()['org/repo:main'] ?? [];
        assert.deepEqual(hist.map((r) => [r.action, r.reason]), [['MERGE', 'all-jobs-passed'], ['MERGE', 'all-jobs-passed']]);
        assert.match(hist[1]?.err ?? '', /failed merging \[1\]/);
      } else {
        assert.equal(pool.Action, 'MERGE');
        assert.match(pool.Error, /failed merging \[1\] from batch \[1\], partial merge \[\]: #1: GitHub refused the merge/);
      }
    });
  }

  it('bisects a failed batch: the good PRs merge, the culprit is left out with its failing job', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1 }, { number: 2 }, { number: 3 }, { number: 4 }]), tideConfig('  improvements:\n    bisect_failed_batches: true\n    reason_codes: true\n'));
    t.after(() => h.close());
    await staleGreen(h, [1, 2, 3, 4]);
    // #3 breaks every run that contains it.
    const actions = await drive(h, (pj) => !pullNumbers(pj).includes(3));
    const bisect = actions.find((a) => a.reason === 'bisect-failed-batch');
    assert.ok(bisect, `no bisection among ${JSON.stringify(actions)}`);
    assert.deepEqual([1, 2, 4].map((n) => h.gh.isMerged(REPO, n)), [true, true, true]);
    assert.equal(h.gh.isMerged(REPO, 3), false);
    const status = h.gh.statuses(REPO, await h.gh.headSha(REPO, 3)).filter((s) => s.context === 'tide').at(-1);
    assert.match(status?.description ?? '', /Job unit has not succeeded/);
    const told = h.gh.comments(REPO, 3).filter((c) => /bisected/.test(c.body));
    assert.equal(told.length, 1);
    assert.match(told[0]!.body, /fails `unit` on its own/);
    assert.deepEqual([1, 2, 4].map((n) => h.gh.comments(REPO, n).length), [0, 0, 0]);
    // Syncing again tells nobody twice.
    await h.tide.syncOnce();
    assert.equal(h.gh.comments(REPO, 3).filter((c) => /bisected/.test(c.body)).length, 1);
  });

  it('speculative batches: prefixes run in parallel and the longest green one merges', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1 }, { number: 2 }, { number: 3 }, { number: 4 }]), tideConfig('  improvements:\n    speculative_batches: 3\n'));
    t.after(() => h.close());
    await staleGreen(h, [1, 2, 3, 4]);
    const first = await h.tide.syncOnce();
    assert.equal(first.pools[0]?.Action, 'TRIGGER_BATCH');
    const batches = (await h.jobs()).filter((pj) => pj.spec.type === 'batch').map(pullNumbers).sort((a, b) => a.length - b.length);
    assert.deepEqual(batches, [[1, 2], [1, 2, 3, 4]]);
    // #4 breaks its prefix; the shorter prefix passes.
    await h.runCI((pj) => !pullNumbers(pj).includes(4));
    const next = await h.tide.syncOnce();
    assert.deepEqual([next.pools[0]?.Action, next.pools[0]?.Reason, next.pools[0]?.Target.map((p) => p.Number)], ['MERGE_BATCH', 'longest-green-prefix', [1, 2]]);
    assert.deepEqual([1, 2, 3, 4].map((n) => h.gh.isMerged(REPO, n)), [true, true, false, false]);
  });

  it('a flaky batch member does not block the batch once a retest passes', async (t) => {
    const h = await startTideHarness(seedWith([{ number: 1 }, { number: 2 }]), tideConfig('  batch_size_limit:\n    "*": 0\n'));
    t.after(() => h.close());
    await staleGreen(h, [1, 2]);
    let batchRuns = 0;
    // The first batch run flakes; every later run passes. Serial runs of #1 flake too, so only a batch can merge.
    const actions = await drive(h, (pj) => (pj.spec.type === 'batch' ? ++batchRuns > 1 : false), 8);
    assert.ok(actions.some((a) => a.action === 'MERGE_BATCH'), JSON.stringify(actions));
    assert.equal(h.gh.isMerged(REPO, 1), true);
    assert.equal(h.gh.isMerged(REPO, 2), true);
    assert.ok(batchRuns >= 2);
  });
});

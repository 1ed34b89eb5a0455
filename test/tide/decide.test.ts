// One action per pool: upstream's TestTakeAction and TestPickSmallestPassingNumber tables
// (pkg/tide/tide_test.go), ported to decide() and pickHighestPriorityPR().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Presubmit } from '../../src/config/types.js';
import { createContextChecker } from '../../src/tide/context-policy.js';
import { decide, pickHighestPriorityPR, prefixSizes, type DecideInput } from '../../src/tide/decide.js';
import type { TidePR } from '../../src/tide/types.js';
import { configFrom } from '../support/config.js';

const config = configFrom('{}', `presubmits:
  org/repo:
  - name: foo
    always_run: true
    spec: {containers: [{image: alpine}]}
`);
const cc = createContextChecker(config, 'org', 'repo', 'main');
const foo = config.presubmits['org/repo']![0]!;

function pr(number: number, labels: string[] = []): TidePR {
  return {
    org: 'org', repo: 'repo', number, title: '', body: '', author: 'a', baseRef: 'main', baseRefPrefix: 'refs/heads/', headRef: `pr-${number}`,
    headSha: `sha-${number}`, mergeable: 'MERGEABLE', mergeStateStatus: 'CLEAN', canBeRebased: true, isDraft: false, labels, milestone: undefined,
    reviewDecision: undefined, updatedAt: '', contexts: [{ context: 'foo', state: 'SUCCESS', description: '' }],
  };
}

interface Case {
  name: string;
  batchPending?: number[];
  successes?: number[];
  pendings?: number[];
  nones?: number[];
  batchMerges?: number[];
  noPresubmits?: boolean;
  action: string;
  targets: number[];
}

const cases: Case[] = [
  { name: 'no prs to test, should do nothing', batchPending: [1], action: 'WAIT', targets: [] },
  { name: 'pending batch, pending serial, nothing to do', batchPending: [0, 2], pendings: [1], nones: [0, 2], action: 'WAIT', targets: [] },
  { name: 'pending batch, successful serial, nothing to do', batchPending: [0, 2], successes: [1], nones: [0, 2], action: 'WAIT', targets: [] },
  { name: 'pending batch, should trigger serial', batchPending: [0, 1], nones: [0, 1, 2], action: 'TRIGGER', targets: [0] },
  { name: 'no pending batch, should trigger batch', pendings: [0], nones: [1, 2, 3], action: 'TRIGGER_BATCH', targets: [0, 1, 2, 3] },
  { name: 'one PR, should not trigger batch', nones: [0], action: 'TRIGGER', targets: [0] },
  { name: 'successful PR, should merge', successes: [0], nones: [1, 2, 3], action: 'MERGE', targets: [0] },
  { name: 'successful batch, should merge', successes: [0, 1], pendings: [2, 3], nones: [4, 5], batchMerges: [6, 7, 8], action: 'MERGE_BATCH', targets: [6, 7, 8] },
  { name: 'no presubmits, merge', successes: [5, 4], noPresubmits: true, action: 'MERGE', targets: [4] },
  { name: 'no presubmits, wait', noPresubmits: true, action: 'WAIT', targets: [] },
  { name: 'no pending serial or batch, should trigger batch', nones: [1, 2, 3], action: 'TRIGGER_BATCH', targets: [1, 2, 3] },
];

describe('tide decide', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const all = new Map<number, TidePR>();
      const get = (n: number): TidePR => {
        if (!all.has(n)) all.set(n, pr(n));
        return all.get(n)!;
      };
      const list = (l: number[] | undefined): TidePR[] => (l ?? []).map(get);
      const successes = list(c.successes);
      const pendings = list(c.pendings);
      const missings = list(c.nones);
      const batchMerges = list(c.batchMerges);
      const batchPending = list(c.batchPending);
      const prs = [...new Set([...successes, ...pendings, ...missings, ...batchMerges])];
      const input: DecideInput = {
        prs, pjs: [], successes, pendings, missings, batchMerges, batchPending,
        missingTests: new Map(missings.map((p) => [p.number, [foo] as Presubmit[]])),
        hasPresubmits: c.noPresubmits !== true, cc, priorities: [], batchSizeLimit: 0, prioritizeExistingBatches: true, tidePresubmits: [],
        presubmitsForBatch: () => [foo],
        newBatch: async (candidates) => [...candidates],
      };
      const d = await decide(input);
      assert.deepEqual({ action: d.action, targets: d.targets.map((p) => p.number).sort((a, b) => a - b) }, { action: c.action, targets: c.targets });
    });
  }

  it('does not batch when batch_size_limit is -1', async () => {
    const prs = [pr(1), pr(2)];
    const d = await decide({
      prs, pjs: [], successes: [], pendings: [], missings: prs, batchMerges: [], batchPending: [], missingTests: new Map(prs.map((p) => [p.number, [foo]])),
      hasPresubmits: true, cc, priorities: [], batchSizeLimit: -1, prioritizeExistingBatches: true, tidePresubmits: [],
      presubmitsForBatch: () => [foo], newBatch: async (c) => [...c],
    });
    assert.deepEqual([d.action, d.targets.map((p) => p.number)], ['TRIGGER', [1]]);
  });

  it('speculative prefixes halve down to two PRs', () => {
    assert.deepEqual(prefixSizes(10, 3), [10, 5, 3]);
    assert.deepEqual(prefixSizes(4, 3), [4, 2]);
    assert.deepEqual(prefixSizes(2, 3), [2]);
    assert.deepEqual(prefixSizes(9, 1), [9]);
  });

  const priorities = [{ labels: ['kind/failing-test'] }, { labels: ['area/deflake'] }, { labels: ['kind/bug', 'priority/critical-urgent'] }, { labels: ['kind/feature,kind/enhancement,kind/undefined'] }];
  const pickCases: { name: string; prs: TidePR[]; expected: number }[] = [
    { name: 'no label', prs: [pr(5), pr(3)], expected: 3 },
    { name: 'any of given label alternatives', prs: [pr(3, ['kind/enhancement', 'kind/undefined']), pr(1, ['kind/enhancement'])], expected: 1 },
    { name: 'deflake PR', prs: [pr(5), pr(3), pr(7, ['area/deflake'])], expected: 7 },
    { name: 'same label', prs: [pr(7, ['area/deflake']), pr(6, ['area/deflake']), pr(1, ['area/deflake'])], expected: 1 },
    { name: 'missing one label', prs: [pr(5), pr(3), pr(6, ['kind/bug'])], expected: 3 },
    { name: 'complete', prs: [pr(5), pr(3), pr(6, ['kind/bug']), pr(7, ['area/deflake']), pr(8, ['kind/bug']), pr(9, ['kind/failing-test']), pr(10, ['kind/bug', 'priority/critical-urgent'])], expected: 9 },
  ];
  for (const c of pickCases) {
    it(`pickHighestPriorityPR: ${c.name}`, () => {
      assert.equal(pickHighestPriorityPR(c.prs, () => true, priorities)?.number, c.expected);
    });
  }
});

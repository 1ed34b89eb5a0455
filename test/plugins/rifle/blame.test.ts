// rifle's scoring pieces, upstream's tables (pkg/plugins/rifle/blame_test.go: TestParseDiffHunks,
// TestIntersectBlameWithChanges, TestReviewerScorer, TestScoreReviewersBlameErrors, TestDiverseFileSelection,
// TestFileDir; rifle_test.go: TestSelectBestReviewer*, TestHasBlameScores, TestFindFallbackReviewers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSilentLogger } from '../../../src/observability/logger.js';
import {
  diverseFileSelection, fileDir, intersectBlameWithChanges, parseDiffHunks, scoreReviewers, type BlameRange,
} from '../../../src/plugins/rifle/blame.js';
import { findFallbackReviewers, hasBlameScores, selectBestReviewer } from '../../../src/plugins/rifle/rifle.js';
import { LayeredSet } from '../../../src/plugins/shared/reviewers.js';

const log = createSilentLogger();
const DAY = 86_400_000;
const now = new Date('2026-12-01T00:00:00Z');
const ago = (days: number): Date => new Date(now.getTime() - days * DAY);

describe('parseDiffHunks', () => {
  const cases: [string, string, [number, number][]][] = [
    ['single hunk with count', '@@ -10,5 +10,7 @@ func foo() {', [[10, 14]]],
    ['single hunk without count', '@@ -10 +10 @@ func foo() {', [[10, 10]]],
    ['pure addition uses the lines above', '@@ -20,0 +21,3 @@ func bar() {', [[15, 20]]],
    ['pure addition at file start', '@@ -2,0 +1,5 @@ package main', [[1, 2]]],
    ['multiple hunks', '@@ -5,3 +5,4 @@ import "fmt"\n+import "os"\n@@ -100,10 +101,12 @@ func main() {\n some context', [[5, 7], [100, 109]]],
    ['no hunks', 'just some text with no hunk headers', []],
  ];
  for (const [name, patch, want] of cases) it(name, () => assert.deepEqual(parseDiffHunks(patch).map((r) => [r.start, r.end]), want));
});

describe('intersectBlameWithChanges', () => {
  it('counts overlapping lines per author and keeps the newest date; no login, no author', () => {
    const blame: BlameRange[] = [
      { startingLine: 1, endingLine: 10, authorLogin: 'alice', date: ago(1) },
      { startingLine: 11, endingLine: 20, authorLogin: 'bob', date: ago(7) },
      { startingLine: 21, endingLine: 30, authorLogin: 'alice', date: ago(7) },
      { startingLine: 31, endingLine: 40, authorLogin: '', date: now },
    ];
    const stats = intersectBlameWithChanges(blame, [{ start: 5, end: 15 }, { start: 35, end: 40 }]);
    assert.deepEqual([...stats.keys()].sort(), ['alice', 'bob']);
    assert.deepEqual(stats.get('alice'), { lineCount: 6, mostRecentDate: ago(1) });
    assert.deepEqual(stats.get('bob'), { lineCount: 5, mostRecentDate: ago(7) });
  });
  it('no overlap, no stats', () => {
    assert.equal(intersectBlameWithChanges([{ startingLine: 1, endingLine: 10, authorLogin: 'alice', date: now }], [{ start: 20, end: 30 }]).size, 0);
  });
});

describe('scoreReviewers', () => {
  it('more lines beat recency; approver and reviewer bonuses apply', async () => {
    const scores = await scoreReviewers({
      blame: async () => [
        { startingLine: 1, endingLine: 50, authorLogin: 'alice', date: ago(1) },
        { startingLine: 51, endingLine: 150, authorLogin: 'bob', date: ago(365) },
        { startingLine: 151, endingLine: 160, authorLogin: 'charlie', date: ago(1) },
      ],
      approvers: new Set(['alice']), reviewers: new Set(['bob', 'charlie']), now, log,
    }, [{ filename: 'main.go', status: 'modified', patch: '@@ -1,160 +1,165 @@ package main' }]);
    assert.ok(scores.get('alice')! > scores.get('charlie')!);
    assert.ok(scores.get('bob')! > scores.get('charlie')!);
  });
  const files = [
    { filename: 'a.go', status: 'modified' as const, patch: '@@ -1,10 +1,12 @@ package a' },
    { filename: 'b.go', status: 'modified' as const, patch: '@@ -1,5 +1,6 @@ package b' },
  ];
  const blameOf = (data: Record<string, BlameRange[]>, fail: string[]) => async (path: string): Promise<BlameRange[]> => {
    if (fail.includes(path)) throw new Error('API error');
    return data[path] ?? [];
  };
  const cases: [string, Record<string, BlameRange[]>, string[], string[]][] = [
    ['an error on one file: scores from the other', { 'b.go': [{ startingLine: 1, endingLine: 5, authorLogin: 'alice', date: now }] }, ['a.go'], ['alice']],
    ['empty blame for a file: no scores from it', { 'a.go': [], 'b.go': [{ startingLine: 1, endingLine: 5, authorLogin: 'bob', date: now }] }, [], ['bob']],
    ['every file fails: no scores', {}, ['a.go', 'b.go'], []],
  ];
  for (const [name, data, fail, scored] of cases) {
    it(name, async () => {
      const scores = await scoreReviewers({ blame: blameOf(data, fail), approvers: new Set(), reviewers: new Set(), now, log }, files);
      assert.deepEqual([...scores.keys()], scored);
      for (const s of scores.values()) assert.ok(s > 0);
    });
  }
});

describe('diverseFileSelection and fileDir', () => {
  const f = (filename: string, status: 'modified' | 'added' | 'removed' = 'modified') => ({ filename, status });
  const cases: [string, ReturnType<typeof f>[], number, string[]][] = [
    ['under the limit: every file not removed', [f('pkg/a/foo.go'), f('pkg/b/bar.go', 'added'), f('pkg/c/baz.go', 'removed')], 20, ['pkg/a/foo.go', 'pkg/b/bar.go']],
    ['round-robin across directories', [f('pkg/a/1.go'), f('pkg/a/2.go'), f('pkg/a/3.go'), f('pkg/b/1.go'), f('pkg/b/2.go'), f('pkg/c/1.go')], 4, ['pkg/a/1.go', 'pkg/b/1.go', 'pkg/c/1.go', 'pkg/a/2.go']],
    ['removed files dropped first', [f('pkg/a/1.go', 'removed'), f('pkg/a/2.go', 'removed'), f('pkg/a/3.go'), f('pkg/b/1.go')], 2, ['pkg/a/3.go', 'pkg/b/1.go']],
    ['root files group together', [f('main.go'), f('util.go'), f('pkg/a/foo.go')], 2, ['main.go', 'pkg/a/foo.go']],
  ];
  for (const [name, files, limit, want] of cases) it(name, () => assert.deepEqual(diverseFileSelection(files, limit).map((x) => x.filename), want));
  it('fileDir', () => {
    assert.deepEqual(['pkg/plugins/blunderbuss/blame.go', 'main.go', 'cmd/tool/main.go'].map(fileDir), ['pkg/plugins/blunderbuss', '.', 'cmd/tool']);
  });
});

describe('reviewer picking', () => {
  const d = { gh: { graphql: async () => { throw new Error('not called without use_status_availability'); } }, log, config: {} } as never;
  const scores = new Map([['alice', 100], ['bob', 50], ['charlie', 25]]);
  it('selectBestReviewer takes the best score, then the next', async () => {
    const candidates = new LayeredSet(['alice', 'bob', 'charlie']);
    assert.equal(await selectBestReviewer(d, 'org', scores, candidates, new Set(), Math.random), 'alice');
    assert.equal(await selectBestReviewer(d, 'org', scores, candidates, new Set(), Math.random), 'bob');
  });
  it('selectBestReviewer skips the busy, and still picks with no scores', async () => {
    assert.equal(await selectBestReviewer(d, 'org', scores, new LayeredSet(['alice', 'bob']), new Set(['alice']), Math.random), 'bob');
    assert.notEqual(await selectBestReviewer(d, 'org', new Map(), new LayeredSet(['alice', 'bob']), new Set(), Math.random), '');
  });
  it('hasBlameScores', () => {
    assert.equal(hasBlameScores(new Map()), false);
    assert.equal(hasBlameScores(new Map([['alice', 5]])), true);
    assert.equal(hasBlameScores(new Map([['alice', 0]])), false);
  });
  const owners = (all: string[]) => ({ allApprovers: () => new Set<string>(), allReviewers: () => new Set(all) });
  const cases: [string, Record<string, number>, string[], string[], number, string[] | number][] = [
    ['owners ranked by score', { alice: 100, bob: 50 }, ['alice', 'bob'], [], 2, ['alice', 'bob']],
    ['non-owners excluded', { alice: 100, charlie: 75 }, ['alice'], [], 2, ['alice']],
    ['existing reviewers excluded', { alice: 100, bob: 50 }, ['alice', 'bob'], ['alice'], 1, ['bob']],
    ['respects the needed count', { alice: 100, bob: 50, carol: 25 }, ['alice', 'bob', 'carol'], [], 1, ['alice']],
    ['zero scores are topped up at random', { alice: 0, bob: 50 }, ['alice', 'bob'], [], 2, ['bob', 'alice']],
    ['no scores: random', {}, ['alice', 'bob'], [], 1, 1],
    ['no eligible owners', {}, ['alice'], ['alice'], 1, 0],
  ];
  for (const [name, s, all, exclude, needed, want] of cases) {
    it(`findFallbackReviewers: ${name}`, () => {
      const got = findFallbackReviewers(new Map(Object.entries(s)), owners(all), new Set(exclude), needed, Math.random);
      if (typeof want === 'number') {
        assert.equal(got.length, want);
        for (const g of got) assert.ok(all.includes(g) && !exclude.includes(g));
      } else assert.deepEqual(got, want);
    });
  }
});

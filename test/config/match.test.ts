import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  branchersIntersect, contextRequired, defaultTriggerFor, needsExplicitTrigger, postsubmitShouldRun, presubmitShouldRun,
  presubmitShouldRunAsync, runsAgainstBranch, runsAgainstChanges, triggerMatches,
} from '../../src/config/match.js';
import type { Postsubmit, Presubmit } from '../../src/config/types.js';

function pre(p: Partial<Presubmit> & { name: string }): Presubmit {
  return {
    agent: 'kubernetes', cluster: 'default', context: p.name, trigger: defaultTriggerFor(p.name),
    rerun_command: `/test ${p.name}`, ...p,
  };
}
function post(p: Partial<Postsubmit> & { name: string }): Postsubmit {
  return { agent: 'kubernetes', cluster: 'default', context: p.name, ...p };
}

describe('runsAgainstBranch (upstream TestRunAgainstBranch)', () => {
  const jobs = [
    pre({ name: 'a', skip_branches: ['s'] }),
    pre({ name: 'b', branches: ['r'] }),
    pre({ name: 'c', skip_branches: ['s'], branches: ['r'] }),
    pre({ name: 'd', skip_branches: ['s'], branches: ['s', 'r'] }),
    pre({ name: 'default' }),
  ];
  for (const job of jobs) {
    it(`job ${job.name}`, () => {
      assert.equal(runsAgainstBranch(job, 's'), job.name === 'default');
      assert.equal(runsAgainstBranch(job, 'r'), true);
    });
  }
  it('branch regexes are unanchored searches, joined with |', () => {
    const j = pre({ name: 'x', branches: ['master'] });
    assert.equal(runsAgainstBranch(j, 'release-master'), true);
    assert.equal(runsAgainstBranch(pre({ name: 'y', branches: ['^master$'] }), 'release-master'), false);
    assert.equal(runsAgainstBranch(pre({ name: 'z', branches: ['^main$', '^release-\\d+\\.\\d+$'] }), 'release-1.30'), true);
    assert.equal(runsAgainstBranch(pre({ name: 'z2', branches: ['^main$', '^release-\\d+\\.\\d+$'] }), 'release-1.x'), false);
  });
  it('tag names match like branches (postsubmits on tag pushes)', () => {
    const j = post({ name: 'tags', branches: ['^v\\d+\\.\\d+\\.\\d+$'] });
    assert.equal(postsubmitShouldRun(j, { branch: 'v1.2.3' }), true);
    assert.equal(postsubmitShouldRun(j, { branch: 'main' }), false);
  });
});

describe('presubmitShouldRun (upstream TestPresubmitShouldRun)', () => {
  const cases: Array<{ name: string; job: Presubmit; branch?: string; files?: string[]; forced?: boolean; defaults?: boolean; want: boolean }> = [
    { name: 'job skipped on the branch won\'t run', job: pre({ name: 'j', branches: ['master'] }), branch: 'other', forced: true, want: false },
    { name: 'always_run runs', job: pre({ name: 'j', always_run: true }), want: true },
    { name: 'forced runs a manual job', job: pre({ name: 'j' }), forced: true, want: true },
    { name: 'manual job does not run by itself', job: pre({ name: 'j' }), want: false },
    { name: 'manual job follows defaults', job: pre({ name: 'j' }), defaults: true, want: true },
    { name: 'run_if_changed matches a file', job: pre({ name: 'j', run_if_changed: '^docs/' }), files: ['a.go', 'docs/x.md'], want: true },
    { name: 'run_if_changed matches nothing', job: pre({ name: 'j', run_if_changed: '^docs/' }), files: ['a.go'], want: false },
    { name: 'run_if_changed no match but defaults true', job: pre({ name: 'j', run_if_changed: '^docs/' }), files: ['a.go'], defaults: true, want: true },
    { name: 'skip_if_only_changed: only skipped files', job: pre({ name: 'j', skip_if_only_changed: '\\.md$' }), files: ['README.md', 'b.md'], want: false },
    { name: 'skip_if_only_changed: one other file', job: pre({ name: 'j', skip_if_only_changed: '\\.md$' }), files: ['README.md', 'main.go'], want: true },
    { name: 'skip_if_only_changed: no files means no run', job: pre({ name: 'j', skip_if_only_changed: '\\.md$' }), files: [], want: false },
    { name: 'branch match + change match', job: pre({ name: 'j', branches: ['^main$'], run_if_changed: 'go$' }), branch: 'main', files: ['x.go'], want: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const input = { branch: c.branch ?? 'master', changedFiles: c.files, forced: c.forced, defaults: c.defaults };
      assert.equal(presubmitShouldRun(c.job, input), c.want);
      assert.equal(await presubmitShouldRunAsync(c.job, { ...input, changedFiles: async () => c.files ?? [] }), c.want);
    });
  }
  it('fetches changed files lazily, and not at all for always_run', () => {
    let calls = 0;
    const files = (): string[] => {
      calls++;
      return ['a.go'];
    };
    assert.equal(presubmitShouldRun(pre({ name: 'a', always_run: true }), { branch: 'main', changedFiles: files }), true);
    assert.equal(calls, 0);
    assert.equal(presubmitShouldRun(pre({ name: 'b', run_if_changed: 'go$' }), { branch: 'main', changedFiles: files }), true);
    assert.equal(calls, 1);
  });
});

describe('postsubmitShouldRun', () => {
  it('unset always_run means run', () => assert.equal(postsubmitShouldRun(post({ name: 'p' }), { branch: 'main' }), true));
  it('always_run: false without filters never runs', () => assert.equal(postsubmitShouldRun(post({ name: 'p', always_run: false }), { branch: 'main' }), false));
  it('change filter decides', () => {
    const j = post({ name: 'p', run_if_changed: '^src/' });
    assert.equal(postsubmitShouldRun(j, { branch: 'main', changedFiles: ['src/a'] }), true);
    assert.equal(postsubmitShouldRun(j, { branch: 'main', changedFiles: ['doc/a'] }), false);
  });
  it('skip_branches wins', () => assert.equal(postsubmitShouldRun(post({ name: 'p', skip_branches: ['^gh-pages$'] }), { branch: 'gh-pages' }), false));
});

describe('triggers', () => {
  const unit = pre({ name: 'unit' });
  const cases: Array<[string, boolean]> = [
    ['/test unit', true],
    ['/test unit,', true],
    ['please\n/test unit\nthanks', true],
    ['/test e2e unit', true],
    ['/test unit e2e', true],
    ['/test unit-race', false],
    ['/test all', false],
    [' /test unit', false],
    ['/testunit', false],
    ['/test  unit', true],
  ];
  for (const [body, want] of cases) it(JSON.stringify(body), () => assert.equal(triggerMatches(unit, body), want));
  it('the name is inserted unescaped, as upstream does (a dot matches any character)', () => {
    assert.equal(triggerMatches(pre({ name: 'a.b' }), '/test axb'), true);
  });
  it('needsExplicitTrigger and contextRequired', () => {
    assert.equal(needsExplicitTrigger(pre({ name: 'm' })), true);
    assert.equal(needsExplicitTrigger(pre({ name: 'm', run_if_changed: 'x' })), false);
    assert.equal(contextRequired(pre({ name: 'o', optional: true })), false);
    assert.equal(contextRequired(pre({ name: 'r' })), true);
  });
});

describe('branchersIntersect (duplicate detection)', () => {
  const cases: Array<[string, Presubmit, Presubmit, boolean]> = [
    ['all branches vs anything', pre({ name: 'a' }), pre({ name: 'a', branches: ['x'] }), true],
    ['disjoint literal branches', pre({ name: 'a', branches: ['release-1.1'] }), pre({ name: 'a', branches: ['release-1.2'] }), false],
    ['shared literal branch', pre({ name: 'a', branches: ['main', 'x'] }), pre({ name: 'a', branches: ['x'] }), true],
    ['branches are compared as strings, not regexes', pre({ name: 'a', branches: ['^main$'] }), pre({ name: 'a', branches: ['main'] }), false],
    ['branches vs skip_branches that skips them', pre({ name: 'a', branches: ['main'] }), pre({ name: 'a', skip_branches: ['main'] }), false],
    ['branches vs skip_branches that allows them', pre({ name: 'a', branches: ['main'] }), pre({ name: 'a', skip_branches: ['dev'] }), true],
    ['two skip lists', pre({ name: 'a', skip_branches: ['x'] }), pre({ name: 'a', skip_branches: ['y'] }), true],
  ];
  for (const [name, a, b, want] of cases) {
    it(name, () => {
      assert.equal(branchersIntersect(a, b), want);
      assert.equal(branchersIntersect(b, a), want);
    });
  }
});

describe('runsAgainstChanges', () => {
  it('uses RE2 (\\s does not match \\v, as in Go)', () => {
    assert.equal(runsAgainstChanges({ run_if_changed: 'a\\sb' }, ['a\vb']), false);
    assert.equal(runsAgainstChanges({ run_if_changed: 'a\\sb' }, ['a b']), true);
  });
});

// The pure parts of deck's bucket views: lens choice by required/optional files and upstream's lens
// order, Go filepath.Match globs for /badge.svg, and upstream's badge text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globToRegExp, pickLatestJobs, renderBadge } from '../../src/deck/badge.js';
import { LENSES } from '../../src/deck/spyglass/all-lenses.js';
import { chooseLenses, gcsBrowserPrefix, type LensFile } from '../../src/deck/spyglass/lenses.js';
import { job } from './support/world.js';

const files = (...names: string[]): LensFile[] => names.map((name) => ({ name, path: `logs/j/1/${name}`, size: 10 }));

describe('spyglass lens choice', () => {
  const cases = [
    { name: 'defaults: every lens whose files are there, in priority order', lenses: undefined,
      files: files('build-log.txt', 'started.json', 'finished.json', 'prowjob.json', 'artifacts/junit_1.xml'), want: ['metadata', 'junit', 'buildlog'], unknown: [] },
    { name: 'every required regex must match', lenses: [{ lens: { name: 'metadata' }, required_files: ['^started\\.json$', '^finished\\.json$'] }],
      files: files('started.json'), want: [], unknown: [] },
    { name: 'unknown and remote lenses are named, not shown', lenses: [
      { lens: { name: 'coverage' }, required_files: ['x'] }, { lens: { name: 'buildlog' }, required_files: ['log'], remote_config: { endpoint: 'http://lens' } },
      { lens: { name: 'buildlog' }, required_files: ['build-log'] }],
      files: files('build-log.txt'), want: ['buildlog'], unknown: ['coverage', 'buildlog (remote)'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = chooseLenses(c.lenses, c.files, LENSES);
      assert.deepEqual(got.shown.map((l) => l.lens.name), c.want);
      assert.deepEqual(got.unknown, c.unknown);
    });
  }

  it('hands a lens its required and optional files, sorted', () => {
    const got = chooseLenses([{ lens: { name: 'metadata' }, required_files: ['^started\\.json$'], optional_files: ['^(podinfo|prowjob)\\.json$'] }],
      files('started.json', 'prowjob.json', 'podinfo.json', 'other.json'), LENSES);
    assert.deepEqual(got.shown[0]!.files.map((f) => f.name), ['podinfo.json', 'prowjob.json', 'started.json']);
  });

  it('picks the bucket browser prefix as upstream: repo, org, bucket, then *', () => {
    const s = { gcs_browser_prefixes: { 'o/r': 'R/', o: 'O/', '*': 'STAR/' }, gcs_browser_prefixes_by_bucket: { b: 'B/' } };
    assert.equal(gcsBrowserPrefix(s, 'b', 'o', 'r'), 'R/');
    assert.equal(gcsBrowserPrefix(s, 'b', 'o', 'x'), 'O/');
    assert.equal(gcsBrowserPrefix(s, 'b'), 'B/');
    assert.equal(gcsBrowserPrefix(s, 'c'), 'STAR/');
    assert.equal(gcsBrowserPrefix({ gcs_browser_prefix: 'OLD/' }, 'c'), 'OLD/');
    assert.equal(gcsBrowserPrefix({}, 'c'), undefined);
  });
});

describe('badge', () => {
  const globs = [
    { glob: 'pull-*', yes: ['pull-a', 'pull-'], no: ['post-a', 'pull/a'] },
    { glob: 'ci-?', yes: ['ci-1'], no: ['ci-12'] },
    { glob: 'ci-[ab]', yes: ['ci-a', 'ci-b'], no: ['ci-c'] },
    { glob: 'ci-[^ab]', yes: ['ci-c'], no: ['ci-a'] },
    { glob: 'a.b+c', yes: ['a.b+c'], no: ['aXb+c', 'a.bbc'] },
    { glob: 'x\\*', yes: ['x*'], no: ['xy'] },
  ];
  for (const { glob, yes, no } of globs) {
    it(`glob ${glob}`, () => {
      const re = globToRegExp(glob);
      for (const y of yes) assert.ok(re.test(y), `${glob} matches ${y}`);
      for (const n of no) assert.ok(!re.test(n), `${glob} does not match ${n}`);
    });
  }
  it('an unclosed class is an error', () => assert.throws(() => globToRegExp('ci-[ab'), /unclosed \[/));

  it('reports at most three failing jobs, sorted, then ...', () => {
    const latest = ['d', 'b', 'a', 'c'].map((n) => job({ job: n, state: 'failure' }));
    assert.equal(renderBadge(latest).status, 'failing a, b, c, ...');
    assert.equal(renderBadge([job({ job: 'x', state: 'pending', complete: false })]).status, 'passing');
    assert.equal(renderBadge([]).status, 'no results');
  });

  it('takes the newest run of each matching job', () => {
    const old = job({ job: 'ci-a', state: 'failure', start: '2026-12-01T10:00:00Z' });
    const fresh = job({ job: 'ci-a', state: 'success', start: '2026-12-01T11:00:00Z' });
    const other = job({ job: 'post-a', state: 'failure', start: '2026-12-01T12:00:00Z' });
    assert.deepEqual(pickLatestJobs([old, other, fresh], [globToRegExp('ci-*')]), [fresh]);
  });
});

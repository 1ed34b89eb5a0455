// Job selection for comments (upstream pjutil filter_test.go semantics): which presubmits each command
// picks, as a table over one job set, with changed files fetched at most once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commentMatchesTrigger, filterPresubmits, presubmitFilter, shouldRespondWithHelp } from '../../../src/plugins/trigger/filter.js';
import { presubmit } from './fixtures.js';

const jobs = [
  presubmit('always', { always_run: true }),
  presubmit('manual'),
  presubmit('manual-optional', { optional: true }),
  presubmit('go-only', { run_if_changed: '\\.go$' }),
  presubmit('not-docs', { skip_if_only_changed: '^docs/' }),
  presubmit('release-only', { always_run: true, branches: ['^release-'] }),
];

describe('presubmit selection', () => {
  const cases: { body: string; files: string[]; failed?: string[]; seen?: string[]; want: string[]; fetches: number }[] = [
    { body: '/test all', files: ['docs/a.md'], want: ['always'], fetches: 1 },
    { body: '/test all', files: ['main.go'], want: ['always', 'go-only', 'not-docs'], fetches: 1 },
    { body: '/test manual', files: [], want: ['manual'], fetches: 0 },
    { body: '/test go-only', files: ['docs/a.md'], want: ['go-only'], fetches: 0 },
    { body: '/test release-only', files: [], want: [], fetches: 0 },
    { body: '/retest', files: ['docs/a.md'], failed: ['pull-manual-optional'], seen: ['pull-always', 'pull-manual-optional'], want: ['manual-optional'], fetches: 1 },
    { body: '/retest', files: ['main.go'], failed: [], seen: ['pull-always'], want: ['go-only', 'not-docs'], fetches: 1 },
    { body: '/retest-required', files: ['docs/a.md'], failed: ['pull-manual-optional', 'pull-manual'], seen: [], want: ['always', 'manual'], fetches: 1 },
    { body: '/test-manual-required', files: [], want: ['manual'], fetches: 0 },
    { body: '/ok-to-test', files: ['main.go'], want: ['always', 'go-only', 'not-docs'], fetches: 1 },
    { body: 'lgtm, thanks', files: ['main.go'], want: [], fetches: 0 },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.body)} with ${c.files.join(',') || 'no files'}`, async () => {
      let fetches = 0;
      let memo: Promise<readonly string[]> | undefined;
      const changes = () => (memo ??= (fetches++, Promise.resolve(c.files)));
      const contexts = async () => ({ failed: new Set(c.failed ?? []), all: new Set(c.seen ?? []) });
      const filter = await presubmitFilter(true, contexts, c.body);
      const got = await filterPresubmits(filter, changes, 'master', jobs);
      assert.deepEqual(got.map((j) => j.name), c.want);
      assert.equal(fetches, c.fetches, 'changed files are fetched lazily, at most once');
    });
  }

  it('/ok-to-test does not select jobs when ok-to-test is ignored', async () => {
    const filter = await presubmitFilter(false, async () => ({ failed: new Set(), all: new Set() }), '/ok-to-test');
    assert.deepEqual(await filterPresubmits(filter, async () => ['main.go'], 'master', jobs), []);
  });

  it('help replies and relevance', () => {
    assert.deepEqual(shouldRespondWithHelp('/test ?', 0), [true, '']);
    assert.deepEqual(shouldRespondWithHelp('/test', 0), [true, 'The `/test` command needs one or more targets.\n']);
    assert.deepEqual(shouldRespondWithHelp('/retest now', 1), [true, 'The `/retest` command does not accept any targets.\n']);
    assert.deepEqual(shouldRespondWithHelp('/test all', 0), [true, 'No jobs can be run with `/test all`.\n']);
    assert.deepEqual(shouldRespondWithHelp('/test foo', 1), [false, '']);
    assert.equal(commentMatchesTrigger('/TEST all', jobs), false, 'commands are case-sensitive');
    assert.equal(commentMatchesTrigger('hi\n/test manual', jobs), true);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ABOUT_THIS_BOT, botChecker, COMMENT_TAG, createComment, createEntry, parseIssueComments } from '../../../src/crier/github/comment.js';
import { compiledReportTemplates, reportTemplateForRepo } from '../../../src/config/report-templates.js';
import type { ProwJob, ProwJobState } from '../../../src/api/prowjob.js';

const SHA = 'a'.repeat(40);

function pj(context: string, state: ProwJobState, over: { optional?: string; type?: 'presubmit' | 'postsubmit' } = {}): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `n-${context}`, labels: over.optional === undefined ? {} : { 'prow.k8s.io/is-optional': over.optional } },
    spec: {
      type: over.type ?? 'presubmit', job: context, context, report: true, rerun_command: `/test ${context}`,
      refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: SHA, pulls: [{ number: 7, author: 'alice', sha: 'headsha' }] },
    },
    status: { startTime: '2026-01-01T00:00:00Z', completionTime: '2026-01-01T00:10:00Z', state, url: `https://prow/${context}` },
  };
}

describe('failure comment', () => {
  const isBot = botChecker('k8s-ci-robot');
  const table = (rows: string[]): string =>
    ['@alice: The following test failed, say ...', '', 'Test name | Commit | Details | Required | Rerun command', '--- | --- | --- | --- | ---', ...rows, '', COMMENT_TAG].join('\n');
  const rowA = 'a | s1 | [link](u) | true | `/test a`';
  const rowB = 'b | s1 | [link](u) | true | `/test b`';

  it('entries say required from the is-optional label', () => {
    assert.equal(createEntry(pj('a', 'failure', { optional: 'false' })), 'a | headsha | [link](https://prow/a) | true | `/test a`');
    assert.equal(createEntry(pj('a', 'failure', { optional: 'true' })), 'a | headsha | [link](https://prow/a) | false | `/test a`');
    assert.equal(createEntry(pj('a', 'failure')), 'a | headsha | [link](https://prow/a) | unknown | `/test a`');
  });

  const cases: { name: string; jobs: ProwJob[]; comments: { id: number; login: string; body: string }[]; want: { deletes: number[]; entries: string[]; updateId: number } }[] = [
    {
      name: 'first failure: a new row, nothing to delete',
      jobs: [pj('a', 'failure', { optional: 'false' })], comments: [],
      want: { deletes: [], entries: ['a | headsha | [link](https://prow/a) | true | `/test a`'], updateId: 0 },
    },
    {
      name: 'a new failure replaces the comment (delete newest, create)',
      jobs: [pj('c', 'failure')], comments: [{ id: 5, login: 'k8s-ci-robot', body: table([rowA]) }],
      want: { deletes: [5], entries: [rowA, 'c | headsha | [link](https://prow/c) | unknown | `/test c`'], updateId: 0 },
    },
    {
      name: 'a passing rerun removes its row and edits in place',
      jobs: [pj('a', 'success')], comments: [{ id: 5, login: 'k8s-ci-robot', body: table([rowA, rowB]) }],
      want: { deletes: [], entries: [rowB], updateId: 5 },
    },
    {
      name: 'the last row gone: the comment is deleted',
      jobs: [pj('a', 'success')], comments: [{ id: 5, login: 'k8s-ci-robot', body: table([rowA]) }],
      want: { deletes: [5], entries: [], updateId: 0 },
    },
    {
      name: 'older bot comments are deleted, human comments with the tag ignored, duplicate rows collapse to the newest',
      jobs: [pj('z', 'success')],
      comments: [
        { id: 1, login: 'k8s-ci-robot', body: table([rowA]) },
        { id: 2, login: 'mallory', body: table([rowB]) },
        { id: 3, login: 'k8s-ci-robot[bot]', body: table(['a | s2 | [link](v) | true | `/test a`']) },
      ],
      want: { deletes: [1], entries: ['a | s2 | [link](v) | true | `/test a`'], updateId: 3 },
    },
    {
      name: 'CRLF bodies parse like LF ones; untagged bot comments are not ours',
      jobs: [pj('a', 'success')],
      comments: [
        { id: 4, login: 'k8s-ci-robot', body: '--- | --- | ---\r\nb | x | y\r\n\r\n' },
        { id: 5, login: 'k8s-ci-robot', body: `--- | --- | ---\r\na | s | l\r\n\r\n${COMMENT_TAG}` },
      ],
      want: { deletes: [5], entries: [], updateId: 0 },
    },
    {
      name: 'error and aborted are not failures for the table',
      jobs: [pj('a', 'error'), pj('b', 'aborted')], comments: [],
      want: { deletes: [], entries: [], updateId: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = parseIssueComments(c.jobs, isBot, c.comments.map((x) => ({ id: x.id, body: x.body, user: { login: x.login } })));
      assert.deepEqual(got, c.want);
    });
  }

  it('comment body: header, rows, template, details and tag', () => {
    const t = reportTemplateForRepo(compiledReportTemplates({ report_templates: { '*': 'star', o: 'org {{.Spec.Refs.Org}}', 'o/r': 'PR {{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}' } }), 'o', 'r');
    const body = createComment(t, [pj('a', 'failure')], [rowA, rowB]);
    assert.equal(body, [
      '@alice: The following tests **failed**, say `/retest` to rerun all failed tests or `/retest-required` to rerun all mandatory failed tests:',
      '',
      'Test name | Commit | Details | Required | Rerun command',
      '--- | --- | --- | --- | ---',
      rowA,
      rowB,
      '',
      'PR 7',
      '',
      '<details>',
      '',
      ABOUT_THIS_BOT,
      '</details>',
      COMMENT_TAG,
    ].join('\n'));
    assert.match(createComment(undefined, [pj('a', 'failure')], [rowA]), /The following test \*\*failed\*\*/);
    assert.match(createComment(undefined, [pj('a', 'success')], []), /^@alice: all tests \*\*passed!\*\*\n\n\n<details>/);
  });
});

// verify-owners (upstream pkg/plugins/verify-owners/verify-owners_test.go TestHandle, TestParseOwnersFile,
// TestNonCollaborators, TestHandleGenericComment, TestOwnersRemoval, TestHandleEmptyAliases) against PRs in the
// fake GitHub: real commits change OWNERS files, so the patches the plugin reads are git's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INVALID_OWNERS_LABEL, parseOwnersStrict, verifyOwnersPlugin } from '../../../src/plugins/verify-owners/verify-owners.js';
import { snapshotFrom } from '../../support/config.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { REPO, botComments, commentDelivery, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const BASE = { OWNERS: 'approvers: [collab1]\n', 'OWNERS_ALIASES': 'aliases:\n  team:\n  - collab1\n', 'pkg/OWNERS': 'approvers: [collab2]\n', 'main.go': 'package main\n' };

interface Case {
  name: string;
  files: Record<string, string | null>;
  labels?: string[];
  plugins?: string;
  comment?: string;
  isIssue?: boolean;
  wantLabel: boolean;
  /** review comment bodies (by path) */
  review?: Record<string, string>;
  /** substrings of bot comments, one entry per comment */
  comments?: string[];
  /** the OWNERS file name the review names (default OWNERS) */
  ownersName?: string;
}

const cases: Case[] = [
  { name: 'no OWNERS file', files: { 'main.go': 'package main // x\n' }, wantLabel: false },
  { name: 'good OWNERS file', files: { 'a/OWNERS': 'approvers:\n- collab1\nreviewers:\n- collab2\n' }, wantLabel: false },
  { name: 'good OWNERS file with filters', files: { 'a/OWNERS': 'filters:\n  ".*":\n    approvers:\n    - collab1\n' }, wantLabel: false },
  { name: 'invalid syntax OWNERS file', files: { 'a/OWNERS': 'approvers:\n- collab1\nreviewers: [collab2\n' }, wantLabel: true, review: { 'a/OWNERS': 'Cannot parse file:' } },
  { name: 'invalid syntax OWNERS file with filters', files: { 'a/OWNERS': 'filters:\n  ".*":\n    approvers: [collab1\n' }, wantLabel: true, review: { 'a/OWNERS': 'Cannot parse file:' } },
  { name: 'forbidden labels in OWNERS file', files: { 'a/OWNERS': 'approvers:\n- collab1\nlabels:\n- lgtm\n' }, wantLabel: true, review: { 'a/OWNERS': 'File contains banned labels: [lgtm].' } },
  { name: 'forbidden labels in OWNERS file with filters', files: { 'a/OWNERS': 'filters:\n  ".*":\n    approvers: [collab1]\n    labels: [approved]\n' }, wantLabel: true, review: { 'a/OWNERS': 'File contains banned labels: [approved].' } },
  { name: 'no approvers in the root OWNERS file', files: { OWNERS: 'reviewers:\n- collab1\n' }, wantLabel: true, review: { OWNERS: 'No approvers defined in this root directory OWNERS file.' } },
  { name: 'no approvers in the root OWNERS file with filters', files: { OWNERS: 'filters:\n  ".*":\n    reviewers: [collab1]\n' }, wantLabel: true, review: { OWNERS: 'No approvers defined in this root directory OWNERS file.' } },
  { name: 'no approvers in pkg/OWNERS is fine', files: { 'pkg/OWNERS': 'reviewers:\n- collab2\n' }, wantLabel: false },
  { name: 'OWNERS file removed', files: { 'pkg/OWNERS': null }, wantLabel: false },
  { name: 'OWNERS_ALIASES file removed', files: { OWNERS_ALIASES: null }, wantLabel: false },
  { name: 'invalid OWNERS_ALIASES', files: { OWNERS_ALIASES: 'aliases:\n  team: collab1\n' }, wantLabel: true, comments: ['The content of OWNERS_ALIASES is invalid.'] },
  { name: 'collaborators added in OWNERS', files: { 'a/OWNERS': 'approvers:\n- collab1\n- collab2\n' }, wantLabel: false },
  {
    name: 'a non-collaborator added in OWNERS', files: { 'a/OWNERS': 'approvers:\n- collab1\n- rando\n' }, wantLabel: true,
    comments: ['The OWNERS file contains untrusted users, which makes it INVALID. The following users are mentioned in OWNERS file(s) but are untrusted for the following reasons. One way to make the user trusted is to add them as [members](https://github.com/orgs/org/people) of the org org. You can then trigger verification by writing `/verify-owners` in a comment.\n- rando\n  - User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.'],
  },
  { name: 'a non-collaborator added, skip_collaborators lists the repo', files: { 'a/OWNERS': 'approvers:\n- collab1\n- rando\n' }, plugins: 'owners:\n  skip_collaborators: [org/repo]\n', wantLabel: false },
  { name: 'a non-collaborator added in OWNERS_ALIASES', files: { OWNERS_ALIASES: 'aliases:\n  team:\n  - collab1\n  - outsider\n' }, wantLabel: true, comments: ['- outsider\n  - User is not a member of the org.'] },
  { name: 'a collaborator added in OWNERS_ALIASES', files: { OWNERS_ALIASES: 'aliases:\n  team:\n  - collab1\n  - collab2\n' }, wantLabel: false },
  {
    name: 'one non-collaborator in both OWNERS and OWNERS_ALIASES: listed once, the second file named',
    files: { OWNERS_ALIASES: 'aliases:\n  team:\n  - collab1\n  - rando\n', 'a/OWNERS': 'approvers:\n- rando\n' }, wantLabel: true,
    comments: ['- rando\n  - User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.\n  - a/OWNERS'],
  },
  { name: 'an alias in OWNERS is not a login to check', files: { 'a/OWNERS': 'approvers:\n- team\n' }, wantLabel: false },
  { name: 'the label goes once the files are fixed', files: { 'a/OWNERS': 'approvers:\n- collab1\n' }, labels: [INVALID_OWNERS_LABEL], wantLabel: false },
  { name: 'a labelled PR touching no OWNERS file is checked again and cleared', files: { 'main.go': 'package main // y\n' }, labels: [INVALID_OWNERS_LABEL], wantLabel: false },
  { name: 'empty aliases get a cleanup comment', files: { OWNERS_ALIASES: 'aliases:\n  team:\n  - collab1\n  empty: []\n' }, wantLabel: false, comments: ['There are empty aliases in OWNER_ALIASES, cleanup is advised.'] },
  {
    name: 'owners.filenames: the repo\'s own OWNERS name is the one checked', files: { 'a/MAINTAINERS': 'approvers: [collab1\n', 'b/OWNERS': 'approvers: [collab1\n' },
    plugins: 'owners:\n  filenames:\n    org/repo:\n      owners: MAINTAINERS\n', wantLabel: true, review: { 'a/MAINTAINERS': 'Cannot parse file:' }, ownersName: 'MAINTAINERS',
  },
  { name: '/verify-owners checks an invalid file', comment: '/verify-owners', files: { 'a/OWNERS': 'approvers: [collab1\n' }, wantLabel: true, review: { 'a/OWNERS': 'Cannot parse file:' } },
  { name: 'an unrelated comment does nothing', comment: 'hello', files: { 'a/OWNERS': 'approvers: [collab1\n' }, wantLabel: false },
];

describe('verify-owners', () => {
  let w: World;
  let d: Delivery;
  let pass = 0;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  pluginCases(cases, {
    async arrange(c) {
      await w.gh.reset(seed({ isPR: true, repoFiles: BASE, files: c.files, labels: c.labels ?? [], repoLabels: [INVALID_OWNERS_LABEL] }));
      d = c.comment !== undefined ? await commentDelivery(w.gh, 'rando', c.comment, { id: `vo-${c.name}` }) : await pullRequestDelivery(w.gh, 'opened', { id: `vo-${c.name}` });
      pass = 0;
      w.gh.clearCalls();
    },
    async act(c) {
      await deliverTo(verifyOwnersPlugin, d, pluginContextFor(w, { plugin: 'verify-owners', snapshot: snapshotFrom({ plugins: c.plugins ?? '{}' }), withOwners: false, redelivery: pass++ > 0 }));
    },
    writes: () => writes(w.gh),
    check(c) {
      assert.equal(w.gh.labels(REPO, 1).includes(INVALID_OWNERS_LABEL), c.wantLabel);
      const reviews = w.gh.reviews(REPO, 1);
      if (c.review === undefined) assert.deepEqual(reviews, []);
      else {
        assert.equal(reviews.length, 1);
        const n = Object.keys(c.review).length;
        assert.match(reviews[0]!.body, new RegExp(`${n} invalid ${c.ownersName ?? 'OWNERS'} file${n === 1 ? '' : 's'}`));
        const lineComments = w.gh.calls({ method: 'POST' }).flatMap((call) => ((call.body as { comments?: { path: string; body: string }[] } | undefined)?.comments ?? []));
        for (const [path, text] of Object.entries(c.review)) {
          assert.ok(lineComments.some((x) => x.path === path && x.body.includes(text)), `no review comment on ${path} with ${text}: ${JSON.stringify(lineComments)}`);
        }
      }
      const comments = botComments(w.gh);
      assert.equal(comments.length, (c.comments ?? []).length, comments.join('\n---\n'));
      (c.comments ?? []).forEach((want, i) => assert.ok(comments[i]!.includes(want), `comment ${i} lacks ${want}:\n${comments[i]!}`));
    },
  });

  it('binds a parse error to the line it names when the patch adds that line, else to the first added line', () => {
    const text = 'approvers:\n- collab1\nreviewers: [collab2\nlabels:\n- x\n';
    const added = parseOwnersStrict(text, { filename: 'a/OWNERS', patch: '@@ -0,0 +1,5 @@\n+approvers:\n+- collab1\n+reviewers: [collab2\n+labels:\n+- x', status: 'added', sha: '', additions: 5, deletions: 0, changes: 5 }, [], 'OWNERS');
    assert.ok('problem' in added);
    assert.equal(added.problem.line, 4);
    assert.match(added.problem.message, /^Cannot parse file: .*[^:]\.$/);
    const edited = parseOwnersStrict(text, { filename: 'a/OWNERS', patch: '@@ -1,2 +1,2 @@\n-approvers: []\n+approvers:\n - collab1', status: 'modified', sha: '', additions: 1, deletions: 1, changes: 2 }, [], 'OWNERS');
    assert.ok('problem' in edited);
    assert.equal(edited.problem.line, 1);
  });
});

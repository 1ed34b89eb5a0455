// dco (upstream pkg/plugins/dco/dco_test.go TestHandlePullRequest, TestHandleComment): the cases ported
// onto the fake GitHub: real commits in the fake's git repository, statuses and labels over HTTP, each
// delivery handled twice (the second handling must write nothing).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DCO_NO_LABEL, DCO_YES_LABEL, dcoPlugin } from '../../../src/plugins/dco/dco.js';
import { snapshotFrom } from '../../support/config.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo } from '../support/fixtures.js';
import { REPO, botComments, commentDelivery, pullRequestDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const SIGNED = 'a change\n\nSigned-off-by: Someone <someone@example.com>';

interface Case {
  name: string;
  action?: string;
  /** a comment instead of a pull_request delivery */
  comment?: string;
  commits: { message: string; author?: string }[];
  labels?: string[];
  /** the dco status already on the head */
  status?: 'success' | 'failure';
  plugins?: string;
  wantLabels: string[];
  /** the dco status after; undefined: none posted */
  wantStatus?: { state: string; description: string; targetUrl?: string };
  /** substrings of the one DCO comment expected after; undefined: none */
  wantComment?: string[];
  oldComment?: boolean;
}

const FAIL = { state: 'failure', description: 'Commits in PR missing Signed-off-by', targetUrl: 'https://github.com/org/repo/blob/master/CONTRIBUTING.md' };
const PASS = { state: 'success', description: 'All commits have Signed-off-by', targetUrl: 'https://github.com/org/repo/blob/master/CONTRIBUTING.md' };
const TRUST_MEMBERS = 'dco:\n  org/repo:\n    skip_dco_check_for_members: true\n';

const cases: Case[] = [
  { name: 'does nothing on pull request edited', action: 'edited', commits: [{ message: 'not a sign off' }], wantLabels: [] },
  {
    name: "adds the 'no' label and failure status and comments when no commit is signed off", commits: [{ message: 'not a sign off' }],
    wantLabels: [DCO_NO_LABEL], wantStatus: FAIL,
    wantComment: ["you'll need to add a 'DCO signoff'", '[contributing guide](https://github.com/org/repo/blob/master/CONTRIBUTING.md)', ') not a sign off'],
  },
  {
    name: "replaces the 'yes' label when sign-off is missing", commits: [{ message: 'not a sign off' }], labels: [DCO_YES_LABEL],
    wantLabels: [DCO_NO_LABEL], wantStatus: FAIL, wantComment: ['not a sign off'],
  },
  {
    name: 'labels and status up to date and failing: only the comment is renewed', commits: [{ message: 'still not signed' }], labels: [DCO_NO_LABEL],
    status: 'failure', oldComment: true, wantLabels: [DCO_NO_LABEL], wantComment: ['still not signed'],
  },
  {
    name: 'one commit of two missing its sign-off fails the PR', commits: [{ message: SIGNED }, { message: 'forgot' }],
    wantLabels: [DCO_NO_LABEL], wantStatus: FAIL, wantComment: [') forgot'],
  },
  { name: 'all commits signed off: yes label and success status', commits: [{ message: SIGNED }], wantLabels: [DCO_YES_LABEL], wantStatus: PASS },
  {
    name: 'all signed off: the no label goes and the old comment is pruned', commits: [{ message: `x\n\nsigned-off-by: lower case <a@b.c>` }],
    labels: [DCO_NO_LABEL], status: 'failure', oldComment: true, wantLabels: [DCO_YES_LABEL], wantStatus: PASS,
  },
  {
    name: 'an unsigned commit by a member of the trusted org passes when members skip the check', plugins: TRUST_MEMBERS,
    commits: [{ message: 'no sign off', author: 'trusted-member' }], wantLabels: [DCO_YES_LABEL], wantStatus: PASS,
  },
  {
    name: 'one signed commit and one unsigned by a trusted member pass', plugins: TRUST_MEMBERS,
    commits: [{ message: SIGNED }, { message: 'no sign off', author: 'trusted-member' }], wantLabels: [DCO_YES_LABEL], wantStatus: PASS,
  },
  {
    name: 'an unsigned commit by a member of another org than trusted_org fails', plugins: 'dco:\n  org/repo:\n    skip_dco_check_for_members: true\n    trusted_org: other\n',
    commits: [{ message: 'no sign off', author: 'collab1' }], wantLabels: [DCO_NO_LABEL], wantStatus: FAIL, wantComment: ['no sign off'],
  },
  {
    name: 'an unsigned commit by a member of trusted_org passes', plugins: 'dco:\n  org:\n    skip_dco_check_for_members: true\n    trusted_org: other\n',
    commits: [{ message: 'no sign off', author: 'outsider' }], wantLabels: [DCO_YES_LABEL], wantStatus: PASS,
  },
  {
    name: 'the skip is off: a member still needs the sign-off', commits: [{ message: 'no sign off', author: 'trusted-member' }],
    wantLabels: [DCO_NO_LABEL], wantStatus: FAIL, wantComment: ['no sign off'],
  },
  {
    name: 'a collaborator skips the check with skip_dco_check_for_collaborators', plugins: 'dco:\n  "*":\n    skip_dco_check_for_collaborators: true\n',
    commits: [{ message: 'no sign off', author: 'collab1' }], wantLabels: [DCO_YES_LABEL], wantStatus: PASS,
  },
  {
    name: 'a collaborator needs the sign-off when only members skip', plugins: TRUST_MEMBERS,
    commits: [{ message: 'no sign off', author: 'collab1' }], wantLabels: [DCO_NO_LABEL], wantStatus: FAIL, wantComment: ['no sign off'],
  },
  {
    name: 'custom CONTRIBUTING.md repo, branch and path in the status and comment',
    plugins: 'dco:\n  org/repo:\n    contributing_repo: other-org/other-repo\n    contributing_branch: main\n    contributing_path: docs/CONTRIBUTING.md\n',
    commits: [{ message: 'no sign off' }], wantLabels: [DCO_NO_LABEL],
    wantStatus: { ...FAIL, targetUrl: 'https://github.com/other-org/other-repo/blob/main/docs/CONTRIBUTING.md' },
    wantComment: ['[contributing guide](https://github.com/other-org/other-repo/blob/main/docs/CONTRIBUTING.md)'],
  },
  {
    name: 'reopened: labels and status, but no comment', action: 'reopened', commits: [{ message: 'no sign off' }],
    wantLabels: [DCO_NO_LABEL], wantStatus: FAIL,
  },
  { name: 'a comment that is not /check-dco does nothing', comment: '/check-dcox', commits: [{ message: 'no sign off' }], wantLabels: [] },
  {
    name: '/check-dco rechecks and comments', comment: '/check-dco', commits: [{ message: 'no sign off' }],
    wantLabels: [DCO_NO_LABEL], wantStatus: FAIL, wantComment: ['no sign off'],
  },
  {
    name: '/check-dco with members skipping passes a member', comment: '/check-dco', plugins: TRUST_MEMBERS,
    commits: [{ message: 'no sign off', author: 'trusted-member' }], wantLabels: [DCO_YES_LABEL], wantStatus: PASS,
  },
];

describe('dco', () => {
  let w: World;
  let head = '';
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  pluginCases(cases, {
    async arrange(c) {
      const s = seed({ isPR: true, labels: c.labels ?? [], repoLabels: [DCO_YES_LABEL, DCO_NO_LABEL], orgs: { org: { members: ['trusted-member'] }, other: { members: ['outsider'] } } });
      s.pulls![0]!.commits = c.commits.map((m, i) => ({ message: m.message, author: m.author ?? 'author', files: { [`f${i}.txt`]: `${i}\n` } }));
      if (c.oldComment === true) s.pulls![0]!.comments = [{ author: 'k8s-ci-robot', body: "Thanks for your pull request. Before we can look at it, you'll need to add a 'DCO signoff' to your commits.\n\nold list" }];
      await w.gh.reset(s);
      head = await w.gh.headSha(REPO, 1);
      if (c.status !== undefined) await w.client.createStatus('org', 'repo', head, { context: 'dco', state: c.status, description: 'earlier' });
      w.gh.clearCalls();
    },
    async act(c) {
      const d = c.comment !== undefined ? await commentDelivery(w.gh, 'rando', c.comment, { id: `dco-${c.name}` }) : await pullRequestDelivery(w.gh, c.action ?? 'opened', { id: `dco-${c.name}` });
      await deliverTo(dcoPlugin, d, pluginContextFor(w, { plugin: 'dco', snapshot: snapshotFrom({ plugins: c.plugins ?? '{}' }), withOwners: false, redelivery: writes(w.gh).length > 0 }));
    },
    writes: () => writes(w.gh),
    check(c) {
      assert.deepEqual(w.gh.labels(REPO, 1).filter((l) => l.startsWith('dco')).sort(), c.wantLabels);
      const posted = w.gh.statuses(REPO, head).filter((s) => s.context === 'dco' && s.description !== 'earlier').map(({ state, description, targetUrl }) => ({ state, description, targetUrl }));
      assert.deepEqual(posted, c.wantStatus === undefined ? [] : [c.wantStatus]);
      const dcoComments = botComments(w.gh).filter((b) => b.includes("'DCO signoff'"));
      if (c.wantComment === undefined) {
        assert.deepEqual(dcoComments, []);
      } else {
        assert.equal(dcoComments.length, 1, dcoComments.join('\n---\n'));
        for (const part of c.wantComment) assert.ok(dcoComments[0]!.includes(part), `comment lacks ${part}:\n${dcoComments[0]!}`);
      }
    },
  });

  it('a merge commit needs no sign-off (upstream skips commits with more than one parent)', async () => {
    const s = seed({ isPR: true, repoLabels: [DCO_YES_LABEL, DCO_NO_LABEL] });
    s.pulls![0]!.commits = [{ message: SIGNED, files: { 'a.txt': 'a\n' } }];
    await w.gh.reset(s);
    // A merge of a signed side commit into the PR branch, made with git in the fake's repository.
    const dir = await w.gh.repoDir(REPO);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'author', GIT_AUTHOR_EMAIL: 'author@example.com', GIT_COMMITTER_NAME: 'author', GIT_COMMITTER_EMAIL: 'author@example.com' } }).toString().trim();
    const head = git('rev-parse', 'refs/heads/pr-1');
    const base = git('rev-parse', 'refs/heads/master');
    const side = git('commit-tree', `${base}^{tree}`, '-p', base, '-m', SIGNED);
    const merge = git('commit-tree', `${head}^{tree}`, '-p', head, '-p', side, '-m', 'Merge branch side');
    git('update-ref', 'refs/heads/pr-1', merge);
    git('update-ref', 'refs/pull/1/head', merge);
    const commits = await w.client.listPullRequestCommits('org', 'repo', 1);
    assert.ok(commits.some((c) => c.parents.length === 2 && !/signed-off-by/i.test(c.message)), 'the PR has an unsigned merge commit');
    const d = await pullRequestDelivery(w.gh, 'synchronize', { id: 'dco-merge' });
    await deliverTo(dcoPlugin, d, pluginContextFor(w, { plugin: 'dco', withOwners: false }));
    assert.deepEqual(w.gh.labels(REPO, 1), [DCO_YES_LABEL]);
    assert.equal(w.gh.statuses(REPO, merge).at(-1)?.state, 'success');
  });
});

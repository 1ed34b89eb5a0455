// The real Octokit client over HTTP against the fake GitHub: every GitHubClient method.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGitHubClient, type OctokitGitHubClient } from '../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { GitHubError, MissingUsersError, ModifiedHeadError, UnmergeablePullRequestError } from '../../src/github/errors.js';
import type { FakeSeed } from '../../src/github/fake/state.js';

const seed: FakeSeed = {
  bot: 'prow-bot',
  users: [{ login: 'alice', name: 'Alice A', email: 'alice@example.com' }, 'bob', 'carol', 'dave', 'eve'],
  orgs: {
    demo: {
      members: ['alice', 'carol'],
      admins: ['root'],
      teams: { reviewers: { name: 'Reviewers', members: ['carol'], maintainers: ['alice'], repos: { 'demo/hello': 'write' } } },
    },
  },
  repos: [
    {
      repo: 'demo/hello',
      files: { OWNERS: 'approvers:\n- alice\n', 'README.md': '# hello\n', 'docs/guide.md': 'guide\n' },
      collaborators: { dave: 'write', eve: 'read' },
      labels: ['lgtm', { name: 'approved', color: '00ff00', description: 'ready' }],
      milestones: ['v1.0', { title: 'v0.9', state: 'closed' }],
      branchProtection: { main: { contexts: ['ci'], strict: true, requiredApprovingReviewCount: 1, restrictions: { users: ['alice'], teams: ['reviewers'] } } },
    },
  ],
  pulls: [
    {
      repo: 'demo/hello', number: 1, author: 'bob', title: 'Add French', head: 'french',
      commits: [
        { message: 'first', files: { 'hello-fr.txt': 'bonjour\n' } },
        { message: 'second', files: { 'README.md': '# hello\nbonjour\n', 'docs/guide.md': null } },
      ],
      labels: ['needs-ok-to-test'],
      comments: [{ author: 'alice', body: 'nice' }],
      reviews: [{ author: 'alice', state: 'APPROVED', body: 'lgtm' }],
      reviewComments: [{ author: 'carol', body: 'typo', path: 'hello-fr.txt', line: 1 }],
    },
  ],
  issues: [{ repo: 'demo/hello', number: 2, title: 'Broken greeting', author: 'carol', body: 'it is broken', labels: ['kind/bug'] }],
};

describe('GitHubClient against the fake GitHub', () => {
  let gh: FakeGitHub;
  let client: OctokitGitHubClient;

  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());
  beforeEach(async () => {
    await gh.reset(seed);
    client = createGitHubClient({ baseUrl: gh.url, token: 'test-token', retry: { retryAfterBaseValue: 1 }, throttle: false });
  });

  it('botUser is fetched once and cached', async () => {
    const a = await client.botUser();
    const b = await client.botUser();
    assert.equal(a.login, 'prow-bot');
    assert.equal(b, a);
    assert.equal(gh.calls({ route: '/user' }).length, 1);
  });

  it('getUser returns the user, undefined for an unknown login', async () => {
    const alice = await client.getUser('alice');
    assert.deepEqual([alice?.login, alice?.name, alice?.email], ['alice', 'Alice A', 'alice@example.com']);
    assert.equal(await client.getUser('nobody'), undefined);
  });

  it('isMember: 204 is true, 404 false, org === login true without a call', async () => {
    assert.equal(await client.isMember('demo', 'alice'), true);
    assert.equal(await client.isMember('demo', 'bob'), false);
    const before = gh.calls().length;
    assert.equal(await client.isMember('bob', 'bob'), true);
    assert.equal(gh.calls().length, before);
  });

  it('listOrgMembers lists members, filtered by role', async () => {
    assert.deepEqual((await client.listOrgMembers('demo')).map((u) => u.login).sort(), ['alice', 'carol', 'root']);
    assert.deepEqual((await client.listOrgMembers('demo', 'admin')).map((u) => u.login), ['root']);
  });

  it('isCollaborator and listCollaborators cover explicit, team and org-owner access', async () => {
    assert.equal(await client.isCollaborator('demo', 'hello', 'dave'), true);
    assert.equal(await client.isCollaborator('demo', 'hello', 'carol'), true); // via team
    assert.equal(await client.isCollaborator('demo', 'hello', 'bob'), false);
    const collabs = await client.listCollaborators('demo', 'hello');
    const byLogin = new Map(collabs.map((c) => [c.login, c]));
    assert.deepEqual([...byLogin.keys()].sort(), ['alice', 'carol', 'dave', 'eve', 'root']);
    assert.equal(byLogin.get('root')?.permissions.admin, true);
    assert.equal(byLogin.get('eve')?.permissions.push, false);
    assert.equal(byLogin.get('eve')?.permissions.pull, true);
  });

  it('getPermission maps roles to GitHub levels', async () => {
    assert.deepEqual(await client.getPermission('demo', 'hello', 'root'), { permission: 'admin', roleName: 'admin' });
    assert.deepEqual(await client.getPermission('demo', 'hello', 'dave'), { permission: 'write', roleName: 'write' });
    assert.deepEqual(await client.getPermission('demo', 'hello', 'eve'), { permission: 'read', roleName: 'read' });
  });

  it('getRepo, getRef (bare branch or heads/) and getCommit', async () => {
    const repo = await client.getRepo('demo', 'hello');
    assert.equal(repo.fullName, 'demo/hello');
    assert.equal(repo.defaultBranch, 'main');
    assert.match(repo.cloneUrl, /^file:\/\//);
    const sha = await client.getRef('demo', 'hello', 'main');
    assert.equal(await client.getRef('demo', 'hello', 'heads/main'), sha);
    assert.equal(sha, await gh.branchSha('demo/hello', 'main'));
    await assert.rejects(client.getRef('demo', 'hello', 'nope'), (e: unknown) => e instanceof GitHubError && e.status === 404);
    const head = await gh.headSha('demo/hello', 1);
    const commit = await client.getCommit('demo', 'hello', head);
    assert.equal(commit.sha, head);
    assert.equal(commit.message, 'second');
    assert.match(commit.treeSha, /^[0-9a-f]{40}$/);
    assert.equal(commit.authorLogin, 'bob');
    assert.equal(commit.parents.length, 1);
  });

  it('getFile reads from git at a ref; 404 is undefined', async () => {
    assert.equal(await client.getFile('demo', 'hello', 'OWNERS'), 'approvers:\n- alice\n');
    assert.equal(await client.getFile('demo', 'hello', 'hello-fr.txt'), undefined);
    assert.equal(await client.getFile('demo', 'hello', 'hello-fr.txt', 'french'), 'bonjour\n');
    assert.equal(await client.getFile('demo', 'hello', 'docs'), undefined); // a directory is not a file
    const big = `${'x'.repeat(1024)}\n`.repeat(1100);
    await gh.pushToBranch('demo/hello', 'main', { 'big.txt': big });
    assert.equal(await client.getFile('demo', 'hello', 'big.txt'), big); // over 1 MB: fetched raw
    assert.equal(gh.calls({ path: '/repos/demo/hello/contents/big.txt' }).length, 2);
  });

  it('getBranchProtection returns settings, undefined when unprotected', async () => {
    const p = await client.getBranchProtection('demo', 'hello', 'main');
    assert.deepEqual(p?.requiredStatusChecks, { strict: true, contexts: ['ci'] });
    assert.equal(p?.requiredPullRequestReviews?.requiredApprovingReviewCount, 1);
    assert.deepEqual(p?.restrictions, { users: ['alice'], teams: ['reviewers'] });
    assert.equal(await client.getBranchProtection('demo', 'hello', 'french'), undefined);
  });

  it('getPullRequest gives head and base from git and computed mergeability', async () => {
    const pr = await client.getPullRequest('demo', 'hello', 1);
    assert.equal(pr.number, 1);
    assert.equal(pr.title, 'Add French');
    assert.equal(pr.user.login, 'bob');
    assert.equal(pr.head.ref, 'french');
    assert.equal(pr.head.sha, await gh.headSha('demo/hello', 1));
    assert.equal(pr.base.sha, await gh.branchSha('demo/hello', 'main'));
    assert.equal(pr.base.repo.fullName, 'demo/hello');
    assert.equal(pr.mergeable, true);
    assert.deepEqual(pr.labels, ['needs-ok-to-test']);
    assert.equal(pr.changedFiles, 3);
    await assert.rejects(client.getPullRequest('demo', 'hello', 2), (e: unknown) => e instanceof GitHubError && e.status === 404);
  });

  it('getIssue and listPullRequests', async () => {
    const issue = await client.getIssue('demo', 'hello', 2);
    assert.deepEqual([issue.title, issue.isPullRequest, issue.labels, issue.repo], ['Broken greeting', false, ['kind/bug'], 'demo/hello']);
    assert.equal((await client.getIssue('demo', 'hello', 1)).isPullRequest, true);
    assert.deepEqual((await client.listPullRequests('demo', 'hello')).map((p) => p.number), [1]);
    assert.deepEqual(await client.listPullRequests('demo', 'hello', { state: 'closed' }), []);
  });

  it('listPullRequestFiles matches git diff base...head, with patches', async () => {
    const files = await client.listPullRequestFiles('demo', 'hello', 1);
    const byName = new Map(files.map((f) => [f.filename, f]));
    assert.deepEqual([...byName.keys()].sort(), ['README.md', 'docs/guide.md', 'hello-fr.txt']);
    assert.deepEqual([byName.get('hello-fr.txt')?.status, byName.get('hello-fr.txt')?.additions], ['added', 1]);
    assert.deepEqual([byName.get('docs/guide.md')?.status, byName.get('docs/guide.md')?.deletions], ['removed', 1]);
    assert.equal(byName.get('README.md')?.status, 'modified');
    assert.match(byName.get('README.md')?.patch ?? '', /^@@ .* @@\n # hello\n\+bonjour$/);
  });

  it('listPullRequestCommits lists base..head oldest first', async () => {
    const commits = await client.listPullRequestCommits('demo', 'hello', 1);
    assert.deepEqual(commits.map((c) => c.message), ['first', 'second']);
    assert.equal(commits[1]?.sha, await gh.headSha('demo/hello', 1));
  });

  it('labels: list, add (auto-creating like GitHub), add several, remove, remove-missing tolerated', async () => {
    assert.deepEqual(await client.listIssueLabels('demo', 'hello', 1), ['needs-ok-to-test']);
    await client.addLabel('demo', 'hello', 1, 'LGTM'); // case-insensitive match keeps the repo's casing
    await client.addLabels('demo', 'hello', 1, ['approved', 'area/api']);
    assert.deepEqual(gh.labels('demo/hello', 1), ['needs-ok-to-test', 'lgtm', 'approved', 'area/api']);
    assert.ok(gh.repoLabels('demo/hello').includes('area/api'));
    await client.removeLabel('demo', 'hello', 1, 'area/api');
    await client.removeLabel('demo', 'hello', 1, 'area/api'); // 404 tolerated
    assert.deepEqual(gh.labels('demo/hello', 1), ['needs-ok-to-test', 'lgtm', 'approved']);
    assert.equal(gh.calls({ method: 'DELETE' }).at(-1)?.status, 404);
    const repoLabels = await client.listRepoLabels('demo', 'hello');
    assert.deepEqual(repoLabels.find((l) => l.name === 'approved'), { name: 'approved', color: '00ff00', description: 'ready' });
  });

  it('refuses unknown labels when the fake is strict, as a 422 GitHubError', async () => {
    await gh.reset({ ...seed, refuseUnknownLabels: true });
    await assert.rejects(client.addLabel('demo', 'hello', 1, 'nope'), (e: unknown) => e instanceof GitHubError && e.status === 422);
    assert.deepEqual(gh.labels('demo/hello', 1), ['needs-ok-to-test']);
  });

  it('comments: create as the bot, list, edit, delete, react', async () => {
    const created = await client.createComment('demo', 'hello', 1, 'hello from the bot');
    assert.equal(created.user.login, 'prow-bot');
    const edited = await client.editComment('demo', 'hello', created.id, 'edited');
    assert.equal(edited.body, 'edited');
    const list = await client.listComments('demo', 'hello', 1);
    assert.deepEqual(list.map((c) => [c.user.login, c.body]), [['alice', 'nice'], ['prow-bot', 'edited']]);
    assert.equal(list[0]?.authorAssociation, 'MEMBER');
    await client.createCommentReaction('demo', 'hello', created.id, '+1');
    await client.createIssueReaction('demo', 'hello', 1, 'eyes');
    assert.deepEqual(gh.reactions('demo/hello', { comment: created.id }), ['prow-bot:+1']);
    assert.deepEqual(gh.reactions('demo/hello', { issue: 1 }), ['prow-bot:eyes']);
    await client.deleteComment('demo', 'hello', created.id);
    assert.deepEqual(gh.comments('demo/hello', 1).map((c) => c.body), ['nice']);
    await assert.rejects(client.deleteComment('demo', 'hello', created.id), (e: unknown) => e instanceof GitHubError && e.status === 404);
  });

  it('reviews and review comments: list and create', async () => {
    assert.deepEqual((await client.listReviews('demo', 'hello', 1)).map((r) => [r.user.login, r.state]), [['alice', 'APPROVED']]);
    const rc = await client.listReviewComments('demo', 'hello', 1);
    assert.deepEqual(rc.map((c) => [c.user.login, c.path, c.line]), [['carol', 'hello-fr.txt', 1]]);
    const review = await client.createReview('demo', 'hello', 1, { event: 'REQUEST_CHANGES', body: 'please fix' });
    assert.equal(review.state, 'CHANGES_REQUESTED');
    assert.equal(review.commitId, await gh.headSha('demo/hello', 1));
    assert.deepEqual(gh.reviews('demo/hello', 1).map((r) => r.state), ['APPROVED', 'CHANGES_REQUESTED']);
  });

  it('listIssueEvents records labeled/unlabeled/assigned', async () => {
    await client.addLabel('demo', 'hello', 2, 'triage/accepted');
    await client.removeLabel('demo', 'hello', 2, 'kind/bug');
    await client.assignIssue('demo', 'hello', 2, ['carol']);
    const events = await client.listIssueEvents('demo', 'hello', 2);
    assert.deepEqual(events.map((e) => [e.event, e.label ?? e.assignee, e.actor?.login]), [
      ['labeled', 'triage/accepted', 'prow-bot'],
      ['unlabeled', 'kind/bug', 'prow-bot'],
      ['assigned', 'carol', 'prow-bot'],
    ]);
  });

  it('assignIssue drops non-assignable users like GitHub and reports them as missing', async () => {
    await assert.rejects(
      client.assignIssue('demo', 'hello', 1, ['dave', 'zed', 'eve']),
      (e: unknown) => e instanceof MissingUsersError && e.action === 'assign' && e.users.join() === 'zed',
    );
    assert.deepEqual(gh.assignees('demo/hello', 1), ['dave', 'eve']);
    await client.unassignIssue('demo', 'hello', 1, ['dave']);
    assert.deepEqual(gh.assignees('demo/hello', 1), ['eve']);
  });

  it('requestReview: users and org/team, retrying one by one after a 422 to find missing users', async () => {
    await assert.rejects(
      client.requestReview('demo', 'hello', 1, ['dave', 'zed', 'demo/reviewers', 'other/team']),
      (e: unknown) => e instanceof MissingUsersError && [...e.users].sort().join() === 'other/team,zed',
    );
    assert.deepEqual(gh.requestedReviewers('demo/hello', 1), ['dave', 'demo/reviewers']);
    await client.unrequestReview('demo', 'hello', 1, ['dave', 'demo/reviewers']);
    assert.deepEqual(gh.requestedReviewers('demo/hello', 1), []);
    await client.requestReview('demo', 'hello', 1, ['carol']);
    assert.deepEqual(gh.requestedReviewers('demo/hello', 1), ['carol']);
  });

  it('statuses: create, list every one newest first, combined keeps the latest per context', async () => {
    const sha = await gh.headSha('demo/hello', 1);
    await client.createStatus('demo', 'hello', sha, { state: 'pending', context: 'ci', description: 'running', targetUrl: 'http://deck/1' });
    await client.createStatus('demo', 'hello', sha, { state: 'success', context: 'ci', description: 'passed' });
    await client.createStatus('demo', 'hello', sha, { state: 'failure', context: 'lint' });
    const all = await client.listStatuses('demo', 'hello', sha);
    assert.deepEqual(all.map((s) => `${s.context}:${s.state}`), ['lint:failure', 'ci:success', 'ci:pending']);
    const combined = await client.getCombinedStatus('demo', 'hello', sha);
    assert.equal(combined.sha, sha);
    assert.equal(combined.state, 'failure');
    assert.deepEqual(combined.statuses.map((s) => `${s.context}:${s.state}`).sort(), ['ci:success', 'lint:failure']);
    assert.equal(all[2]?.targetUrl, 'http://deck/1');
    await assert.rejects(
      client.createStatus('demo', 'hello', sha, { state: 'success', context: 'x', description: 'd'.repeat(141) }),
      (e: unknown) => e instanceof GitHubError && e.status === 422,
    );
  });

  it('searchIssues understands repo, is:, label and -label qualifiers', async () => {
    assert.deepEqual((await client.searchIssues('repo:demo/hello is:pr is:open')).map((i) => i.number), [1]);
    assert.deepEqual((await client.searchIssues('repo:demo/hello is:issue label:kind/bug')).map((i) => i.number), [2]);
    assert.deepEqual((await client.searchIssues('org:demo -label:kind/bug')).map((i) => i.number), [1]);
    assert.deepEqual(await client.searchIssues('repo:demo/hello author:nobody'), []);
  });

  it('teams: list, members by role, membership (404 is undefined)', async () => {
    assert.deepEqual((await client.listTeams('demo')).map((t) => [t.slug, t.name]), [['reviewers', 'Reviewers']]);
    assert.deepEqual((await client.listTeamMembers('demo', 'reviewers')).map((u) => u.login).sort(), ['alice', 'carol']);
    assert.deepEqual((await client.listTeamMembers('demo', 'reviewers', 'maintainer')).map((u) => u.login), ['alice']);
    assert.deepEqual(await client.getTeamMembership('demo', 'reviewers', 'carol'), { role: 'member', state: 'active' });
    assert.equal(await client.getTeamMembership('demo', 'reviewers', 'bob'), undefined);
  });

  it('milestones and patchIssue (title, milestone, state), close/reopen issues and PRs', async () => {
    const milestones = await client.listMilestones('demo', 'hello');
    assert.deepEqual(milestones.map((m) => [m.title, m.state]), [['v1.0', 'open'], ['v0.9', 'closed']]);
    const patched = await client.patchIssue('demo', 'hello', 2, { title: 'Renamed', milestone: milestones[0]?.number });
    assert.equal(patched.title, 'Renamed');
    assert.equal(gh.milestone('demo/hello', 2), 'v1.0');
    await client.patchIssue('demo', 'hello', 2, { milestone: null });
    assert.equal(gh.milestone('demo/hello', 2), null);
    await client.closeIssue('demo', 'hello', 2);
    assert.equal(gh.issue('demo/hello', 2)?.state, 'closed');
    await client.reopenIssue('demo', 'hello', 2);
    assert.equal(gh.issue('demo/hello', 2)?.state, 'open');
    await client.closePullRequest('demo', 'hello', 1);
    assert.equal(gh.issue('demo/hello', 1)?.state, 'closed');
    await client.reopenPullRequest('demo', 'hello', 1);
    const pr = await client.patchPullRequest('demo', 'hello', 1, { title: 'Add French greeting' });
    assert.deepEqual([pr.state, pr.title], ['open', 'Add French greeting']);
  });

  it('mergePullRequest: refuses a moved head (409) and missing required contexts (405), then squashes via git', async () => {
    const head = await gh.headSha('demo/hello', 1);
    await assert.rejects(client.mergePullRequest('demo', 'hello', 1, { sha: 'f'.repeat(40) }), (e: unknown) => e instanceof ModifiedHeadError && e.status === 409);
    await assert.rejects(client.mergePullRequest('demo', 'hello', 1, { sha: head }), (e: unknown) => e instanceof UnmergeablePullRequestError && /ci/.test(e.message));
    await client.createStatus('demo', 'hello', head, { state: 'success', context: 'ci' });
    const result = await client.mergePullRequest('demo', 'hello', 1, { method: 'squash', sha: head, commitTitle: 'Add French (#1)' });
    assert.equal(result.merged, true);
    assert.equal(await gh.branchSha('demo/hello', 'main'), result.sha);
    assert.equal(await gh.file('demo/hello', 'hello-fr.txt'), 'bonjour\n');
    assert.equal(await gh.file('demo/hello', 'docs/guide.md'), undefined);
    const commit = await client.getCommit('demo', 'hello', result.sha);
    assert.equal(commit.parents.length, 1);
    assert.match(commit.message, /^Add French \(#1\)/);
    const pr = await client.getPullRequest('demo', 'hello', 1);
    assert.deepEqual([pr.merged, pr.state, pr.mergeCommitSha], [true, 'closed', result.sha]);
    await assert.rejects(client.mergePullRequest('demo', 'hello', 1), (e: unknown) => e instanceof UnmergeablePullRequestError);
  });

  it('merge commits have two parents; conflicting PRs are unmergeable', async () => {
    await gh.reset({
      repos: [{ repo: 'o/r', files: { 'a.txt': 'base\n' } }],
      pulls: [
        { repo: 'o/r', number: 1, files: { 'a.txt': 'one\n' } },
        { repo: 'o/r', number: 2, files: { 'a.txt': 'two\n' } },
      ],
    });
    const first = await client.mergePullRequest('o', 'r', 1);
    assert.equal((await client.getCommit('o', 'r', first.sha)).parents.length, 2);
    assert.equal((await client.getPullRequest('o', 'r', 2)).mergeable, false);
    await assert.rejects(client.mergePullRequest('o', 'r', 2), (e: unknown) => e instanceof UnmergeablePullRequestError);
  });

  it('rebase merges replay each commit on the base', async () => {
    const head = await gh.headSha('demo/hello', 1);
    await client.createStatus('demo', 'hello', head, { state: 'success', context: 'ci' });
    const result = await client.mergePullRequest('demo', 'hello', 1, { method: 'rebase' });
    const tip = await client.getCommit('demo', 'hello', result.sha);
    assert.equal(tip.message, 'second');
    const parent = await client.getCommit('demo', 'hello', tip.parents[0] ?? '');
    assert.equal(parent.message, 'first');
  });

  it('pushToPull moves the head; files and commits follow', async () => {
    const before = await gh.headSha('demo/hello', 1);
    const after = await gh.pushToPull('demo/hello', 1, { 'hello-fr.txt': 'salut\n' }, { message: 'third' });
    assert.notEqual(after, before);
    assert.equal((await client.getPullRequest('demo', 'hello', 1)).head.sha, after);
    assert.deepEqual((await client.listPullRequestCommits('demo', 'hello', 1)).map((c) => c.message), ['first', 'second', 'third']);
    assert.equal(await client.getFile('demo', 'hello', 'hello-fr.txt', after), 'salut\n');
  });

  it('graphql: PR search returns nodes with head OID and status contexts; errors become GraphQLError', async () => {
    const head = await gh.headSha('demo/hello', 1);
    await client.createStatus('demo', 'hello', head, { state: 'success', context: 'ci' });
    const query = `query($q: String!, $cursor: String) { search(type: ISSUE, first: 100, after: $cursor, query: $q) {
      pageInfo { hasNextPage endCursor } nodes { ... on PullRequest { number headRefOid mergeable labels(first: 100) { nodes { name } }
      commits(last: 1) { nodes { commit { status { contexts { context state } } } } } } } } }`;
    const data = await client.graphql<{ search: { nodes: { number: number; headRefOid: string; mergeable: string; commits: { nodes: { commit: { status: { contexts: { context: string; state: string }[] } } }[] } }[] } }>(
      query, { q: 'repo:demo/hello is:pr is:open', cursor: null },
    );
    const node = data.search.nodes[0];
    assert.equal(node?.number, 1);
    assert.equal(node?.headRefOid, head);
    assert.equal(node?.mergeable, 'MERGEABLE');
    assert.deepEqual(node?.commits.nodes[0]?.commit.status.contexts.map((c) => [c.context, c.state]), [['ci', 'SUCCESS']]);
    await assert.rejects(client.graphql('query { somethingElse }'), (e: unknown) => e instanceof Error && e.name === 'GraphQLError');
  });
});

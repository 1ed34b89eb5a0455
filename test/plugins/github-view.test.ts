// The per-plugin GitHub view: each method's read/write class agrees with what reaches the fake GitHub,
// writes are reported to the dispatcher, and --dry-run keeps them from GitHub while still counting them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGitHubClient } from '../../src/github/client.js';
import type { GitHubClient } from '../../src/github/types.js';
import { createPluginGitHubView, isGitHubWrite, type GitHubMethod } from '../../src/plugins/github-view.js';
import { startWorld, type World } from '../support/world.js';
import { REPO, seed } from './shared/fixtures.js';

const [org, repo] = REPO.split('/') as [string, string];

// One call for every method in the table, on the seeded PR #1 (label `bug` exists on the repo). A call
// the fake refuses still reaches it and is recorded, which is all the classification check needs.
const sha = 'a'.repeat(40);
const sample: { [M in GitHubMethod]: (gh: GitHubClient) => Promise<unknown> } = {
  botUser: (gh) => gh.botUser(),
  getUser: (gh) => gh.getUser('alice'),
  isMember: (gh) => gh.isMember(org, 'alice'),
  listOrgMembers: (gh) => gh.listOrgMembers(org),
  isCollaborator: (gh) => gh.isCollaborator(org, repo, 'collab1'),
  listCollaborators: (gh) => gh.listCollaborators(org, repo),
  getPermission: (gh) => gh.getPermission(org, repo, 'collab1'),
  getRepo: (gh) => gh.getRepo(org, repo),
  getRef: (gh) => gh.getRef(org, repo, 'heads/master'),
  deleteRef: (gh) => gh.deleteRef(org, repo, 'heads/no-such-branch'),
  getCommit: (gh) => gh.getCommit(org, repo, sha),
  getMergeBase: (gh) => gh.getMergeBase(org, repo, 'master', sha),
  getFile: (gh) => gh.getFile(org, repo, 'README.md'),
  getBranchProtection: (gh) => gh.getBranchProtection(org, repo, 'master'),
  getIssue: (gh) => gh.getIssue(org, repo, 1),
  getPullRequest: (gh) => gh.getPullRequest(org, repo, 1),
  listPullRequests: (gh) => gh.listPullRequests(org, repo),
  listPullRequestFiles: (gh) => gh.listPullRequestFiles(org, repo, 1),
  listPullRequestCommits: (gh) => gh.listPullRequestCommits(org, repo, 1),
  patchIssue: (gh) => gh.patchIssue(org, repo, 1, { title: 'renamed' }),
  patchPullRequest: (gh) => gh.patchPullRequest(org, repo, 1, { title: 'renamed' }),
  closeIssue: (gh) => gh.closeIssue(org, repo, 1),
  reopenIssue: (gh) => gh.reopenIssue(org, repo, 1),
  closePullRequest: (gh) => gh.closePullRequest(org, repo, 1),
  reopenPullRequest: (gh) => gh.reopenPullRequest(org, repo, 1),
  mergePullRequest: (gh) => gh.mergePullRequest(org, repo, 1),
  listIssueLabels: (gh) => gh.listIssueLabels(org, repo, 1),
  listRepoLabels: (gh) => gh.listRepoLabels(org, repo),
  addLabel: (gh) => gh.addLabel(org, repo, 1, 'bug'),
  addLabels: (gh) => gh.addLabels(org, repo, 1, ['bug']),
  removeLabel: (gh) => gh.removeLabel(org, repo, 1, 'bug'),
  createComment: (gh) => gh.createComment(org, repo, 1, 'hello'),
  editComment: (gh) => gh.editComment(org, repo, 1, 'edited'),
  listComments: (gh) => gh.listComments(org, repo, 1),
  deleteComment: (gh) => gh.deleteComment(org, repo, 1),
  createCommentReaction: (gh) => gh.createCommentReaction(org, repo, 1, 'heart'),
  createIssueReaction: (gh) => gh.createIssueReaction(org, repo, 1, 'heart'),
  listReviewComments: (gh) => gh.listReviewComments(org, repo, 1),
  listReviews: (gh) => gh.listReviews(org, repo, 1),
  createReview: (gh) => gh.createReview(org, repo, 1, { event: 'COMMENT', body: 'looks fine' }),
  listIssueEvents: (gh) => gh.listIssueEvents(org, repo, 1),
  assignIssue: (gh) => gh.assignIssue(org, repo, 1, ['collab1']),
  unassignIssue: (gh) => gh.unassignIssue(org, repo, 1, ['collab1']),
  requestReview: (gh) => gh.requestReview(org, repo, 1, ['collab1']),
  unrequestReview: (gh) => gh.unrequestReview(org, repo, 1, ['collab1']),
  getCombinedStatus: (gh) => gh.getCombinedStatus(org, repo, sha),
  listStatuses: (gh) => gh.listStatuses(org, repo, sha),
  createStatus: (gh) => gh.createStatus(org, repo, sha, { state: 'success', context: 'ci' }),
  searchIssues: (gh) => gh.searchIssues(`repo:${REPO} is:pr`),
  listTeams: (gh) => gh.listTeams(org),
  listTeamMembers: (gh) => gh.listTeamMembers(org, 'team'),
  getTeamMembership: (gh) => gh.getTeamMembership(org, 'team', 'alice'),
  listMilestones: (gh) => gh.listMilestones(org, repo),
  graphql: (gh) => gh.graphql('query { viewer { login } }'),
  createFork: (gh) => gh.createFork(org, repo),
  createPullRequest: (gh) => gh.createPullRequest(org, repo, { title: 't', body: '', head: 'pr-1', base: 'main' }),
  getPullRequestPatch: (gh) => gh.getPullRequestPatch(org, repo, 1),
  createIssue: (gh) => gh.createIssue(org, repo, { title: 't', body: '' }),
};

describe('plugin GitHub view', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const method of Object.keys(sample) as GitHubMethod[]) {
    const kind = isGitHubWrite(method, method === 'graphql' ? ['query { viewer { login } }'] : []) ? 'write' : 'read';
    it(`${method} is a ${kind}, as the fake sees it`, async () => {
      await w.gh.reset(seed({ isPR: true, repoLabels: ['bug'], comments: [{ author: 'alice', body: 'hi' }] }));
      w.gh.clearCalls();
      const reported: GitHubMethod[] = [];
      const view = createPluginGitHubView(w.client, { plugin: 'test', onWrite: (m) => reported.push(m) });
      await sample[method](view).catch(() => undefined); // a refusal is recorded all the same
      const calls = w.gh.calls().filter((c) => c.route !== 'GET /user' || method === 'botUser');
      assert.ok(calls.length > 0, 'the call reached the fake');
      assert.deepEqual(calls.map((c) => c.write), calls.map(() => kind === 'write'), calls.map((c) => c.route).join(', '));
      assert.deepEqual(reported, kind === 'write' ? [method] : []);
    });
  }

  it('graphql is a write only for a mutation', () => {
    assert.equal(isGitHubWrite('graphql', ['query { viewer { login } }']), false);
    assert.equal(isGitHubWrite('graphql', ['  mutation { addStar(input: {}) { clientMutationId } }']), true);
  });

  it('under --dry-run a write is counted but never reaches GitHub', async () => {
    await w.gh.reset(seed({ isPR: true, repoLabels: ['bug'] }));
    w.gh.clearCalls();
    const dry = createGitHubClient({ baseUrl: w.gh.url, token: 'test-token', dryRun: true, throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
    const reported: GitHubMethod[] = [];
    const view = createPluginGitHubView(dry, { plugin: 'test', onWrite: (m) => reported.push(m) });
    await view.addLabel(org, repo, 1, 'bug');
    await view.createComment(org, repo, 1, 'hello');
    assert.deepEqual(reported, ['addLabel', 'createComment']);
    assert.equal(w.gh.calls({ write: true }).length, 0);
    assert.deepEqual(w.gh.labels(REPO, 1), []);
  });

  it('a view of a view reports to the same place', async () => {
    await w.gh.reset(seed({ isPR: true, repoLabels: ['bug'] }));
    const reported: GitHubMethod[] = [];
    const view = createPluginGitHubView(w.client, { plugin: 'a', onWrite: (m) => reported.push(m) }).forPlugin('b');
    await view.addLabel(org, repo, 1, 'bug');
    assert.deepEqual(reported, ['addLabel']);
    assert.deepEqual(w.gh.labels(REPO, 1), ['bug']);
  });
});

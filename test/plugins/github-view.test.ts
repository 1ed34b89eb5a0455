// The per-plugin GitHub view: each method's read/write class agrees with what reaches the fake GitHub,
// writes are reported to the dispatcher, and --dry-run keeps them from GitHub while still counting them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGitHubClient } from '../../src/github/client.js';
import type { GitHubClient } from '../../src/github/types.js';
import { createPluginGitHubView, GITHUB_CALL_KINDS, isGitHubWrite, type GitHubMethod } from '../../src/plugins/github-view.js';
import { startWorld, type World } from '../support/world.js';
import { REPO, seed } from './shared/fixtures.js';

const [org, repo] = REPO.split('/') as [string, string];

// One call per method, on the seeded PR #1 (label `bug` exists on the repo).
const sample: Array<[GitHubMethod, (gh: GitHubClient) => Promise<unknown>]> = [
  ['botUser', (gh) => gh.botUser()],
  ['getIssue', (gh) => gh.getIssue(org, repo, 1)],
  ['getPullRequest', (gh) => gh.getPullRequest(org, repo, 1)],
  ['listIssueLabels', (gh) => gh.listIssueLabels(org, repo, 1)],
  ['listRepoLabels', (gh) => gh.listRepoLabels(org, repo)],
  ['listComments', (gh) => gh.listComments(org, repo, 1)],
  ['isMember', (gh) => gh.isMember(org, 'alice')],
  ['isCollaborator', (gh) => gh.isCollaborator(org, repo, 'collab1')],
  ['listPullRequestFiles', (gh) => gh.listPullRequestFiles(org, repo, 1)],
  ['addLabel', (gh) => gh.addLabel(org, repo, 1, 'bug')],
  ['removeLabel', (gh) => gh.removeLabel(org, repo, 1, 'bug')],
  ['createComment', (gh) => gh.createComment(org, repo, 1, 'hello')],
  ['createIssueReaction', (gh) => gh.createIssueReaction(org, repo, 1, 'heart')],
  ['assignIssue', (gh) => gh.assignIssue(org, repo, 1, ['collab1'])],
  ['unassignIssue', (gh) => gh.unassignIssue(org, repo, 1, ['collab1'])],
];

describe('plugin GitHub view', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const [method, call] of sample) {
    it(`${method} is a ${GITHUB_CALL_KINDS[method]}, as the fake sees it`, async () => {
      await w.gh.reset(seed({ isPR: true, repoLabels: ['bug'] }));
      w.gh.clearCalls();
      const reported: GitHubMethod[] = [];
      await call(createPluginGitHubView(w.client, { plugin: 'test', onWrite: (m) => reported.push(m) }));
      const wrote = w.gh.calls({ write: true }).length;
      assert.ok(w.gh.calls().length > 0, 'the call reached the fake');
      if (GITHUB_CALL_KINDS[method] === 'write') {
        assert.equal(wrote, 1);
        assert.deepEqual(reported, [method]);
      } else {
        assert.equal(wrote, 0);
        assert.deepEqual(reported, []);
      }
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

// The fake GitHub's GraphQL `user(login:) { status { indicatesLimitedAvailability } }` (blunderbuss's
// use_status_availability), its REST `DELETE git/refs` (branchcleaner) and PRs whose branch is gone, through the real client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHubError } from '../../src/github/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import type { GitHubClient } from '../../src/github/types.js';

const query = 'query($user: String!) { user(login: $user) { login status { indicatesLimitedAvailability } } }';
type Answer = { user: { login: string; status: { indicatesLimitedAvailability: boolean } | null } | null };

describe('fake GitHub: user status and ref deletion', () => {
  let gh: FakeGitHub;
  let client: GitHubClient;
  before(async () => {
    gh = await startFakeGitHub({
      seed: {
        users: ['alice', { login: 'Busy-User', limitedAvailability: true }],
        repos: [{ repo: 'org/repo', defaultBranch: 'main', branches: { topic: { 'a.txt': 'a\n' } } }],
        pulls: [{ repo: 'org/repo', number: 1, author: 'alice', title: 'A change', files: { 'b.txt': 'b\n' } }],
      },
    });
    client = createGitHubClient({ baseUrl: gh.url, token: 't', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
  });
  after(() => gh.close());

  it('a busy user says so; others have no status; unknown logins resolve to null', async () => {
    assert.deepEqual(await client.graphql<Answer>(query, { user: 'busy-user' }), { user: { login: 'Busy-User', status: { indicatesLimitedAvailability: true } } });
    assert.deepEqual(await client.graphql<Answer>(query, { user: 'alice' }), { user: { login: 'alice', status: null } });
    assert.deepEqual(await client.graphql<Answer>(query, { user: 'nobody' }), { user: null });
  });

  it('deletes a branch with 204, then answers 422 "Reference does not exist"', async () => {
    assert.notEqual(await gh.branchSha('org/repo', 'topic'), undefined);
    await client.deleteRef('org', 'repo', 'heads/topic');
    assert.equal(await gh.branchSha('org/repo', 'topic'), undefined);
    assert.deepEqual(gh.calls({ write: true }).map((c) => [c.route, c.status]), [['DELETE /repos/{owner}/{repo}/git/refs/{ref}', 204]]);
    await assert.rejects(client.deleteRef('org', 'repo', 'heads/topic'), (e: unknown) => e instanceof GitHubError && e.status === 422 && /Reference does not exist/.test(e.message));
  });

  it("a PR still answers, files and all, after its head branch is deleted (GitHub keeps refs/pull/<n>/head)", async () => {
    const head = await gh.headSha('org/repo', 1);
    await client.deleteRef('org', 'repo', 'heads/pr-1');
    assert.equal(await gh.branchSha('org/repo', 'pr-1'), undefined);
    assert.equal((await client.getPullRequest('org', 'repo', 1)).head.sha, head);
    assert.deepEqual((await client.listPullRequestFiles('org', 'repo', 1)).map((f) => f.filename), ['b.txt']);
  });
});

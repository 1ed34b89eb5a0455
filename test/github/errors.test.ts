// GitHub's 422 texts become error classes in the request hook, whether GitHub puts the text in
// `message` or in `errors`; over HTTP against the fake, and as a table over the mapping.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGitHubClient } from '../../src/github/client.js';
import {
  CommitNotFoundError, GitHubError, ModifiedHeadError, ReviewerIsAuthorError, ReviewerNotCollaboratorError, StateCannotChangeError,
  StatusLimitError, toGitHubError, UnmergeablePullRequestError, VALIDATION_ERRORS, ValidationFailedError,
} from '../../src/github/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';

/** What @octokit/request throws, by shape: an Error with status and the response body. */
function requestError(status: number, data: unknown): Error {
  return Object.assign(new Error('request failed'), { status, response: { data, headers: {} } });
}

const cases: { name: string; status: number; path?: string; data: unknown; want: new (...a: never[]) => GitHubError }[] = [
  { name: 'status limit in errors[].message', status: 422, data: { message: 'Validation Failed', errors: [{ resource: 'Status', code: 'custom', message: 'This SHA and context has reached the maximum number of statuses.' }] }, want: StatusLimitError },
  { name: 'status limit in message', status: 422, data: { message: 'This SHA and context has reached the maximum number of statuses.' }, want: StatusLimitError },
  { name: 'unknown commit', status: 422, data: { message: 'No commit found for SHA: abc' }, want: CommitNotFoundError },
  { name: 'state cannot change', status: 422, data: { message: 'Validation Failed', errors: [{ field: 'state', message: 'state cannot be changed. The pull request cannot be reopened because it was merged.' }] }, want: StateCannotChangeError },
  { name: 'reviewer not a collaborator', status: 422, data: { message: 'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the o/r repository.' }, want: ReviewerNotCollaboratorError },
  { name: 'reviewer is the author', status: 422, data: { message: 'Review cannot be requested from pull request author.' }, want: ReviewerIsAuthorError },
  { name: 'errors as plain strings', status: 422, data: { message: 'Unprocessable Entity', errors: ['No commit found for SHA: abc'] }, want: CommitNotFoundError },
  { name: 'any other 422', status: 422, data: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists' }] }, want: ValidationFailedError },
  { name: 'the same text on another status is not a 422 class', status: 404, data: { message: 'No commit found for SHA: abc' }, want: GitHubError },
  { name: 'merge refused', status: 405, path: '/repos/o/r/pulls/1/merge', data: { message: 'Pull Request is not mergeable' }, want: UnmergeablePullRequestError },
  { name: 'head moved', status: 409, path: '/repos/o/r/pulls/1/merge', data: { message: 'Head branch was modified.' }, want: ModifiedHeadError },
];

describe('typed GitHub errors', () => {
  for (const { name, status, path = '/repos/o/r/x', data, want } of cases) {
    it(name, () => {
      const err = toGitHubError(requestError(status, data), 'POST', path);
      assert.equal(err.constructor, want);
      assert.equal(err.status, status);
      assert.equal(err.path, path);
    });
  }

  it('every row of the table names a 422 class', () => {
    for (const row of VALIDATION_ERRORS) assert.ok(new row.error(422, 'GET', '/', row.text) instanceof ValidationFailedError, row.text);
  });

  describe('raised by the request hook over HTTP', () => {
    let gh: FakeGitHub;
    before(async () => {
      gh = await startFakeGitHub();
    });
    after(() => gh.close());
    beforeEach(async () => {
      await gh.reset({ issues: [{ repo: 'demo/hello', number: 1 }], pulls: [{ repo: 'demo/hello', number: 2, files: { 'a.txt': 'a\n' } }] });
    });
    const client = (): ReturnType<typeof createGitHubClient> => createGitHubClient({ baseUrl: gh.url, token: 't', retry: { retryAfterBaseValue: 1 }, throttle: false });

    it('a status for an unknown SHA is CommitNotFoundError', async () => {
      await assert.rejects(client().createStatus('demo', 'hello', 'f'.repeat(40), { state: 'success', context: 'ci' }), (e: unknown) => e instanceof CommitNotFoundError && e.status === 422);
    });

    it('the 1001st status of a context is StatusLimitError; another context still takes one', async () => {
      const sha = await gh.branchSha('demo/hello', 'main');
      assert.ok(sha);
      const repo = gh.world.repos.get('demo/hello');
      assert.ok(repo);
      const stamp = '2026-01-01T00:00:00Z';
      repo.statuses.set(sha, Array.from({ length: 1000 }, (_, i) => ({ id: i, state: 'pending', context: 'ci', description: '', targetUrl: '', creator: 'k8s-ci-robot', createdAt: stamp, updatedAt: stamp })));
      await assert.rejects(client().createStatus('demo', 'hello', sha, { state: 'success', context: 'ci' }), (e: unknown) => e instanceof StatusLimitError && e.status === 422);
      await client().createStatus('demo', 'hello', sha, { state: 'success', context: 'other' });
      assert.equal(gh.statuses('demo/hello', sha).length, 1001);
    });

    it('reopening a merged pull request is StateCannotChangeError', async () => {
      await client().mergePullRequest('demo', 'hello', 2);
      await assert.rejects(client().reopenPullRequest('demo', 'hello', 2), (e: unknown) => e instanceof StateCannotChangeError && e.path === '/repos/demo/hello/pulls/2');
    });
  });
});

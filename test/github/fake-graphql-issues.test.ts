// The fake GitHub's issue mutations answer as GitHub does: transferIssue moves an issue (new number, its
// comments, only the labels the destination has) within one owner and refuses another owner; pinIssue
// allows three pinned issues per repository; a bad node id is a GraphQL error (HTTP 200, `errors`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphQLError } from '../../src/github/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { testGitHubClient } from '../support/world.js';

const TRANSFER = 'mutation($input: TransferIssueInput!) { transferIssue(input: $input) { issue { url } } }';
const PIN = 'mutation($input: PinIssueInput!) { pinIssue(input: $input) { issue { id } } }';

describe('fake GitHub issue mutations', () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  async function seed(): Promise<void> {
    await gh.reset({
      users: ['alice'],
      repos: [{ repo: 'org/a', labels: ['kind/bug', 'only-in-a'] }, { repo: 'org/b', labels: ['kind/bug'] }, { repo: 'other/c' }],
      issues: [1, 2, 3, 4].map((n) => ({ repo: 'org/a', number: n, title: `issue ${n}`, author: 'alice', labels: n === 1 ? ['kind/bug', 'only-in-a'] : [] })),
    });
    gh.addComment('org/a', 1, 'alice', 'hello');
  }

  it('transfers within the owner', async () => {
    await seed();
    const c = testGitHubClient(gh);
    const [issue, dst] = [await c.getIssue('org', 'a', 1), await c.getRepo('org', 'b')];
    const res = await c.graphql<{ transferIssue: { issue: { url: string } } }>(TRANSFER, { input: { issueId: issue.nodeId, repositoryId: dst.nodeId } });
    assert.equal(res.transferIssue.issue.url, 'https://github.com/org/b/issues/1');
    assert.equal(gh.issue('org/a', 1), undefined);
    assert.deepEqual(gh.issue('org/b', 1)?.labels, ['kind/bug']);
    assert.deepEqual(gh.comments('org/b', 1).map((x) => x.body), ['hello']);
  });

  it('refuses another owner and unknown node ids', async () => {
    await seed();
    const c = testGitHubClient(gh);
    const [issue, other] = [await c.getIssue('org', 'a', 1), await c.getRepo('other', 'c')];
    await assert.rejects(c.graphql(TRANSFER, { input: { issueId: issue.nodeId, repositoryId: other.nodeId } }), (e: unknown) => e instanceof GraphQLError && /same user or organization/.test(e.message));
    await assert.rejects(c.graphql(TRANSFER, { input: { issueId: 'I_nope', repositoryId: other.nodeId } }), /Could not resolve to a node with the global id of 'I_nope'/);
    assert.equal(gh.issue('org/a', 1)?.title, 'issue 1');
  });

  it('pins at most three issues per repository', async () => {
    await seed();
    const c = testGitHubClient(gh);
    for (const n of [1, 2, 3]) await c.graphql(PIN, { input: { issueId: (await c.getIssue('org', 'a', n)).nodeId } });
    await assert.rejects(c.graphql(PIN, { input: { issueId: (await c.getIssue('org', 'a', 4)).nodeId } }), /can't pin more than 3 issues/);
    assert.deepEqual([1, 2, 3, 4].map((n) => gh.issue('org/a', n)?.pinned === true), [true, true, true, false]);
  });
});

// The fake GitHub's GraphQL blame and REST compare answer from its real git repositories as GitHub does:
// blame ranges are runs of lines from one commit, the author is the user whose email (seeded or noreply)
// the commit carries; compare names the merge base; unknown paths, refs and repos fail as on GitHub.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GitHubError, GraphQLError } from '../../src/github/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { getBlame } from '../../src/plugins/rifle/blame.js';
import { testGitHubClient } from '../support/world.js';

describe('fake GitHub blame and compare', () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  async function seed(): Promise<{ forkPoint: string; head: string }> {
    await gh.reset({ users: ['alice', { login: 'bob', email: 'bob@example.com' }], repos: [{ repo: 'org/r', defaultBranch: 'main', files: { 'f.txt': 'a\nb\nc\nd\n' } }] });
    await gh.pushToBranch('org/r', 'main', { 'f.txt': 'A\nB\nc\nd\n' }, { author: 'alice' });
    const forkPoint = await gh.pushToBranch('org/r', 'main', { 'f.txt': 'A\nB\nc\nD\n' }, { author: 'bob' });
    const head = await gh.pushToBranch('org/r', 'topic', { 'g.txt': 'new\n' }, { author: 'alice' });
    await gh.pushToBranch('org/r', 'main', { 'f.txt': 'x\nx\nx\nx\n' }, { author: 'bob' });
    return { forkPoint, head };
  }

  it('blames runs of lines per commit with the authors GitHub knows', async () => {
    const { forkPoint } = await seed();
    const blame = await getBlame(testGitHubClient(gh), 'org', 'r', forkPoint, 'f.txt');
    assert.deepEqual(blame.map((r) => [r.startingLine, r.endingLine, r.authorLogin]), [[1, 2, 'alice'], [3, 3, 'org'], [4, 4, 'bob']]);
    assert.ok(blame.every((r) => !Number.isNaN(r.date.getTime())));
    const tip = await getBlame(testGitHubClient(gh), 'org', 'r', 'main', 'f.txt');
    assert.deepEqual(tip.map((r) => [r.startingLine, r.endingLine, r.authorLogin]), [[1, 4, 'bob']]);
  });

  it('an unknown path is a GraphQL error, an unknown ref an empty answer', async () => {
    await seed();
    await assert.rejects(getBlame(testGitHubClient(gh), 'org', 'r', 'main', 'nope.txt'), (err: unknown) => err instanceof GraphQLError && /Could not resolve file for path 'nope.txt'/.test(err.message));
    assert.deepEqual(await getBlame(testGitHubClient(gh), 'org', 'r', 'no-such-branch', 'f.txt'), []);
    assert.deepEqual(await getBlame(testGitHubClient(gh), 'org', 'r', '--output=/tmp/x', 'f.txt'), []);
    await assert.rejects(getBlame(testGitHubClient(gh), 'org', 'missing', 'main', 'f.txt'), GraphQLError);
  });

  it('compare names the merge base; unknown refs are 404', async () => {
    const { forkPoint, head } = await seed();
    const c = testGitHubClient(gh);
    assert.equal(await c.getMergeBase('org', 'r', 'main', head), forkPoint);
    assert.equal(await c.getMergeBase('org', 'r', 'main', 'topic'), forkPoint);
    await assert.rejects(c.getMergeBase('org', 'r', 'main', 'no-such-ref'), (err: unknown) => err instanceof GitHubError && err.status === 404);
    const res = await fetch(`${gh.url}/repos/org/r/compare/main...topic`);
    const body = await res.json() as { status: string; ahead_by: number; behind_by: number; commits: unknown[]; files: { filename: string }[] };
    assert.deepEqual([body.status, body.ahead_by, body.behind_by, body.commits.length, body.files.map((f) => f.filename)], ['diverged', 1, 1, 1, ['g.txt']]);
  });
});

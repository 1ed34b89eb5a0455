// Tide's GraphQL search against the fake GitHub: every qualifier tide writes, pages of 37, mergeability
// from the fake's real git, and the head commit's contexts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queryCriteria, orgScopes } from '../../src/config/tide-query.js';
import type { TideQuery } from '../../src/config/types.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import type { GitHubClient } from '../../src/github/types.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { searchPullRequests } from '../../src/tide/search.js';
import { testGitHubClient } from '../support/world.js';

describe('tide search', () => {
  let gh: FakeGitHub;
  let client: GitHubClient;
  before(async () => {
    gh = await startFakeGitHub();
    client = testGitHubClient(gh);
    await gh.reset({
      repos: [
        { repo: 'o/r', files: { 'a.txt': 'base\n' }, branches: { release: { 'rel.txt': 'r\n' } }, milestones: ['v1'] },
        { repo: 'o/other' },
        { repo: 'x/y' },
      ],
      pulls: [
        { repo: 'o/r', number: 1, author: 'alice', labels: ['lgtm', 'approved'] },
        { repo: 'o/r', number: 2, author: 'bob', labels: ['lgtm', 'approved', 'do-not-merge/hold'] },
        { repo: 'o/r', number: 3, author: 'bob', labels: ['lgtm', 'cherry-pick-approved'], base: 'release', head: 'fix-3' },
        { repo: 'o/r', number: 4, author: 'bob', labels: ['lgtm', 'approved'], milestone: 'v1', reviews: [{ author: 'alice', state: 'APPROVED' }] },
        { repo: 'o/r', number: 5, author: 'bob', labels: ['lgtm', 'approved'], files: { 'a.txt': 'from five\n' } },
        { repo: 'o/other', number: 1, author: 'bob', labels: ['lgtm', 'approved'] },
        { repo: 'x/y', number: 1, author: 'bob', labels: ['lgtm', 'approved'] },
      ],
    });
    await gh.ready();
  });
  after(() => gh.close());

  async function numbers(q: TideQuery): Promise<string[]> {
    const out: string[] = [];
    for (const [org, scope] of orgScopes(q)) {
      for (const pr of (await searchPullRequests(client, `${queryCriteria(q)} ${scope}`, org, createSilentLogger())).prs) out.push(`${pr.org}/${pr.repo}#${pr.number}`);
    }
    return out.sort();
  }

  const cases: { name: string; q: TideQuery; want: string[] }[] = [
    { name: 'labels and a missing label', q: { repos: ['o/r'], labels: ['lgtm', 'approved'], missingLabels: ['do-not-merge/hold'] }, want: ['o/r#1', 'o/r#4', 'o/r#5'] },
    { name: 'label alternatives (a,b)', q: { repos: ['o/r'], labels: ['lgtm', 'approved,cherry-pick-approved'], missingLabels: ['do-not-merge/hold'] }, want: ['o/r#1', 'o/r#3', 'o/r#4', 'o/r#5'] },
    { name: 'included branch', q: { repos: ['o/r'], includedBranches: ['release'] }, want: ['o/r#3'] },
    { name: 'excluded branch', q: { repos: ['o/r'], excludedBranches: ['main'] }, want: ['o/r#3'] },
    { name: 'author', q: { repos: ['o/r'], author: 'alice' }, want: ['o/r#1'] },
    { name: 'milestone', q: { repos: ['o/r'], milestone: 'v1' }, want: ['o/r#4'] },
    { name: 'review approved', q: { repos: ['o/r'], reviewApprovedRequired: true }, want: ['o/r#4'] },
    { name: 'org minus an excluded repo, plus a repo of another org', q: { orgs: ['o'], excludedRepos: ['o/r'], repos: ['x/y'], labels: ['lgtm'] }, want: ['o/other#1', 'x/y#1'] },
  ];
  for (const c of cases) it(c.name, async () => assert.deepEqual(await numbers(c.q), c.want));

  it('reads mergeability from git, the head commit and its contexts', async () => {
    await gh.pushToBranch('o/r', 'main', { 'a.txt': 'from main\n' });
    const head = await gh.headSha('o/r', 1);
    await client.createStatus('o', 'r', head, { context: 'unit', state: 'success', description: 'ok' });
    const { prs } = await searchPullRequests(client, 'is:pr state:open repo:"o/r" base:"main"', 'o', createSilentLogger());
    const one = prs.find((p) => p.number === 1)!;
    const five = prs.find((p) => p.number === 5)!;
    assert.deepEqual([one.mergeable, five.mergeable], ['MERGEABLE', 'CONFLICTING']);
    assert.equal(one.headSha, head);
    assert.deepEqual(one.contexts, [{ context: 'unit', state: 'SUCCESS', description: 'ok', targetUrl: '' }]);
    assert.deepEqual([one.author, one.baseRef, one.headRef], ['alice', 'main', 'pr-1']);
  });

  it('follows pages of 37', async () => {
    await gh.reset({ repos: [{ repo: 'p/q' }], pulls: Array.from({ length: 40 }, (_, i) => ({ repo: 'p/q', number: i + 1, labels: ['lgtm'] })) });
    await gh.ready();
    const { prs } = await searchPullRequests(client, 'is:pr state:open label:"lgtm" repo:"p/q"', 'p', createSilentLogger());
    assert.equal(prs.length, 40);
    assert.equal(new Set(prs.map((p) => p.number)).size, 40);
    assert.equal(gh.calls().filter((c) => c.path === '/graphql').length, 2);
  });
  // Last: the registered handler answers every search after it.
  it('reads the statuses over REST when the head is not among the commits the search returned', async () => {
    const head = await gh.headSha('p/q', 1);
    await client.createStatus('p', 'q', head, { context: 'rest-only', state: 'failure', description: 'from REST' });
    gh.registerGraphQL({
      name: 'old-commits',
      matches: (q) => /\bsearch\s*\(/.test(q),
      resolve: async () => ({
        search: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{
          number: 1, repository: { name: 'q', owner: { login: 'p' } }, headRefOid: head, baseRef: { name: 'main' },
          commits: { nodes: [{ commit: { oid: 'an-older-commit', status: { contexts: [{ context: 'stale', state: 'SUCCESS' }] } } }] },
        }] },
      }),
    });
    const { prs } = await searchPullRequests(client, 'is:pr repo:"p/q"', 'p', createSilentLogger());
    assert.deepEqual(prs[0]?.contexts, [{ context: 'rest-only', state: 'FAILURE', description: 'from REST', targetUrl: '' }]);
  });

});

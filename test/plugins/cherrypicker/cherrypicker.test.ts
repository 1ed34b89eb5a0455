// The cherrypicker against the fake GitHub with real git: the real client over HTTP, a real clone, `git am`,
// a push to the bot's fork (or the repo itself), and the PR opened as upstream opens it
// (cmd/external-plugins/cherrypicker/server_test.go).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createGitHubClient } from '../../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/github/fake/server.js';
import type { GitHubClient } from '../../../src/github/types.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { Cherrypicker, parseCherrypickCommands, type CherrypickOptions } from '../../../src/plugins/cherrypicker/cherrypicker.js';
import { cloneForCherrypick } from '../../../src/plugins/cherrypicker/git.js';

const REPO = 'org/repo';
const BOT = 'k8s-ci-robot';
const log = createSilentLogger();
const defaults: CherrypickOptions = { labels: [], prowAssignments: true, allowAll: false, issueOnConflict: false, labelPrefix: 'cherrypick/', dryRun: false };

function commentPayload(number: number, state: 'open' | 'closed', user: string, body: string): Record<string, unknown> {
  return {
    action: 'created', issue: { number, state, pull_request: {} },
    comment: { id: 99, body, user: { login: user }, html_url: `https://github.com/${REPO}/pull/${number}#issuecomment-99` },
    repository: { name: 'repo', owner: { login: 'org' } },
  };
}

describe('cherrypicker', { timeout: 300_000 }, () => {
  let fake: FakeGitHub;
  let gh: GitHubClient;
  const picker = (o: Partial<CherrypickOptions> = {}) => new Cherrypicker({ gh, clone: cloneForCherrypick, auth: {}, options: { ...defaults, ...o } });
  before(async () => {
    fake = await startFakeGitHub();
    gh = createGitHubClient({ baseUrl: fake.url, token: 'token' });
  });
  after(() => fake.close());

  async function seed(o: { private?: boolean; releaseFiles?: Record<string, string>; labels?: string[]; body?: string } = {}): Promise<void> {
    await fake.reset({
      orgs: { org: { members: ['alice'] } },
      users: ['alice', 'bob', { login: BOT, email: 'bot@example.com' }],
      repos: [{
        repo: REPO, defaultBranch: 'main', private: o.private ?? false, files: { 'a.txt': 'one\n' },
        branches: { 'release-1.0': o.releaseFiles ?? { 'release.txt': 'r\n' } }, labels: ['kind/bug', 'cherrypick/release-1.0'],
      }],
      pulls: [{ repo: REPO, number: 1, author: 'alice', title: 'Fix the widget', body: o.body ?? '', labels: o.labels ?? ['kind/bug'], files: { 'a.txt': 'two\n' } }],
    });
  }
  const merge = () => gh.mergePullRequest('org', 'repo', 1, { method: 'merge' });

  beforeEach(() => seed());

  it('parses upstream\'s commands, chained branches included', () => {
    assert.deepEqual([...parseCherrypickCommands('/cherrypick release-1.6 release-1.5\n/cherry-pick  foo\n> /cherrypick x')],
      [['release-1.6', ['release-1.5']], ['foo', []]]);
  });

  it('cherry-picks a merged PR onto the branch through the bot\'s fork; a redelivery opens nothing more', async () => {
    await merge();
    const event = commentPayload(1, 'closed', 'alice', '/cherrypick release-1.0');
    await picker().handleIssueComment(log, event);
    const pr = await gh.getPullRequest('org', 'repo', 2);
    assert.equal(pr.title, '[release-1.0] Fix the widget');
    assert.equal(pr.body, 'This is an automated cherry-pick of #1\n\n/assign alice\n\n/kind bug');
    assert.equal(pr.base.ref, 'release-1.0');
    assert.equal(pr.head.ref, 'cherry-pick-1-to-release-1.0');
    assert.equal(pr.head.owner, BOT);
    assert.equal(await fake.file(REPO, 'a.txt', pr.head.sha), 'two\n', 'the change is on the new head');
    assert.equal(await fake.file(REPO, 'release.txt', pr.head.sha), 'r\n', 'on top of the target branch');
    assert.ok(await fake.branchSha(`${BOT}/repo`, 'cherry-pick-1-to-release-1.0'), 'pushed to the fork');
    assert.equal(await fake.branchSha(REPO, 'cherry-pick-1-to-release-1.0'), undefined, 'not to the repo');
    assert.deepEqual(fake.assignees(REPO, 2), ['alice']);
    assert.match(fake.comments(REPO, 1).at(-1)?.body ?? '', /^@alice: new pull request created: #2\n/);

    await picker().handleIssueComment(log, event);
    assert.equal(fake.issue(REPO, 3), undefined, 'no second PR');
    assert.match(fake.comments(REPO, 1).at(-1)?.body ?? '', /Looks like #1 has already been cherry picked in https:\/\/github.com\/org\/repo\/pull\/2/);
  });

  it('upstream\'s "single branch success": one bad branch among three, the release note and kinds carried over', async () => {
    const note = 'This PR updates the magic number.\n\n```release-note\nUpdate the magic number from 42 to 49\n```';
    await seed({ body: note, labels: ['kind/cleanup', 'kind/bug'] });
    await fake.pushToBranch(REPO, 'release-2.0', { 'two.txt': '2\n' });
    await merge();
    await picker().handleIssueComment(log, commentPayload(1, 'closed', 'alice', '/cherrypick release-1.0\n/cherrypick bad\n/cherrypick release-2.0'));
    const prs = [await gh.getPullRequest('org', 'repo', 2), await gh.getPullRequest('org', 'repo', 3)];
    assert.deepEqual(prs.map((p) => p.base.ref).sort(), ['release-1.0', 'release-2.0']);
    assert.equal(prs[0]?.body, 'This is an automated cherry-pick of #1\n\n/assign alice\n\n```release-note\nUpdate the magic number from 42 to 49\n```\n\n/kind bug\n/kind cleanup');
    assert.ok(fake.comments(REPO, 1).some((c) => c.body.includes('cannot checkout `bad`')));
  });

  it('a cherry-pick of a cherry-pick drops the old branch from the title', async () => {
    await fake.reset({
      orgs: { org: { members: ['alice'] } }, users: ['alice'],
      repos: [{ repo: REPO, files: { 'a.txt': 'one\n' }, branches: { 'release-1.1': {}, 'release-1.0': { 'r.txt': 'r\n' } } }],
      pulls: [{ repo: REPO, number: 1, author: 'alice', base: 'release-1.1', title: '[release-1.1] Fix the widget', files: { 'a.txt': 'two\n' } }],
    });
    await merge();
    await picker().handleIssueComment(log, commentPayload(1, 'closed', 'alice', '/cherrypick release-1.0'));
    assert.equal((await gh.getPullRequest('org', 'repo', 2)).title, '[release-1.0] Fix the widget');
  });

  it('under --dry-run clones and applies but writes nothing: no fork, no push, no PR, no comment', async () => {
    await merge();
    const commentsBefore = fake.comments(REPO, 1).length;
    const dry = createGitHubClient({ baseUrl: fake.url, token: 'token', dryRun: true });
    await new Cherrypicker({ gh: dry, clone: cloneForCherrypick, auth: {}, options: { ...defaults, dryRun: true } })
      .handleIssueComment(log, commentPayload(1, 'closed', 'alice', '/cherrypick release-1.0'));
    assert.equal(fake.issue(REPO, 2), undefined);
    assert.equal(fake.comments(REPO, 1).length, commentsBefore);
    assert.equal(fake.world.repos.get(`${BOT}/repo`), undefined, 'no fork');
    assert.equal(await fake.branchSha(REPO, 'cherry-pick-1-to-release-1.0'), undefined);
  });

  it('pushes to the repo itself when GitHub forbids forking it', async () => {
    await seed({ private: true });
    await merge();
    await picker().handleIssueComment(log, commentPayload(1, 'closed', 'alice', '/cherry-pick release-1.0'));
    const pr = await gh.getPullRequest('org', 'repo', 2);
    assert.equal(pr.head.owner, 'org');
    assert.ok(await fake.branchSha(REPO, 'cherry-pick-1-to-release-1.0'));
  });

  const refusals = [
    { name: 'a non-member is told only org members may', user: 'bob', body: '/cherrypick release-1.0', merged: true, want: /only \[org\]\(https:\/\/github.com\/orgs\/org\/people\) org members may request cherry picks/ },
    { name: 'an unmerged closed PR is refused', user: 'alice', body: '/cherrypick release-1.0', merged: false, want: /cannot cherry-pick an unmerged PR/ },
    { name: 'the base branch is refused', user: 'alice', body: '/cherrypick main', merged: true, want: /I cannot cherry-pick the present PR on top of its base branch \(`main`\)/ },
    { name: 'a missing branch is a checkout failure', user: 'alice', body: '/cherrypick release-9.9', merged: true, want: /cannot checkout `release-9.9`/ },
  ];
  for (const c of refusals) {
    it(c.name, async () => {
      if (c.merged) await merge();
      else await gh.closePullRequest('org', 'repo', 1);
      await picker().handleIssueComment(log, commentPayload(1, 'closed', c.user, c.body));
      assert.match(fake.comments(REPO, 1).at(-1)?.body ?? '', c.want);
      assert.equal(fake.issue(REPO, 2), undefined, 'no PR, no issue');
    });
  }

  it('a cherrypick label added to a merged PR cherry-picks for its author; one on an open PR is a promise', async () => {
    const raw = async () => (await (await fetch(`${fake.url}/repos/${REPO}/pulls/1`, { headers: { authorization: 'token token' } })).json()) as Record<string, unknown>;
    await picker().handlePullRequest(log, { action: 'labeled', label: { name: 'cherrypick/release-1.0' }, pull_request: await raw() });
    assert.equal(fake.comments(REPO, 1).at(-1)?.body, 'In response to a cherrypick label: @alice once the present PR merges, I will cherry-pick it on top of `release-1.0` in a new PR and assign it to you.');
    await merge();
    await picker().handlePullRequest(log, { action: 'labeled', label: { name: 'cherrypick/release-1.0' }, pull_request: await raw() });
    assert.equal((await gh.getPullRequest('org', 'repo', 2)).title, '[release-1.0] Fix the widget');
    await picker().handlePullRequest(log, { action: 'labeled', label: { name: 'lgtm' }, pull_request: await raw() });
    assert.equal(fake.issue(REPO, 3), undefined, 'other labels do nothing');
  });

  it('a push to the fork that fails is tried again before it is reported', async () => {
    await merge();
    let pushes = 0;
    const flaky = async (url: string, auth: Parameters<typeof cloneForCherrypick>[1]) => {
      const ws = await cloneForCherrypick(url, auth);
      return { ...ws, forcePush: async (remote: string, branch: string) => {
        if (++pushes === 1) throw new Error('fork not ready');
        return ws.forcePush(remote, branch);
      } };
    };
    await new Cherrypicker({ gh, clone: flaky, auth: {}, options: defaults, pushRetryDelaysMs: [1] })
      .handleIssueComment(log, commentPayload(1, 'closed', 'alice', '/cherrypick release-1.0'));
    assert.equal(pushes, 2);
    assert.equal((await gh.getPullRequest('org', 'repo', 2)).base.ref, 'release-1.0');
  });

  it('a conflict is commented and, with --create-issue-on-conflict, becomes an issue for the requester', async () => {
    await seed({ releaseFiles: { 'a.txt': 'conflicting\n' } });
    await merge();
    await picker({ issueOnConflict: true }).handleIssueComment(log, commentPayload(1, 'closed', 'alice', '/cherrypick release-1.0'));
    const bodies = fake.comments(REPO, 1).map((c) => c.body);
    assert.ok(bodies.some((b) => b.includes('#1 failed to apply on top of branch "release-1.0"')), bodies.join('\n---\n'));
    assert.match(bodies.at(-1) ?? '', /new issue created for failed cherrypick: #2/);
    const issue = fake.issue(REPO, 2);
    assert.equal(issue?.title, '[release-1.0] Fix the widget');
    assert.equal(issue?.pull, undefined);
    assert.deepEqual(fake.assignees(REPO, 2), ['alice']);
  });

  it('on an open PR promises, and cherry-picks every requested branch (comments and labels) when it merges', async () => {
    await seed({ labels: ['cherrypick/release-1.0'] });
    await fake.pushToBranch(REPO, 'release-2.0', { 'two.txt': '2\n' });
    const p = picker();
    await p.handleIssueComment(log, commentPayload(1, 'open', 'alice', '/cherrypick release-2.0'));
    assert.match(fake.comments(REPO, 1).at(-1)?.body ?? '', /once the present PR merges, I will cherry-pick it on top of `release-2.0` in a new PR and assign it to you\./);
    fake.addComment(REPO, 1, 'alice', '/cherrypick release-2.0');
    fake.addComment(REPO, 1, 'bob', '/cherrypick release-3.0'); // not a member: ignored at merge
    await merge();
    const raw = await (await fetch(`${fake.url}/repos/${REPO}/pulls/1`, { headers: { authorization: 'token token' } })).json() as Record<string, unknown>;
    await p.handlePullRequest(log, { action: 'closed', number: 1, pull_request: raw });
    const opened = [await gh.getPullRequest('org', 'repo', 2), await gh.getPullRequest('org', 'repo', 3)].map((pr) => pr.base.ref).sort();
    assert.deepEqual(opened, ['release-1.0', 'release-2.0']);
    assert.equal(fake.issue(REPO, 4), undefined, 'nothing for bob\'s request');
    const bodies = fake.comments(REPO, 1).map((c) => c.body);
    assert.ok(bodies.some((b) => b.startsWith('In response to a cherrypick label: new pull request created: #')), bodies.join('\n---\n'));
  });
});

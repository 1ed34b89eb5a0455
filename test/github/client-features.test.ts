// Cross-cutting client behaviour over real HTTP: pagination, ETag cache, dry-run, retries,
// GitHub App auth, token files, metrics and log hygiene.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { GitHubError } from '../../src/github/errors.js';
import { createLogger } from '../../src/observability/logger.js';

function captureLogger(level = 'debug'): { log: ReturnType<typeof createLogger>; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: createLogger({ level, destination }), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

function keyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

describe('client features', () => {
  let gh: FakeGitHub;
  let dir: string;
  const fast: Partial<GitHubClientOptions> = { retry: { retryAfterBaseValue: 1 }, throttle: false };

  before(async () => {
    gh = await startFakeGitHub();
    dir = await mkdtemp(join(tmpdir(), 'prow-github-test-'));
  });
  after(async () => {
    await gh.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await gh.reset({ orgs: { demo: { members: ['alice'] } }, issues: [{ repo: 'demo/hello', number: 1, labels: ['a'] }] });
  });

  it('follows absolute Link headers across pages', async () => {
    for (let i = 0; i < 250; i++) gh.addComment('demo/hello', 1, 'alice', `comment ${i}`);
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', ...fast });
    const comments = await client.listComments('demo', 'hello', 1);
    assert.equal(comments.length, 250);
    assert.equal(comments[249]?.body, 'comment 249');
    const pages = gh.calls({ route: '/repos/{owner}/{repo}/issues/{issue_number}/comments' });
    assert.deepEqual(pages.map((c) => new URLSearchParams(c.query).get('page') ?? '1'), ['1', '2', '3']);
  });

  it('answers unchanged reads from the ETag cache: 304s are counted and cost no rate limit', async () => {
    const registry = new Registry();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', registry, ...fast });
    assert.deepEqual(await client.listIssueLabels('demo', 'hello', 1), ['a']);
    const remaining = gh.world.rateLimit.remaining;
    assert.deepEqual(await client.listIssueLabels('demo', 'hello', 1), ['a']);
    assert.equal(gh.world.rateLimit.remaining, remaining);
    assert.deepEqual(gh.calls({ method: 'GET' }).map((c) => c.status), [200, 304]);
    assert.equal(client.cacheStats().hits, 1);
    await client.addLabel('demo', 'hello', 1, 'b');
    assert.deepEqual(await client.listIssueLabels('demo', 'hello', 1), ['a', 'b']); // changed: a fresh 200, never stale
    assert.equal(client.cacheStats().hits, 1);
    const hits = (await registry.getSingleMetricAsString('github_cache_hits_total')).split('\n').find((l) => l.startsWith('github_cache_hits_total{'));
    assert.match(hits ?? '', /path="\/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/labels".* 1$/);
  });

  it('dry-run: reads go through, writes become log lines and never reach GitHub', async () => {
    const { log, lines } = captureLogger('info');
    const registry = new Registry();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', dryRun: true, log, registry, ...fast });
    assert.deepEqual(await client.listIssueLabels('demo', 'hello', 1), ['a']);
    await client.addLabel('demo', 'hello', 1, 'lgtm');
    await client.removeLabel('demo', 'hello', 1, 'a');
    await client.createComment('demo', 'hello', 1, 'hi');
    await client.assignIssue('demo', 'hello', 1, ['nobody']); // no missing-users error: nothing was sent
    await client.createStatus('demo', 'hello', 'abc', { state: 'success', context: 'ci' });
    await client.graphql('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }', {}, 'demo');
    assert.deepEqual(gh.calls({ write: true }), []);
    assert.deepEqual(gh.labels('demo/hello', 1), ['a']);
    assert.deepEqual(gh.comments('demo/hello', 1), []);
    const skipped = lines().map((l) => JSON.parse(l) as { msg: string; method: string; path: string }).filter((l) => l.msg === 'dry run: skipped github write');
    assert.deepEqual(skipped.map((l) => `${l.method} ${l.path}`), [
      'POST /repos/demo/hello/issues/1/labels',
      'DELETE /repos/demo/hello/issues/1/labels/a',
      'POST /repos/demo/hello/issues/1/comments',
      'POST /repos/demo/hello/issues/1/assignees',
      'POST /repos/demo/hello/statuses/abc',
      'POST /graphql',
    ]);
    // GraphQL queries are reads and still go out.
    const data = await client.graphql<{ viewer: { login: string } }>('query { viewer { login } }', {}, 'demo');
    assert.equal(data.viewer.login, 'k8s-ci-robot');
  });

  it('retries a 502 and then succeeds', async () => {
    gh.failNext({ method: 'POST', path: '/repos/demo/hello/issues/1/comments', status: 502 });
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', ...fast });
    await client.createComment('demo', 'hello', 1, 'hello');
    assert.deepEqual(gh.calls({ method: 'POST' }).map((c) => c.status), [502, 201]);
    assert.equal(gh.comments('demo/hello', 1).length, 1);
  });

  it('with throttling on (the production default), waits out a secondary rate limit once and retries', async () => {
    gh.failNext({ method: 'GET', path: '/repos/demo/hello/issues/1/labels', status: 403, message: 'You have exceeded a secondary rate limit.', headers: { 'retry-after': '1' } });
    const { log, lines } = captureLogger('warn');
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', log, retry: { retryAfterBaseValue: 1 } });
    assert.deepEqual(await client.listIssueLabels('demo', 'hello', 1), ['a']);
    assert.deepEqual(gh.calls().map((c) => c.status), [403, 200]);
    assert.ok(lines().some((l) => l.includes('github secondary rate limit hit')));
  });

  it('does not retry a 404 and raises GitHubError with the status and GitHub message', async () => {
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', ...fast });
    await assert.rejects(client.createComment('demo', 'hello', 99, 'x'), (e: unknown) => e instanceof GitHubError && e.status === 404 && e.path === '/repos/demo/hello/issues/99/comments');
    assert.equal(gh.calls({ method: 'POST' }).length, 1);
  });

  it('gives up after the configured retries on persistent 5xx', async () => {
    gh.failNext({ path: '/repos/demo/hello/issues/1/labels', status: 500, times: 10 });
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { retries: 2, retryAfterBaseValue: 1 }, throttle: false });
    await assert.rejects(client.listIssueLabels('demo', 'hello', 1), (e: unknown) => e instanceof GitHubError && e.status === 500);
    assert.equal(gh.calls().length, 3);
  });

  it('reads the token from a file, trimmed, and never logs it', async () => {
    const tokenPath = join(dir, 'token');
    await writeFile(tokenPath, '  s3cr3t-token-value \n');
    await gh.reset({ tokens: { 's3cr3t-token-value': 'alice' }, strictTokens: true, issues: [{ repo: 'demo/hello', number: 1 }] });
    const { log, lines } = captureLogger('debug');
    const client = createGitHubClient({ baseUrl: gh.url, tokenPath, log, ...fast });
    assert.equal((await client.botUser()).login, 'alice');
    await client.createComment('demo', 'hello', 1, 'hi');
    assert.equal(gh.comments('demo/hello', 1)[0]?.user, 'alice');
    assert.ok(lines().length > 0);
    assert.ok(!lines().some((l) => l.includes('s3cr3t')));
    const bad = createGitHubClient({ baseUrl: gh.url, token: 'wrong', ...fast });
    await assert.rejects(bad.botUser(), (e: unknown) => e instanceof GitHubError && e.status === 401);
  });

  it('refuses to start without credentials or with an empty token file', async () => {
    assert.throws(() => createGitHubClient({ baseUrl: gh.url }), /no GitHub credentials/);
    const empty = join(dir, 'empty');
    await writeFile(empty, '\n');
    assert.throws(() => createGitHubClient({ baseUrl: gh.url, tokenPath: empty }), /empty/);
    assert.throws(() => createGitHubClient({ baseUrl: gh.url, tokenPath: join(dir, 'missing') }), /cannot read GitHub token from .*missing/);
  });

  it('metrics: calls by method, path template, status and plugin; rate limit remaining', async () => {
    const registry = new Registry();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', registry, ...fast });
    const hold = client.forPlugin('hold');
    await hold.listIssueLabels('demo', 'hello', 1);
    await hold.addLabel('demo', 'hello', 1, 'do-not-merge/hold');
    await client.isMember('demo', 'bob');
    const text = await registry.metrics();
    assert.match(text, /github_requests_total\{method="GET",path="\/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/labels",plugin="hold",status="200"\} 1/);
    assert.match(text, /github_requests_total\{method="POST",path="\/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/labels",plugin="hold",status="200"\} 1/);
    assert.match(text, /github_requests_total\{method="GET",path="\/orgs\/\{org\}\/members\/\{username\}",plugin="",status="404"\} 1/);
    assert.match(text, new RegExp(`github_token_usage\\{resource="core"\\} ${gh.world.rateLimit.remaining}`));
    assert.match(text, /github_request_duration_count\{.*plugin="hold".*\} 1/);
    // Two clients on one registry share the metrics instead of failing to register.
    createGitHubClient({ baseUrl: gh.url, token: 't', registry, ...fast });
  });

  it('tags paginated pages with the route template too', async () => {
    for (let i = 0; i < 120; i++) gh.addComment('demo/hello', 1, 'alice', `c${i}`);
    const registry = new Registry();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', registry, ...fast }).forPlugin('approve');
    await client.listComments('demo', 'hello', 1);
    assert.match(await registry.metrics(), /github_requests_total\{method="GET",path="\/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\/comments",plugin="approve",status="200"\} 2/);
  });
});

describe('GitHub App auth', () => {
  let gh: FakeGitHub;
  let dir: string;
  const app = keyPair();
  before(async () => {
    gh = await startFakeGitHub();
    dir = await mkdtemp(join(tmpdir(), 'prow-github-app-'));
  });
  after(async () => {
    await gh.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await gh.reset({
      apps: [{ id: 42, slug: 'prow-app', publicKey: app.publicKey, installations: { demo: 7, other: 8 } }],
      issues: [{ repo: 'demo/hello', number: 1 }, { repo: 'other/repo', number: 1 }],
    });
  });

  it('looks up the installation per org, exchanges a JWT for a token, and caches both', async () => {
    const keyPath = join(dir, 'key.pem');
    await writeFile(keyPath, app.privateKey);
    const client = createGitHubClient({ baseUrl: gh.url, appId: 42, privateKeyPath: keyPath, retry: { retryAfterBaseValue: 1 }, throttle: false });
    const comment = await client.createComment('demo', 'hello', 1, 'hi');
    assert.equal(comment.user.login, 'prow-app[bot]');
    await client.addLabel('demo', 'hello', 1, 'x');
    await client.createComment('other', 'repo', 1, 'hi');
    const trail = gh.calls().map((c) => `${c.auth} ${c.method} ${c.path}`);
    assert.deepEqual(trail, [
      'app GET /orgs/demo/installation',
      'app POST /app/installations/7/access_tokens',
      'installation POST /repos/demo/hello/issues/1/comments',
      'installation POST /repos/demo/hello/issues/1/labels',
      'app GET /orgs/other/installation',
      'app POST /app/installations/8/access_tokens',
      'installation POST /repos/other/repo/issues/1/comments',
    ]);
    assert.equal((await client.botUser()).login, 'prow-app[bot]');
  });

  it('still exchanges tokens in dry-run mode, and skips the writes', async () => {
    const client = createGitHubClient({ baseUrl: gh.url, appId: 42, privateKey: app.privateKey, dryRun: true, retry: { retryAfterBaseValue: 1 }, throttle: false });
    await client.createComment('demo', 'hello', 1, 'hi');
    assert.deepEqual(await client.listIssueLabels('demo', 'hello', 1), []);
    assert.deepEqual(gh.calls().map((c) => `${c.auth} ${c.method} ${c.path}`), [
      'app GET /orgs/demo/installation',
      'app POST /app/installations/7/access_tokens',
      'installation GET /repos/demo/hello/issues/1/labels',
    ]);
  });

  it('is refused when the JWT is signed with the wrong key', async () => {
    const client = createGitHubClient({ baseUrl: gh.url, appId: 42, privateKey: keyPair().privateKey, retry: { retryAfterBaseValue: 1 }, throttle: false });
    await assert.rejects(client.createComment('demo', 'hello', 1, 'hi'), (e: unknown) => e instanceof GitHubError && e.status === 401);
    assert.deepEqual(gh.comments('demo/hello', 1), []);
  });

  it('fails clearly for an org without an installation', async () => {
    const client = createGitHubClient({ baseUrl: gh.url, appId: 42, privateKey: app.privateKey, retry: { retryAfterBaseValue: 1 }, throttle: false });
    await assert.rejects(client.listIssueLabels('nobody', 'repo', 1), (e: unknown) => e instanceof GitHubError && e.status === 404 && /installation/.test(e.path));
  });
});

describe('GitHub Enterprise layout', () => {
  it('talks REST under /api/v3 (pagination included) and GraphQL at /api/graphql', async () => {
    const gh = await startFakeGitHub({ enterprise: true });
    try {
      await gh.reset({ pulls: [{ repo: 'corp/app', number: 1 }] });
      for (let i = 0; i < 130; i++) gh.addComment('corp/app', 1, 'alice', `c${i}`);
      assert.match(gh.url, /\/api\/v3$/);
      const client = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { retryAfterBaseValue: 1 }, throttle: false });
      assert.equal((await client.listComments('corp', 'app', 1)).length, 130);
      const data = await client.graphql<{ search: { nodes: { number: number }[] } }>('query { search(type: ISSUE, first: 10, query: "repo:corp/app") { nodes { ... on PullRequest { number } } } }');
      assert.deepEqual(data.search.nodes.map((n) => n.number), [1]);
      assert.equal((await fetch(`${gh.url.replace(/\/api\/v3$/, '')}/repos/corp/app`)).status, 404);
    } finally {
      await gh.close();
    }
  });
});

// The fake GitHub at the HTTP level: the wire details the client relies on, and the helpers
// tests and demo mode use.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import type { FakeCall } from '../../src/github/fake/traffic.js';

describe('fake GitHub over HTTP', () => {
  let gh: FakeGitHub;
  let scratch: string;
  const auth = { authorization: 'token t' };
  const get = (path: string, headers: Record<string, string> = auth): Promise<Response> => fetch(`${gh.url}${path}`, { headers });
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> =>
    fetch(`${gh.url}${path}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    gh = await startFakeGitHub();
    scratch = await mkdtemp(join(tmpdir(), 'prow-fake-test-'));
  });
  after(async () => {
    await gh.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('writes absolute Link headers with its own base URL', async () => {
    await gh.reset({ repos: [{ repo: 'o/r', labels: Array.from({ length: 5 }, (_, i) => `l${i}`) }] });
    const res = await get('/repos/o/r/labels?per_page=2&page=2');
    const link = res.headers.get('link') ?? '';
    assert.match(link, new RegExp(`<${gh.url}/repos/o/r/labels\\?per_page=2&page=3>; rel="next"`));
    assert.match(link, new RegExp(`<${gh.url}/repos/o/r/labels\\?per_page=2&page=1>; rel="first"`));
    assert.deepEqual(((await res.json()) as { name: string }[]).map((l) => l.name), ['l2', 'l3']);
    const last = await get('/repos/o/r/labels?per_page=2&page=3');
    assert.doesNotMatch(last.headers.get('link') ?? '', /rel="next"/);
  });

  it('answers If-None-Match with 304 without spending rate limit; sends x-ratelimit-* headers', async () => {
    await gh.reset({ issues: [{ repo: 'o/r', number: 1 }], rateLimit: 100 });
    const first = await get('/repos/o/r/issues/1');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '99');
    assert.equal(first.headers.get('x-ratelimit-limit'), '5000');
    const etag = first.headers.get('etag') ?? '';
    assert.match(etag, /^W\/"[0-9a-f]{40}"$/);
    const second = await get('/repos/o/r/issues/1', { ...auth, 'if-none-match': etag });
    assert.equal(second.status, 304);
    assert.equal(second.headers.get('x-ratelimit-remaining'), '99');
    await send('POST', '/repos/o/r/issues/1/labels', { labels: ['x'] });
    const third = await get('/repos/o/r/issues/1', { ...auth, 'if-none-match': etag });
    assert.equal(third.status, 200);
  });

  it('refuses with 403 once the rate limit is spent', async () => {
    await gh.reset({ issues: [{ repo: 'o/r', number: 1 }], rateLimit: 1 });
    assert.equal((await get('/repos/o/r/issues/1')).status, 200);
    const res = await get('/repos/o/r/issues/1');
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    assert.match(((await res.json()) as { message: string }).message, /rate limit exceeded/);
  });

  it("errors in GitHub's JSON shape; writes need credentials", async () => {
    await gh.reset({ issues: [{ repo: 'o/r', number: 1 }] });
    const missing = await get('/repos/o/r/issues/9');
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys((await missing.json()) as object).sort(), ['documentation_url', 'message', 'status']);
    const anon = await send('POST', '/repos/o/r/issues/1/comments', { body: 'x' }, {});
    assert.equal(anon.status, 401);
    const invalid = await send('POST', '/repos/o/r/issues/1/comments', {});
    assert.equal(invalid.status, 422);
    assert.equal(((await invalid.json()) as { errors: { field: string }[] }).errors[0]?.field, 'body');
    assert.equal((await get('/no/such/route')).status, 404);
  });

  it('records every call, readable in process and at /_fake/calls; /_fake/state shows the world', async () => {
    await gh.reset({ issues: [{ repo: 'o/r', number: 1 }] });
    await send('POST', '/repos/o/r/issues/1/labels', ['bug']);
    await get('/repos/o/r/issues/1/labels');
    const calls = (await (await get('/_fake/calls', {})).json()) as FakeCall[];
    assert.deepEqual(calls.map((c) => [c.route, c.status, c.write, c.actor]), [
      ['POST /repos/{owner}/{repo}/issues/{issue_number}/labels', 200, true, 'k8s-ci-robot'],
      ['GET /repos/{owner}/{repo}/issues/{issue_number}/labels', 200, false, 'k8s-ci-robot'],
    ]);
    assert.deepEqual(calls[0]?.body, ['bug']);
    assert.deepEqual(gh.calls({ write: true }).map((c) => c.path), ['/repos/o/r/issues/1/labels']);
    const state = (await (await get('/_fake/state', {})).json()) as { repos: { fullName: string; issues: { labels: string[] }[] }[] };
    assert.deepEqual(state.repos.map((r) => [r.fullName, r.issues[0]?.labels]), [['o/r', ['bug']]]);
  });

  it('serves pull requests from real git: refs/pull/N/head can be fetched by git', async () => {
    await gh.reset({ repos: [{ repo: 'o/r', files: { 'a.txt': 'a\n' } }], pulls: [{ repo: 'o/r', number: 3, files: { 'b.txt': 'b\n' } }] });
    const dir = await gh.repoDir('o/r');
    const clone = join(scratch, 'clone');
    execFileSync('git', ['clone', '--quiet', dir, clone]);
    execFileSync('git', ['-C', clone, 'fetch', '--quiet', 'origin', 'pull/3/head']);
    const fetched = execFileSync('git', ['-C', clone, 'rev-parse', 'FETCH_HEAD']).toString().trim();
    assert.equal(fetched, await gh.headSha('o/r', 3));
    const moved = await gh.pushToPull('o/r', 3, { 'b.txt': 'bb\n' });
    execFileSync('git', ['-C', clone, 'fetch', '--quiet', 'origin', 'pull/3/head']);
    assert.equal(execFileSync('git', ['-C', clone, 'rev-parse', 'FETCH_HEAD']).toString().trim(), moved);
    assert.equal(await readFile(join(clone, 'a.txt'), 'utf8'), 'a\n');
  });

  it('lists renames with previous_filename', async () => {
    await gh.reset({ repos: [{ repo: 'o/r', files: { 'old.txt': 'same content\nline two\nline three\n' } }], pulls: [{ repo: 'o/r', number: 1, files: { 'old.txt': null, 'new.txt': 'same content\nline two\nline three\n' } }] });
    const files = (await (await get('/repos/o/r/pulls/1/files')).json()) as { filename: string; status: string; previous_filename?: string }[];
    assert.deepEqual(files.map((f) => [f.filename, f.status, f.previous_filename]), [['new.txt', 'renamed', 'old.txt']]);
  });

  it('GraphQL search pages with cursors; custom handlers can be registered', async () => {
    await gh.reset({ pulls: [1, 2, 3].map((n) => ({ repo: 'o/r', number: n })) });
    const q = 'query($q: String!, $c: String) { search(type: ISSUE, first: 2, after: $c, query: $q) { pageInfo { hasNextPage endCursor } nodes { ... on PullRequest { number } } } }';
    type Page = { data: { search: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { number: number }[] } } };
    const p1 = (await (await send('POST', '/graphql', { query: q, variables: { q: 'repo:o/r is:pr', c: null } })).json()) as Page;
    assert.deepEqual(p1.data.search.nodes.map((n) => n.number), [1, 2]);
    assert.equal(p1.data.search.pageInfo.hasNextPage, true);
    const p2 = (await (await send('POST', '/graphql', { query: q, variables: { q: 'repo:o/r is:pr', c: p1.data.search.pageInfo.endCursor } })).json()) as Page;
    assert.deepEqual(p2.data.search.nodes.map((n) => n.number), [3]);
    assert.equal(p2.data.search.pageInfo.hasNextPage, false);
    gh.registerGraphQL({ name: 'answer', matches: (query) => query.includes('answer'), resolve: async () => ({ answer: 42 }) });
    const custom = (await (await send('POST', '/graphql', { query: '{ answer }' })).json()) as { data: { answer: number } };
    assert.equal(custom.data.answer, 42);
    assert.equal(gh.calls({ path: '/graphql' }).every((c) => !c.write), true);
  });

  it('reset replaces the world; seeding needs no await for in-memory state', async () => {
    await gh.reset({ issues: [{ repo: 'o/r', number: 1, labels: ['a'] }] });
    void gh.reset({ issues: [{ repo: 'o/r', number: 5, labels: ['b'] }] });
    assert.deepEqual(gh.labels('o/r', 5), ['b']);
    assert.equal(gh.issue('o/r', 1), undefined);
    assert.deepEqual(gh.calls(), []);
    const res = await get('/repos/o/r/issues/5/labels');
    assert.deepEqual(((await res.json()) as { name: string }[]).map((l) => l.name), ['b']);
  });

  it('failNext injects failures for matching requests only', async () => {
    await gh.reset({ issues: [{ repo: 'o/r', number: 1 }] });
    gh.failNext({ method: 'GET', path: /\/labels$/, status: 503, times: 2 });
    assert.equal((await get('/repos/o/r/issues/1')).status, 200);
    assert.equal((await get('/repos/o/r/issues/1/labels')).status, 503);
    assert.equal((await get('/repos/o/r/issues/1/labels')).status, 503);
    assert.equal((await get('/repos/o/r/issues/1/labels')).status, 200);
  });
});

// The fake GitHub's web pages (src/github/fake/routes/web.ts): where deck's links land in demo mode.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoSeed } from '../../src/cli/support/demo.js';
import { createGitHubClient } from '../../src/github/client.js';
import { FAKE_WEB_PREFIX } from '../../src/github/fake/routes/web.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';

describe('fake GitHub web pages', () => {
  let fake: FakeGitHub;
  let head = '';
  before(async () => {
    fake = await startFakeGitHub({ seed: demoSeed() });
    await fake.ready();
    const gh = createGitHubClient({ baseUrl: fake.url, token: 'demo-token', log: createSilentLogger() });
    head = (await gh.getPullRequest('demo', 'hello', 1)).head.sha;
    await gh.createStatus('demo', 'hello', head, { state: 'success', context: 'pull-hello-test', description: 'Job succeeded.', targetUrl: 'http://deck.example/job/x' });
    fake.addComment('demo/hello', 1, 'alice', '/lgtm <b>looks</b> good');
  });
  after(() => fake?.close());

  const get = async (path: string): Promise<{ status: number; type: string; body: string }> => {
    const res = await fetch(`${fake.url}${FAKE_WEB_PREFIX}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
  };

  it('a pull request: title, author, state, labels, head statuses, comments (escaped)', async () => {
    const r = await get('/demo/hello/pull/1');
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/html/);
    assert.match(r.body, /<h1>Greet the world in French <span class="number">#1<\/span><\/h1>/);
    assert.match(r.body, /<strong class="pr-state">open<\/strong> · <a href="[^"]+\/_fake\/web\/bob">bob<\/a> wants to merge <code>french<\/code> into <code>main<\/code>/);
    assert.match(r.body, /<span class="label">ok-to-test<\/span>/);
    assert.ok(r.body.includes(`Commit <span class="sha">${head.slice(0, 12)}</span> (head)`));
    assert.match(r.body, /<strong>success<\/strong> pull-hello-test: Job succeeded\. <a href="http:\/\/deck\.example\/job\/x">Details<\/a>/);
    assert.ok(r.body.includes('/lgtm &lt;b&gt;looks&lt;/b&gt; good'), 'comment text is escaped');
  });

  it("a pull request's commit, a commit, a repository and a user", async () => {
    assert.match((await get(`/demo/hello/pull/1/commits/${head}`)).body, /\(head\)/);
    const commit = await get(`/demo/hello/commit/${head}`);
    assert.equal(commit.status, 200);
    assert.match(commit.body, /Head of <a href="[^"]+\/demo\/hello\/pull\/1">#1 Greet the world in French<\/a>/);
    assert.match(commit.body, /pull-hello-test/);
    assert.match((await get('/demo/hello')).body, /#1 Greet the world in French<\/a> by bob \(open\)/);
    assert.match((await get('/bob')).body, /<h1>bob<\/h1><p>Bob Contributor<\/p>/);
  });

  it('answers 404 for what the fake does not have, and the REST routes are untouched', async () => {
    for (const path of ['/demo/nope', '/demo/hello/pull/99', '/nobody', '/demo/hello/commit/not-a-sha']) {
      assert.equal((await get(path)).status, 404, path);
    }
    const api = await fetch(`${fake.url}/repos/demo/hello`, { headers: { authorization: 'token demo-token' } });
    assert.equal(((await api.json()) as { full_name: string }).full_name, 'demo/hello');
  });
});

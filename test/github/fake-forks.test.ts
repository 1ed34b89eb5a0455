// The fake GitHub's forks, pull request creation and PR patches answer as GitHub does: status codes,
// Validation Failed bodies, a fork that is a real clone, a patch that `git am` can apply.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';

const auth = { authorization: 'token token', 'content-type': 'application/json' };

describe('fake GitHub forks and pull request creation', { timeout: 120_000 }, () => {
  let fake: FakeGitHub;
  const scratch = mkdtempSync(join(tmpdir(), 'fake-forks-'));
  const post = (path: string, body: unknown) => fetch(`${fake.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  before(async () => {
    fake = await startFakeGitHub({
      seed: {
        repos: [{ repo: 'org/repo', files: { 'a.txt': 'one\n' }, branches: { feature: { 'a.txt': 'two\n' } } }, { repo: 'org/secret', private: true }],
      },
    });
  });
  after(async () => {
    await fake.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('forks into the caller\'s account as a clone (202, again 202), and refuses a private repo with 403', async () => {
    const res = await post('/repos/org/repo/forks', {});
    assert.equal(res.status, 202);
    const fork = (await res.json()) as { full_name: string; fork: boolean; clone_url: string };
    assert.equal(fork.full_name, 'k8s-ci-robot/repo');
    assert.equal(fork.fork, true);
    assert.equal(await fake.branchSha('k8s-ci-robot/repo', 'feature'), await fake.branchSha('org/repo', 'feature'));
    assert.equal((await post('/repos/org/repo/forks', {})).status, 202);
    const denied = await post('/repos/org/secret/forks', {});
    assert.equal(denied.status, 403);
    assert.match(((await denied.json()) as { message: string }).message, /Forking is disabled/);
  });

  it('opens a pull request from a fork branch pushed over the clone URL', async () => {
    const fork = (await (await post('/repos/org/repo/forks', {})).json()) as { clone_url: string };
    const work = join(scratch, 'work');
    execFileSync('git', ['clone', '--quiet', fork.clone_url, work]);
    execFileSync('git', ['-C', work, '-c', 'user.name=bot', '-c', 'user.email=bot@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'from the fork']);
    execFileSync('git', ['-C', work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/topic']);
    const res = await post('/repos/org/repo/pulls', { title: 'From a fork', body: 'b', head: 'k8s-ci-robot:topic', base: 'main' });
    assert.equal(res.status, 201);
    const pr = (await res.json()) as { number: number; head: { label: string; sha: string }; base: { ref: string } };
    assert.equal(pr.head.label, 'k8s-ci-robot:topic');
    assert.equal(pr.head.sha, await fake.branchSha('k8s-ci-robot/repo', 'topic'));
    const again = await post('/repos/org/repo/pulls', { title: 'again', head: 'k8s-ci-robot:topic', base: 'main' });
    assert.equal(again.status, 422);
    assert.match(JSON.stringify(await again.json()), /A pull request already exists for k8s-ci-robot:topic\./);
  });

  const invalid = [
    { name: 'no title', body: { head: 'feature', base: 'main' }, want: /"field":"title"/ },
    { name: 'a head that does not exist', body: { title: 't', head: 'nope', base: 'main' }, want: /"field":"head"/ },
    { name: 'a base that does not exist', body: { title: 't', head: 'feature', base: 'nope' }, want: /"field":"base"/ },
    { name: 'nothing to merge', body: { title: 't', head: 'main', base: 'main' }, want: /No commits between main and main/ },
  ];
  for (const c of invalid) {
    it(`answers 422 Validation Failed for ${c.name}`, async () => {
      const res = await post('/repos/org/repo/pulls', c.body);
      assert.equal(res.status, 422);
      const text = await res.text();
      assert.match(text, /Validation Failed/);
      assert.match(text, c.want);
    });
  }

  it('serves a PR as a patch for the patch media type, and as JSON otherwise', async () => {
    const res = await post('/repos/org/repo/pulls', { title: 'Feature', head: 'feature', base: 'main' });
    const { number } = (await res.json()) as { number: number };
    const patch = await fetch(`${fake.url}/repos/org/repo/pulls/${number}`, { headers: { ...auth, accept: 'application/vnd.github.v3.patch' } });
    assert.equal(patch.status, 200);
    const text = await patch.text();
    assert.match(text, /^From [0-9a-f]{40} /);
    assert.match(text, /\n-one\n\+two\n/);
    const json = await fetch(`${fake.url}/repos/org/repo/pulls/${number}`, { headers: auth });
    assert.equal(((await json.json()) as { title: string }).title, 'Feature');
  });
});

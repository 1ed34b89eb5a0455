// The fake GitHub serves its repositories over git's smart HTTP protocol, as github.com serves public ones,
// so clonerefs (and plain git) can clone and fetch refs/pull/<n>/head from it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';

const REPO = `${DEMO_ORG}/${DEMO_REPO}`;
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
// Asynchronous: the fake serves from this process, so a synchronous git would wait for itself.
const execFileP = promisify(execFile);
const git = async (args: string[], cwd?: string): Promise<string> =>
  (await execFileP('git', args, { env: gitEnv, encoding: 'utf8', ...(cwd ? { cwd } : {}) })).stdout.trim();

describe('fake GitHub: git over HTTP', () => {
  let fake: FakeGitHub;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fake-git-http-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clones a repository and fetches a pull request head', async () => {
    const clone = join(dir, 'clone');
    await git(['clone', '-q', `${fake.url}/${REPO}.git`, clone]);
    const main = (await fake.branchSha(REPO, 'main'))!;
    assert.equal(await git(['rev-parse', 'HEAD'], clone), main);
    await git(['fetch', '-q', 'origin', `pull/${DEMO_PULL}/head`], clone);
    const head = await git(['rev-parse', 'FETCH_HEAD'], clone);
    assert.equal(head, await fake.headSha(REPO, DEMO_PULL));
    assert.ok(readFileSync(join(clone, '.git', 'HEAD'), 'utf8').includes('refs/heads/'));
  });

  it('answers 404 for an unknown repository and 401 for a push without credentials', async () => {
    const missing = await execFileP('git', ['ls-remote', `${fake.url}/${DEMO_ORG}/no-such-repo.git`], { env: gitEnv, encoding: 'utf8' })
      .then(() => undefined, (err: { stderr: string }) => err);
    assert.ok(missing, 'ls-remote of a missing repository fails');
    assert.match(missing.stderr, /not found|404/i);
    const res = await fetch(`${fake.url}/${REPO}.git/info/refs?service=git-receive-pack`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="GitHub"');
  });
});

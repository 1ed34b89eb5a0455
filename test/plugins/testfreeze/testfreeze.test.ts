// testfreeze (upstream pkg/plugins/testfreeze/testfreeze_test.go TestHandle and checker/checker_test.go
// TestInTestFreeze): a real git remote with release branches and tags (listed by `git ls-remote`), a local
// HTTP server serving the Prow config and prowjobs.js, and PRs on kubernetes/kubernetes in the fake GitHub.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { branchExcludedFromTide, unixDate } from '../../../src/plugins/testfreeze/checker.js';
import { testFreezePlugin } from '../../../src/plugins/testfreeze/testfreeze.js';
import { snapshotFrom } from '../../support/config.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo, restJson, type Delivery } from '../support/fixtures.js';
import { BOT, startWorld, writes, type World } from '../shared/fixtures.js';

const K = 'kubernetes/kubernetes';

interface Case {
  name: string;
  /** release branches and tags in the remote */
  branches: string[];
  tags: string[];
  /** branches tide excludes for kubernetes/kubernetes */
  excluded?: string[];
  labels?: string[];
  action?: string;
  repo?: string;
  base?: string;
  /** substrings of the one comment; undefined: none */
  want?: string[];
  not?: string[];
}

const cases: Case[] = [
  {
    name: 'in both code and test freeze', branches: ['release-1.29', 'release-1.30'], tags: ['v1.29.0'], excluded: ['release-1.30'],
    want: ["we're already in [Code Freeze]", 'upcoming v1.30.0 release', '**Adding the milestone to this PR is strictly prohibited', "We're also in [Test Freeze]", '`release-1.30` branch', 'the most recent run was: Sun Nov 29 06:00:00 UTC 2026.'],
  },
  { name: 'in code freeze only (release tagged, its branch excluded)', branches: ['release-1.30'], tags: ['v1.30.0'], excluded: ['release-1.30'], want: ['[Code Freeze]', 'v1.30.0'], not: ['Test Freeze'] },
  { name: 'kind/bug in code freeze gets the bug-fix path', branches: ['release-1.30'], tags: ['v1.30.0'], excluded: ['release-1.30'], labels: ['kind/bug'], want: ['This PR is labeled `kind/bug`, so it **may** be included in the v1.30.0 release'] },
  { name: 'code freeze for the next release before its branch exists', branches: ['release-1.30'], tags: ['v1.30.0'], excluded: ['release-1.31'], want: ['upcoming v1.31.0 release'] },
  { name: 'in test freeze only (after code thaw)', branches: ['release-1.30'], tags: ['v1.29.0'], want: ["We're in [Test Freeze](", 'for the `release-1.30` branch'], not: ['Code Freeze]'] },
  { name: 'in neither', branches: ['release-1.29', 'release-1.30'], tags: ['v1.29.0', 'v1.30.0'] },
  { name: 'filtered action', action: 'synchronize', branches: ['release-1.30'], tags: [] },
  { name: 'filtered repo', repo: 'kubernetes/website', branches: ['release-1.30'], tags: [] },
  { name: 'filtered branch', base: 'release-1.30', branches: ['release-1.30'], tags: [] },
  { name: 'no release branch: logged, no comment', branches: [], tags: [] },
];

describe('testfreeze', () => {
  let w: World;
  let remoteDir = '';
  let server: Server;
  let httpUrl = '';
  let excluded: string[] = [];
  let d: Delivery;
  let pass = 0;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: remoteDir, stdio: 'pipe' }).toString();

  before(async () => {
    w = await startWorld();
    remoteDir = mkdtempSync(join(tmpdir(), 'testfreeze-remote-'));
    server = createServer((req, res) => {
      if (req.url?.startsWith('/config.yaml')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(`tide:\n  queries:\n  - repos: [kubernetes/kubernetes]\n    excludedBranches: [${excluded.join(', ')}]\n  - repos: [other/repo]\n    excludedBranches: [release-1.30]\n`);
      }
      if (req.url?.startsWith('/prowjobs.js')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ items: [
          { spec: { job: 'ci-fast-forward' }, status: { state: 'failure', completionTime: '2026-11-29T12:00:00Z' } },
          { spec: { job: 'ci-fast-forward' }, status: { state: 'success', completionTime: '2026-11-29T06:00:00Z' } },
        ] }));
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    httpUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await w.close();
    rmSync(remoteDir, { recursive: true, force: true });
  });

  pluginCases(cases, {
    async arrange(c) {
      rmSync(remoteDir, { recursive: true, force: true });
      execFileSync('git', ['init', '-q', '-b', 'master', remoteDir]);
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'init');
      for (const b of c.branches) git('branch', b);
      for (const t of c.tags) git('tag', t);
      excluded = c.excluded ?? [];
      const full = c.repo ?? K;
      await w.gh.reset({
        bot: BOT, users: ['author'], repos: [{ repo: full, defaultBranch: 'master', branches: { 'release-1.30': {} } }],
        pulls: [{ repo: full, number: 1, author: 'author', title: 'A change', body: '', labels: c.labels ?? [], base: c.base }],
      });
      const pr = await restJson(w.gh, `/repos/${full}/pulls/1`);
      d = { type: 'pull_request', id: `tf-${c.name}`, payload: { action: c.action ?? 'opened', number: 1, pull_request: pr, repository: pr.base.repo, sender: { login: 'author', type: 'User' } } };
      pass = 0;
      w.gh.clearCalls();
    },
    async act() {
      const plugins = `testfreeze:\n  git_url: ${remoteDir}\n  prow_config_url: ${httpUrl}/config.yaml\n  prowjobs_url: ${httpUrl}/prowjobs.js\n`;
      await deliverTo(testFreezePlugin, d, { ...pluginContextFor(w, { plugin: 'testfreeze', snapshot: snapshotFrom({ plugins }), withOwners: false, redelivery: pass++ > 0 }), http: fetch });
    },
    writes: () => writes(w.gh),
    check(c) {
      const comments = w.gh.comments(c.repo ?? K, 1).filter((x) => x.user === BOT).map((x) => x.body);
      if (c.want === undefined) {
        assert.deepEqual(comments, []);
        return;
      }
      assert.equal(comments.length, 1);
      for (const s of c.want) assert.ok(comments[0]!.includes(s), `comment lacks ${s}:\n${comments[0]!}`);
      for (const s of c.not ?? []) assert.ok(!comments[0]!.includes(s), `comment has ${s}:\n${comments[0]!}`);
    },
  });

  it("tide exclusions count for kubernetes/kubernetes only", () => {
    const cfg = { tide: { queries: [{ repos: ['other/repo'], excludedBranches: ['release-1.30'] }, { repos: ['kubernetes/kubernetes'], excludedBranches: ['release-1.29'] }] } };
    assert.equal(branchExcludedFromTide(cfg, 'release-1.30'), false);
    assert.equal(branchExcludedFromTide(cfg, 'release-1.29'), true);
    assert.equal(branchExcludedFromTide({}, 'release-1.29'), false);
  });

  it("formats times as Go's time.UnixDate", () => {
    assert.equal(unixDate(new Date('2026-12-07T18:43:17Z')), 'Mon Dec  7 18:43:17 UTC 2026');
    assert.equal(unixDate(new Date('2026-11-29T06:00:00Z')), 'Sun Nov 29 06:00:00 UTC 2026');
  });
});

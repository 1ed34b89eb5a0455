// Loading OWNERS from the base branch (docs/plugins-core.md): getRef for the SHA, a
// bare git mirror of the fake GitHub's real repository, the cache per base SHA (reused when no OWNERS
// file changed), and the collaborator filter.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PluginsConfig } from '../../src/config/types.js';
import { createGitHubClient } from '../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { createGitMirrorSource, createMapSource, createOwnersClient, OwnersLoadError } from '../../src/owners/client.js';

let gh: FakeGitHub;
let dir: string;
before(async () => {
  gh = await startFakeGitHub();
  dir = mkdtempSync(join(tmpdir(), 'prow-owners-client-'));
});
after(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});

const sorted = (s: Set<string>): string[] => [...s].sort();

function pluginConfig(owners: PluginsConfig['owners'] = {}): PluginsConfig {
  return { owners } as PluginsConfig;
}

describe('owners client', () => {
  it('loads from the base branch tip, filters to collaborators, and reuses the cache until an OWNERS file changes', async (t) => {
    await gh.reset({
      repos: [{
        repo: 'org/repo', defaultBranch: 'master', collaborators: ['alice', 'bob'],
        files: { OWNERS: 'approvers: [alice, outsider]\n', 'pkg/OWNERS': 'approvers: [bob]\n', 'pkg/a.go': 'package a\n' },
      }],
    });
    const remote = await gh.repoDir('org/repo');
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
    const cacheDir = join(dir, 'case1');
    let cfg = pluginConfig();
    const mirror = createGitMirrorSource({ cacheDir, remoteFor: () => remote });
    let treeReads = 0;
    const source = { ...mirror, readFiles: (...a: Parameters<typeof mirror.readFiles>) => (treeReads++, mirror.readFiles(...a)) };
    const owners = createOwnersClient({ github: client, source, pluginConfig: () => cfg });
    t.after(() => rmSync(cacheDir, { recursive: true, force: true }));

    const first = await owners.loadRepoOwners('org', 'repo', 'master');
    assert.deepEqual(sorted(first.approvers('pkg/a.go')), ['alice', 'bob'], 'outsider is not a collaborator');
    assert.ok(existsSync(join(cacheDir, 'org', 'repo.git')), 'a bare mirror is kept');

    // A push that touches no OWNERS file reuses the parsed tree (the same lookups, no re-read).
    await gh.pushToBranch('org/repo', 'master', { 'pkg/b.go': 'package a\n' });
    const second = await owners.loadRepoOwners('org', 'repo', 'master');
    assert.deepEqual(sorted(second.approvers('pkg/b.go')), ['alice', 'bob']);
    assert.equal(treeReads, 1, 'the tree was read once');

    // A push to an OWNERS file is seen at once.
    await gh.pushToBranch('org/repo', 'master', { 'pkg/OWNERS': 'approvers: [bob]\noptions:\n  no_parent_owners: true\n' });
    const third = await owners.loadRepoOwners('org', 'repo', 'master');
    assert.deepEqual(sorted(third.approvers('pkg/a.go')), ['bob']);
    assert.equal(treeReads, 2);

    // skip_collaborators keeps everyone listed and costs no collaborator call.
    cfg = pluginConfig({ skip_collaborators: ['org'] });
    gh.clearCalls();
    const unfiltered = await owners.loadRepoOwners('org', 'repo', 'master');
    assert.deepEqual(sorted(unfiltered.approvers('README')), ['alice', 'outsider']);
    assert.deepEqual(gh.calls().map((c) => c.route), ['GET /repos/{owner}/{repo}/git/ref/{ref}']);
  });

  it('honours owners.filenames and names the repo and base in errors', async () => {
    await gh.reset({ repos: [{ repo: 'org/other', defaultBranch: 'main', collaborators: ['carol'], files: { OWNERS_X: 'approvers: [carol]\n' } }] });
    const remote = await gh.repoDir('org/other');
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
    const owners = createOwnersClient({
      github: client,
      source: createGitMirrorSource({ cacheDir: join(dir, 'case2'), remoteFor: () => remote }),
      pluginConfig: () => pluginConfig({ filenames: { 'org/other': { owners: 'OWNERS_X' } } }),
    });
    assert.deepEqual(sorted((await owners.loadRepoOwners('org', 'other', 'main')).approvers('x')), ['carol']);
    await assert.rejects(owners.loadRepoOwners('org', 'other', 'nope'), (err: unknown) => err instanceof OwnersLoadError && /org\/other@nope/.test(err.message));
  });

  it('a map source serves fixed trees (demo and unit use)', async () => {
    const source = createMapSource({ sha1: { OWNERS: 'approvers: [x]\n', 'a/OWNERS': 'approvers: [y]\n', 'a/file': 'no' } });
    const files = await source.readFiles('o', 'r', 'sha1', (p) => p.endsWith('OWNERS'));
    assert.deepEqual([...files.keys()].sort(), ['OWNERS', 'a/OWNERS']);
  });
});

describe('git mirror source input checks', () => {
  it('refuses an org or repo that would leave the cache dir, and a SHA git would read as an option', async (t) => {
    const cacheDir = join(dir, 'checks', 'cache');
    const calls: string[] = [];
    const source = createGitMirrorSource({ cacheDir, remoteFor: (o, r) => (calls.push(`${o}/${r}`), join(dir, 'no-such-remote')) });
    t.after(() => rmSync(join(dir, 'checks'), { recursive: true, force: true }));
    const sha = 'a'.repeat(40);
    await assert.rejects(source.readFiles('..', 'escape', sha, () => true), /invalid org/);
    await assert.rejects(source.readFiles('org', '../../escape', sha, () => true), /invalid repo/);
    await assert.rejects(source.readFiles('org', 'repo', '--output=/tmp/x', () => true), /invalid SHA/);
    await assert.rejects(source.changedPaths!('org', 'repo', '--output=/tmp/x', sha), /invalid SHA/);
    assert.deepEqual(calls, [], 'no clone was attempted');
    assert.equal(existsSync(join(dir, 'checks')), false, 'nothing was created');
  });
});

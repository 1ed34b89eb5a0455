// A test world: the fake GitHub (a real HTTP server), the real Octokit client pointed at it with no
// retries and no ETag cache (so every call is one request a test can count), a SQLite ProwJob store in a
// mkdtemp dir, and an OWNERS client that clones the fake's bare repositories like any remote.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginsConfig } from '../../src/config/types.js';
import { createGitHubClient } from '../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import type { FakeSeed } from '../../src/github/fake/state.js';
import type { GitHubClient } from '../../src/github/types.js';
import { createGitMirrorSource, createOwnersClient, type LoadedOwnersClient } from '../../src/owners/client.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { pluginsConfigFrom } from './config.js';

export interface World {
  gh: FakeGitHub;
  client: GitHubClient;
  store: SqliteStore;
  owners: LoadedOwnersClient;
  dir: string;
  close(): Promise<void>;
}

export interface WorldOptions {
  seed?: FakeSeed;
  /** plugins.yaml the OWNERS client reads (owners.filenames, skip_collaborators); default the loader's defaults. */
  pluginConfig?: () => PluginsConfig;
}

/** The real client with no retries and no ETag cache: every handler call is one HTTP request we can count. */
export function testGitHubClient(gh: FakeGitHub): GitHubClient {
  return createGitHubClient({ baseUrl: gh.url, token: 'test-token', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
}

export async function startWorld({ seed, pluginConfig }: WorldOptions = {}): Promise<World> {
  const gh = await startFakeGitHub();
  const dir = mkdtempSync(join(tmpdir(), 'prow-world-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  const client = testGitHubClient(gh);
  const defaults = pluginsConfigFrom();
  const remotes = new Map<string, string>();
  const owners = createOwnersClient({
    github: client,
    source: createGitMirrorSource({
      cacheDir: join(dir, 'mirrors'),
      remoteFor: (org, repo) => {
        const r = remotes.get(`${org}/${repo}`);
        if (!r) throw new Error(`no remote for ${org}/${repo}`);
        return r;
      },
    }),
    pluginConfig: pluginConfig ?? (() => defaults),
  });
  // The fake keeps real bare repositories: the mirror source clones them like any remote. gh.reset also
  // forgets the OWNERS mirrors and points the source at the new seed's repositories.
  const resetFake = gh.reset.bind(gh);
  gh.reset = async (next?: FakeSeed): Promise<void> => {
    await resetFake(next);
    remotes.clear();
    rmSync(join(dir, 'mirrors'), { recursive: true, force: true });
    for (const r of next?.repos ?? []) {
      const full = r.repo ?? `${r.org}/${r.name}`;
      remotes.set(full, await gh.repoDir(full));
    }
  };
  if (seed !== undefined) await gh.reset(seed);
  return {
    gh, client, store, owners, dir,
    async close() {
      await store.close().catch(() => undefined);
      await gh.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

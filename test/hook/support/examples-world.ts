// A world for GitHub's example payloads (@octokit/webhooks-examples): the fake GitHub seeded with every
// repository, issue and PR the examples name, the real client over it, the example config with every
// built-in plugin enabled for every org the examples use, and an OWNERS client over the fake's git repos.
// Used by test/hook/examples.test.ts and bench/hook.ts.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/config/load.js';
import { loadPluginsConfig } from '../../../src/config/plugins.js';
import type { Config, PluginsConfig } from '../../../src/config/types.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/github/fake/server.js';
import type { FakeSeed } from '../../../src/github/fake/state.js';
import type { GitHubClient } from '../../../src/github/types.js';
import type { Logger } from '../../../src/observability/logger.js';
import { createGitMirrorSource, createOwnersClient } from '../../../src/owners/client.js';
import type { Plugin } from '../../../src/plugins/types.js';
import type { OwnersClient } from '../../../src/owners/types.js';
import { builtinPluginSections } from '../../../src/plugins/registry.js';

export interface ExampleSet {
  name: string;
  examples: Record<string, any>[];
}

export const exampleSets = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];

export interface ExamplesWorld {
  fake: FakeGitHub;
  github: GitHubClient;
  owners: OwnersClient;
  config: Config;
  pluginConfig: PluginsConfig;
  close(): Promise<void>;
}

export interface ExamplesWorldOptions {
  plugins: readonly Plugin[];
  log: Logger;
  /** Where OWNERS mirrors go. */
  cacheDir: string;
  /** Extra issue/PR numbers to seed in every repo (bench traffic spreads over many). */
  extraNumbers?: number[];
}

/** The repositories, issues and PRs the examples name (plus `extraNumbers` PRs in every repo), and their orgs. */
export function examplesSeed(extraNumbers: number[] = []): { seed: FakeSeed; repos: string[]; orgs: string[] } {
  const repos = new Map<string, string>();
  const items = new Map<string, { repo: string; number: number; isPR: boolean; author: string }>();
  const orgs = new Set<string>();
  for (const set of exampleSets) {
    for (const p of set.examples) {
      if (typeof p.repository?.owner?.name === 'string') orgs.add(p.repository.owner.name);
      const full = p.repository?.full_name;
      if (typeof full !== 'string') continue;
      orgs.add(full.split('/')[0]!);
      repos.set(full, p.repository?.default_branch ?? 'master');
      const item = p.pull_request ?? p.issue;
      if (item && typeof item.number === 'number') {
        const isPR = p.pull_request !== undefined || (p.issue?.pull_request ?? null) !== null;
        items.set(`${full}#${item.number}`, { repo: full, number: item.number, isPR, author: item.user?.login ?? 'someone' });
      }
    }
  }
  for (const repo of repos.keys()) {
    for (const n of extraNumbers) {
      if (!items.has(`${repo}#${n}`)) items.set(`${repo}#${n}`, { repo, number: n, isPR: true, author: 'someone' });
    }
  }
  const seed: FakeSeed = {
    // The examples name both master and main as a repo's default branch: have both.
    repos: [...repos].map(([repo, defaultBranch]) => ({
      repo,
      defaultBranch,
      branches: { [defaultBranch === 'main' ? 'master' : 'main']: {} },
      files: { 'README.md': 'hi\n', OWNERS: 'approvers:\n- Codertocat\n' },
    })),
    issues: [...items.values()].filter((i) => !i.isPR).map((i) => ({ repo: i.repo, number: i.number, author: i.author })),
    pulls: [...items.values()].filter((i) => i.isPR).map((i) => ({ repo: i.repo, number: i.number, author: i.author })),
  };
  return { seed, repos: [...repos.keys()], orgs: [...orgs] };
}

export interface RemoteFake {
  url: string;
  /** org/repo → bare git directory */
  repoDirs: Record<string, string>;
}

/** Client, config and OWNERS around a fake GitHub that may live in another process. */
export function worldAround(remote: RemoteFake, orgs: string[], opts: Omit<ExamplesWorldOptions, 'extraNumbers'>): Omit<ExamplesWorld, 'fake' | 'close'> {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const github = createGitHubClient({ baseUrl: remote.url, token: 'examples', retry: { retryAfterBaseValue: 1, retries: 0 }, throttle: false, log: opts.log });
  const { config } = loadConfig({ configPath: join(root, 'examples/config.yaml'), jobConfigPath: join(root, 'examples/jobs') });
  const pluginConfig = loadPluginsConfig(join(root, 'examples/plugins.yaml'), { sections: builtinPluginSections() }).plugins;
  pluginConfig.plugins = Object.fromEntries(orgs.map((o) => [o, { plugins: opts.plugins.map((p) => p.name) }]));
  const owners = createOwnersClient({
    github,
    source: createGitMirrorSource({ cacheDir: opts.cacheDir, remoteFor: (o, r) => remote.repoDirs[`${o}/${r}`] ?? join(opts.cacheDir, 'missing') }),
    pluginConfig: () => pluginConfig,
    config: () => config,
  });
  return { github, owners, config, pluginConfig };
}

export async function startExamplesWorld(opts: ExamplesWorldOptions): Promise<ExamplesWorld> {
  const { seed, repos, orgs } = examplesSeed(opts.extraNumbers);
  const fake = await startFakeGitHub({ seed });
  const repoDirs: Record<string, string> = {};
  for (const repo of repos) repoDirs[repo] = await fake.repoDir(repo);
  return { fake, ...worldAround({ url: fake.url, repoDirs }, orgs, opts), close: () => fake.close() };
}

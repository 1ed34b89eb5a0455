// Shared helpers for hook and plugin-framework tests: signing, a SQLite store in a temp dir, a config
// snapshot, and a GitHubClient stand-in for plugins that never call GitHub.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config, PluginsConfig } from '../../../src/config/types.js';
import type { GitHubClient } from '../../../src/github/types.js';
import type { ConfigSnapshot } from '../../../src/config/types.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/store.js';
import { waitFor as poll } from '../../support/wait.js';

export function sign(body: string, secret: string, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}

export function webhookHeaders(
  event: string,
  id: string,
  body: string,
  secret: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': id,
    'X-Hub-Signature-256': sign(body, secret),
    'content-type': 'application/json',
    ...extra,
  };
}

export interface TempStore {
  store: SqliteStore;
  dir: string;
  path: string;
  cleanup(): Promise<void>;
}

export function tempStore(options?: Parameters<typeof openSqliteStore>[1]): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'prow-hook-test-'));
  const path = join(dir, 'prow.db');
  const store = openSqliteStore(path, options);
  return {
    store,
    dir,
    path,
    async cleanup() {
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A config snapshot enabling `plugins` for `org` (and whatever else `extra` says). */
export function snapshotFor(enable: Record<string, string[]>, extra: Partial<PluginsConfig> = {}): ConfigSnapshot {
  const plugins: PluginsConfig['plugins'] = {};
  for (const [key, names] of Object.entries(enable)) plugins[key] = { plugins: names };
  return {
    config: {} as Config,
    plugins: { plugins, external_plugins: {}, ...extra } as PluginsConfig,
    warnings: [],
    loadedAt: new Date(0),
  };
}

/**
 * A GitHubClient for framework tests whose plugins never call GitHub: any call other than forPlugin
 * throws, so a test that accidentally reaches GitHub fails loudly.
 */
export function noGitHub(): GitHubClient {
  const client: GitHubClient = new Proxy({} as GitHubClient, {
    get(_t, prop) {
      if (prop === 'forPlugin') return () => client;
      if (prop === 'then') return undefined;
      return () => {
        throw new Error(`framework test reached GitHub: ${String(prop)}`);
      };
    },
  });
  return client;
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  await poll(check, { timeoutMs, message: what });
}

export function issueCommentPayload(opts: {
  repo?: string;
  number?: number;
  body?: string;
  user?: string;
  action?: string;
  isPR?: boolean;
}): Record<string, unknown> {
  const { repo = 'org/repo', number = 1, body = 'hi', user = 'alice', action = 'created', isPR = false } = opts;
  const [owner, name] = repo.split('/') as [string, string];
  return {
    action,
    issue: {
      number,
      id: 1000 + number,
      node_id: `I_${number}`,
      title: `issue ${number}`,
      body: 'issue body',
      state: 'open',
      html_url: `https://github.com/${repo}/issues/${number}`,
      user: { login: 'author' },
      assignees: [{ login: 'a1' }],
      ...(isPR ? { pull_request: { url: `https://api.github.com/repos/${repo}/pulls/${number}` } } : {}),
    },
    comment: {
      id: 555,
      node_id: 'IC_555',
      body,
      html_url: `https://github.com/${repo}/issues/${number}#issuecomment-555`,
      user: { login: user },
    },
    repository: { name, full_name: repo, owner: { login: owner }, default_branch: 'main' },
    sender: { login: user },
  };
}

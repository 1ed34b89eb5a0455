// Test-merging batch candidates onto the base (upstream pickNewBatch: clone, check out the base SHA,
// merge each PR's head in order, keep those that merge cleanly). A bare mirror per repository and
// `git merge-tree --write-tree`, so no work tree is touched.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TidePR } from './types.js';

const run = promisify(execFile);

export interface BatchMerger {
  /** Candidates (in order) that merge cleanly one after the other onto baseSha, up to `limit` (0: all). */
  pick(org: string, repo: string, baseSha: string, candidates: readonly TidePR[], limit: number): Promise<TidePR[]>;
}

export interface BatchMergerOptions {
  cacheDir: string;
  /** The git remote of a repository. */
  remoteFor(org: string, repo: string): string;
  env?: Record<string, string>;
}

export function createGitBatchMerger(o: BatchMergerOptions): BatchMerger {
  const env = { ...process.env, ...o.env, GIT_TERMINAL_PROMPT: '0' };
  const git = async (dir: string, ...args: string[]): Promise<string> => (await run('git', ['-C', dir, ...args], { env, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
  const ident = ['-c', 'user.name=prow', '-c', 'user.email=prow@localhost', '-c', 'commit.gpgsign=false'];
  return {
    async pick(org, repo, baseSha, candidates, limit) {
      const dir = join(o.cacheDir, org, `${repo}.git`);
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true });
        await git(dir, 'init', '--bare', '--quiet');
      }
      const pulls = candidates.map((c) => `+refs/pull/${c.number}/head:refs/pr/${c.number}`);
      await git(dir, 'fetch', '--quiet', '--no-tags', o.remoteFor(org, repo), `+refs/heads/*:refs/heads/*`, ...pulls);
      let current = baseSha;
      const out: TidePR[] = [];
      for (const pr of candidates) {
        let tree: string;
        try {
          tree = (await git(dir, 'merge-tree', '--write-tree', '--no-messages', current, pr.headSha)).split('\n')[0] ?? '';
        } catch {
          continue; // conflicts: merge-tree exits 1
        }
        current = await git(dir, ...ident, 'commit-tree', tree, '-p', current, '-p', pr.headSha, '-m', `Merge #${pr.number}`);
        out.push(pr);
        if (limit > 0 && out.length >= limit) break;
      }
      return out;
    },
  };
}

// MergedTreeReader over bare mirror clones (`<cacheDir>/<org>/<repo>.git`, fetched when a SHA is missing).
// Merges are computed with `git merge-tree --write-tree` (git 2.38+): no work tree is checked out, and
// nothing is written but objects in the mirror.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MergedTreeReader } from './types.js';

function git(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, {
      cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8',
      // The merge commits' identity: merge-tree needs one for nothing it writes, but refuses to run without it.
      env: { ...process.env, GIT_AUTHOR_NAME: 'prow', GIT_AUTHOR_EMAIL: 'prow@localhost', GIT_COMMITTER_NAME: 'prow', GIT_COMMITTER_EMAIL: 'prow@localhost' },
    }, (err, stdout, stderr) => {
      if (err) reject(new GitCommandError(args, stdout, stderr.trim() || err.message));
      else resolve(stdout);
    });
  });
}

class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(readonly args: string[], readonly stdout: string, detail: string) {
    super(`git ${args[0] ?? ''}: ${detail}`);
  }
}

// org, repo and SHAs come from webhook payloads: they name a directory and are passed to git as positionals.
function checkName(what: string, name: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('-') || name === '.' || name === '..') {
    throw new Error(`invalid ${what} name ${JSON.stringify(name)}`);
  }
}

function checkSha(sha: string): void {
  if (!/^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(sha)) throw new Error(`invalid SHA ${JSON.stringify(sha)}: want a full hexadecimal commit id`);
}

export interface MergedTreeReaderOptions {
  cacheDir: string;
  /** Clone URL: `https://github.com/<org>/<repo>.git`, or the fake's bare repositories in tests and demo mode. */
  remoteFor: (org: string, repo: string) => string;
}

export function createMergedTreeReader(options: MergedTreeReaderOptions): MergedTreeReader {
  const locks = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const next = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    locks.set(key, next.catch(() => undefined));
    return next;
  };
  const hasCommit = (dir: string, sha: string) => git(['cat-file', '-e', `${sha}^{commit}`], dir).then(() => true, () => false);

  async function ensure(org: string, repo: string, shas: readonly string[]): Promise<string> {
    checkName('org', org);
    checkName('repo', repo);
    for (const s of shas) checkSha(s);
    const dir = join(options.cacheDir, org, `${repo}.git`);
    return serial(dir, async () => {
      if (!existsSync(dir)) {
        await mkdir(join(options.cacheDir, org), { recursive: true });
        await git(['clone', '--quiet', '--mirror', options.remoteFor(org, repo), dir]);
      }
      const missing: string[] = [];
      for (const s of shas) if (!(await hasCommit(dir, s))) missing.push(s);
      if (missing.length > 0) {
        await git(['fetch', '--quiet', '--prune', 'origin'], dir);
        // A PR head from a fork is only reachable by its SHA (GitHub serves refs/pull/N/head, mirrors take it).
        for (const s of missing) if (!(await hasCommit(dir, s))) await git(['fetch', '--quiet', 'origin', s], dir);
      }
      return dir;
    });
  }

  return {
    async readMergedFiles(org, repo, base, heads, want) {
      const dir = await ensure(org, repo, [base, ...heads]);
      let tree = `${base}^{tree}`;
      let tip = base;
      for (const head of heads) {
        let out: string;
        try {
          out = await git(['merge-tree', '--write-tree', '--no-messages', tip, head], dir);
        } catch (err) {
          if (err instanceof GitCommandError && err.stdout !== '') throw new Error(`merging ${head} into ${base} of ${org}/${repo}: conflicts`);
          throw err;
        }
        tree = out.split('\n')[0]!.trim();
        // The next head merges on top of this result: a commit to name it by.
        tip = (await git(['commit-tree', tree, '-p', tip, '-p', head, '-m', 'prow in-repo config merge'], dir)).trim();
      }
      const paths = (await git(['ls-tree', '-r', '-z', '--name-only', tree], dir)).split('\0').filter((p) => p !== '' && want(p));
      const files = new Map<string, string>();
      for (const p of paths) files.set(p, await git(['cat-file', 'blob', `${tree}:${p}`], dir));
      return files;
    },
  };
}

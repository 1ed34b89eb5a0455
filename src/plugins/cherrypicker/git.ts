// The git side of a cherry-pick, shelling out to git as upstream's pkg/git/v2 does: clone the repo, check out
// the target branch, apply the PR's patch with `git am --3way` on a new branch, force-push it to the fork (or
// the repo itself). HTTP(S) remotes get the token as an extra header, so it never appears in a URL or a message.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A git command that exited non-zero; `output` is what git printed. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(readonly args: string[], readonly code: number | string | null, readonly output: string) {
    super(`git ${args[0] ?? ''} exited ${String(code)}: ${output.trim()}`);
  }
}

export interface GitAuth {
  /** The token for HTTP(S) remotes (file:// remotes, as the fake GitHub's clone_url, need none). */
  token?: () => string | undefined;
}

export interface CherrypickWorkspace {
  /** `git checkout <branch>`; the error says why it failed. */
  checkout(branch: string): Promise<void>;
  checkoutNewBranch(branch: string): Promise<void>;
  /** Whether `branch` exists at `remoteUrl` (`git ls-remote --heads`). */
  remoteBranchExists(remoteUrl: string, branch: string): Promise<boolean>;
  setIdentity(name: string, email: string): Promise<void>;
  /** `git am --3way` of the patch; on failure aborts the am and throws with git's output. */
  am(patch: string): Promise<void>;
  /** `git push --force <remoteUrl> <branch>`. */
  forcePush(remoteUrl: string, branch: string): Promise<void>;
  clean(): Promise<void>;
}

function authArgs(url: string, auth: GitAuth): string[] {
  const token = /^https?:\/\//.test(url) ? auth.token?.() : undefined; // GitHub Enterprise may serve plain http
  if (!token) return [];
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return ['-c', `http.extraHeader=Authorization: Basic ${basic}`];
}

function run(cwd: string, args: string[], pre: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...pre, ...args], {
      cwd, maxBuffer: 64 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', GIT_TERMINAL_PROMPT: '0', LANG: 'C', LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' },
    }, (err, stdout, stderr) => {
      if (err) reject(new GitError(args, typeof err.code === 'number' || typeof err.code === 'string' ? err.code : null, `${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Clones `cloneUrl` into a fresh temporary directory. */
export async function cloneForCherrypick(cloneUrl: string, auth: GitAuth): Promise<CherrypickWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'prow-cherrypick-'));
  const dir = join(root, 'repo');
  try {
    await run(root, ['clone', '--quiet', '--no-tags', cloneUrl, dir], authArgs(cloneUrl, auth));
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    async checkout(branch) {
      await run(dir, ['checkout', '--quiet', branch]);
    },
    async checkoutNewBranch(branch) {
      await run(dir, ['checkout', '--quiet', '-B', branch]);
    },
    async remoteBranchExists(remoteUrl, branch) {
      const out = await run(dir, ['ls-remote', '--heads', remoteUrl, `refs/heads/${branch}`], authArgs(remoteUrl, auth));
      return out.trim() !== '';
    },
    async setIdentity(name, email) {
      await run(dir, ['config', 'user.name', name]);
      await run(dir, ['config', 'user.email', email]);
    },
    async am(patch) {
      const file = join(root, 'pr.patch');
      await writeFile(file, patch);
      try {
        await run(dir, ['am', '--3way', file]);
      } catch (err) {
        await run(dir, ['am', '--abort']).catch(() => undefined); // the am already failed; leave the tree as it was
        throw err;
      }
    },
    async forcePush(remoteUrl, branch) {
      await run(dir, ['push', '--quiet', '--force', remoteUrl, `${branch}:refs/heads/${branch}`], authArgs(remoteUrl, auth));
    },
    async clean() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

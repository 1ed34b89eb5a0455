// Real git repositories behind the fake GitHub: bare repos in a temp dir, written with plumbing
// commands (no work tree), so file contents, SHAs, diffs and merges are what git says they are.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';

export interface GitIdentity {
  name: string;
  email: string;
}

export interface GitCommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  authorDate: string;
  committerName: string;
  committerEmail: string;
  committerDate: string;
  message: string;
}

export interface GitChangedFile {
  filename: string;
  previousFilename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';
  additions: number;
  deletions: number;
  patch?: string;
  blobSha: string;
}

export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(readonly args: string[], readonly code: number | string | null, readonly stderr: string) {
    super(`git ${args.join(' ')} failed (${String(code)}): ${stderr.trim()}`);
  }
}

const FIXED_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LANG: 'C',
  LC_ALL: 'C',
};

export function runGit(
  dir: string,
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string>; allowCodes?: number[] } = {},
): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-C', dir, ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...FIXED_ENV, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const code = typeof err.code === 'number' ? err.code : null;
          if (code !== null && options.allowCodes?.includes(code)) {
            resolve({ stdout, code });
            return;
          }
          reject(new GitCommandError(args, err.code ?? null, stderr));
          return;
        }
        resolve({ stdout, code: 0 });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

const LOG_FORMAT = '%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e';

function parseLog(out: string): GitCommitInfo[] {
  return out
    .split('\x1e')
    .map((rec) => rec.replace(/^\n/, ''))
    .filter((rec) => rec.length > 0)
    .map((rec) => {
      const [sha = '', tree = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = '', message = ''] = rec.split('\x00');
      return {
        sha, tree, parents: parents ? parents.split(' ') : [],
        authorName: an, authorEmail: ae, authorDate: ad, committerName: cn, committerEmail: ce, committerDate: cd,
        message: message.replace(/\n$/, ''),
      };
    });
}

/** One bare repository. Every write goes through a throwaway index file. */
export class GitRepo {
  private commitCounter = 0;
  private setupDone: Promise<void> | undefined;

  /** `setup` runs before the first git command (lazy init: repos nobody reads cost nothing). */
  constructor(readonly dir: string, private readonly setup?: () => Promise<void>) {}

  /** Runs the lazy setup if it has not run yet. */
  ensure(): Promise<void> {
    if (!this.setup) return Promise.resolve();
    this.setupDone ??= this.setup();
    return this.setupDone;
  }

  /** A repo whose first use runs `git init --bare` and commits `files` on `defaultBranch`. */
  static lazy(dir: string, defaultBranch: string, files: Record<string, string>, author: GitIdentity, date: () => Date): GitRepo {
    return new GitRepo(dir, async () => {
      const raw = await GitRepo.init(dir, defaultBranch);
      await raw.commit({ branch: defaultBranch, files, message: 'Initial commit', author, date: date() });
    });
  }

  static async init(dir: string, defaultBranch: string): Promise<GitRepo> {
    await mkdir(dir, { recursive: true });
    await runGit(dir, ['init', '--bare', '--quiet', '--template=', `--initial-branch=${defaultBranch}`]);
    return new GitRepo(dir);
  }

  async git(args: string[], options?: Parameters<typeof runGit>[2]): Promise<{ stdout: string; code: number }> {
    await this.ensure();
    return runGit(this.dir, args, options);
  }

  async resolve(ref: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { allowCodes: [1, 128] });
    return code === 0 ? stdout.trim() : undefined;
  }

  async branches(): Promise<Map<string, string>> {
    const { stdout } = await this.git(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/']);
    const out = new Map<string, string>();
    for (const line of stdout.split('\n')) {
      const [name, sha] = line.split(' ');
      if (name && sha) out.set(name, sha);
    }
    return out;
  }

  /**
   * Commits `files` (path → content, null deletes) on top of `parent` (or as a root commit) and
   * points `branch` at it. Returns the new commit SHA.
   */
  /** Commits `files` (path → content, null deletes) on `parent` (or as a root commit), moves `branch`; returns the SHA. */
  async commit(options: {
    branch: string;
    parent?: string;
    files: Record<string, string | null>;
    message: string;
    author: GitIdentity;
    date?: Date;
  }): Promise<string> {
    const [sha = ''] = await this.commitSeries({ branch: options.branch, parent: options.parent, commits: [options] });
    return sha;
  }

  /**
   * Several commits in a row on `branch` (each on the one before, the first on `parent`), plus
   * `alsoPoint` refs set to the last one, in a single `git fast-import`. Returns the SHAs in order.
   */
  async commitSeries(options: {
    branch: string;
    parent?: string;
    commits: { files: Record<string, string | null>; message: string; author: GitIdentity; date?: Date }[];
    alsoPoint?: string[];
  }): Promise<string[]> {
    if (options.commits.length === 0) return [];
    const parts: Buffer[] = [];
    const text = (t: string): void => {
      parts.push(Buffer.from(t, 'utf8'));
    };
    const data = (content: string): void => {
      const bytes = Buffer.from(content, 'utf8');
      text(`data ${bytes.length}\n`);
      parts.push(bytes);
      text('\n');
    };
    options.commits.forEach((c, i) => {
      const when = `${Math.floor((c.date ?? new Date()).getTime() / 1000)} +0000`;
      const who = `${c.author.name.replace(/[<>\n]/g, '')} <${c.author.email.replace(/[<>\n]/g, '')}> ${when}`;
      text(`commit refs/heads/${options.branch}\nmark :${i + 1}\nauthor ${who}\ncommitter ${who}\n`);
      data(c.message);
      const from = i > 0 ? `:${i}` : options.parent;
      if (from) text(`from ${from}\n`);
      for (const [path, content] of Object.entries(c.files)) {
        const quoted = /^"|\n/.test(path) ? JSON.stringify(path) : path;
        if (content === null) {
          text(`D ${quoted}\n`);
        } else {
          text(`M 100644 inline ${quoted}\n`);
          data(content);
        }
      }
      text('\n');
    });
    for (const ref of options.alsoPoint ?? []) text(`reset ${ref}\nfrom :${options.commits.length}\n\n`);
    text('done\n');
    const marks = `${this.dir}/prow-fake-marks-${process.pid}-${++this.commitCounter}`;
    try {
      await this.git(['fast-import', '--quiet', '--force', '--done', '--date-format=raw', `--export-marks=${marks}`], { input: Buffer.concat(parts) });
      const byMark = new Map<string, string>();
      for (const line of (await readFile(marks, 'utf8')).split('\n')) {
        const [mark, sha] = line.split(' ');
        if (mark && sha) byMark.set(mark, sha);
      }
      return options.commits.map((_, i) => byMark.get(`:${i + 1}`) ?? '');
    } finally {
      await rm(marks, { force: true });
    }
  }

  async commitTree(tree: string, parents: string[], message: string, author: GitIdentity, date = new Date(), committer = author): Promise<string> {
    const iso = date.toISOString();
    const env = {
      GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: iso,
      GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email, GIT_COMMITTER_DATE: iso,
    };
    const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])];
    return (await this.git(args, { env, input: message })).stdout.trim();
  }

  async setBranch(branch: string, sha: string): Promise<void> {
    await this.git(['update-ref', `refs/heads/${branch}`, sha]);
  }

  /** The file's content at `ref`, or undefined when it does not exist (or is not a file). */
  async readFile(ref: string, path: string): Promise<{ content: Buffer; sha: string } | undefined> {
    const spec = `${ref}:${path}`;
    const type = await this.git(['cat-file', '-t', spec], { allowCodes: [1, 128] });
    if (type.code !== 0 || type.stdout.trim() !== 'blob') return undefined;
    const sha = (await this.git(['rev-parse', spec])).stdout.trim();
    const content = await new Promise<Buffer>((resolve, reject) => {
      execFile('git', ['-C', this.dir, 'cat-file', 'blob', sha], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH ?? '', ...FIXED_ENV } }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      );
    });
    return { content, sha };
  }

  /** Entries of a directory at `ref`, or undefined when it is not a directory. */
  async listDir(ref: string, path: string): Promise<{ name: string; path: string; type: 'file' | 'dir'; sha: string }[] | undefined> {
    const spec = path ? `${ref}:${path}` : `${ref}^{tree}`;
    const type = await this.git(['cat-file', '-t', spec], { allowCodes: [1, 128] });
    if (type.code !== 0 || type.stdout.trim() !== 'tree') return undefined;
    const { stdout } = await this.git(['ls-tree', '-z', spec]);
    return stdout
      .split('\x00')
      .filter(Boolean)
      .map((line) => {
        const [meta = '', name = ''] = line.split('\t');
        const [, kind, sha = ''] = meta.split(' ');
        return { name, path: path ? `${path}/${name}` : name, type: kind === 'tree' ? ('dir' as const) : ('file' as const), sha };
      });
  }

  async commitInfo(ref: string): Promise<GitCommitInfo | undefined> {
    const sha = await this.resolve(ref);
    if (!sha) return undefined;
    const { stdout } = await this.git(['log', '-1', `--format=${LOG_FORMAT}`, sha]);
    return parseLog(stdout)[0];
  }

  /** Commits reachable from head but not base, oldest first. */
  async commitsBetween(base: string, head: string): Promise<GitCommitInfo[]> {
    const { stdout } = await this.git(['log', '--reverse', `--format=${LOG_FORMAT}`, `${base}..${head}`]);
    return parseLog(stdout);
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const { stdout, code } = await this.git(['merge-base', a, b], { allowCodes: [1] });
    return code === 0 ? stdout.trim() : undefined;
  }

  /** Files changed on head since it forked from base (`git diff base...head`), as GitHub lists them. */
  async changedFiles(base: string, head: string): Promise<GitChangedFile[]> {
    const range = `${base}...${head}`;
    const raw = (await this.git(['diff', '--raw', '-z', '-M', '--no-abbrev', range])).stdout.split('\x00');
    const numstat = (await this.git(['diff', '--numstat', '-z', '-M', range])).stdout.split('\x00');
    const patchOut = (await this.git(['diff', '-M', '--no-color', '--no-ext-diff', range])).stdout;

    const counts: { additions: number; deletions: number }[] = [];
    for (let i = 0; i < numstat.length; i++) {
      const rec = numstat[i];
      if (!rec) continue;
      const [add = '0', del = '0', path = ''] = rec.split('\t');
      if (path === '') i += 2; // rename: two path fields follow
      counts.push({ additions: add === '-' ? 0 : Number(add), deletions: del === '-' ? 0 : Number(del) });
    }
    const patches = splitPatches(patchOut);

    const files: GitChangedFile[] = [];
    for (let i = 0; i < raw.length; i++) {
      const meta = raw[i];
      if (!meta || !meta.startsWith(':')) continue;
      const parts = meta.slice(1).split(' ');
      const dstSha = parts[3] ?? '';
      const letter = (parts[4] ?? 'M')[0];
      let filename: string;
      let previousFilename: string | undefined;
      if (letter === 'R' || letter === 'C') {
        previousFilename = raw[++i] ?? '';
        filename = raw[++i] ?? '';
      } else {
        filename = raw[++i] ?? '';
      }
      const status = letter === 'A' ? 'added' : letter === 'D' ? 'removed' : letter === 'R' ? 'renamed' : letter === 'C' ? 'copied' : letter === 'M' ? 'modified' : 'changed';
      const c = counts[files.length] ?? { additions: 0, deletions: 0 };
      const file: GitChangedFile = { filename, status, additions: c.additions, deletions: c.deletions, blobSha: /^0+$/.test(dstSha) ? (parts[2] ?? '') : dstSha };
      if (previousFilename !== undefined) file.previousFilename = previousFilename;
      const patch = patches.get(filename);
      if (patch !== undefined) file.patch = patch;
      files.push(file);
    }
    return files;
  }

  /**
   * Merges head into base without a work tree. Returns the merged tree, or undefined on conflict.
   */
  async mergeTree(base: string, head: string): Promise<string | undefined> {
    const args = ['merge-tree', '--write-tree', '--no-messages', base, head];
    const { stdout, code } = await this.git(args, { allowCodes: [1] });
    if (code !== 0) return undefined;
    return stdout.split('\n')[0]?.trim();
  }

  /**
   * The tree of `commit`'s change (against its first parent) applied on top of `onto`, as a
   * rebase replays it; undefined when the change does not apply.
   */
  async applyCommit(onto: string, commit: string): Promise<string | undefined> {
    const index = `${this.dir}/prow-fake-index-${process.pid}-${++this.commitCounter}`;
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.git(['read-tree', onto], { env });
      const diff = (await this.git(['diff', '--binary', '--full-index', `${commit}^`, commit])).stdout;
      if (diff) {
        const applied = await this.git(['apply', '--cached', '--3way'], { env, input: diff, allowCodes: [1] });
        if (applied.code !== 0) return undefined;
      }
      return (await this.git(['write-tree'], { env })).stdout.trim();
    } finally {
      await rm(index, { force: true });
    }
  }
}

/** `git diff` output split per file, keeping only the hunks (GitHub's `patch` field). */
function splitPatches(out: string): Map<string, string> {
  const result = new Map<string, string>();
  const sections = out.split(/^diff --git /m).slice(1);
  for (const section of sections) {
    const lines = section.split('\n');
    let name: string | undefined;
    const hunkStart = lines.findIndex((l) => l.startsWith('@@'));
    for (const line of lines) {
      if (line.startsWith('+++ ')) {
        const p = line.slice(4);
        if (p !== '/dev/null') name = p.replace(/^b\//, '');
      } else if (line.startsWith('--- ') && name === undefined) {
        const p = line.slice(4);
        if (p !== '/dev/null') name = p.replace(/^a\//, '');
      } else if (line.startsWith('rename to ')) {
        name = line.slice('rename to '.length);
      }
      if (line.startsWith('@@')) break;
    }
    if (name === undefined) {
      const m = /^a\/(.*) b\/(.*)$/.exec(lines[0] ?? '');
      name = m?.[2];
    }
    if (name === undefined || hunkStart < 0) continue;
    const body = lines.slice(hunkStart);
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    result.set(name, body.join('\n'));
  }
  return result;
}

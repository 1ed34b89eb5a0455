// Runs the buildifier binary that @bazel/buildifier ships (upstream links bazelbuild/buildtools into hook
// instead). A file needs formatting, as upstream's problemsInFiles decides, when it differs both from its
// fully formatted form and from its form formatted without buildifier's rewrites (sorting, label fixes...).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** buildifier's rewrites (bazelbuild/buildtools build/rewrite.go), all disabled for "format without rewriting". */
const REWRITES = [
  'removeParens', 'callsort', 'label', 'listsort', 'multiplus', 'loadTop', 'sameOriginLoad', 'sortLoadStatements', 'loadsort',
  'useRepoPositionalsSort', 'formatdocstrings', 'reorderarguments', 'editoctal',
];

const CHECK_FAILED = 4;
const SYNTAX_ERROR = 1;
const MAX_OUTPUT = 1 << 20;

export class BuildifierError extends Error {
  override readonly name = 'BuildifierError';
}

/** The platform's binary inside the @bazel/buildifier package. */
export function buildifierBinary(): string {
  const os = ({ linux: 'linux', darwin: 'darwin', win32: 'windows' } as Record<string, string>)[platform()];
  const cpu = ({ x64: 'amd64', arm64: 'arm64', riscv64: 'riscv64' } as Record<string, string>)[arch()];
  let dir: string;
  try {
    dir = dirname(require.resolve('@bazel/buildifier/package.json'));
  } catch (err) {
    throw new BuildifierError('buildifier: the @bazel/buildifier package is not installed', { cause: err });
  }
  const bin = join(dir, `buildifier-${os ?? platform()}_${cpu ?? arch()}${os === 'windows' ? '.exe' : ''}`);
  if (!existsSync(bin)) throw new BuildifierError(`buildifier: no binary for ${platform()}/${arch()} in ${dir}`);
  return bin;
}

function check(bin: string, path: string, src: string, rewrites: boolean): Promise<boolean> {
  const args = ['-mode=check', `-path=${path}`, ...(rewrites ? [] : REWRITES.map((r) => `-buildifier_disable=${r}`))];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += b.toString();
    });
    child.stdout.resume();
    child.on('error', (err) => reject(new BuildifierError(`buildifier: cannot run ${bin}: ${err.message}`, { cause: err })));
    child.on('close', (code) => {
      if (code === 0) resolve(false);
      else if (code === CHECK_FAILED) resolve(true);
      else if (code === SYNTAX_ERROR) reject(new BuildifierError(`parsing ${path} as Bazel file: ${stderr.trim()}`));
      else reject(new BuildifierError(`buildifier exited ${code} on ${path}: ${stderr.trim()}`));
    });
    child.stdin.on('error', () => undefined); // the exit code tells what went wrong
    child.stdin.end(src);
  });
}

/** True when `src` (the file at `path`) needs formatting; throws BuildifierError on a syntax error. */
export async function needsFormatting(bin: string, path: string, src: string): Promise<boolean> {
  return (await check(bin, path, src, true)) && (await check(bin, path, src, false));
}

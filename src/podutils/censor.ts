// The sidecar's censoring (upstream pkg/sidecar/censor.go, pkg/secretutil/censor.go): every secret file
// mounted in the test containers (and the auths of docker config secrets, the values of INI files) is
// replaced by as many `X` in the process logs and in the artifacts before they are uploaded, and so is its
// base64 form. Files are rewritten in place through a temporary file, a window at a time, so a large log
// is never held whole in memory. gzip tarballs among the artifacts are unpacked with the system `tar`,
// censored and packed again.
import { execFile } from 'node:child_process';
import { close, open, read, write } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, matchesGlob, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import type { SidecarCensoring } from './options.js';

const DEFAULT_BUFFER_SIZE = 10 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 10;

/** Replaces each secret with `X`s of the same length; where several start at one byte, the first loaded wins (bytereplacer's order). */
export class Censorer {
  private readonly secrets: Buffer[];
  readonly largest: number;

  constructor(rawSecrets: readonly (string | Buffer)[], minimumLength = 0) {
    const seen = new Set<string>();
    const out: Buffer[] = [];
    const add = (s: string): void => {
      if (s === '' || seen.has(s)) return;
      seen.add(s);
      out.push(Buffer.from(s, 'utf8'));
    };
    for (const raw of rawSecrets) {
      let secret = typeof raw === 'string' ? raw : raw.toString('utf8');
      const toEncode = [secret];
      const trimmed = secret.trim();
      if (trimmed !== secret) {
        secret = trimmed;
        toEncode.push(trimmed);
      }
      if (secret === '' || /^(true|false)$/i.test(secret) || secret.length < minimumLength) continue;
      add(secret);
      for (const item of toEncode) add(Buffer.from(item, 'utf8').toString('base64'));
    }
    this.secrets = out;
    this.largest = out.reduce((m, s) => Math.max(m, s.length), 0);
  }

  /** Censors `buf` in place. */
  censor(buf: Buffer): void {
    if (this.secrets.length === 0) return;
    for (let i = 0; i < buf.length; i++) {
      for (const s of this.secrets) {
        if (s.length <= buf.length - i && buf[i] === s[0] && buf.compare(s, 0, s.length, i, i + s.length) === 0) {
          buf.fill(0x58, i, i + s.length);
          i += s.length - 1;
          break;
        }
      }
    }
  }
}

/** loadSecrets: the files under each directory (skipping Kubernetes' `..data` links), plus parsed extras. */
export async function loadSecrets(directories: readonly string[], iniFilenames: readonly string[] = []): Promise<Buffer[]> {
  const secrets: Buffer[] = [];
  for (const dir of directories) {
    for (const file of await walkFiles(dir, true)) {
      const raw = await readFile(file);
      secrets.push(raw);
      const name = basename(file);
      let extra: string[] = [];
      try {
        if (name === '.dockercfg') extra = dockerAuths(JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
        else if (name === '.dockerconfigjson') extra = dockerAuths(((JSON.parse(raw.toString('utf8')) as { auths?: Record<string, unknown> }).auths) ?? {});
        else if (iniFilenames.includes(name)) extra = iniValues(raw.toString('utf8'));
      } catch (err) {
        throw new Error(`could not read ${file} as a docker secret: ${(err as Error).message}`, { cause: err });
      }
      for (const e of extra) secrets.push(Buffer.from(e, 'utf8'));
    }
  }
  return secrets;
}

function dockerAuths(entries: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const entry of Object.values(entries)) {
    if (entry === null || typeof entry !== 'object') continue;
    const { auth, password } = entry as { auth?: unknown; password?: unknown };
    if (typeof auth === 'string' && auth) out.push(auth);
    if (typeof password === 'string' && password) out.push(password);
  }
  return out;
}

function iniValues(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith(';') || t.startsWith('#') || t.startsWith('[')) continue;
    const eq = t.search(/[=:]/);
    if (eq < 0) continue;
    let value = t.slice(eq + 1).trim();
    if (/^(".*"|'.*'|`.*`)$/.test(value)) value = value.slice(1, -1);
    if (value) out.push(value);
  }
  return out;
}

/** shouldCensor: an exclude glob wins, then an include glob; with no includes, everything is censored. */
export function shouldCensor(options: Pick<SidecarCensoring, 'include_directories' | 'exclude_directories'>, relPath: string): boolean {
  if ((options.exclude_directories ?? []).some((g) => matchesGlob(relPath, g))) return false;
  if ((options.include_directories ?? []).some((g) => matchesGlob(relPath, g))) return true;
  return (options.include_directories ?? []).length === 0;
}

/**
 * Censors the process logs and every file under the upload items. Errors are collected (one unreadable file
 * does not stop the rest) and returned; the caller logs them and uploads anyway, as upstream does.
 */
export async function censorFiles(options: SidecarCensoring, processLogs: readonly string[], items: readonly string[]): Promise<string[]> {
  const errors: string[] = [];
  const censorer = new Censorer(await loadSecrets(options.secret_directories ?? [], options.ini_filenames ?? []), options.minimum_secret_length ?? 0);
  if (censorer.largest === 0) return errors;
  let bufferSize = options.censoring_buffer_size ?? DEFAULT_BUFFER_SIZE;
  if (2 * censorer.largest > bufferSize) bufferSize = 2 * censorer.largest;
  if (bufferSize % 2 !== 0) bufferSize++;
  const work: (() => Promise<void>)[] = [];
  const censorOne = (file: string): void => {
    work.push(() => censorFile(file, censorer, bufferSize).catch((err: unknown) => { errors.push(`${file}: ${(err as Error).message}`); }));
  };
  for (const log of processLogs) censorOne(log);
  for (const item of items) {
    let files: string[];
    try {
      files = await walkFiles(item, false);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors.push(`could not walk ${item}: ${(err as Error).message}`);
      continue;
    }
    for (const file of files) {
      const rel = relative(item, file) || basename(file);
      if (!shouldCensor(options, rel)) continue;
      if (await isGzip(file)) {
        work.push(() => censorArchive(file, censorer, bufferSize).catch((err: unknown) => { errors.push(`could not censor archive ${file}: ${(err as Error).message}`); }));
      } else censorOne(file);
    }
  }
  await runLimited(work, options.censoring_concurrency ?? DEFAULT_CONCURRENCY);
  return errors;
}

async function runLimited(work: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) await work[next++]!();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, work.length)) }, worker));
}

const fsOpen = promisify(open);
const fsRead = promisify(read);
const fsWrite = promisify(write);
const fsClose = promisify(close);

/**
 * upstream censor(): a buffer of two frames; censor it whole, write the first frame, shift the second into
 * its place and read on. A secret up to a frame long that crosses a frame boundary is still found.
 */
export async function censorFile(path: string, censorer: Censorer, bufferSize: number): Promise<void> {
  const tmpPath = join(dirname(path), `.tmp-censor-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const input = await fsOpen(path, 'r');
  let output: number | undefined;
  try {
    output = await fsOpen(tmpPath, 'w');
    const buffer = Buffer.alloc(bufferSize);
    const half = bufferSize / 2;
    let frame = (await fsRead(input, buffer, 0, half, null)).bytesRead;
    for (;;) {
      const { bytesRead } = await fsRead(input, buffer, frame, bufferSize - frame, null);
      censorer.censor(buffer.subarray(0, frame + bytesRead));
      await writeAll(output, buffer.subarray(0, frame));
      buffer.copy(buffer, 0, frame, frame + bytesRead);
      frame = bytesRead;
      if (bytesRead === 0) break;
    }
    await fsClose(output);
    output = undefined;
    await rename(tmpPath, path);
  } finally {
    await fsClose(input);
    if (output !== undefined) {
      await fsClose(output).catch(() => undefined);
      await rm(tmpPath, { force: true });
    }
  }
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let off = 0;
  while (off < data.length) off += (await fsWrite(fd, data, off, data.length - off)).bytesWritten;
}

async function isGzip(path: string): Promise<boolean> {
  const fd = await fsOpen(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fsRead(fd, head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fsClose(fd);
  }
}

const run = promisify(execFile);

/** handleArchive: unpack a gzip tarball, censor every file in it, pack it again in its place. */
async function censorArchive(path: string, censorer: Censorer, bufferSize: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tmp-unpack'));
  try {
    const { stdout } = await run('tar', ['-tzf', path], { maxBuffer: 64 * 1024 * 1024 });
    for (const name of stdout.split('\n').filter(Boolean)) {
      if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) throw new Error(`tar contained invalid name error ${JSON.stringify(name)}`);
    }
    await run('tar', ['-xzf', path, '-C', dir, '--no-same-owner']);
    for (const file of await walkFiles(dir, false)) await censorFile(file, censorer, bufferSize);
    const packed = join(dirname(path), `.tmp-archive-${process.pid}`);
    await run('tar', ['-czf', packed, '-C', dir, '.']);
    await rename(packed, path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Regular files under `root` (root itself when it is a file); symlinks are skipped, as upstream's walk does. */
async function walkFiles(root: string, skipDotDot: boolean): Promise<string[]> {
  const info = await lstat(root);
  if (info.isFile()) return [root];
  if (!info.isDirectory()) return [];
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (skipDotDot && entry.name.startsWith('..')) continue;
    const full = join(root, entry.name);
    if (entry.isDirectory()) out.push(...await walkFiles(full, skipDotDot));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

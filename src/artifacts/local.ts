// ArtifactStore over a local directory (the embedded default).
import { createReadStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { ArtifactNotFoundError, type ArtifactEntry, type ArtifactStore, type ByteRange } from './types.js';
import { checkArtifactPath as checkPath, checkByteRange, compareArtifactPaths } from './artifact-path.js';

export interface LocalArtifactStoreOptions {
  /** The directory that plays the bucket. Created on first write. */
  root: string;
}

export function createLocalArtifactStore(options: LocalArtifactStoreOptions): ArtifactStore {
  const root = options.root;
  const resolve = (path: string): string => join(root, ...checkPath(path).split('/'));

  return {
    async put(path, data) {
      const file = resolve(path);
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(tmp, data);
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },

    async putIfAbsent(path, data) {
      const file = resolve(path);
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(tmp, data);
        // link(2) fails with EEXIST when the name is taken: the whole check-and-create is one step.
        await link(tmp, file);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      } finally {
        await rm(tmp, { force: true });
      }
    },

    async get(path) {
      try {
        return await readFile(resolve(path));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async stat(path) {
      try {
        const s = await stat(resolve(path));
        if (!s.isFile()) return undefined;
        return { path: checkPath(path), size: s.size, modified: s.mtime.toISOString() };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async list(prefix) {
      const clean = prefix.replace(/\/+$/, '');
      const base = clean === '' ? root : resolve(clean);
      const out: ArtifactEntry[] = [];
      let entries;
      try {
        entries = await readdir(base, { recursive: true, withFileTypes: true });
      } catch (err) {
        if (isNotFound(err) || isNotDir(err)) return [];
        throw err;
      }
      for (const entry of entries) {
        if (!entry.isFile() || entry.name.endsWith('.tmp')) continue;
        // Node 20 names the parent `path`, later versions `parentPath`.
        const parent = (entry as { parentPath?: string }).parentPath ?? (entry as unknown as { path: string }).path;
        const full = join(parent, entry.name);
        const rel = full.slice(root.length + 1).split(sep).join('/');
        const s = await stat(full).catch(() => undefined);
        if (!s) continue;
        out.push({ path: rel, size: s.size, modified: s.mtime.toISOString() });
      }
      out.sort(compareArtifactPaths);
      return out;
    },

    async openRead(path, range: ByteRange = {}) {
      const file = resolve(path);
      const s = await stat(file).catch((err: unknown) => {
        if (isNotFound(err)) throw new ArtifactNotFoundError(path);
        throw err;
      });
      if (!s.isFile()) throw new ArtifactNotFoundError(path);
      const stream: Readable = createReadStream(file, checkByteRange(path, range));
      return stream;
    },

    async delete(path) {
      await rm(resolve(path), { force: true, recursive: true });
    },

    localPath(path) {
      return resolve(path);
    },
  };
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function isNotDir(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOTDIR';
}

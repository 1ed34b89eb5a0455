// The one rule every ArtifactStore applies to object paths (src/artifacts/types.ts): relative,
// slash-separated, no empty, "." or ".." segments, so no store can be walked out of its bucket or root.
import { ArtifactPathError } from './types.js';

export function checkArtifactPath(path: string): string {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) {
    throw new ArtifactPathError(path, 'must be a relative slash-separated path');
  }
  const parts = path.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) {
    throw new ArtifactPathError(path, 'must not contain empty, "." or ".." segments');
  }
  return path;
}

/** A list() prefix as a "directory": '' for everything, else `dir/` (a trailing slash is optional). */
export function listPrefixOf(prefix: string): string {
  const clean = prefix.replace(/\/+$/, '');
  return clean === '' ? '' : `${checkArtifactPath(clean)}/`;
}

/** Validates a byte range the way every store reads it; returns the inclusive start and optional end. */
export function checkByteRange(path: string, range: { start?: number; end?: number }): { start: number; end?: number } {
  const start = range.start ?? 0;
  if (!Number.isInteger(start) || start < 0 || (range.end !== undefined && (!Number.isInteger(range.end) || range.end < start))) {
    throw new ArtifactPathError(path, `bad byte range ${start}-${range.end ?? ''}`);
  }
  return range.end === undefined ? { start } : { start, end: range.end };
}

export function compareArtifactPaths(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

// The ArtifactStore seam (DESIGN.md): build logs and artifacts in upstream's bucket layout
// (`logs/<job>/<build>/…`, `pr-logs/pull/<seg>/<pr>/<job>/<build>/…`, reference/lifecycle-spec.md §2.7).
// Paths are slash-separated, relative to the store root, and never start with `/` or contain `..`.
import type { Readable } from 'node:stream';

export interface ArtifactEntry {
  /** Path relative to the store root, slash-separated. */
  path: string;
  size: number;
  /** RFC 3339 modification time. */
  modified: string;
}

export interface ByteRange {
  /** First byte, inclusive (default 0). */
  start?: number;
  /** Last byte, inclusive, like an HTTP Range and fs.createReadStream (default: end of file). */
  end?: number;
}

export interface ArtifactStore {
  /** Writes the whole object atomically: a reader sees the old or the new content, never a torn one. */
  put(path: string, data: string | Uint8Array): Promise<void>;
  /** The whole object, or undefined when it does not exist. */
  get(path: string): Promise<Buffer | undefined>;
  /** Size and time of one object, or undefined. */
  stat(path: string): Promise<ArtifactEntry | undefined>;
  /** Every object under a prefix (a "directory" path, or '' for all), sorted by path. */
  list(prefix: string): Promise<ArtifactEntry[]>;
  /** A stream over a byte range of an object; rejects with ArtifactNotFoundError when it does not exist. */
  openRead(path: string, range?: ByteRange): Promise<Readable>;
  /** Appends to an object, creating it (live build logs). */
  append(path: string, data: string | Uint8Array): Promise<void>;
  delete(path: string): Promise<void>;
  /**
   * Where the object lives on this machine, when the store is a local directory. The local executor
   * points the job's stdout/stderr straight at this file so the log survives a controller restart.
   */
  localPath?(path: string): string;
}

export class ArtifactNotFoundError extends Error {
  override readonly name = 'ArtifactNotFoundError';
  constructor(readonly artifactPath: string) {
    super(`artifact ${artifactPath} not found`);
  }
}

export class ArtifactPathError extends Error {
  override readonly name = 'ArtifactPathError';
  constructor(readonly artifactPath: string, detail: string) {
    super(`artifact path ${JSON.stringify(artifactPath)}: ${detail}`);
  }
}

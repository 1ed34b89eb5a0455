// The ArtifactStore seam (docs/architecture.md): build logs and artifacts in upstream's bucket layout
// (`logs/<job>/<build>/…`, `pr-logs/pull/<seg>/<pr>/<job>/<build>/…`, docs/prowjob.md).
// Paths are slash-separated, relative to the store root, and never start with `/` or contain `..`.
import type { Readable } from 'node:stream';
import type { ProwJob } from '../api/prowjob.js';

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
  /**
   * Writes the object only if there is none, in one step the store guarantees (upstream's
   * PreconditionDoesNotExist); false when one was there, which is left as it was. Stores that cannot
   * promise it leave this out, and callers check, then put.
   */
  putIfAbsent?(path: string, data: string | Uint8Array): Promise<boolean>;
  /** The whole object, or undefined when it does not exist. */
  get(path: string): Promise<Buffer | undefined>;
  /** Size and time of one object, or undefined. */
  stat(path: string): Promise<ArtifactEntry | undefined>;
  /** Every object under a prefix (a "directory" path, or '' for all), sorted by path. */
  list(prefix: string): Promise<ArtifactEntry[]>;
  /** A stream over a byte range of an object; rejects with ArtifactNotFoundError when it does not exist. */
  openRead(path: string, range?: ByteRange): Promise<Readable>;
  delete(path: string): Promise<void>;
  /**
   * Where the object lives on this machine, when the store is a local directory. The local executor
   * points the job's stdout/stderr straight at this file so the log survives a controller restart.
   */
  localPath?(path: string): string;
}

/**
 * A job's build log, wherever it is at the moment: while the job runs it belongs to the executor that runs
 * it (a local file, a pod's container log), once the job is complete it is the build-log.txt the pod
 * utilities uploaded. The interface sits here, beside ArtifactStore, rather than in executor/types.ts,
 * because its main reader is deck, which may know the artifact store but never an executor: src/cli puts
 * an executor's LogSource and the store's one behind a single LogSource (see log-source.ts) and hands it
 * to deck. Byte offsets are those of the one log, so a reader can switch sources mid-stream.
 */
export interface LogSource {
  /** Bytes written so far, or undefined when the job has no log (yet). */
  size(pj: ProwJob): Promise<number | undefined>;
  /** A byte range of the log (default: all of it), or undefined when there is none. */
  read(pj: ProwJob, range?: ByteRange): Promise<Buffer | undefined>;
  /** A stream over a byte range of the log, or undefined when there is none. */
  stream(pj: ProwJob, range?: ByteRange): Promise<Readable | undefined>;
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

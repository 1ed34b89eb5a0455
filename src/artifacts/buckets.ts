// Opening the ArtifactStore of one bucket, as upstream's pkg/io opener does for `gs://`, `s3://` and
// `file://` paths. src/cli builds one BucketOpener from its flags (credentials files, a local root) and
// hands it to whatever reads or writes buckets: the pod utilities, deck, crier's blob-storage reporter.
import { isAbsolute } from 'node:path';
import { parseBucket } from '../api/storage-path.js';
import { createLocalArtifactStore } from './local.js';
import type { ArtifactStore } from './types.js';

/** A bucket as upstream names it: `gs://name`, `s3://name`, `file:///dir`, or a bare name (GCS). */
export interface BucketRef {
  /** 'gs', 's3' or 'file'. */
  provider: string;
  /** The bucket name; for `file`, the absolute directory. */
  bucket: string;
}

export type BucketOpener = (ref: BucketRef) => ArtifactStore;

export class BucketConfigError extends Error {
  override readonly name = 'BucketConfigError';
}

/** `gs://b/sub` → {gs, b}; a bare `b` is GCS, as upstream; `file:///tmp/x` → {file, /tmp/x}. */
export function bucketRefOf(bucketUrl: string): BucketRef {
  if (bucketUrl.startsWith('file://')) {
    const dir = bucketUrl.slice('file://'.length);
    if (!isAbsolute(dir)) throw new BucketConfigError(`bucket ${JSON.stringify(bucketUrl)}: a file:// bucket needs an absolute path`);
    return { provider: 'file', bucket: dir };
  }
  const { provider, bucket } = parseBucket(bucketUrl);
  if (!bucket) throw new BucketConfigError(`bucket ${JSON.stringify(bucketUrl)}: no bucket name`);
  return { provider, bucket };
}

export interface BucketOpenerOptions {
  /** Opens the providers other than `file` (gs, s3); absent: only `file://` buckets can be opened. */
  remote?: BucketOpener;
}

/** One opener for every provider; stores are cached per bucket so their clients are reused. */
export function createBucketOpener(options: BucketOpenerOptions = {}): BucketOpener {
  const cache = new Map<string, ArtifactStore>();
  return (ref) => {
    const key = `${ref.provider}://${ref.bucket}`;
    let store = cache.get(key);
    if (!store) {
      if (ref.provider === 'file') store = createLocalArtifactStore({ root: ref.bucket });
      else if (options.remote && (ref.provider === 'gs' || ref.provider === 's3')) store = options.remote(ref);
      else throw new BucketConfigError(`bucket ${key}: provider ${JSON.stringify(ref.provider)} cannot be opened here (supported: gs, s3, file)`);
      cache.set(key, store);
    }
    return store;
  };
}

// A finished job's uploaded build-log.txt wherever its gcs_configuration sent it: its gs:// or s3:// bucket
// when deck can open that bucket, else the local artifact store (the embedded executor uploads there
// whatever the bucket says). The job page, /log/<name> and /log?job=&id= read finished jobs through it.
import type { ProwJob } from '../api/prowjob.js';
import { parseBucket } from '../api/storage-path.js';
import { BucketConfigError, type BucketOpener } from '../artifacts/buckets.js';
import type { ArtifactStore, LogSource } from '../artifacts/types.js';
import { createUploadedLogSource } from '../podutils/build-log.js';

export function uploadedBuildLogs(local: ArtifactStore, openBucket?: BucketOpener): LogSource {
  const localLogs = createUploadedLogSource(local);
  const perStore = new WeakMap<ArtifactStore, LogSource>();
  const pick = (pj: ProwJob): LogSource => {
    const url = pj.spec.decoration_config?.gcs_configuration?.bucket;
    if (!url || !openBucket) return localLogs;
    const { provider, bucket } = parseBucket(url);
    if (provider !== 'gs' && provider !== 's3') return localLogs;
    let store: ArtifactStore;
    try {
      store = openBucket({ provider, bucket });
    } catch (err) {
      if (err instanceof BucketConfigError) return localLogs;
      throw err;
    }
    let logs = perStore.get(store);
    if (!logs) perStore.set(store, (logs = createUploadedLogSource(store)));
    return logs;
  };
  return {
    size: (pj) => pick(pj).size(pj),
    read: (pj, range) => pick(pj).read(pj, range),
    stream: (pj, range) => pick(pj).stream(pj, range),
  };
}

// Buckets as the pod utilities leave them, for deck's bucket views: gs:// and s3:// buckets played by
// local directories (the gs and s3 stores are tested on their own against their wire fakes), filled with
// the writers of src/podutils/upload.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProwJob } from '../../../src/api/prowjob.js';
import { createBucketOpener, type BucketOpener } from '../../../src/artifacts/buckets.js';
import { createLocalArtifactStore } from '../../../src/artifacts/local.js';
import type { ArtifactStore } from '../../../src/artifacts/types.js';
import { newFinished, newStarted } from '../../../src/podutils/metadata.js';
import { buildDirFor } from '../../../src/podutils/paths.js';
import {
  uploadArtifactsDir, uploadBuildLog, uploadFinished, uploadIndexFiles, uploadProwJob, uploadStarted,
} from '../../../src/podutils/upload.js';
import { job, type JobOptions } from './world.js';

/** An opener whose gs:// and s3:// buckets are directories under `root` (<root>/<provider>/<bucket>). */
export function directoryBucketOpener(root: string): BucketOpener {
  return createBucketOpener({ remote: (ref) => createLocalArtifactStore({ root: join(root, ref.provider, ref.bucket) }) });
}

export interface RunOptions extends JobOptions {
  bucket: string;
  buildId: string;
  passed: boolean;
  log: string;
  /** Files the job left in $ARTIFACTS (name → content), uploaded as the sidecar does. */
  artifacts?: Record<string, string>;
  startedAt?: Date;
  finishedAt?: Date;
}

/** One finished run, uploaded as initupload and the sidecar upload it; returns its ProwJob and build dir. */
export async function uploadRun(store: ArtifactStore, scratch: string, o: RunOptions): Promise<{ pj: ProwJob; dir: string }> {
  const pj = job({ ...o, state: o.passed ? 'success' : 'failure' });
  pj.spec.decoration_config = { gcs_configuration: { bucket: o.bucket, path_strategy: 'explicit' } } as ProwJob['spec']['decoration_config'];
  pj.status.build_id = o.buildId;
  const dir = buildDirFor(pj, o.buildId);
  const startedAt = o.startedAt ?? new Date(Date.UTC(2026, 11, 1, 10, 0, Number(o.buildId) % 60));
  const finishedAt = o.finishedAt ?? new Date(startedAt.getTime() + 95_000);
  await uploadProwJob(store, dir, pj);
  await uploadStarted(store, dir, newStarted(pj.spec.refs, undefined, undefined, startedAt));
  await uploadIndexFiles(store, pj, o.buildId);
  await uploadBuildLog(store, dir, o.log);
  let metadata;
  if (o.artifacts) {
    const local = join(scratch, `artifacts-${o.buildId}-${Math.random().toString(36).slice(2)}`);
    for (const [name, content] of Object.entries(o.artifacts)) {
      mkdirSync(join(local, name, '..'), { recursive: true });
      writeFileSync(join(local, name), content);
    }
    metadata = await uploadArtifactsDir(store, dir, local);
  }
  await uploadFinished(store, dir, newFinished({ passed: o.passed, aborted: false, at: finishedAt, ...(metadata ? { metadata } : {}) }));
  return { pj, dir };
}

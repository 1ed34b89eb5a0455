// Where a build's files go in the artifact store (upstream pkg/pod-utils/gcs/target.go and the file
// names of pkg/apis/prowjobs/v1/types.go; docs/prowjob.md).
import { newJobSpec, type JobSpec } from '../api/jobspec.js';
import type { GCSConfiguration, ProwJob } from '../api/prowjob.js';
import { aliasForSpec, goPathJoin, latestBuildForSpec, pathsForJob } from '../api/storage-path.js';

export const STARTED_FILE = 'started.json';
export const FINISHED_FILE = 'finished.json';
export const PROWJOB_FILE = 'prowjob.json';
export const CLONE_RECORDS_FILE = 'clone-records.json';
export const CLONE_LOG_FILE = 'clone-log.txt';
export const BUILD_LOG_FILE = 'build-log.txt';
/** Under the build dir: what the job left in $ARTIFACTS. */
export const ARTIFACTS_DIR = 'artifacts';

/** The job's gcs_configuration; undecorated jobs have none and are laid out as `explicit` (always org_repo). */
export function uploadLayout(pj: ProwJob): GCSConfiguration {
  const gcs = pj.spec.decoration_config?.gcs_configuration ?? {};
  return gcs.path_strategy ? gcs : { ...gcs, path_strategy: 'explicit' };
}

/** The build directory, relative to the store root (`logs/<job>/<build>`, …); throws when the refs cannot place it. */
export function buildDirFor(pj: ProwJob, buildId: string): string {
  return pathsForJob(uploadLayout(pj), newJobSpec(pj.spec, buildId, pj.metadata.name)).jobBasePath.replace(/^\/+/, '');
}

/** The build directory of a job that has a build id, or undefined (no build id yet, or refs that cannot place it). */
export function buildDirOf(pj: ProwJob): string | undefined {
  const buildId = pj.status.build_id;
  if (!buildId) return undefined;
  try {
    return buildDirFor(pj, buildId);
  } catch {
    return undefined;
  }
}

/**
 * What initupload and the sidecar write beside the build dir: latest-build.txt files (content: the build
 * id) and, for presubmits, the pr-logs/directory alias (content: the build dir's full bucket URL).
 */
export function indexFilesFor(pj: ProwJob, buildId: string): Map<string, string> {
  return indexFilesForSpec(uploadLayout(pj), newJobSpec(pj.spec, buildId, pj.metadata.name));
}

/** The same files for a JobSpec and the gcs_configuration the pod utilities were given. */
export function indexFilesForSpec(gcs: GCSConfiguration, spec: JobSpec): Map<string, string> {
  const { builder, jobBasePath } = pathsForJob(gcs, spec);
  const out = new Map<string, string>();
  for (const latest of latestBuildForSpec(spec, builder)) out.set(latest, spec.buildid);
  const alias = aliasForSpec(spec);
  if (alias) {
    const buildDir = jobBasePath.replace(/^\/+/, '');
    out.set(alias, gcs.bucket ? bucketUrlOf(gcs.bucket, buildDir) : buildDir);
  }
  return out;
}

/** Upstream's alias content: gs://<bucket>/<dir> for a bare bucket name, else <bucket URL>/<dir>. */
function bucketUrlOf(bucket: string, buildDir: string): string {
  if (!bucket.includes('://')) return `gs://${goPathJoin(bucket, buildDir)}`;
  return `${bucket.replace(/\/+$/, '')}/${buildDir}`;
}

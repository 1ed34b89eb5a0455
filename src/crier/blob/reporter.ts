// The blob-storage reporter, `gcsreporter` (docs/crier.md; upstream pkg/crier/reporters/gcs/reporter.go
// and util/util.go). On every change of a job that has a build id it writes, into the job's build dir:
// prowjob.json (always, the job as it is now); started.json unless the pod utilities wrote their own;
// finished.json once the job is complete, unless one is there. So a job whose pod never ran (it errored
// before starting, or was aborted first) still has started/finished in its bucket for deck and TestGrid.
// Despite the name it writes to any bucket the opener knows: gs://, s3://, file://.
import type { GCSConfiguration, ProwJob } from '../../api/prowjob.js';
import { newJobSpec } from '../../api/jobspec.js';
import { REPORTER_NAMES } from '../../api/reporters.js';
import { pathsForJob } from '../../api/storage-path.js';
import { bucketRefOf, type BucketOpener } from '../../artifacts/buckets.js';
import type { ArtifactStore } from '../../artifacts/types.js';
import { mergeDefaultDecorationConfig } from '../../config/defaults.js';
import type { DefaultDecorationConfigEntry } from '../../config/types.js';
import { goJsonMarshalIndent } from '../../go/json.js';
import type { Logger } from '../../observability/logger.js';
import type { CloneRecord } from '../../podutils/clone-record.js';
import { revisionFromRefs } from '../../podutils/downwardapi.js';
import { marshalStarted, newStarted } from '../../podutils/metadata.js';
import { CLONE_RECORDS_FILE, FINISHED_FILE, STARTED_FILE } from '../../podutils/paths.js';
import { uploadProwJob } from '../../podutils/upload.js';
import type { Reporter } from '../reporter.js';

/** What the reporter reads of the config: plank's default decoration configs, for undecorated jobs. */
export interface BlobReporterConfig {
  plank?: { default_decoration_config_entries?: DefaultDecorationConfigEntry[] };
}

export interface BlobReporterDeps {
  buckets: BucketOpener;
  /** Read for every report, so a reload applies at once. */
  config: () => BlobReporterConfig;
  /** Log what would be written instead of writing (upstream --dry-run). */
  dryRun?: boolean;
}

/** The metadata key and value upstream marks crier's own started/finished with. */
const UPLOADER = { uploader: 'crier' } as const;

export function createBlobReporter(deps: BlobReporterDeps): Reporter {
  return {
    name: REPORTER_NAMES.gcs,

    // Only a job with a build id has a place in the bucket. Declining it until then keeps crier from
    // recording this state as reported, so the change that brings the build id is reported.
    shouldReport: (pj) => Boolean(pj.status.build_id),

    async report(pj, log) {
      let dest: { store: ArtifactStore; dir: string; bucket: string };
      try {
        dest = destinationOf(pj, deps);
      } catch (err) {
        // As upstream: nowhere to write is not a failure to retry.
        log.info({ err: (err as Error).message }, 'not uploading the prowjob: no destination');
        return {};
      }
      if (deps.dryRun) {
        log.info({ bucket: dest.bucket, dir: dest.dir, complete: Boolean(pj.status.completionTime) }, 'dry run: would upload prowjob.json, started.json and finished.json');
        return {};
      }
      const failures: unknown[] = [];
      const attempt = async (what: string, write: () => Promise<void>): Promise<void> => {
        try {
          await write();
        } catch (err) {
          log.warn({ err, file: what, bucket: dest.bucket, dir: dest.dir }, 'blob storage upload failed');
          failures.push(err);
        }
      };
      await attempt(STARTED_FILE, () => reportStarted(pj, dest.store, dest.dir, log));
      if (pj.status.completionTime) await attempt(FINISHED_FILE, () => reportFinished(pj, dest.store, dest.dir));
      await attempt('prowjob.json', () => uploadProwJob(dest.store, dest.dir, pj));
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, `${failures.length} blob storage uploads failed for ${pj.metadata.name}`);
      return {};
    },
  };
}

/** Upstream GetJobDestination: the bucket store and the build dir, from the job's or the default decoration config. */
function destinationOf(pj: ProwJob, deps: BlobReporterDeps): { store: ArtifactStore; dir: string; bucket: string } {
  const buildId = pj.status.build_id;
  if (!buildId) throw new Error('the job has no build id');
  const gcs = gcsConfigOf(pj, deps.config());
  if (!gcs?.bucket) throw new Error(`couldn't figure out a GCS config for ${JSON.stringify(pj.spec.job)}`);
  const layout = gcs.path_strategy ? gcs : { ...gcs, path_strategy: 'explicit' };
  const dir = pathsForJob(layout, newJobSpec(pj.spec, buildId, pj.metadata.name)).jobBasePath.replace(/^\/+/, '');
  return { store: deps.buckets(bucketRefOf(gcs.bucket)), dir, bucket: gcs.bucket };
}

/**
 * The job's gcs_configuration; for an undecorated job, the default decoration config plank would give
 * its repo and cluster (upstream guesses the same way, as TestGrid's configurator does).
 */
function gcsConfigOf(pj: ProwJob, config: BlobReporterConfig): GCSConfiguration | undefined {
  const own = pj.spec.decoration_config?.gcs_configuration;
  if (own) return own;
  const refs = pj.spec.refs ?? pj.spec.extra_refs?.[0];
  const repo = refs ? `${refs.org}/${refs.repo}` : '';
  const entries = config.plank?.default_decoration_config_entries ?? [];
  return mergeDefaultDecorationConfig(entries, repo, pj.spec.cluster ?? '', undefined).gcs_configuration;
}

/**
 * started.json, unless the pod utilities uploaded one (no `uploader: crier` in its metadata). crier's
 * own copy is rewritten while the commit is unresolved, so the clone records' SHA lands in it.
 */
async function reportStarted(pj: ProwJob, store: ArtifactStore, dir: string, log: Logger): Promise<void> {
  const path = `${dir}/${STARTED_FILE}`;
  const raw = await store.get(path);
  const existing = parseJson(raw, path, log) as { metadata?: Record<string, unknown>; 'repo-commit'?: string } | undefined;
  if (raw !== undefined && existing?.metadata?.['uploader'] !== UPLOADER.uploader) return; // the pod's own (or unreadable: left alone)
  const refs = pj.spec.refs;
  if (!refs) return;
  const commit = existing?.['repo-commit'] ?? '';
  if (commit !== '' && commit !== revisionFromRefs(refs, pj.spec.extra_refs)) return; // already resolved
  const records = parseJson(await store.get(`${dir}/${CLONE_RECORDS_FILE}`), `${dir}/${CLONE_RECORDS_FILE}`, log);
  const startTime = Date.parse(pj.status.startTime);
  const started = newStarted(refs, pj.spec.extra_refs, Array.isArray(records) ? records as CloneRecord[] : [], new Date(Number.isNaN(startTime) ? Date.now() : startTime));
  started.metadata = { ...UPLOADER };
  const body = goJsonMarshalIndent(JSON.parse(marshalStarted(started)), '\t');
  // Our own earlier copy is replaced; otherwise create it only if the pod has not written one since.
  if (raw !== undefined) await store.put(path, body);
  else await createIfAbsent(store, path, body);
}

/** finished.json from the job's final state, unless one exists (upstream MarshalFinishedJSON). */
async function reportFinished(pj: ProwJob, store: ArtifactStore, dir: string): Promise<void> {
  const path = `${dir}/${FINISHED_FILE}`;
  const completion = Math.floor(Date.parse(pj.status.completionTime!) / 1000);
  // testgrid metadata.Finished in struct order; `result` is the ProwJob state as upstream writes it (lower case).
  const finished = { timestamp: completion, passed: pj.status.state === 'success', metadata: { ...UPLOADER }, result: pj.status.state };
  await createIfAbsent(store, path, goJsonMarshalIndent(finished, '\t'));
}

/**
 * Upstream's PreconditionDoesNotExist write. A store without preconditions (S3 here) gets a check,
 * then a put: a pod utility writing in between is overwritten (docs/crier.md).
 */
async function createIfAbsent(store: ArtifactStore, path: string, body: string): Promise<void> {
  if (store.putIfAbsent) {
    await store.putIfAbsent(path, body);
    return;
  }
  if (await store.stat(path)) return;
  await store.put(path, body);
}

function parseJson(data: Buffer | undefined, path: string, log: Logger): unknown {
  if (data === undefined) return undefined;
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (err) {
    log.warn({ err, path }, 'unreadable json in the bucket');
    return undefined;
  }
}

// sidecar (upstream pkg/sidecar/run.go): waits for the marker of every wrapped container, censors secrets
// from their logs and the artifacts, then uploads the build log(s), the artifacts and finished.json. When
// it is asked to stop before the markers appear (SIGINT/SIGTERM from the kubelet), it uploads what there is
// at once, as an aborted run, unless ignore_interrupts; once the markers are in, it finishes its upload
// whatever signals arrive.
import { readFile } from 'node:fs/promises';
import type { JobSpec } from '../api/jobspec.js';
import type { ArtifactStore } from '../artifacts/types.js';
import { censorFiles } from './censor.js';
import { revisionFromRefs } from './downwardapi.js';
import { ABORTED_ERROR_CODE, PREVIOUS_ERROR_CODE } from './entrypoint.js';
import { logrusLine } from './log-line.js';
import { waitForMarkers } from './markers.js';
import { marshalFinished, newFinished, type Metadata } from './metadata.js';
import type { SidecarOptions, WrapperOptions } from './options.js';
import { BUILD_LOG_FILE, FINISHED_FILE } from './paths.js';
import { uploadForSpec, type UploadSource } from './gcsupload.js';

const SIDECAR_LOG_FILE = 'sidecar-logs.json';
const SIDECAR_ERRORS_KEY = 'sidecar-errors';
/** The sidecar's own log is uploaded; past this many bytes, further lines only go to stderr. */
const MAX_OWN_LOG = 1024 * 1024;

export interface SidecarIo {
  stderr: NodeJS.WritableStream;
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe function. */
  onInterrupt(listener: (signal: NodeJS.Signals) => void): () => void;
  now?: () => Date;
}

export interface SidecarResult {
  /** Entries that exited non-zero (other than skipped by a failed previous step). */
  failures: number;
  passed: boolean;
  /** Why the final upload failed, if it did. */
  uploadError?: string;
}

export async function runSidecar(o: SidecarOptions, spec: JobSpec, store: ArtifactStore, io: SidecarIo): Promise<SidecarResult> {
  const now = io.now ?? (() => new Date());
  let ownLog = '';
  const log = (level: 'info' | 'warning' | 'error', msg: string): void => {
    const line = logrusLine(level, msg);
    io.stderr.write(line);
    if (ownLog.length + line.length <= MAX_OWN_LOG) ownLog += line;
  };
  let markersIn = false;
  let bestEffort: Promise<void> | undefined;
  const unsubscribe = io.onInterrupt((signal) => {
    if (markersIn) return; // the markers are in: nothing stops the final upload
    if (o.ignore_interrupts) {
      log('warning', `Received an interrupt: ${signal}, ignoring...`);
      return;
    }
    log('error', `Received an interrupt: ${signal}, cancelling...`);
    bestEffort ??= upload(false, true).then(
      () => log('error', 'Best-effort upload was successful'),
      (err: unknown) => log('error', `Failed to perform best-effort upload: ${(err as Error).message}`),
    );
  });

  async function upload(passed: boolean, aborted: boolean): Promise<void> {
    if (o.censoring_options) {
      const errors = await censorFiles(o.censoring_options, o.entries.map((e) => e.process_log), o.gcs_options.items ?? []).catch((err: unknown) => [(err as Error).message]);
      for (const e of errors) log('warning', `Failed to censor data: ${e}`);
    }
    const extra = new Map<string, UploadSource>();
    for (const [name, entry] of buildLogNames(o.entries)) extra.set(name, { data: await readProcessLog(entry) });
    const finished = newFinished({ passed, aborted, at: now(), metadata: await combineMetadata(o.entries), revision: revisionFromRefs(spec.refs, spec.extra_refs) });
    log('info', 'Starting to upload');
    extra.set(SIDECAR_LOG_FILE, { data: ownLog });
    extra.set(FINISHED_FILE, { data: marshalFinished(finished) });
    const report = await uploadForSpec(store, o.gcs_options, spec, extra);
    for (const w of report.warnings) log('warning', w);
    log('info', 'Finished uploading');
  }

  try {
    log('info', `Waiting for the marker files of ${o.entries.length} container(s)`);
    const results = await waitForMarkers(o.entries.map((e) => e.marker_file));
    markersIn = true;
    let passed = true;
    let aborted = false;
    let failures = 0;
    for (const r of results.values()) {
      passed &&= r.error === undefined && r.code === 0;
      aborted ||= r.code === ABORTED_ERROR_CODE;
      if (r.code !== 0 && r.code !== PREVIOUS_ERROR_CODE) failures++;
      if (r.error) log('error', `marker: ${r.error}`);
    }
    await bestEffort; // let a best-effort upload finish before the final one overwrites it
    try {
      await upload(passed, aborted);
      return { failures, passed };
    } catch (err) {
      const message = (err as Error).message;
      log('error', `Failed to report job status: failed to upload to blob storage: ${message}`);
      return { failures, passed, uploadError: message };
    }
  } finally {
    unsubscribe();
  }
}

/** build-log.txt for one entry; `<container>-build-log.txt` each when there are several (logReadersFuncs). */
function buildLogNames(entries: readonly WrapperOptions[]): Map<string, WrapperOptions> {
  const out = new Map<string, WrapperOptions>();
  for (const e of entries) out.set(entries.length > 1 ? `${e.container_name ?? ''}-${BUILD_LOG_FILE}` : BUILD_LOG_FILE, e);
  return out;
}

async function readProcessLog(entry: WrapperOptions): Promise<Buffer | string> {
  try {
    return await readFile(entry.process_log);
  } catch (err) {
    return `Failed to open ${entry.process_log}: ${(err as Error).message}\n`;
  }
}

/** combineMetadata: each entry's metadata file merged (later keys win); read errors under sidecar-errors. */
async function combineMetadata(entries: readonly WrapperOptions[]): Promise<Metadata> {
  const errors: Record<string, string> = {};
  const metadata: Metadata = {};
  for (const [i, e] of entries.entries()) {
    if (!e.metadata_file) continue;
    let raw: string;
    try {
      raw = await readFile(e.metadata_file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors[`entry ${i}: ${(e.args ?? []).join(' ')}`] = (err as Error).message;
      continue;
    }
    try {
      const piece: unknown = JSON.parse(raw);
      if (piece === null || typeof piece !== 'object' || Array.isArray(piece)) throw new Error('not a JSON object');
      Object.assign(metadata, piece);
    } catch (err) {
      errors[`entry ${i}: ${(e.args ?? []).join(' ')}`] = (err as Error).message;
    }
  }
  if (Object.keys(errors).length > 0) metadata[SIDECAR_ERRORS_KEY] = errors;
  return metadata;
}

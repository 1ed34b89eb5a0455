// The uploads of initupload and the sidecar (upstream pkg/initupload/run.go, pkg/sidecar/run.go,
// pkg/gcsupload/run.go): each writer puts one file of the build dir into an ArtifactStore, in the bytes
// upstream writes. The local executor calls them as its job runs; the pod utility commands will too.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ProwJob } from '../api/prowjob.js';
import type { ArtifactStore } from '../artifacts/types.js';
import { goJsonMarshalIndent, goOrder } from '../go/json.js';
import { PROWJOB_SPEC } from '../api/prowjob-json.js';
import { formatCloneRecords, marshalCloneRecords, type CloneRecord } from './clone-record.js';
import { marshalFinished, marshalStarted, type Finished, type Metadata, type Started } from './metadata.js';
import {
  ARTIFACTS_DIR, BUILD_LOG_FILE, CLONE_LOG_FILE, CLONE_RECORDS_FILE, FINISHED_FILE, indexFilesFor, PROWJOB_FILE, STARTED_FILE,
} from './paths.js';

/** The key finished.json's metadata carries read errors under (upstream sidecar's errorKey). */
const SIDECAR_ERRORS_KEY = 'sidecar-errors';
const METADATA_FILE = 'metadata.json';

export async function uploadStarted(store: ArtifactStore, buildDir: string, started: Started): Promise<void> {
  await store.put(`${buildDir}/${STARTED_FILE}`, marshalStarted(started));
}

export async function uploadFinished(store: ArtifactStore, buildDir: string, finished: Finished): Promise<void> {
  await store.put(`${buildDir}/${FINISHED_FILE}`, marshalFinished(finished));
}

/** clone-records.json as clonerefs wrote it, and clone-log.txt, its human-readable form. */
export async function uploadCloneRecords(store: ArtifactStore, buildDir: string, records: readonly CloneRecord[]): Promise<void> {
  await store.put(`${buildDir}/${CLONE_RECORDS_FILE}`, marshalCloneRecords(records));
  await store.put(`${buildDir}/${CLONE_LOG_FILE}`, formatCloneRecords(records));
}

/** prowjob.json: the whole ProwJob, tab-indented, keys in Go struct order (crier's gcsreporter writes it so). */
export async function uploadProwJob(store: ArtifactStore, buildDir: string, pj: ProwJob): Promise<void> {
  await store.put(`${buildDir}/${PROWJOB_FILE}`, marshalProwJob(pj));
}

export function marshalProwJob(pj: ProwJob): string {
  return goJsonMarshalIndent(goOrder(pj, PROWJOB_SPEC), '\t');
}

export async function uploadBuildLog(store: ArtifactStore, buildDir: string, data: string | Uint8Array): Promise<void> {
  await store.put(`${buildDir}/${BUILD_LOG_FILE}`, data);
}

/** latest-build.txt files and the presubmit alias (both initupload and the sidecar rewrite them). */
export async function uploadIndexFiles(store: ArtifactStore, pj: ProwJob, buildId: string): Promise<void> {
  for (const [path, content] of indexFilesFor(pj, buildId)) await store.put(path, content);
}

/**
 * Uploads every file under a local $ARTIFACTS directory to `<buildDir>/artifacts/…` and returns the
 * metadata finished.json carries: the job's artifacts/metadata.json, or the reason it could not be read.
 */
export async function uploadArtifactsDir(store: ArtifactStore, buildDir: string, localDir: string): Promise<Metadata | undefined> {
  let metadata: Metadata | undefined;
  for (const file of await listFiles(localDir)) {
    const rel = relative(localDir, file).split(sep).join('/');
    const data = await readFile(file);
    await store.put(`${buildDir}/${ARTIFACTS_DIR}/${rel}`, data);
    if (rel === METADATA_FILE) metadata = parseMetadata(data);
  }
  return metadata;
}

function parseMetadata(data: Buffer): Metadata {
  try {
    const parsed: unknown = JSON.parse(data.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Metadata;
  } catch (err) {
    return { [SIDECAR_ERRORS_KEY]: [`${METADATA_FILE}: ${(err as Error).message}`] };
  }
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

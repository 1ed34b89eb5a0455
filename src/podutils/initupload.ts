// initupload (upstream pkg/initupload/run.go): uploads started.json (its repo-commit from the clone
// records), the clone records and their readable log; when cloning failed, also the clone log as the build
// log and a finished.json that says FAILURE, and then reports the failure so the pod stops before the test.
import { readFile } from 'node:fs/promises';
import type { JobSpec } from '../api/jobspec.js';
import type { ArtifactStore } from '../artifacts/types.js';
import { cloneFailed, formatCloneRecords, type CloneRecord } from './clone-record.js';
import { cloneFailedFinished, marshalFinished, marshalStarted, newStarted } from './metadata.js';
import { BUILD_LOG_FILE, CLONE_LOG_FILE, CLONE_RECORDS_FILE, FINISHED_FILE, STARTED_FILE } from './paths.js';
import { uploadForSpec, type UploadReport, type UploadSource } from './gcsupload.js';
import type { InitUploadOptions } from './options.js';

export interface InitUploadResult extends UploadReport {
  /** A clone record failed: the utility must exit non-zero (after uploading). */
  cloneFailed: boolean;
}

export async function runInitUpload(o: InitUploadOptions, spec: JobSpec, store: ArtifactStore, now: () => Date = () => new Date()): Promise<InitUploadResult> {
  const extra = new Map<string, UploadSource>();
  let records: CloneRecord[] | undefined;
  let failed = false;
  if (o.log) {
    let raw: Buffer;
    try {
      raw = await readFile(o.log);
    } catch (err) {
      throw new Error(`could not read clone log: ${(err as Error).message}`, { cause: err });
    }
    records = parseCloneRecords(raw, o.log);
    const cloneLog = formatCloneRecords(records);
    failed = cloneFailed(records);
    extra.set(CLONE_LOG_FILE, { data: cloneLog });
    extra.set(CLONE_RECORDS_FILE, { data: raw });
    if (failed) {
      extra.set(BUILD_LOG_FILE, { data: cloneLog });
      extra.set(FINISHED_FILE, { data: marshalFinished(cloneFailedFinished(now())) });
    }
  }
  extra.set(STARTED_FILE, { data: marshalStarted(newStarted(spec.refs, spec.extra_refs, records, now())) });
  const report = await uploadForSpec(store, o.upload, spec, extra);
  return { ...report, cloneFailed: failed };
}

function parseCloneRecords(raw: Buffer, file: string): CloneRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new Error(`could not unmarshal clone records in ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || parsed.some((r) => r === null || typeof r !== 'object' || typeof (r as CloneRecord).refs !== 'object')) {
    throw new Error(`could not unmarshal clone records in ${file}: want a list of records with refs`);
  }
  return parsed as CloneRecord[];
}

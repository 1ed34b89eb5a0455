// What initupload and the sidecar upload, and where (upstream pkg/gcsupload/run.go): the build directory
// from the JobSpec and gcs_configuration, the latest-build.txt files and the presubmit alias, each item
// (a directory's files under `<dir name>/…`, a file under its name) and the extra files the utility made
// (started.json, finished.json, build-log.txt…). With local_output_dir the files go straight into that
// directory and no index files are written, as upstream's LocalExport.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { JobSpec } from '../api/jobspec.js';
import { goPathJoin, parseBucket, pathsForJob } from '../api/storage-path.js';
import type { ArtifactStore } from '../artifacts/types.js';
import { FINISHED_FILE, indexFilesForSpec } from './paths.js';
import type { UploadOptions } from './options.js';

/** An upload's content: bytes, or a local file read when it is uploaded. */
export type UploadSource = { data: string | Uint8Array } | { file: string };

export interface UploadReport {
  /** Destinations written, in order (relative to the bucket root). */
  uploaded: string[];
  /** Items that could not be read; upstream logs and skips them. */
  warnings: string[];
}

/** The build directory the options place this JobSpec's files in ('' with local_output_dir). */
export function blobStoragePathFor(o: UploadOptions, spec: JobSpec): string {
  if (o.local_output_dir) return '';
  return pathsForJob(o.gcs ?? {}, spec, o.sub_dir ?? '').blobStoragePath.replace(/^\/+/, '');
}

/** A gs:// or s3:// bucket may carry a path: every key goes under it. */
function bucketKeyPrefix(o: UploadOptions): string {
  if (o.local_output_dir || !o.gcs?.bucket) return '';
  const { provider, bucket, fullPath } = parseBucket(o.gcs.bucket);
  if (provider === 'file') return '';
  return fullPath.slice(bucket.length).replace(/^\/+/, '');
}

/**
 * Options.Run: index files and items first, then the extras; finished.json goes last so that a reader who
 * sees it finds everything else in place.
 */
export async function uploadForSpec(store: ArtifactStore, o: UploadOptions, spec: JobSpec, extra: ReadonlyMap<string, UploadSource>): Promise<UploadReport> {
  const base = blobStoragePathFor(o, spec);
  const targets = new Map<string, UploadSource>();
  const warnings: string[] = [];
  if (!o.local_output_dir) {
    for (const [path, content] of indexFilesForSpec(o.gcs ?? {}, spec)) targets.set(path, { data: content });
  }
  for (const item of o.items ?? []) {
    let info;
    try {
      info = await stat(item);
    } catch (err) {
      warnings.push(`Encountered error in resolving items to upload for ${item}: ${(err as Error).message}`);
      continue;
    }
    if (info.isDirectory()) {
      for (const file of await listFiles(item)) {
        const rel = relative(item, file).split(sep).join('/');
        const destination = goPathJoin(base, basename(item), rel).replaceAll('#', '%23');
        if (!targets.has(destination)) targets.set(destination, { file });
      }
    } else {
      const destination = goPathJoin(base, basename(item));
      if (!targets.has(destination)) targets.set(destination, { file: item });
    }
  }
  const extras = [...extra.keys()].sort((a, b) => Number(a === FINISHED_FILE) - Number(b === FINISHED_FILE));
  for (const name of extras) targets.set(goPathJoin(base, name), extra.get(name)!);
  const prefix = bucketKeyPrefix(o);
  const uploaded: string[] = [];
  if (o.dry_run) return { uploaded, warnings };
  for (const [destination, source] of targets) {
    const key = (prefix ? goPathJoin(prefix, destination) : destination).replace(/^\/+/, '');
    const data = 'data' in source ? source.data : await readFile(source.file);
    await store.put(key, data);
    uploaded.push(key);
  }
  return { uploaded, warnings };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

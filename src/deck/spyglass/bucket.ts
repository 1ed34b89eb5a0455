// Which bucket a /view/ or /job-history/ URL names, and whether deck may open it (upstream
// pkg/config/config.go ValidateStorageBucket, cmd/deck/job_history.go parseJobHistURL).
import { parseBucket } from '../../api/storage-path.js';
import { BucketConfigError, type BucketOpener } from '../../artifacts/buckets.js';
import type { ArtifactStore } from '../../artifacts/types.js';
import type { DecorationConfig } from '../../api/prowjob.js';
import { HttpError } from '../../observability/http.js';
import type { DeckConfigView } from '../deck-deps.js';

/** The providers deck opens buckets of; `gcs` is upstream's legacy spelling of `gs`. */
const PROVIDERS: Record<string, string> = { gs: 'gs', gcs: 'gs', s3: 's3' };

export function isBucketProvider(provider: string): boolean {
  return provider in PROVIDERS;
}

export interface OpenedBucket {
  provider: string;
  /** The bucket's name after `deck.spyglass.bucket_aliases`. */
  bucket: string;
  store: ArtifactStore;
}

/**
 * Opens `<provider>/<bucket>`: the alias is resolved first; with `deck.skip_storage_path_validation: false`
 * only buckets some decoration config or `deck.additional_allowed_buckets` names are opened (a 403 otherwise).
 */
export function openBucket(config: DeckConfigView, opener: BucketOpener, provider: string, name: string): OpenedBucket {
  const p = PROVIDERS[provider];
  if (!p) throw new HttpError(404, `404 Not Found: unknown storage provider ${JSON.stringify(provider)} (want gs or s3)`);
  if (!name) throw new HttpError(400, '400 Bad Request: missing bucket name');
  const bucket = config.deck?.spyglass?.bucket_aliases?.[name] ?? name;
  if (config.deck?.skip_storage_path_validation === false && !allowedBuckets(config).has(bucket)) {
    throw new HttpError(403, `403 Forbidden: bucket ${JSON.stringify(bucket)} is not in deck's allowed list (decoration configs and deck.additional_allowed_buckets)`);
  }
  try {
    return { provider: p, bucket, store: opener({ provider: p, bucket }) };
  } catch (err) {
    if (err instanceof BucketConfigError) throw new HttpError(501, `501 Not Implemented: deck cannot read ${p}://${bucket}: ${err.message}`);
    throw err;
  }
}

function allowedBuckets(config: DeckConfigView): Set<string> {
  const out = new Set(config.deck?.additional_allowed_buckets ?? []);
  const add = (dc: DecorationConfig | undefined): void => {
    const b = dc?.gcs_configuration?.bucket;
    if (b) out.add(parseBucket(b).bucket);
  };
  for (const e of config.plank?.default_decoration_config_entries ?? []) add(e.config);
  for (const j of config.periodics ?? []) add(j.decoration_config);
  for (const jobs of Object.values(config.presubmits ?? {})) for (const j of jobs) add(j.decoration_config);
  for (const jobs of Object.values(config.postsubmits ?? {})) for (const j of jobs) add(j.decoration_config);
  return out;
}

/** A path inside a bucket as a URL gives it: relative, no empty, `.` or `..` segment (a 400 otherwise). */
export function checkObjectPath(path: string): string {
  if (path === '') return path;
  const bad = path.startsWith('/') || path.includes('\\') || path.includes('\0') || path.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new HttpError(400, `400 Bad Request: ${JSON.stringify(path)} is not a path inside a bucket`);
  return path;
}

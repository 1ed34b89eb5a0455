// ArtifactStore over one S3 bucket (AWS S3, or MinIO / Ceph / R2 through a custom endpoint), configured
// from upstream's S3 credentials file (pkg/io/providers/providers.go S3Credentials, aws.go newS3Client).
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { ArtifactNotFoundError, type ArtifactEntry, type ArtifactStore } from './types.js';
import { checkArtifactPath, checkByteRange, compareArtifactPaths, listPrefixOf } from './artifact-path.js';

/** Upstream's S3Credentials, key for key. Every field is optional; unknown keys are ignored as Go does. */
export interface S3Credentials {
  region?: string;
  /** e.g. `https://minio.minio:9000`; default: AWS. */
  endpoint?: string;
  /** Skip TLS certificate verification (upstream: InsecureSkipVerify). */
  insecure?: boolean;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO, Ceph, most S3-compatible servers). */
  s3_force_path_style?: boolean;
  access_key?: string;
  secret_key?: string;
  session_token?: string;
}

export class S3CredentialsError extends Error {
  override readonly name = 'S3CredentialsError';
}

const STRING_FIELDS = ['region', 'endpoint', 'access_key', 'secret_key', 'session_token'] as const;
const BOOL_FIELDS = ['insecure', 's3_force_path_style'] as const;

/** Parses and checks the credentials file's JSON; `source` names the file in errors. */
export function parseS3Credentials(text: string, source: string): S3Credentials {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new S3CredentialsError(`${source}: not JSON: ${(err as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new S3CredentialsError(`${source}: want a JSON object`);
  const obj = raw as Record<string, unknown>;
  const out: S3Credentials = {};
  for (const key of STRING_FIELDS) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new S3CredentialsError(`${source}: ${key}: want a string`);
    out[key] = v;
  }
  for (const key of BOOL_FIELDS) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw new S3CredentialsError(`${source}: ${key}: want true or false`);
    out[key] = v;
  }
  if (out.endpoint !== undefined && !/^https?:\/\/[^/]/.test(out.endpoint)) {
    throw new S3CredentialsError(`${source}: endpoint: want an http:// or https:// URL, got ${JSON.stringify(out.endpoint)}`);
  }
  if (Boolean(out.access_key) !== Boolean(out.secret_key)) {
    throw new S3CredentialsError(`${source}: access_key and secret_key go together`);
  }
  return out;
}

/** One S3 client for every bucket these credentials open. No credentials: the AWS SDK's default chain (env, profile, IMDS), as upstream. */
export function createS3Client(creds: S3Credentials = {}): S3Client {
  const config: S3ClientConfig = {
    // Upstream leaves the region to the SDK's defaults; the JS SDK fails every request without one, so
    // AWS_REGION and then us-east-1 (the region S3 answers for any bucket with a redirect hint).
    region: creds.region || process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || 'us-east-1',
    forcePathStyle: creds.s3_force_path_style ?? false,
  };
  if (creds.endpoint) config.endpoint = creds.endpoint;
  if (creds.access_key && creds.secret_key) {
    config.credentials = { accessKeyId: creds.access_key, secretAccessKey: creds.secret_key, ...(creds.session_token ? { sessionToken: creds.session_token } : {}) };
  }
  if (creds.insecure) config.requestHandler = { httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) };
  return new S3Client(config);
}

export interface S3ArtifactStoreOptions {
  client: S3Client;
  bucket: string;
}

export function createS3ArtifactStore({ client, bucket }: S3ArtifactStoreOptions): ArtifactStore {
  return {
    async put(path, data) {
      // A PUT replaces the object whole: readers see the old or the new one, as the contract asks.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: checkArtifactPath(path), Body: typeof data === 'string' ? Buffer.from(data) : data }));
    },

    async get(path) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: checkArtifactPath(path) }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async stat(path) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: checkArtifactPath(path) }));
        return { path, size: res.ContentLength ?? 0, modified: (res.LastModified ?? new Date(0)).toISOString() };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async list(prefix) {
      const out: ArtifactEntry[] = [];
      let token: string | undefined;
      do {
        const res = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefixOf(prefix), ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of res.Contents ?? []) {
          if (o.Key === undefined || o.Key.endsWith('/')) continue; // "folder" placeholders some consoles create
          out.push({ path: o.Key, size: o.Size ?? 0, modified: (o.LastModified ?? new Date(0)).toISOString() });
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out.sort(compareArtifactPaths);
    },

    async openRead(path, range = {}) {
      const { start, end } = checkByteRange(path, range);
      const ranged = start > 0 || end !== undefined;
      try {
        const res = await client.send(new GetObjectCommand({
          Bucket: bucket, Key: checkArtifactPath(path), ...(ranged ? { Range: `bytes=${start}-${end ?? ''}` } : {}),
        }));
        return res.Body as Readable;
      } catch (err) {
        if (isNotFound(err)) throw new ArtifactNotFoundError(path);
        // A start at or past the end: an empty read, as from a local file.
        if (isInvalidRange(err)) return Readable.from([]);
        throw err;
      }
    },

    async delete(path) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: checkArtifactPath(path) }));
    },
  };
}

function isNotFound(err: unknown): boolean {
  // Not NoSuchBucket: a missing bucket is a configuration error, not a missing object.
  return err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound');
}

function isInvalidRange(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.name === 'InvalidRange' || err.$metadata.httpStatusCode === 416);
}

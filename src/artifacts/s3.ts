// ArtifactStore over one S3 bucket (AWS S3, or MinIO / Ceph / R2 through a custom endpoint), configured
// from upstream's S3 credentials file (pkg/io/providers/providers.go S3Credentials, aws.go newS3Client).
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
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
  } catch {
    // Not the parser's message: it quotes the file's text, and this file holds secrets.
    throw new S3CredentialsError(`${source}: not valid JSON`);
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

// The SDK takes about a third of a second to load: only commands that open an s3:// bucket pay for it.
let sdkModule: Promise<typeof import('@aws-sdk/client-s3')> | undefined;
const loadSdk = (): Promise<typeof import('@aws-sdk/client-s3')> => (sdkModule ??= import('@aws-sdk/client-s3'));

/** One S3 client for every bucket these credentials open. No credentials: the AWS SDK's default chain (env, profile, IMDS), as upstream. */
export async function createS3Client(creds: S3Credentials = {}): Promise<S3Client> {
  const { S3Client } = await loadSdk();
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
  client: S3Client | Promise<S3Client>;
  bucket: string;
}

export function createS3ArtifactStore({ client: clientOrPromise, bucket }: S3ArtifactStoreOptions): ArtifactStore {
  const ready = Promise.all([clientOrPromise, loadSdk()]);
  ready.catch(() => {}); // reported by the first call that awaits it
  return {
    async put(path, data) {
      const [client, sdk] = await ready;
      // A PUT replaces the object whole: readers see the old or the new one, as the contract asks.
      const contentType = contentTypeOf(path);
      await client.send(new sdk.PutObjectCommand({
        Bucket: bucket, Key: checkArtifactPath(path), Body: typeof data === 'string' ? Buffer.from(data) : data, ...(contentType ? { ContentType: contentType } : {}),
      }));
    },

    async get(path) {
      const [client, sdk] = await ready;
      try {
        const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: checkArtifactPath(path) }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async stat(path) {
      const [client, sdk] = await ready;
      try {
        const res = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: checkArtifactPath(path) }));
        return { path, size: res.ContentLength ?? 0, modified: (res.LastModified ?? new Date(0)).toISOString() };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async list(prefix) {
      const [client, sdk] = await ready;
      const out: ArtifactEntry[] = [];
      let token: string | undefined;
      do {
        const res = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefixOf(prefix), ...(token ? { ContinuationToken: token } : {}) }));
        for (const o of res.Contents ?? []) {
          if (o.Key === undefined || o.Key.endsWith('/')) continue; // "folder" placeholders some consoles create
          out.push({ path: o.Key, size: o.Size ?? 0, modified: (o.LastModified ?? new Date(0)).toISOString() });
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return out.sort(compareArtifactPaths);
    },

    async openRead(path, range = {}) {
      const [client, sdk] = await ready;
      const { start, end } = checkByteRange(path, range);
      const ranged = start > 0 || end !== undefined;
      try {
        const res = await client.send(new sdk.GetObjectCommand({
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
      const [client, sdk] = await ready;
      await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: checkArtifactPath(path) }));
    },
  };
}

/** An error the service answered (S3ServiceException), by its error code and HTTP status. */
function serviceError(err: unknown): { name: string; status?: number } | undefined {
  if (err === null || typeof err !== 'object' || !('$metadata' in err)) return undefined;
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  return { name: String(e.name), ...(e.$metadata?.httpStatusCode === undefined ? {} : { status: e.$metadata.httpStatusCode }) };
}

function isNotFound(err: unknown): boolean {
  // Not NoSuchBucket: a missing bucket is a configuration error, not a missing object.
  const e = serviceError(err);
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound';
}

function isInvalidRange(err: unknown): boolean {
  const e = serviceError(err);
  return e?.name === 'InvalidRange' || e?.status === 416;
}

// S3 stores what it is told (binary/octet-stream otherwise); logs and metadata should open in a browser.
// Upstream's gocloud writer sniffs the type the same way for these files.
const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8', log: 'text/plain; charset=utf-8', json: 'application/json',
  xml: 'application/xml', html: 'text/html; charset=utf-8', svg: 'image/svg+xml',
};

function contentTypeOf(path: string): string | undefined {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? CONTENT_TYPES[path.slice(dot + 1).toLowerCase()] : undefined;
}

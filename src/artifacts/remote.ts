// Opening gs:// and s3:// buckets (the `remote` of createBucketOpener), from upstream's credentials files
// as pkg/io/opener.go NewOpener reads them: both files are read once, here, so a bad one fails at start.
import { readFileSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Storage } from '@google-cloud/storage';
import type { BucketOpener } from './buckets.js';
import { createGcsArtifactStore, createGcsClient, parseGcsCredentials } from './gcs.js';
import { createS3ArtifactStore, createS3Client, parseS3Credentials } from './s3.js';

export interface RemoteBucketOptions {
  /** A Google credentials JSON (service account key). Absent: anonymous, public buckets only. */
  gcsCredentialsFile?: string;
  /** Upstream's S3 credentials JSON. Absent: the AWS SDK's default chain (env, profile, instance role). */
  s3CredentialsFile?: string;
  /** The GCS JSON API base URL (a fake, a private endpoint). Default https://storage.googleapis.com. */
  gcsEndpoint?: string;
}

/** The credentials file named by `file` could not be used; the message names the file and why. */
export class BucketCredentialsError extends Error {
  override readonly name = 'BucketCredentialsError';
  constructor(readonly file: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export function createRemoteBucketOpener(options: RemoteBucketOptions = {}): BucketOpener {
  const gcsCredentials = options.gcsCredentialsFile === undefined ? undefined : parseGcsCredentials(readCredentials(options.gcsCredentialsFile), options.gcsCredentialsFile);
  const s3Credentials = options.s3CredentialsFile === undefined ? undefined : parseS3Credentials(readCredentials(options.s3CredentialsFile), options.s3CredentialsFile);
  let gcs: Promise<Storage> | undefined;
  let s3: Promise<S3Client> | undefined;
  return (ref) => {
    if (ref.provider === 's3') {
      s3 ??= createS3Client(s3Credentials);
      return createS3ArtifactStore({ client: s3, bucket: ref.bucket });
    }
    gcs ??= createGcsClient({ ...(gcsCredentials ? { credentials: gcsCredentials } : {}), ...(options.gcsEndpoint ? { apiEndpoint: options.gcsEndpoint } : {}) });
    return createGcsArtifactStore({ client: gcs, bucket: ref.bucket });
  };
}

function readCredentials(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new BucketCredentialsError(file, `${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

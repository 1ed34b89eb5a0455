// Buckets for any `prow` command that reads or writes artifacts (crier's blob-storage reporter, the pod
// utilities, deck). Two calls:
//
//   addBucketFlags(command)        adds upstream's --gcs-credentials-file and --s3-credentials-file
//                                  (pkg/flagutil/storage.go), plus our --gcs-endpoint
//   openBucketsFromFlags(flags)    reads both files now and returns the BucketOpener for gs://, s3:// and
//                                  file:// buckets; a missing, unreadable or invalid file throws a
//                                  BucketFlagError whose message is one line naming the flag and the file
//
//   try { buckets = openBucketsFromFlags(f); } catch (err) { stderr(`prow x: ${err.message}`); exit 1 }
//
// Without --gcs-credentials-file GCS is read anonymously (public buckets); without --s3-credentials-file
// S3 uses the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, profile, instance role). docs/artifacts.md.
import type { Command } from 'commander';
import { createBucketOpener, type BucketOpener } from '../../artifacts/buckets.js';
import { GcsCredentialsError } from '../../artifacts/gcs.js';
import { BucketCredentialsError, createRemoteBucketOpener } from '../../artifacts/remote.js';
import { S3CredentialsError } from '../../artifacts/s3.js';

export interface BucketFlags {
  gcsCredentialsFile?: string;
  s3CredentialsFile?: string;
  gcsEndpoint?: string;
}

export class BucketFlagError extends Error {
  override readonly name = 'BucketFlagError';
}

export function addBucketFlags(command: Command): Command {
  return command
    .option('--gcs-credentials-file <file>', 'Google service account key (JSON) for gs:// buckets; none: anonymous, public buckets only')
    .option('--s3-credentials-file <file>', 'S3 credentials (JSON: region, endpoint, s3_force_path_style, access_key, secret_key…) for s3:// buckets')
    .option('--gcs-endpoint <url>', 'GCS JSON API endpoint (a fake or private endpoint; not an upstream flag)');
}

export function openBucketsFromFlags(flags: BucketFlags): BucketOpener {
  if (flags.gcsEndpoint !== undefined && !/^https?:\/\/[^/]/.test(flags.gcsEndpoint)) {
    throw new BucketFlagError(`--gcs-endpoint ${flags.gcsEndpoint}: want an http:// or https:// URL`);
  }
  try {
    return createBucketOpener({
      remote: createRemoteBucketOpener({
        ...(flags.gcsCredentialsFile === undefined ? {} : { gcsCredentialsFile: flags.gcsCredentialsFile }),
        ...(flags.s3CredentialsFile === undefined ? {} : { s3CredentialsFile: flags.s3CredentialsFile }),
        ...(flags.gcsEndpoint === undefined ? {} : { gcsEndpoint: flags.gcsEndpoint }),
      }),
    });
  } catch (err) {
    // Every credentials message starts with the file name; put the flag in front of it.
    if (err instanceof GcsCredentialsError || (err instanceof BucketCredentialsError && err.file === flags.gcsCredentialsFile)) {
      throw new BucketFlagError(`--gcs-credentials-file ${err.message}`, { cause: err });
    }
    if (err instanceof S3CredentialsError || err instanceof BucketCredentialsError) {
      throw new BucketFlagError(`--s3-credentials-file ${err.message}`, { cause: err });
    }
    throw err;
  }
}

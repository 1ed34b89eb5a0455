// What the four pod utility commands share: reading their `*_OPTIONS` (flags only when the variable is
// absent, as upstream's pkg/pod-utils/options/load.go), opening the upload destination, signals, and exit.
import type { ArtifactStore } from '../../artifacts/types.js';
import { bucketRefOf, createBucketOpener, type BucketOpener } from '../../artifacts/buckets.js';
import { BucketFlagError, openBucketsFromFlags } from './buckets.js';
import { logrusLine } from '../../podutils/log-line.js';
import type { Decoded, UploadOptions } from '../../podutils/options.js';

/** The `*_OPTIONS` value when set (flags are then ignored, as upstream), decoded; unknown keys are warned about. */
export function optionsFromEnv<T>(variable: string, decode: (raw: string, source: string) => Decoded<T>): T | undefined {
  const raw = process.env[variable];
  if (raw === undefined) return undefined;
  const { options, unknownFields } = decode(raw, `$${variable}`);
  for (const field of unknownFields) warn(`$${variable}: unknown field ${JSON.stringify(field)} ignored (upstream's decoder drops it too)`);
  return options;
}

export function warn(msg: string): void {
  process.stderr.write(logrusLine('warning', msg));
}

export function info(msg: string): void {
  process.stderr.write(logrusLine('info', msg));
}

/** logrus.Fatal: the message and exit 1. */
export function fatal(msg: string): never {
  process.stderr.write(logrusLine('fatal', msg));
  process.exit(1);
}

/** Upload settings the artifact stores cannot apply yet: said at run time rather than silently dropped. */
export function warnUnappliedUploadOptions(o: UploadOptions): void {
  if (o.gcs?.compress_file_types?.length) warn('gcs_configuration.compress_file_types is not applied: files are uploaded uncompressed');
  if (o.gcs?.mediaTypes && Object.keys(o.gcs.mediaTypes).length > 0) warn('gcs_configuration.mediaTypes is not applied: the artifact stores set no content types');
}

let opener: BucketOpener | undefined;

/**
 * The one place the pod utilities open their upload destination: `local_output_dir` as a directory, else
 * gcs_configuration.bucket (gs://, s3://, file://) with the mounted gcs_credentials_file /
 * s3_credentials_file, as upstream's pkg/pod-utils/gcs/upload.go opens it. A bad credentials file throws
 * one line naming the option field and the file.
 */
export function bucketOpenerFromOptions(o: UploadOptions): ArtifactStore {
  if (o.local_output_dir) return createBucketOpener()({ provider: 'file', bucket: o.local_output_dir });
  if (!o.gcs?.bucket) throw new Error('no bucket to upload to: gcs_configuration.bucket is empty and local_output_dir is unset');
  opener ??= openerWithCredentials(o);
  return opener(bucketRefOf(o.gcs.bucket));
}

function openerWithCredentials(o: UploadOptions): BucketOpener {
  try {
    return openBucketsFromFlags({
      ...(o.gcs_credentials_file ? { gcsCredentialsFile: o.gcs_credentials_file } : {}),
      ...(o.s3_credentials_file ? { s3CredentialsFile: o.s3_credentials_file } : {}),
    });
  } catch (err) {
    // The pod utilities take these files from their options JSON, not flags: name the field.
    if (err instanceof BucketFlagError) throw new Error(err.message.replace(/^--(gcs|s3)-credentials-file /, '$1_credentials_file '), { cause: err });
    throw err;
  }
}

/** SIGINT/SIGTERM as a subscription: while one is subscribed, the default exit on those signals is off. */
export function onInterrupt(listener: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals): void => listener(signal);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** How to run this same `prow` again (the entrypoint launcher): this Node and this script. */
export function prowCommand(): string[] {
  return [process.execPath, process.argv[1]!];
}

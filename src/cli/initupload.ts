// `prow initupload`: upstream's initupload pod utility (cmd/initupload, pkg/initupload/run.go). Uploads
// started.json and the clone records from $INITUPLOAD_OPTIONS and $JOB_SPEC; exits non-zero after the
// upload when cloning failed, so the pod's test never starts.
import { Command } from 'commander';
import { resolveSpecFromEnv } from '../podutils/downwardapi.js';
import { runInitUpload } from '../podutils/initupload.js';
import { decodeInitUploadOptions, type InitUploadOptions } from '../podutils/options.js';
import { bucketOpenerFromOptions, fatal, info, optionsFromEnv, warn, warnUnappliedUploadOptions } from './support/pod-utility.js';

export function createCommand(): Command {
  return new Command('initupload')
    .description('pod utility: upload started.json and the clone records ($INITUPLOAD_OPTIONS, $JOB_SPEC; docs/pod-utilities.md)')
    .action(async () => {
      process.env['PROW_COMPONENT'] ??= 'initupload';
      let o: InitUploadOptions;
      try {
        const fromEnv = optionsFromEnv('INITUPLOAD_OPTIONS', decodeInitUploadOptions);
        if (!fromEnv) throw new Error('$INITUPLOAD_OPTIONS is unset (the flag form is not supported)');
        o = fromEnv;
      } catch (err) {
        fatal(`Could not resolve options: ${(err as Error).message}`);
      }
      warnUnappliedUploadOptions(o.upload);
      try {
        const spec = resolveSpecFromEnv();
        const result = await runInitUpload(o, spec, bucketOpenerFromOptions(o.upload));
        for (const w of result.warnings) warn(w);
        if (result.cloneFailed) fatal('Failed to initialize job: cloning the appropriate refs failed');
        info(`uploaded ${result.uploaded.length} files`);
      } catch (err) {
        fatal(`Failed to initialize job: ${(err as Error).message}`);
      }
    });
}

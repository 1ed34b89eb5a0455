// `prow sidecar`: upstream's sidecar pod utility (cmd/sidecar, pkg/sidecar/run.go). Waits for the markers
// of $SIDECAR_OPTIONS' entries, censors, uploads the build log, artifacts and finished.json.
import { Command } from 'commander';
import { resolveSpecFromEnv } from '../podutils/downwardapi.js';
import { decodeSidecarOptions, type SidecarOptions } from '../podutils/options.js';
import { runSidecar } from '../podutils/sidecar.js';
import { bucketOpenerFromOptions, fatal, onInterrupt, optionsFromEnv, warn, warnUnappliedUploadOptions } from './support/pod-utility.js';

export function createCommand(): Command {
  return new Command('sidecar')
    .description('pod utility: wait for the test, censor secrets, upload its log, artifacts and finished.json ($SIDECAR_OPTIONS, $JOB_SPEC; docs/pod-utilities.md)')
    .action(async () => {
      process.env['PROW_COMPONENT'] ??= 'sidecar';
      let o: SidecarOptions;
      try {
        const fromEnv = optionsFromEnv('SIDECAR_OPTIONS', decodeSidecarOptions);
        if (!fromEnv) throw new Error('$SIDECAR_OPTIONS is unset (the flag form is not supported)');
        o = fromEnv;
      } catch (err) {
        fatal(`Could not resolve options: ${(err as Error).message}`);
      }
      warnUnappliedUploadOptions(o.gcs_options);
      if (o.write_memory_profile) warn('write_memory_profile is not supported: no memory profiles are written');
      let result;
      try {
        result = await runSidecar(o, resolveSpecFromEnv(), bucketOpenerFromOptions(o.gcs_options), { stderr: process.stderr, onInterrupt });
      } catch (err) {
        fatal(`Failed to report job status: ${(err as Error).message}`);
      }
      // Upstream logs a failed upload and exits 0; we exit 1 so the pod shows that the results are missing.
      if (result.uploadError !== undefined) process.exit(1);
      if (result.failures > 0 && o.entry_error) fatal(`${result.failures} containers failed`);
      process.exit(0);
    });
}

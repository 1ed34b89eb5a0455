// `prow entrypoint`: upstream's entrypoint pod utility (cmd/entrypoint, pkg/entrypoint). Reads
// $ENTRYPOINT_OPTIONS, or upstream's flags and the command after them when it is unset.
import { Command } from 'commander';
import { parseDurationNanos } from '../go/duration.js';
import { placeEntrypoint, runEntrypoint } from '../podutils/entrypoint.js';
import { decodeEntrypointOptions, OptionsError, validateEntrypoint, type EntrypointOptions } from '../podutils/options.js';
import { fatal, info, onInterrupt, optionsFromEnv, prowCommand } from './support/pod-utility.js';

const DEFAULT_COPY_DST = '/tools/entrypoint';

interface EntrypointFlags {
  timeout: string;
  gracePeriod: string;
  artifactDir?: string;
  copyModeOnly?: boolean;
  copyDestination: string;
  propagateErrorCode?: boolean;
  processLog: string;
  markerFile: string;
  metadataFile: string;
}

function fromFlags(flags: EntrypointFlags, args: string[]): EntrypointOptions {
  const duration = (value: string, flag: string): number => {
    try {
      return Number(parseDurationNanos(value));
    } catch (err) {
      throw new OptionsError(`--${flag}: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    timeout: duration(flags.timeout, 'timeout'),
    grace_period: duration(flags.gracePeriod, 'grace-period'),
    ...(flags.artifactDir ? { artifact_dir: flags.artifactDir } : {}),
    ...(flags.copyModeOnly ? { copy_mode_only: true } : {}),
    copy_dst: flags.copyDestination,
    ...(flags.propagateErrorCode ? { propagate_error_code: true } : {}),
    wrapper: { args, process_log: flags.processLog, marker_file: flags.markerFile, metadata_file: flags.metadataFile },
  };
}

export function createCommand(): Command {
  return new Command('entrypoint')
    .description('pod utility: run the test command under its timeout, write the process log and the marker file ($ENTRYPOINT_OPTIONS; docs/pod-utilities.md)')
    .option('--timeout <duration>', 'timeout for the test command', '2h0m0s')
    .option('--grace-period <duration>', 'grace period after the timeout (SIGINT) before SIGKILL', '15s')
    .option('--artifact-dir <dir>', 'directory created for the test to place artifacts in')
    .option('--copy-mode-only', 'place the entrypoint launcher at --copy-destination and exit (the place-entrypoint init container)')
    .option('--copy-destination <path>', 'where --copy-mode-only places the launcher', DEFAULT_COPY_DST)
    .option('--propagate-error-code', "exit with the child's code even when it was interrupted")
    .option('--process-log <file>', 'where stdout and stderr of the process are written', '')
    .option('--marker-file <file>', 'where the exit code is written once the process ends', '')
    .option('--metadata-file <file>', 'the metadata file the job writes', '')
    .argument('[command...]', 'the command to run (without $ENTRYPOINT_OPTIONS)')
    .passThroughOptions()
    .action(async (command: string[], flags: EntrypointFlags) => {
      process.env['PROW_COMPONENT'] ??= 'entrypoint';
      let options: EntrypointOptions;
      try {
        options = optionsFromEnv('ENTRYPOINT_OPTIONS', decodeEntrypointOptions) ?? fromFlags(flags, command);
        if (options.copy_mode_only) {
          const destination = resolveMounted(options.copy_dst || DEFAULT_COPY_DST);
          await placeEntrypoint(destination, prowCommand());
          info(`placed the entrypoint launcher at ${destination}`);
          process.exit(0);
        }
        validateEntrypoint(options);
      } catch (err) {
        fatal(err instanceof OptionsError ? `Invalid options: ${err.message}` : `Could not resolve options: ${(err as Error).message}`);
      }
      const code = await runEntrypoint(options, { stdout: process.stdout, onInterrupt });
      process.exit(code);
    });
}

/**
 * A path that came from a default rather than from the pod's command line or environment is not rewritten
 * by kube-fake's kubelet; KUBE_FAKE_MOUNTS says where that mount lives on this host (docs/kube-fake.md).
 */
function resolveMounted(path: string): string {
  const raw = process.env['KUBE_FAKE_MOUNTS'];
  if (!raw) return path;
  let mounts: Record<string, string>;
  try {
    mounts = JSON.parse(raw) as Record<string, string>;
  } catch {
    return path;
  }
  const mount = Object.keys(mounts).sort((a, b) => b.length - a.length).find((m) => path === m || path.startsWith(`${m}/`));
  return mount === undefined ? path : mounts[mount]! + path.slice(mount.length);
}

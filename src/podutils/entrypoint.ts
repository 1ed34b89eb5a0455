// entrypoint: runs the test command of a decorated container, tees its output to the process log, stops it
// at the timeout (SIGINT, SIGKILL after the grace period) and writes its exit code to the marker file for
// the sidecar (upstream pkg/entrypoint/run.go). The command runs as its own process group and the signals
// go to the group, so a shell's children stop with it (upstream signals the one process; a child that
// keeps the output pipe open would hold the wrapper past the grace period).
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatDurationNanos } from '../go/duration.js';
import type { EntrypointOptions } from './options.js';
import { waitForMarkers } from './markers.js';
import { logrusLine } from './log-line.js';

/** The command could not be started, or its marker could not be written (upstream InternalErrorCode). */
export const INTERNAL_ERROR_CODE = 127;
/** The wrapper was interrupted by a signal (upstream AbortedErrorCode). */
export const ABORTED_ERROR_CODE = 130;
/** A previous step failed, so this one did not run (internalCode 1000 + AbortedErrorCode). */
export const PREVIOUS_ERROR_CODE = 1130;
const DEFAULT_TIMEOUT_NS = 120n * 60n * 1_000_000_000n;
const DEFAULT_GRACE_NS = 15n * 1_000_000_000n;
/** After the command exits, how long its output pipes may stay open (a background child holding them). */
const DRAIN_MS = 2000;

export interface EntrypointIo {
  /** Where the command's output also goes (the container's stdout). */
  stdout: NodeJS.WritableStream;
  /** Fires once with the signal name when the wrapper is asked to stop (SIGINT/SIGTERM). */
  onInterrupt(listener: (signal: NodeJS.Signals) => void): () => void;
  env?: NodeJS.ProcessEnv;
}

/** Options.Run: the code the wrapper exits with. */
export async function runEntrypoint(o: EntrypointOptions, io: EntrypointIo): Promise<number> {
  const { code, error } = await executeProcess(o, io);
  if (error) io.stdout.write(logrusLine('error', `Error executing test process: ${error}`));
  try {
    await mark(o, code);
  } catch (err) {
    io.stdout.write(logrusLine('error', `Error writing exit code to marker file: ${(err as Error).message}`));
    return INTERNAL_ERROR_CODE; // the real code must be marked before always_zero may hide it
  }
  return o.always_zero ? 0 : code;
}

async function executeProcess(o: EntrypointOptions, io: EntrypointIo): Promise<{ code: number; error?: string }> {
  if (o.artifact_dir) {
    try {
      await mkdir(o.artifact_dir, { recursive: true });
    } catch (err) {
      return { code: INTERNAL_ERROR_CODE, error: `could not create artifact directory(${o.artifact_dir}): ${(err as Error).message}` };
    }
  }
  let logFile: WriteStream;
  try {
    logFile = await openLog(o.wrapper.process_log);
  } catch (err) {
    return { code: INTERNAL_ERROR_CODE, error: `could not create process logfile(${o.wrapper.process_log}): ${(err as Error).message}` };
  }
  let logOpen = true;
  const out = (data: string | Buffer): void => {
    if (!logOpen) return;
    io.stdout.write(data);
    logFile.write(data);
  };
  const log = (level: 'info' | 'error', msg: string): void => out(logrusLine(level, msg));
  let interrupted: NodeJS.Signals | undefined;
  let onInterrupt: (signal: NodeJS.Signals) => void = (s) => { interrupted = s; };
  const unsubscribe = io.onInterrupt((s) => onInterrupt(s));
  try {
    if (o.previous_marker) {
      const abort = new AbortController();
      onInterrupt = (s) => {
        interrupted = s;
        log('error', `Received interrupt ${s}, cancelling...`);
        abort.abort();
      };
      const result = (await waitForMarkers([o.previous_marker], abort.signal)).get(o.previous_marker)!;
      if (result.error) return { code: INTERNAL_ERROR_CODE, error: `wait for previous marker ${o.previous_marker}: ${result.error}` };
      if (result.code !== 0) {
        log('info', `Skipping as previous step exited ${result.code}`);
        return { code: PREVIOUS_ERROR_CODE };
      }
    }
    const [executable, ...args] = o.wrapper.args ?? [];
    const child = spawn(executable!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: io.env ?? process.env });
    const started = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (err) => resolve(err));
    });
    if (started) {
      const message = `could not start the process: ${started.message}`;
      logFile.write(message);
      return { code: INTERNAL_ERROR_CODE, error: message };
    }
    child.stdout!.on('data', out);
    child.stderr!.on('data', out);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const drained = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const timeoutNs = o.timeout > 0 ? BigInt(o.timeout) : DEFAULT_TIMEOUT_NS;
    const graceNs = o.grace_period > 0 ? BigInt(o.grace_period) : DEFAULT_GRACE_NS;
    const kill = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // the group is gone already
      }
    };
    let cancelled: 'timeout' | 'abort' | undefined;
    const stopped = new Promise<NodeJS.Signals | undefined>((resolve) => {
      const timer = setTimeout(() => {
        log('error', `Process did not finish before ${formatDurationNanos(timeoutNs)} timeout`);
        cancelled = 'timeout';
        resolve(undefined);
      }, Number(timeoutNs / 1_000_000n));
      onInterrupt = (s) => {
        interrupted = s;
        clearTimeout(timer);
        log('error', `Entrypoint received interrupt: ${signalText(s)}`);
        cancelled = 'abort';
        resolve(s);
      };
      if (interrupted) onInterrupt(interrupted);
      void exited.then(() => clearTimeout(timer));
    });
    const first = await Promise.race([exited.then(() => 'exited' as const), stopped]);
    let end = first === 'exited' ? await exited : undefined;
    if (!end) {
      // gracefullyTerminate: SIGINT (and the signal we got), SIGKILL when the grace period is over.
      kill('SIGINT');
      if (interrupted && interrupted !== 'SIGINT') kill(interrupted);
      const graceMs = Number(graceNs / 1_000_000n);
      let graceTimer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        exited.then(() => 'exited' as const),
        new Promise<'grace'>((resolve) => { graceTimer = setTimeout(() => resolve('grace'), graceMs); }),
      ]);
      clearTimeout(graceTimer);
      if (outcome === 'exited') log('error', `Process gracefully exited before ${formatDurationNanos(graceNs)} grace period`);
      else {
        log('error', `Process did not exit before ${formatDurationNanos(graceNs)} grace period`);
        kill('SIGKILL');
      }
      end = await exited;
    }
    // Output still in the pipes is copied; a background process that keeps them open is not waited for long.
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => { drainTimer = setTimeout(resolve, DRAIN_MS); })]);
    clearTimeout(drainTimer);
    child.stdout!.destroy();
    child.stderr!.destroy();
    // A signalled process has no exit status: Go's ExitCode() is -1.
    const status = end.code ?? -1;
    if (cancelled === 'abort') return { code: o.propagate_error_code ? status : ABORTED_ERROR_CODE, error: 'process aborted' };
    if (cancelled === 'timeout') return { code: o.propagate_error_code ? status : INTERNAL_ERROR_CODE, error: 'process timed out' };
    return status === 0 ? { code: 0 } : { code: status, error: `wrapped process failed: ${end.signal ? `signal: ${signalText(end.signal)}` : `exit status ${status}`}` };
  } finally {
    unsubscribe();
    logOpen = false;
    await new Promise<void>((resolve) => logFile.end(() => resolve()));
  }
}

function openLog(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'w' });
    stream.once('open', () => resolve(stream));
    stream.once('error', reject);
  });
}

/** Go's os.Signal String(): "interrupt", "terminated". */
function signalText(signal: NodeJS.Signals): string {
  return signal === 'SIGINT' ? 'interrupt' : signal === 'SIGTERM' ? 'terminated' : signal === 'SIGKILL' ? 'killed' : signal;
}

/** Options.Mark: the exit code written to a temporary file beside the marker, then renamed into place. */
async function mark(o: EntrypointOptions, code: number): Promise<void> {
  const dir = dirname(o.wrapper.marker_file);
  const tmpDir = await mkdtemp(join(dir, o.wrapper.container_name ?? ''));
  const tmp = join(tmpDir, 'temp-marker');
  await writeFile(tmp, String(code));
  await chmod(tmp, 0o777);
  await rename(tmp, o.wrapper.marker_file);
  await rm(tmpDir, { recursive: true, force: true });
}

/**
 * Copy mode (`--copy-mode-only`, the place-entrypoint init container): upstream copies its own binary to
 * /tools/entrypoint. Ours is a script, so the copy is a launcher that runs this same `prow` as `prow entrypoint`.
 */
export async function placeEntrypoint(destination: string, prowCommand: readonly string[]): Promise<void> {
  await mkdir(dirname(destination), { recursive: true });
  const quoted = prowCommand.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  await writeFile(destination, `#!/bin/sh\nexec ${quoted} entrypoint "$@"\n`, { mode: 0o755 });
  await chmod(destination, 0o755);
}

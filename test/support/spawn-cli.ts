// Runs a `prow` command as a child process for cli tests. Every wait here is bounded: when a log line
// never comes or the child never exits, the wait fails with the child's output instead of hanging the run.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/prow: every subcommand, discovered as the installed command does. */
export const PROW_BIN = fileURLToPath(new URL('../../bin/prow', import.meta.url));
const RUN_COMMAND = fileURLToPath(new URL('../horologium/fixtures/run-command.ts', import.meta.url));

const DEFAULT_WAIT_MS = 20_000;
const DEFAULT_EXIT_MS = 10_000;
const POLL_MS = 50;

/**
 * Node arguments that run one subcommand module (src/cli/<name>.ts) the way bin/prow does, without
 * loading the others: `spawnCli(process.execPath, commandArgs('tot', '--port', '0'))`.
 */
export function commandArgs(name: string, ...flags: string[]): string[] {
  return ['--import', 'tsx', RUN_COMMAND, fileURLToPath(new URL(`../../src/cli/${name}.ts`, import.meta.url)), ...flags];
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, in the order they arrived. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in the output; fails if the child exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, what?: string, timeoutMs?: number): Promise<RegExpExecArray>;
  /**
   * Polls `check` until it returns something truthy and resolves with that; fails if the child exits first or
   * after `timeoutMs`, even when `check` itself never settles.
   */
  waitUntil<T>(check: () => T | Promise<T>, what: string, timeoutMs?: number): Promise<NonNullable<T>>;
  /** The first complete stdout line that is a JSON log record with this `msg`. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Waits for the exit code; after `timeoutMs` kills the child and fails with its output. */
  exited(timeoutMs?: number): Promise<number | null>;
  /** Sends `signal` (SIGTERM), then waits for the exit code as `exited` does. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL if still running: for t.after / after hooks. */
  kill(): void;
}

/** Spawns `command args` with piped output; `name` labels its errors. */
export function spawnCli(command: string, args: string[], opts: SpawnOptions & { name?: string } = {}): CliProcess {
  const { name = 'child process', ...spawnOpts } = opts;
  const child = spawn(command, args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => { stdout += b.toString(); out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); out += b.toString(); });
  let done = false;
  // 'exit' can come before the last output is read; wait (briefly: a grandchild may hold the pipes) for the pipes to close.
  const drained = Promise.all([child.stdout!, child.stderr!].map((s) => new Promise((r) => s.once('close', r))));
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      let timer: NodeJS.Timeout | undefined;
      void Promise.race([drained, new Promise((r) => { timer = setTimeout(r, 1000); })]).then(() => {
        clearTimeout(timer);
        done = true;
        resolve(code);
      });
    });
    child.once('error', (err) => { done = true; out += `\n[spawn failed: ${err.message}]`; resolve(null); });
  });
  const report = (msg: string): Error => new Error(`${name}: ${msg}; its output:\n${out || '(none)'}`);

  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  const bounded = <T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  };

  const waitUntil = <T>(check: () => T | Promise<T>, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<NonNullable<T>> => {
    let stopped = false;
    const poll = async (): Promise<NonNullable<T>> => {
      for (;;) {
        const value = await check();
        if (value) return value as NonNullable<T>;
        if (done) throw report(`exited (code ${child.exitCode}) before ${what}`);
        if (stopped) throw report(`gave up waiting for ${what}`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    };
    return bounded(poll(), timeoutMs, () => {
      stopped = true;
      return report(`no ${what} within ${timeoutMs} ms`);
    }).finally(() => { stopped = true; });
  };

  const exited = (timeoutMs = DEFAULT_EXIT_MS): Promise<number | null> =>
    bounded(exit, timeoutMs, () => {
      kill();
      return report(`did not exit within ${timeoutMs} ms (killed)`);
    });

  return {
    child,
    output: () => out,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern, what = `output matching ${pattern}`, timeoutMs) => waitUntil(() => pattern.exec(out), what, timeoutMs),
    waitUntil,
    waitForLog: (msg, timeoutMs) => waitUntil(() => logRecord(stdout, msg), `log line "${msg}"`, timeoutMs),
    exited,
    stop: (signal = 'SIGTERM', timeoutMs) => {
      if (!done) child.kill(signal);
      return exited(timeoutMs);
    },
    kill,
  };
}

/** `prow <args>` through bin/prow. */
export function spawnProw(args: string[], opts: SpawnOptions = {}): CliProcess {
  return spawnCli(process.execPath, [PROW_BIN, ...args], { name: `prow ${args[0] ?? ''}`, ...opts });
}

/** One subcommand module, src/cli/<name>.ts, without bin/prow loading the others. */
export function spawnCommand(name: string, flags: string[], opts: SpawnOptions = {}): CliProcess {
  return spawnCli(process.execPath, commandArgs(name, ...flags), { name: `prow ${name}`, ...opts });
}

function logRecord(stdout: string, msg: string): Record<string, unknown> | undefined {
  const lines = stdout.split('\n');
  lines.pop(); // the last piece is not a whole line yet
  for (const line of lines) {
    if (!line.includes(msg)) continue;
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record.msg === msg) return record;
    } catch {
      // not a JSON log line
    }
  }
  return undefined;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`, which then fails with its output). */
export function runCli(command: string, args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) {
        reject(new Error(`${args.join(' ')}: did not finish within ${timeoutMs} ms (killed); its output:\n${stdout}${stderr}`));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** GET `url` as text, failing after `timeoutMs` rather than waiting on a server that never answers. */
export async function getText(url: string, timeoutMs = 10_000): Promise<string> {
  return (await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })).text();
}

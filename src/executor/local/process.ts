// Process supervision for the local executor: the job runs as its own process group under a tiny `sh`
// wrapper, and a later process tells a live run from a dead one by pid plus process start time.
// Timeout and abort follow entrypoint (pkg/entrypoint/run.go): SIGINT/SIGTERM to the group, then SIGKILL
// after the grace period.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';

// The wrapper keeps the exit code even when the controller is gone. Trapping INT/TERM (rather than
// ignoring them) leaves the job's own handlers at their defaults while the shell outlives the job.
// It records its pid first, so a run whose controller died right after the spawn can still be found.
const WRAPPER = 'd=$1; shift; echo $$ > "$d/pid"; trap : INT TERM; "$@"; c=$?; echo "$c" > "$d/exit-code.tmp" && mv "$d/exit-code.tmp" "$d/exit-code"';

interface SpawnedJob {
  /** The wrapper's pid, which is also the process group id; undefined when the spawn failed. */
  pid: number | undefined;
  /** Resolves when the wrapper exits (never, when the spawn failed). */
  exited: Promise<void>;
  /** The spawn error, once the error event has arrived. */
  error(): Error | undefined;
}

/**
 * Starts `argv` in a new process group with stdout and stderr appended to `logFile`. The wrapper writes
 * `<stateDir>/pid` at once and `<stateDir>/exit-code` when the job ends. The child is unref'd: the job
 * outlives a controller that stops, and the next one re-attaches.
 */
export function spawnJob(o: { stateDir: string; argv: string[]; cwd: string; env: Record<string, string>; logFile: string }): SpawnedJob {
  const fd = openSync(o.logFile, 'a');
  let child;
  try {
    child = spawn('/bin/sh', ['-c', WRAPPER, 'prow-entrypoint', o.stateDir, ...o.argv], {
      cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined) child.unref();
  return { pid: child.pid, exited, error: () => spawnError };
}

export function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined; // the wrapper never started
  }
}

export function readExitCode(file: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined; // no file: the wrapper never got to write it
  }
}

/** Field 22 of /proc/<pid>/stat; undefined off Linux or when the process is gone. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function isSameProcess(pid: number, procStart: string | undefined): boolean {
  if (existsSync('/proc/self/stat')) {
    if (procStart === undefined) return false; // it was gone already when we looked it up
    const current = procStartTime(pid);
    if (current === undefined) return false;
    // A zombie (exited, not yet reaped by its parent) counts as gone.
    return current === procStart && !isZombie(pid);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * Whether any process of the group still runs. Zombies do not count: killed members can wait a while for
 * init to reap them, and kill(-pgid, 0) still finds those.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (!existsSync('/proc/self/stat')) return true;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[2] === String(pgid) && fields[0] !== 'Z') return true;
  }
  return false;
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Waits up to `ms` for the group to exit, then SIGKILLs what is left. */
export async function waitOrKillGroup(pgid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
}

// The local executor's run state: one workspace per ProwJob, `<dataDir>/workspaces/<pj name>`, holding
// run.json (everything a later process needs to re-attach), the wrapper's pid and exit-code files, the
// clone and the job's $ARTIFACTS. run.json is replaced atomically, so a reader never sees a torn one.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutorStatus } from '../types.js';

type RunPhase = 'cloning' | 'running' | 'finished';

export interface RunState {
  name: string;
  job: string;
  buildId: string;
  buildDir: string;
  /** Where build-log.txt is written: the artifact store's own file, or the workspace. */
  logFile: string;
  phase: RunPhase;
  createdAt: string;
  startedAt?: string;
  pid?: number;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  procStart?: string;
  timeoutMs: number;
  graceMs: number;
  interrupt?: { reason: 'timeout' | 'abort'; at: string };
  outcome?: 'succeeded' | 'failed' | 'unknown';
  reason?: string;
  exitCode?: number;
  finishedAt?: string;
}

export interface RunFiles {
  root: string;
  workspace(name: string): string;
  pidFile(name: string): string;
  exitFile(name: string): string;
  /** The job's $ARTIFACTS. */
  artifactsDir(name: string): string;
  read(name: string): Promise<RunState | undefined>;
  write(state: RunState): Promise<void>;
}

export function runFiles(dataDir: string): RunFiles {
  const root = join(dataDir, 'workspaces');
  const workspace = (name: string): string => join(root, checkName(name));
  const stateFile = (name: string): string => join(workspace(name), 'run.json');
  return {
    root,
    workspace,
    pidFile: (name) => join(workspace(name), 'pid'),
    exitFile: (name) => join(workspace(name), 'exit-code'),
    artifactsDir: (name) => join(workspace(name), 'artifacts'),
    async read(name) {
      try {
        return JSON.parse(await readFile(stateFile(name), 'utf8')) as RunState;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async write(state) {
      const file = stateFile(state.name);
      await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
      await rename(`${file}.tmp`, file);
    },
  };
}

export function toStatus(state: RunState): ExecutorStatus {
  const status: ExecutorStatus = {
    phase: state.phase === 'cloning' ? 'pending' : state.phase === 'running' ? 'running' : state.outcome ?? 'unknown',
    createdAt: state.createdAt,
    buildId: state.buildId,
  };
  if (state.startedAt) status.startedAt = state.startedAt;
  if (state.finishedAt) status.finishedAt = state.finishedAt;
  if (state.reason) status.reason = state.reason;
  if (state.exitCode !== undefined) status.exitCode = state.exitCode;
  if (state.interrupt) status.interrupted = state.interrupt.reason;
  return status;
}

/** A ProwJob name that can name a workspace directory. */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

function checkName(name: string): string {
  if (!isValidName(name)) throw new Error(`invalid ProwJob name for a workspace: ${JSON.stringify(name)}`);
  return name;
}

// The local executor: each ProwJob runs as a process group on this machine, in a workspace
// `<dataDir>/workspaces/<pj name>`. The pod spec's first container gives the command (its image is not
// used). The job wrapper (job-wrapper.ts) does what the pod utilities do around it; this file keeps the
// runs' state machine: start, status, timeout and abort, re-attaching to runs an earlier process started,
// and finishing each run exactly once.
//
// Restart safety: the job process writes its output straight to the log file and its exit code to a
// file through a tiny `sh` wrapper (process.ts), and run.json records the process group and the process
// start time. A new controller process can therefore tell a live run from a dead one, and finish the
// bookkeeping.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProwJob } from '../../api/prowjob.js';
import { TerminalError } from '../../api/terminal-error.js';
import type { ArtifactStore } from '../../artifacts/types.js';
import { formatDuration } from '../../go/duration.js';
import type { Logger } from '../../observability/logger.js';
import { prowJobFields } from '../../observability/prowjob-fields.js';
import { BUILD_LOG_FILE } from '../../podutils/paths.js';
import { uploadProwJob } from '../../podutils/upload.js';
import type { Executor, ExecutorStatus, RunInfo, RunRef, StartContext } from '../types.js';
import { planRun, runJob, uploadRunEnd, type JobWrapperDeps, type RunEnd, type RunHooks } from './job-wrapper.js';
import { groupAlive, isSameProcess, killGroup, procStartTime, readExitCode, readPid, waitOrKillGroup } from './process.js';
import { createLocalRunLogs } from './run-logs.js';
import { isValidName, runFiles, toStatus, type RunState } from './run-state.js';

export interface LocalExecutorDeps {
  /** Workspaces go in `<dataDir>/workspaces/`. */
  dataDir: string;
  artifacts: ArtifactStore;
  log: Logger;
  /** Passed to clonerefs (tests shorten upstream's 63 s of fetch retries). */
  fetchRetryDelaysMs?: readonly number[];
  /** Extra environment for clonerefs' git commands (demo mode maps github.com to local repositories with url.insteadOf). */
  gitEnv?: Record<string, string>;
  /** How often a re-attached run (not our child) is checked for exit. Default 1 s. */
  reattachPollMs?: number;
  now?: () => Date;
}

export function createLocalExecutor(deps: LocalExecutorDeps): Executor {
  const files = runFiles(deps.dataDir);
  const now = deps.now ?? (() => new Date());
  const log = deps.log;
  const wrapper: JobWrapperDeps = {
    artifacts: deps.artifacts, files, log, now,
    ...(deps.fetchRetryDelaysMs ? { fetchRetryDelaysMs: deps.fetchRetryDelaysMs } : {}),
    ...(deps.gitEnv ? { gitEnv: deps.gitEnv } : {}),
  };
  const listeners = new Set<(name: string) => void>();
  /** Runs this process is driving (cloning, or a child it spawned). */
  const active = new Map<string, { abort: AbortController; timers: NodeJS.Timeout[]; done: Promise<void> }>();
  /** Re-attached runs (children of an earlier process), watched by polling. */
  const watched = new Map<string, NodeJS.Timeout[]>();
  const finalizing = new Map<string, Promise<RunState>>();
  let closed = false;

  const emit = (name: string): void => {
    for (const l of listeners) {
      try {
        l(name);
      } catch (err) {
        log.error({ err, prowjob: name }, 'executor change listener failed');
      }
    }
  };

  async function start(pj: ProwJob, ctx: StartContext): Promise<void> {
    const name = pj.metadata.name;
    if (!isValidName(name)) throw new TerminalError(name, `metadata.name ${JSON.stringify(name)} cannot name a workspace directory`);
    const plan = planRun(pj, ctx.buildId);
    await mkdir(files.root, { recursive: true });
    try {
      await mkdir(files.workspace(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return; // started before: the run is found by name
      throw err;
    }
    const logPath = `${plan.buildDir}/${BUILD_LOG_FILE}`;
    const state: RunState = {
      name, job: pj.spec.job, buildId: ctx.buildId, buildDir: plan.buildDir,
      logFile: deps.artifacts.localPath?.(logPath) ?? join(files.workspace(name), BUILD_LOG_FILE),
      phase: 'cloning', createdAt: now().toISOString(), timeoutMs: plan.timeoutMs, graceMs: plan.graceMs,
    };
    await files.write(state);
    const withBuild: ProwJob = { ...pj, status: { ...pj.status, build_id: ctx.buildId } };
    await uploadProwJob(deps.artifacts, plan.buildDir, withBuild);
    const abort = new AbortController();
    const entry = { abort, timers: [] as NodeJS.Timeout[], done: Promise.resolve() };
    active.set(name, entry);
    const hooks: RunHooks = {
      closing: () => closed,
      spawned: async (running) => {
        await files.write(running);
        emit(name);
        log.info({ prowjob: name, pid: running.pid }, 'job process started');
        armTimeout(running);
      },
      finish: (end) => finish(name, end),
      exited: () => finalize(name),
    };
    entry.done = runJob(wrapper, withBuild, state, plan, abort.signal, hooks).catch(async (err: unknown) => {
      log.error({ err, ...prowJobFields(withBuild) }, 'local run failed');
      await finish(name, { outcome: 'unknown', reason: `executor error: ${(err as Error).message}` }).catch(() => undefined);
    });
    log.info(prowJobFields(withBuild), 'local run created');
  }

  /** Timeout → SIGINT to the group; grace later → SIGKILL (entrypoint semantics). */
  function armTimeout(state: RunState): void {
    const timers = active.get(state.name)?.timers ?? watched.get(state.name);
    if (!timers || state.startedAt === undefined) return;
    const due = Date.parse(state.startedAt) + state.timeoutMs - now().getTime();
    const t = setTimeout(() => void interrupt(state.name, 'timeout', 'SIGINT').catch((err: unknown) => log.error({ err }, 'timeout failed')), Math.max(0, due));
    t.unref();
    timers.push(t);
  }

  async function interrupt(name: string, reason: 'timeout' | 'abort', signal: NodeJS.Signals): Promise<void> {
    const state = await files.read(name);
    if (!state || state.phase !== 'running' || state.pid === undefined) return;
    if (!state.interrupt) {
      state.interrupt = { reason, at: now().toISOString() };
      await files.write(state);
    }
    log.info({ prowjob: name, reason, signal }, 'interrupting job');
    // entrypoint notes the interruption in the process log
    const line = reason === 'timeout' ? `Process did not finish before ${formatDuration(state.timeoutMs)} timeout` : 'Entrypoint received interrupt: aborted';
    await appendFile(state.logFile, `\n${line}\n`).catch(() => undefined);
    killGroup(state.pid, signal);
    const timers = active.get(name)?.timers ?? watched.get(name);
    const t = setTimeout(() => { if (groupAlive(state.pid!)) killGroup(state.pid!, 'SIGKILL'); }, state.graceMs);
    t.unref();
    timers?.push(t);
  }

  /** Records the end of a run once, from its exit code. Safe to call from any process. */
  function finalize(name: string): Promise<RunState> {
    let p = finalizing.get(name);
    if (!p) {
      p = (async () => {
        const state = await files.read(name);
        if (!state) throw new Error(`no run state for ${name}`);
        if (state.phase === 'finished') return state;
        const code = readExitCode(files.exitFile(name));
        if (state.pid !== undefined && groupAlive(state.pid)) killGroup(state.pid, 'SIGKILL'); // stragglers left behind by the job
        return finish(name, endOf(state, code));
      })().finally(() => finalizing.delete(name));
      finalizing.set(name, p);
    }
    return p;
  }

  async function finish(name: string, end: RunEnd): Promise<RunState> {
    const state = await files.read(name);
    if (!state) throw new Error(`no run state for ${name}`);
    if (state.phase === 'finished') return state;
    const finishedAt = now();
    await uploadRunEnd(wrapper, state, end, finishedAt);
    const done: RunState = { ...state, phase: 'finished', outcome: end.outcome, reason: end.reason, finishedAt: finishedAt.toISOString() };
    if (end.exitCode !== undefined) done.exitCode = end.exitCode;
    await files.write(done);
    stopTimers(name);
    log.info({ prowjob: name, outcome: end.outcome, exit_code: end.exitCode }, 'local run finished');
    emit(name);
    return done;
  }

  function stopTimers(name: string): void {
    for (const t of active.get(name)?.timers ?? []) clearTimeout(t);
    for (const t of watched.get(name) ?? []) clearTimeout(t);
    watched.delete(name);
  }

  /** A run left by an earlier process: watch for its exit and re-arm its timeout. */
  function reattach(state: RunState): void {
    if (closed || active.has(state.name) || watched.has(state.name)) return;
    const timers: NodeJS.Timeout[] = [];
    watched.set(state.name, timers);
    log.info({ prowjob: state.name, pid: state.pid }, 're-attached to a running job');
    if (state.interrupt && state.pid !== undefined) {
      const due = Date.parse(state.interrupt.at) + state.graceMs - now().getTime();
      const t = setTimeout(() => { if (groupAlive(state.pid!)) killGroup(state.pid!, 'SIGKILL'); }, Math.max(0, due));
      t.unref();
      timers.push(t);
    } else {
      armTimeout(state);
    }
    const poll = setInterval(() => {
      if (state.pid !== undefined && isSameProcess(state.pid, state.procStart)) return;
      clearInterval(poll);
      void finalize(state.name).catch((err: unknown) => log.error({ err, prowjob: state.name }, 'finalize failed'));
    }, deps.reattachPollMs ?? 1000);
    poll.unref();
    timers.push(poll as unknown as NodeJS.Timeout);
  }

  async function statusByName(name: string): Promise<ExecutorStatus> {
    let state = await files.read(name);
    if (!state) {
      return existsSync(files.workspace(name)) ? { phase: 'unknown', reason: 'The run workspace has no run state.' } : { phase: 'missing' };
    }
    if (state.phase === 'cloning' && !active.has(name)) {
      const pid = readPid(files.pidFile(name));
      if (pid === undefined) {
        state = await finish(name, { outcome: 'unknown', reason: 'The executor restarted while cloning refs.' });
      } else {
        // The controller died between spawning the job and recording it: adopt the process.
        state = { ...state, phase: 'running', pid, procStart: procStartTime(pid), startedAt: state.createdAt };
        await files.write(state);
      }
    }
    if (state.phase === 'running') {
      const alive = state.pid !== undefined && isSameProcess(state.pid, state.procStart);
      if (alive) {
        if (!active.has(name)) reattach(state);
      } else if (!active.has(name)) {
        state = await finalize(name);
      }
    }
    return toStatus(state);
  }

  return {
    start,
    status: (pj) => (isValidName(pj.metadata.name) ? statusByName(pj.metadata.name) : Promise.resolve({ phase: 'missing' })),

    async abort(pj) {
      const name = pj.metadata.name;
      const state = await files.read(name);
      if (!state || state.phase === 'finished') return;
      if (state.phase === 'cloning') {
        await files.write({ ...state, interrupt: { reason: 'abort', at: now().toISOString() } });
        const entry = active.get(name);
        if (entry) {
          entry.abort.abort();
          await entry.done;
        } else {
          await finish(name, { outcome: 'failed', reason: 'Aborted.' });
        }
        return;
      }
      if (state.pid === undefined) return;
      if (!isSameProcess(state.pid, state.procStart) && !groupAlive(state.pid)) {
        await finalize(name);
        return;
      }
      await interrupt(name, 'abort', 'SIGTERM');
      await waitOrKillGroup(state.pid, state.graceMs + 2000);
      const entry = active.get(name);
      if (entry) await entry.done;
      else await finalize(name);
    },

    logs: createLocalRunLogs({ files }),

    async cleanup(run: RunRef) {
      const { name } = run;
      const state = await files.read(name).catch(() => undefined);
      if (state?.phase === 'running' && state.pid !== undefined && isSameProcess(state.pid, state.procStart)) {
        killGroup(state.pid, 'SIGKILL');
      }
      active.get(name)?.abort.abort();
      stopTimers(name);
      await rm(files.workspace(name), { recursive: true, force: true });
    },

    async listRuns() {
      let names: string[];
      try {
        names = await readdir(files.root);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const out: RunInfo[] = [];
      for (const name of names.sort()) out.push({ name, ...(await statusByName(name)) });
      return out;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      closed = true;
      // Clones in flight stop as they would if this process exited; started jobs keep running.
      for (const entry of active.values()) entry.abort.abort();
      for (const name of [...active.keys(), ...watched.keys()]) stopTimers(name);
      for (const entry of active.values()) for (const t of entry.timers) clearTimeout(t);
      listeners.clear();
    },
  };
}

/** How a run whose process exited ended: an interrupt wins over the exit code (entrypoint's 127/130). */
function endOf(state: RunState, code: number | undefined): RunEnd {
  if (state.interrupt?.reason === 'timeout') {
    return { outcome: 'failed', reason: `Process did not finish before ${formatDuration(state.timeoutMs)} timeout`, exitCode: code };
  }
  if (state.interrupt?.reason === 'abort') return { outcome: 'failed', reason: 'Aborted.', exitCode: code };
  if (code === undefined) return { outcome: 'unknown', reason: 'The job process ended without recording an exit code.' };
  return { outcome: code === 0 ? 'succeeded' : 'failed', reason: code === 0 ? 'Job succeeded.' : `Exit code ${code}.`, exitCode: code };
}

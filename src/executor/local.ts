// The local executor: each ProwJob runs as a process group on this machine, in a workspace
// `<dataDir>/workspaces/<pj name>`. The pod spec's first container gives the command (its image is not
// used). Steps follow the pod utilities (reference/lifecycle-spec.md §2): clonerefs, started.json, the
// command with entrypoint's timeout/grace, then finished.json and artifacts.
//
// Restart safety: the job process writes its output straight to the log file and its exit code to a
// file through a tiny `sh` wrapper, and run.json records the process group and the process start time.
// A new controller process can therefore tell a live run from a dead one, and finish the bookkeeping.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { Logger } from '../observability/logger.js';
import type { ProwJob, Refs } from '../api/prowjob.js';
import { refsString } from '../api/prowjob.js';
import type { ArtifactStore } from '../artifacts/types.js';
import { envForSpec, jobSpecForProwJob, newJobSpec } from '../api/jobspec.js';
import { aliasForSpec, latestBuildForSpec, parseBucket, pathsForJob, type RepoPathBuilder } from '../api/storage-path.js';
import { cloneFailed, cloneRefs, formatCloneRecords, pathForRefs, type CloneRecord } from '../git/clonerefs.js';
import { formatDuration } from '../go/duration.js';
import { parseGoDurationMs } from '../go/duration.js';
import { TerminalError } from '../api/terminal-error.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import type { Executor, ExecutorStatus, LogRange, RunInfo, RunRef, StartContext } from './types.js';

export const DEFAULT_TIMEOUT_MS = 2 * 60 * 60 * 1000;
export const DEFAULT_GRACE_MS = 15 * 1000;

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

type RunPhase = 'cloning' | 'running' | 'finished';

/** `<workspace>/run.json`: everything a later process needs to re-attach. */
interface RunState {
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

// The wrapper keeps the exit code even when the controller is gone. Trapping INT/TERM (rather than
// ignoring them) leaves the job's own handlers at their defaults while the shell outlives the job.
// It records its pid first, so a run whose controller died right after the spawn can still be found.
const WRAPPER = 'd=$1; shift; echo $$ > "$d/pid"; trap : INT TERM; "$@"; c=$?; echo "$c" > "$d/exit-code.tmp" && mv "$d/exit-code.tmp" "$d/exit-code"';

export function createLocalExecutor(deps: LocalExecutorDeps): Executor {
  const root = join(deps.dataDir, 'workspaces');
  const now = deps.now ?? (() => new Date());
  const log = deps.log;
  const listeners = new Set<(name: string) => void>();
  /** Runs this process is driving (cloning, or a child it spawned). */
  const active = new Map<string, { abort: AbortController; timers: NodeJS.Timeout[]; done: Promise<void> }>();
  /** Re-attached runs (children of an earlier process), watched by polling. */
  const watched = new Map<string, NodeJS.Timeout[]>();
  const finalizing = new Map<string, Promise<RunState>>();
  let closed = false;

  const ws = (name: string): string => join(root, checkName(name));
  const stateFile = (name: string): string => join(ws(name), 'run.json');
  const exitFile = (name: string): string => join(ws(name), 'exit-code');

  const emit = (name: string): void => {
    for (const l of listeners) {
      try {
        l(name);
      } catch (err) {
        log.error({ err, prowjob: name }, 'executor change listener failed');
      }
    }
  };

  async function readState(name: string): Promise<RunState | undefined> {
    try {
      return JSON.parse(await readFile(stateFile(name), 'utf8')) as RunState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async function writeState(state: RunState): Promise<void> {
    const file = stateFile(state.name);
    await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
    await rename(`${file}.tmp`, file);
  }

  async function putJson(path: string, value: unknown, indent: string | number = 0): Promise<void> {
    await deps.artifacts.put(path, JSON.stringify(value, null, indent || undefined));
  }

  async function start(pj: ProwJob, ctx: StartContext): Promise<void> {
    const name = pj.metadata.name;
    if (!isValidName(name)) throw new TerminalError(name, `metadata.name ${JSON.stringify(name)} cannot name a workspace directory`);
    const container = pj.spec.pod_spec?.containers?.[0];
    if (!container) throw new TerminalError(name, 'spec.pod_spec.containers is empty: nothing to run');
    const argv = [...(container.command ?? []), ...(container.args ?? [])];
    if (argv.length === 0) {
      throw new TerminalError(name, `container ${container.name ?? '0'} has no command: the local executor does not run images, it needs command/args`);
    }
    let timeoutMs: number;
    let graceMs: number;
    try {
      timeoutMs = parseGoDurationMs(pj.spec.decoration_config?.timeout) || DEFAULT_TIMEOUT_MS;
      graceMs = parseGoDurationMs(pj.spec.decoration_config?.grace_period) || DEFAULT_GRACE_MS;
    } catch (err) {
      throw new TerminalError(name, `decoration_config: ${(err as Error).message}`, { cause: err });
    }
    let buildDir: string;
    try {
      const spec = newJobSpec(pj.spec, ctx.buildId, name);
      // Undecorated jobs have no gcs_configuration: lay them out as `explicit` (always org_repo).
      const gcs = pj.spec.decoration_config?.gcs_configuration ?? {};
      const layout = gcs.path_strategy ? gcs : { ...gcs, path_strategy: 'explicit' };
      buildDir = pathsForJob(layout, spec).jobBasePath.replace(/^\/+/, '');
      envForSpec(spec, pj.spec.agent); // refuses refs the env contract cannot describe (a presubmit without pulls)
    } catch (err) {
      throw new TerminalError(name, (err as Error).message, { cause: err });
    }
    await mkdir(root, { recursive: true });
    try {
      await mkdir(ws(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return; // started before: the run is found by name
      throw err;
    }
    const logPath = `${buildDir}/build-log.txt`;
    const state: RunState = {
      name, job: pj.spec.job, buildId: ctx.buildId, buildDir,
      logFile: deps.artifacts.localPath?.(logPath) ?? join(ws(name), 'build-log.txt'),
      phase: 'cloning', createdAt: now().toISOString(), timeoutMs, graceMs,
    };
    await writeState(state);
    const withBuild: ProwJob = { ...pj, status: { ...pj.status, build_id: ctx.buildId } };
    await putJson(`${buildDir}/prowjob.json`, withBuild, '\t');
    const abort = new AbortController();
    const entry = { abort, timers: [] as NodeJS.Timeout[], done: Promise.resolve() };
    active.set(name, entry);
    entry.done = run(withBuild, state, argv, container.env ?? [], abort.signal).catch(async (err: unknown) => {
      log.error({ err, ...prowJobFields(withBuild) }, 'local run failed');
      await finish(name, { outcome: 'unknown', reason: `executor error: ${(err as Error).message}` }).catch(() => undefined);
    });
    log.info(prowJobFields(withBuild), 'local run created');
  }

  async function run(pj: ProwJob, state: RunState, argv: string[], containerEnv: Array<{ name: string; value?: string }>, signal: AbortSignal): Promise<void> {
    const name = state.name;
    const allRefs: Refs[] = [...(pj.spec.refs ? [pj.spec.refs] : []), ...(pj.spec.extra_refs ?? [])];
    const workspace = ws(name);
    let records: CloneRecord[] | undefined;
    if (allRefs.length > 0 && pj.spec.decoration_config?.skip_cloning !== true) {
      records = await cloneRefs({ srcRoot: workspace, refs: allRefs, fetchRetryDelaysMs: deps.fetchRetryDelaysMs, env: deps.gitEnv, signal });
      if (closed) return; // close() cut the clone short: the next process reports the run as lost
      await putJson(`${state.buildDir}/clone-records.json`, records);
      await deps.artifacts.put(`${state.buildDir}/clone-log.txt`, formatCloneRecords(records));
    }
    await putJson(`${state.buildDir}/started.json`, startedJson(pj, records, now()));
    await writeIndexFiles(pj, state);
    if (signal.aborted) {
      await finish(name, { outcome: 'failed', reason: 'Aborted before the test started.' });
      return;
    }
    if (records && cloneFailed(records)) {
      await mkdir(dirname(state.logFile), { recursive: true });
      await writeFile(state.logFile, formatCloneRecords(records));
      await finish(name, { outcome: 'failed', reason: 'Cloning refs failed.' });
      return;
    }
    const workRef = allRefs.find((r) => r.workdir) ?? allRefs[0];
    const cwd = workRef && records ? pathForRefs(workspace, workRef) : workspace;
    const artifactsDir = join(workspace, 'artifacts');
    await mkdir(artifactsDir, { recursive: true });
    await mkdir(dirname(state.logFile), { recursive: true });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? workspace,
    };
    for (const e of containerEnv) {
      if (e.value !== undefined) env[e.name] = e.value;
      else log.warn({ prowjob: name, env: e.name }, 'env valueFrom is not supported by the local executor: variable left unset');
    }
    Object.assign(env, envForSpec(jobSpecForProwJob(pj), pj.spec.agent), { ARTIFACTS: artifactsDir });
    if (records) env.GOPATH = workspace;

    if (closed) return; // this process is going away: the next one reports the run as lost
    const fd = openSync(state.logFile, 'a');
    let child;
    try {
      child = spawn('/bin/sh', ['-c', WRAPPER, 'prow-entrypoint', workspace, ...argv], {
        cwd, env, detached: true, stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    let spawnError: Error | undefined;
    child.once('error', (err) => {
      spawnError = err;
      log.warn({ err, prowjob: name }, 'job process error');
    });
    const pid = child.pid;
    if (pid === undefined) {
      await new Promise((r) => setImmediate(r)); // let the error event arrive
      await finish(name, { outcome: 'failed', reason: `could not start the job: ${spawnError?.message ?? 'no pid'}` });
      return;
    }
    child.unref(); // the job outlives a controller that stops; the next one re-attaches
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const running: RunState = { ...state, phase: 'running', pid, procStart: procStartTime(pid), startedAt: now().toISOString() };
    await writeState(running);
    emit(name);
    log.info({ prowjob: name, pid }, 'job process started');
    armTimeout(running);
    await exited;
    if (closed) return; // a closed executor leaves the bookkeeping to the next process, which re-attaches
    await finalize(name);
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
    const state = await readState(name);
    if (!state || state.phase !== 'running' || state.pid === undefined) return;
    if (!state.interrupt) {
      state.interrupt = { reason, at: now().toISOString() };
      await writeState(state);
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

  /** Records the end of a run once: exit code, finished.json, artifacts. Safe to call from any process. */
  function finalize(name: string): Promise<RunState> {
    let p = finalizing.get(name);
    if (!p) {
      p = (async () => {
        const state = await readState(name);
        if (!state) throw new Error(`no run state for ${name}`);
        if (state.phase === 'finished') return state;
        const code = readExitCode(exitFile(name));
        if (state.pid !== undefined && groupAlive(state.pid)) killGroup(state.pid, 'SIGKILL'); // stragglers left behind by the job
        let outcome: RunState['outcome'];
        let reason: string;
        if (state.interrupt?.reason === 'timeout') {
          outcome = 'failed';
          reason = `Process did not finish before ${formatDuration(state.timeoutMs)} timeout`;
        } else if (state.interrupt?.reason === 'abort') {
          outcome = 'failed';
          reason = 'Aborted.';
        } else if (code === undefined) {
          outcome = 'unknown';
          reason = 'The job process ended without recording an exit code.';
        } else {
          outcome = code === 0 ? 'succeeded' : 'failed';
          reason = code === 0 ? 'Job succeeded.' : `Exit code ${code}.`;
        }
        return finish(name, { outcome, reason, exitCode: code });
      })().finally(() => finalizing.delete(name));
      finalizing.set(name, p);
    }
    return p;
  }

  async function finish(name: string, end: { outcome: NonNullable<RunState['outcome']>; reason: string; exitCode?: number }): Promise<RunState> {
    const state = await readState(name);
    if (!state) throw new Error(`no run state for ${name}`);
    if (state.phase === 'finished') return state;
    const workspace = ws(name);
    if (!deps.artifacts.localPath && existsSync(state.logFile)) {
      await deps.artifacts.put(`${state.buildDir}/build-log.txt`, await readFile(state.logFile));
    }
    let metadata: Record<string, unknown> | undefined;
    const artifactsDir = join(workspace, 'artifacts');
    for (const file of await listFiles(artifactsDir)) {
      const rel = relative(artifactsDir, file).split(sep).join('/');
      const data = await readFile(file);
      await deps.artifacts.put(`${state.buildDir}/artifacts/${rel}`, data);
      if (rel === 'metadata.json') {
        try {
          metadata = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        } catch (err) {
          metadata = { 'sidecar-errors': [`metadata.json: ${(err as Error).message}`] };
        }
      }
    }
    const pj = await readProwJobJson(state);
    const finishedAt = now();
    const aborted = state.interrupt?.reason === 'abort';
    const passed = end.outcome === 'succeeded';
    const finished: Record<string, unknown> = {
      timestamp: Math.floor(finishedAt.getTime() / 1000),
      passed,
      result: aborted ? 'ABORTED' : passed ? 'SUCCESS' : 'FAILURE',
    };
    if (metadata) finished.metadata = metadata;
    const revision = pj ? revisionOf(pj) : undefined;
    if (revision) finished.revision = revision;
    await putJson(`${state.buildDir}/finished.json`, finished);
    const done: RunState = { ...state, phase: 'finished', outcome: end.outcome, reason: end.reason, finishedAt: finishedAt.toISOString() };
    if (end.exitCode !== undefined) done.exitCode = end.exitCode;
    await writeState(done);
    stopTimers(name);
    log.info({ prowjob: name, outcome: end.outcome, exit_code: end.exitCode }, 'local run finished');
    emit(name);
    return done;
  }

  /** What initupload writes beside the build dir: latest-build.txt files and, for presubmits, the directory alias. */
  async function writeIndexFiles(pj: ProwJob, state: RunState): Promise<void> {
    const gcs = pj.spec.decoration_config?.gcs_configuration ?? {};
    const layout = gcs.path_strategy ? gcs : { ...gcs, path_strategy: 'explicit' };
    const spec = newJobSpec(pj.spec, state.buildId, state.name);
    const { builder } = pathsForJob(layout, spec) as { builder: RepoPathBuilder };
    for (const latest of latestBuildForSpec(spec, builder)) await deps.artifacts.put(latest, state.buildId);
    const alias = aliasForSpec(spec);
    if (alias) {
      const bucket = gcs.bucket ? parseBucket(gcs.bucket) : undefined;
      await deps.artifacts.put(alias, bucket ? `${bucket.provider}://${bucket.fullPath}/${state.buildDir}` : state.buildDir);
    }
  }

  async function readProwJobJson(state: RunState): Promise<ProwJob | undefined> {
    const raw = await deps.artifacts.get(`${state.buildDir}/prowjob.json`);
    return raw ? (JSON.parse(raw.toString('utf8')) as ProwJob) : undefined;
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
    let state = await readState(name);
    if (!state) {
      return existsSync(ws(name)) ? { phase: 'unknown', reason: 'The run workspace has no run state.' } : { phase: 'missing' };
    }
    if (state.phase === 'cloning' && !active.has(name)) {
      const pid = readPid(join(ws(name), 'pid'));
      if (pid === undefined) {
        state = await finish(name, { outcome: 'unknown', reason: 'The executor restarted while cloning refs.' });
      } else {
        // The controller died between spawning the job and recording it: adopt the process.
        state = { ...state, phase: 'running', pid, procStart: procStartTime(pid), startedAt: state.createdAt };
        await writeState(state);
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

  function toStatus(state: RunState): ExecutorStatus {
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

  async function logFileFor(pj: ProwJob): Promise<string | undefined> {
    const state = await readState(pj.metadata.name);
    return state && existsSync(state.logFile) ? state.logFile : undefined;
  }

  return {
    start,
    status: (pj) => (isValidName(pj.metadata.name) ? statusByName(pj.metadata.name) : Promise.resolve({ phase: 'missing' })),

    async abort(pj) {
      const name = pj.metadata.name;
      const state = await readState(name);
      if (!state || state.phase === 'finished') return;
      if (state.phase === 'cloning') {
        await writeState({ ...state, interrupt: { reason: 'abort', at: now().toISOString() } });
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
      const deadline = Date.now() + state.graceMs + 2000;
      while (groupAlive(state.pid) && Date.now() < deadline) await sleep(25);
      if (groupAlive(state.pid)) killGroup(state.pid, 'SIGKILL');
      const entry = active.get(name);
      if (entry) await entry.done;
      else await finalize(name);
    },

    async readLog(pj, range) {
      const file = await logFileFor(pj);
      return file ? text(rangeStream(file, range)) : undefined;
    },

    async logStream(pj, range) {
      const file = await logFileFor(pj);
      return file ? rangeStream(file, range) : undefined;
    },

    async cleanup(run: RunRef) {
      const { name } = run;
      const state = await readState(name).catch(() => undefined);
      if (state?.phase === 'running' && state.pid !== undefined && isSameProcess(state.pid, state.procStart)) {
        killGroup(state.pid, 'SIGKILL');
      }
      active.get(name)?.abort.abort();
      stopTimers(name);
      await rm(ws(name), { recursive: true, force: true });
    },

    async listRuns() {
      let names: string[];
      try {
        names = await readdir(root);
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

export function startedJson(pj: ProwJob, records: CloneRecord[] | undefined, at: Date): Record<string, unknown> {
  const started: Record<string, unknown> = { timestamp: Math.floor(at.getTime() / 1000) };
  const refs = pj.spec.refs;
  const pull = refs?.pulls?.[0];
  if (pull && pj.spec.type === 'presubmit') started.pull = String(pull.number);
  const repos: Record<string, string> = {};
  for (const r of [...(refs ? [refs] : []), ...(pj.spec.extra_refs ?? [])]) repos[`${r.org}/${r.repo}`] = refsString(r);
  started.repos = repos;
  const main = refs ?? pj.spec.extra_refs?.find((r) => !r.auxiliary);
  let commit: string | undefined;
  if (main && records) commit = records.find((r) => r.refs.org === main.org && r.refs.repo === main.repo)?.final_sha;
  if (!commit && main) commit = main.pulls?.[0]?.sha || main.base_sha || main.base_ref;
  if (commit) {
    started['repo-version'] = commit;
    started['repo-commit'] = commit;
  }
  return started;
}

function revisionOf(pj: ProwJob): string | undefined {
  const refs = pj.spec.refs ?? pj.spec.extra_refs?.[0];
  return refs?.pulls?.[0]?.sha || refs?.base_sha || refs?.base_ref || undefined;
}

function isValidName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

function checkName(name: string): string {
  if (!isValidName(name)) throw new Error(`invalid ProwJob name for a workspace: ${JSON.stringify(name)}`);
  return name;
}

function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined; // the wrapper never started
  }
}

function readExitCode(file: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined; // no file: the wrapper never got to write it
  }
}

/** Field 22 of /proc/<pid>/stat; undefined off Linux or when the process is gone. */
function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isSameProcess(pid: number, procStart: string | undefined): boolean {
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
function groupAlive(pgid: number): boolean {
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

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function rangeStream(file: string, range: LogRange = {}): Readable {
  const start = range.start ?? 0;
  return createReadStream(file, range.end === undefined ? { start } : { start, end: range.end });
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => join((e as { parentPath?: string }).parentPath ?? (e as unknown as { path: string }).path, e.name))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

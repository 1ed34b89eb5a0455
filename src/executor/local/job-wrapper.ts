// The job wrapper: what the pod utilities do around a decorated job (reference/lifecycle-spec.md §2),
// done on this machine. clonerefs checks the refs out into the workspace; initupload uploads the clone
// records, started.json and the index files; entrypoint runs the test command with the downward API env;
// the sidecar uploads $ARTIFACTS and finished.json. The file formats and upload paths are src/podutils'.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { envForSpec, jobSpecForProwJob, newJobSpec } from '../../api/jobspec.js';
import type { EnvVar, ProwJob, Refs } from '../../api/prowjob.js';
import { TerminalError } from '../../api/terminal-error.js';
import type { ArtifactStore } from '../../artifacts/types.js';
import { cloneRefs, pathForRefs } from '../../git/clonerefs.js';
import type { Logger } from '../../observability/logger.js';
import { cloneFailed, formatCloneRecords, type CloneRecord } from '../../podutils/clone-record.js';
import { revisionFromRefs } from '../../podutils/downwardapi.js';
import { cloneFailedFinished, newFinished, newStarted, type Finished } from '../../podutils/metadata.js';
import { buildDirFor, PROWJOB_FILE } from '../../podutils/paths.js';
import {
  uploadArtifactsDir, uploadBuildLog, uploadCloneRecords, uploadFinished, uploadIndexFiles, uploadStarted,
} from '../../podutils/upload.js';
import { parseGoDurationMs } from '../../go/duration.js';
import { procStartTime, spawnJob } from './process.js';
import type { RunFiles, RunState } from './run-state.js';

const DEFAULT_TIMEOUT_MS = 2 * 60 * 60 * 1000;
const DEFAULT_GRACE_MS = 15 * 1000;

export interface JobWrapperDeps {
  artifacts: ArtifactStore;
  files: RunFiles;
  log: Logger;
  now: () => Date;
  fetchRetryDelaysMs?: readonly number[];
  gitEnv?: Record<string, string>;
}

/** What start() takes from the ProwJob; computed before anything is written, so a bad job writes nothing. */
export interface RunPlan {
  argv: string[];
  containerEnv: EnvVar[];
  timeoutMs: number;
  graceMs: number;
  buildDir: string;
}

/** How a run ended. `finished` is written as is (initupload's clone failure) instead of the sidecar's. */
export interface RunEnd {
  outcome: NonNullable<RunState['outcome']>;
  reason: string;
  exitCode?: number;
  finished?: Finished;
}

/** What the wrapper asks of the executor that drives it. */
export interface RunHooks {
  /** This process is going away: leave the run to the next one. */
  closing(): boolean;
  /** The job process runs: record it and arm its timeout. */
  spawned(running: RunState): Promise<void>;
  finish(end: RunEnd): Promise<unknown>;
  /** The job process exited: read its exit code and finish. */
  exited(): Promise<unknown>;
}

/** Checks that the local executor can run the job; what it cannot run is a TerminalError. */
export function planRun(pj: ProwJob, buildId: string): RunPlan {
  const name = pj.metadata.name;
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
    buildDir = buildDirFor(pj, buildId);
    envForSpec(newJobSpec(pj.spec, buildId, name), pj.spec.agent); // refuses refs the env contract cannot describe (a presubmit without pulls)
  } catch (err) {
    throw new TerminalError(name, (err as Error).message, { cause: err });
  }
  return { argv, containerEnv: container.env ?? [], timeoutMs, graceMs, buildDir };
}

/** clonerefs → initupload → the test command; resolves when the command has exited (or the run ended early). */
export async function runJob(deps: JobWrapperDeps, pj: ProwJob, state: RunState, plan: RunPlan, signal: AbortSignal, hooks: RunHooks): Promise<void> {
  const name = state.name;
  const allRefs: Refs[] = [...(pj.spec.refs ? [pj.spec.refs] : []), ...(pj.spec.extra_refs ?? [])];
  const workspace = deps.files.workspace(name);
  let records: CloneRecord[] | undefined;
  if (allRefs.length > 0 && pj.spec.decoration_config?.skip_cloning !== true) {
    records = await cloneRefs({ srcRoot: workspace, refs: allRefs, fetchRetryDelaysMs: deps.fetchRetryDelaysMs, env: deps.gitEnv, signal });
    if (hooks.closing()) return; // close() cut the clone short: the next process reports the run as lost
    await uploadCloneRecords(deps.artifacts, state.buildDir, records);
  }
  await uploadStarted(deps.artifacts, state.buildDir, newStarted(pj.spec.refs, pj.spec.extra_refs, records, deps.now()));
  await uploadIndexFiles(deps.artifacts, pj, state.buildId);
  if (signal.aborted) {
    await hooks.finish({ outcome: 'failed', reason: 'Aborted before the test started.' });
    return;
  }
  if (records && cloneFailed(records)) {
    // initupload: the clone log is the build log, and finished.json says FAILURE; the test never runs.
    await mkdir(dirname(state.logFile), { recursive: true });
    await writeFile(state.logFile, formatCloneRecords(records));
    await hooks.finish({ outcome: 'failed', reason: 'Cloning refs failed.', finished: cloneFailedFinished(deps.now()) });
    return;
  }
  const workRef = allRefs.find((r) => r.workdir) ?? allRefs[0];
  const cwd = workRef && records ? pathForRefs(workspace, workRef) : workspace;
  const artifactsDir = deps.files.artifactsDir(name);
  await mkdir(artifactsDir, { recursive: true });
  await mkdir(dirname(state.logFile), { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? workspace,
  };
  for (const e of plan.containerEnv) {
    if (e.value !== undefined) env[e.name] = e.value;
    else deps.log.warn({ prowjob: name, env: e.name }, 'env valueFrom is not supported by the local executor: variable left unset');
  }
  Object.assign(env, envForSpec(jobSpecForProwJob(pj), pj.spec.agent), { ARTIFACTS: artifactsDir });
  if (records) env.GOPATH = workspace;

  if (hooks.closing()) return; // this process is going away: the next one reports the run as lost
  const job = spawnJob({ stateDir: workspace, argv: plan.argv, cwd, env, logFile: state.logFile });
  if (job.pid === undefined) {
    await new Promise((r) => setImmediate(r)); // let the error event arrive
    deps.log.warn({ err: job.error(), prowjob: name }, 'job process error');
    await hooks.finish({ outcome: 'failed', reason: `could not start the job: ${job.error()?.message ?? 'no pid'}` });
    return;
  }
  await hooks.spawned({ ...state, phase: 'running', pid: job.pid, procStart: procStartTime(job.pid), startedAt: deps.now().toISOString() });
  await job.exited;
  if (hooks.closing()) return; // a closed executor leaves the bookkeeping to the next process, which re-attaches
  await hooks.exited();
}

/**
 * The sidecar's uploads when a run ends: the build log (when the store is not the local directory the job
 * wrote to), $ARTIFACTS, and finished.json with artifacts/metadata.json as its metadata.
 */
export async function uploadRunEnd(deps: JobWrapperDeps, state: RunState, end: RunEnd, finishedAt: Date): Promise<void> {
  if (!deps.artifacts.localPath) {
    const log = await readFile(state.logFile).catch(() => undefined);
    if (log) await uploadBuildLog(deps.artifacts, state.buildDir, log);
  }
  const metadata = await uploadArtifactsDir(deps.artifacts, state.buildDir, deps.files.artifactsDir(state.name));
  if (end.finished) {
    await uploadFinished(deps.artifacts, state.buildDir, end.finished);
    return;
  }
  const raw = await deps.artifacts.get(`${state.buildDir}/${PROWJOB_FILE}`);
  const pj = raw ? (JSON.parse(raw.toString('utf8')) as ProwJob) : undefined;
  const finished = newFinished({
    passed: end.outcome === 'succeeded',
    aborted: state.interrupt?.reason === 'abort',
    at: finishedAt,
    ...(metadata ? { metadata } : {}),
    ...(pj ? { revision: revisionFromRefs(pj.spec.refs, pj.spec.extra_refs) } : {}),
  });
  await uploadFinished(deps.artifacts, state.buildDir, finished);
}

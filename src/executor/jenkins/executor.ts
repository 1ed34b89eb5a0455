// The Executor seam over Jenkins (upstream pkg/jenkins/controller.go and jenkins.go): a run is a Jenkins
// build of the job named by spec.job (folders `a/b` → job/a/job/b), started with buildWithParameters and
// the job's environment contract (PROW_JOB_ID, BUILD_ID, JOB_SPEC, REPO_OWNER, …) as parameters. The build
// is followed through its queue item (Location → executable.number) and found again after a restart by
// its PROW_JOB_ID parameter, in the job's builds or in the queue. Result → phase as upstream maps it:
// building (or no result yet) → running; SUCCESS → succeeded; FAILURE/UNSTABLE → failed; ABORTED → failed
// by abort; still queued → pending. The console log is the progressive text, cached as it grows.
import { Readable } from 'node:stream';
import { envForSpec, jobSpecForProwJob } from '../../api/jobspec.js';
import type { ProwJob } from '../../api/prowjob.js';
import { TerminalError } from '../../api/terminal-error.js';
import type { LogSource } from '../../artifacts/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Executor, ExecutorStatus, RunInfo, RunRef } from '../types.js';
import { buildParameter, jenkinsJobPath, JenkinsNotFoundError, type JenkinsBuild, type JenkinsClient } from './client.js';

export interface JenkinsExecutorDeps {
  client: JenkinsClient;
  log: Logger;
  /** How often live builds are polled for changes (onChange); default 2 s. */
  pollMs?: number;
  /** How long to wait between looks at a job made buildable (upstream 5 s, 10 looks). */
  buildablePollMs?: number;
}

interface Run {
  name: string;
  jobPath: string;
  buildId?: string;
  queueUrl?: string;
  queueId?: number;
  number?: number;
  phase?: ExecutorStatus['phase'];
}

/** Finished builds whose log stays cached (deck re-reads a finished log from Jenkins past this). */
const FINISHED_LOGS_KEPT = 50;
/** Finished runs remembered; older ones are looked up again by PROW_JOB_ID when asked for. */
const FINISHED_RUNS_KEPT = 5000;
const PROW_JOB_ID = 'PROW_JOB_ID';
const BUILD_ID = 'BUILD_ID';

function jobPathOf(pj: ProwJob): string {
  const pull = pj.spec.refs?.pulls?.[0]?.number;
  return jenkinsJobPath(pj.spec.job, {
    githubBranchSource: pj.spec.jenkins_spec?.github_branch_source_job === true && pj.spec.refs !== undefined,
    ...(pull !== undefined ? { pull } : {}),
    ...(pj.spec.refs?.base_ref ? { baseRef: pj.spec.refs.base_ref } : {}),
  });
}

function rfc3339(ms: number | undefined): string | undefined {
  return ms ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

/** Upstream Build.IsRunning / IsSuccess / IsFailure / IsAborted. */
function buildStatus(b: JenkinsBuild): ExecutorStatus {
  const common = {
    externalId: String(b.number),
    ...(b.url ? { url: b.url } : {}),
    ...(buildParameter(b, PROW_JOB_ID) !== undefined && buildParameter(b, BUILD_ID) !== undefined ? { buildId: buildParameter(b, BUILD_ID)! } : {}),
    ...(rfc3339(b.timestamp) ? { startedAt: rfc3339(b.timestamp)!, createdAt: rfc3339(b.timestamp)! } : {}),
  };
  if (b.building || b.result === null) return { phase: 'running', ...common };
  switch (b.result) {
    case 'SUCCESS':
      return { phase: 'succeeded', exitCode: 0, ...common };
    case 'FAILURE':
    case 'UNSTABLE':
      return { phase: 'failed', reason: b.result, ...common };
    case 'ABORTED':
      return { phase: 'failed', reason: 'ABORTED', interrupted: 'abort', ...common };
    default:
      return { phase: 'failed', reason: `Jenkins result ${b.result}`, ...common };
  }
}

export function createJenkinsExecutor(deps: JenkinsExecutorDeps): Executor {
  const { client, log } = deps;
  const runs = new Map<string, Run>();
  const listeners = new Set<(name: string) => void>();
  const logCache = new Map<string, { text: Buffer; more: boolean }>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;

  const emit = (name: string): void => {
    for (const l of listeners) {
      try {
        l(name);
      } catch (err) {
        log.warn({ err, prowjob: name }, 'jenkins executor listener failed');
      }
    }
  };

  const track = (pj: ProwJob): Run => {
    let run = runs.get(pj.metadata.name);
    if (!run) {
      run = { name: pj.metadata.name, jobPath: jobPathOf(pj) };
      runs.set(run.name, run);
    }
    ensurePolling();
    return run;
  };

  /** Finds the run's build (or queue item) and reports it; records what it learnt on `run`. */
  async function statusOf(run: Run): Promise<ExecutorStatus> {
    if (run.number === undefined && run.queueUrl !== undefined) {
      try {
        const item = await client.queueItem(run.queueUrl);
        run.queueId = item.id;
        if (item.executable?.number !== undefined) run.number = item.executable.number;
        else if (item.cancelled) return { phase: 'failed', reason: 'the queued Jenkins build was cancelled', interrupted: 'abort' };
        else return { phase: 'pending', ...(run.buildId ? { buildId: run.buildId } : {}) };
      } catch (err) {
        if (!(err instanceof JenkinsNotFoundError)) throw err;
        run.queueUrl = undefined; // Jenkins forgets left queue items after a while: look the build up instead
      }
    }
    if (run.number !== undefined) {
      try {
        return buildStatus(await client.build(run.jobPath, run.number));
      } catch (err) {
        if (!(err instanceof JenkinsNotFoundError)) throw err;
        run.number = undefined; // deleted in Jenkins: search again
      }
    }
    // After a restart: the build carries PROW_JOB_ID=<name> (upstream GetBuilds), or it is still queued (GetEnqueuedBuilds).
    const build = (await client.builds(run.jobPath)).find((b) => buildParameter(b, PROW_JOB_ID) === run.name);
    if (build) {
      run.number = build.number;
      return buildStatus(build);
    }
    const queued = (await client.queue()).find((q) => buildParameter(q, PROW_JOB_ID) === run.name);
    if (queued) {
      run.queueId = queued.id;
      const buildId = buildParameter(queued, BUILD_ID);
      if (buildId) run.buildId = buildId;
      return { phase: 'pending', ...(buildId ? { buildId } : {}) };
    }
    return { phase: 'missing' };
  }

  /**
   * Upstream EnsureBuildableJob: a job with no parameter definitions and no builds yet (one defined by Job
   * DSL or a Jenkinsfile learns its parameters on its first run) is built once without parameters; when
   * it has become parameterized that build is stopped. Otherwise the parameters would be dropped and the
   * build could never be found again by its PROW_JOB_ID.
   */
  async function ensureBuildable(pj: ProwJob, jobPath: string): Promise<void> {
    let info;
    try {
      info = await client.jobInfo(jobPath);
    } catch (err) {
      if (err instanceof JenkinsNotFoundError) throw new TerminalError(pj.metadata.name, `Jenkins has no job ${pj.spec.job} (${err.message})`, { cause: err });
      throw err;
    }
    if (info.parameterized || info.builds > 0) return;
    log.info({ prowjob: pj.metadata.name, job: pj.spec.job }, 'jenkins job has no parameters yet: building it once to make it learn them');
    await client.buildWithoutParameters(jobPath);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, deps.buildablePollMs ?? 5000));
      const now = await client.jobInfo(jobPath);
      if (!now.parameterized) continue;
      if (now.lastBuild !== undefined) {
        await client.stop(jobPath, now.lastBuild).catch((err: unknown) => log.info({ err, job: pj.spec.job }, 'cannot stop the parameter-learning build'));
      }
      return;
    }
    throw new Error(`Jenkins job ${pj.spec.job} did not become parameterized after a build without parameters`);
  }

  /** Records the phase seen; a change, wherever it is seen, is announced (onChange). */
  function observe(run: Run, s: ExecutorStatus): ExecutorStatus {
    const before = run.phase;
    run.phase = s.phase;
    if (before !== undefined && before !== s.phase) emit(run.name);
    if (before !== s.phase && (s.phase === 'succeeded' || s.phase === 'failed')) {
      runs.delete(run.name); // re-inserted last: the map is ordered oldest finished first
      runs.set(run.name, run);
      prune(runs, FINISHED_RUNS_KEPT, (r) => r.phase === 'succeeded' || r.phase === 'failed');
    }
    return s;
  }

  /** Drops the oldest entries that `done` says are finished until at most `keep` finished ones are left. */
  function prune<V>(m: Map<string, V>, keep: number, done: (v: V) => boolean): void {
    let finished = 0;
    for (const v of m.values()) if (done(v)) finished++;
    for (const [k, v] of m) {
      if (finished <= keep) break;
      if (done(v)) {
        m.delete(k);
        finished--;
      }
    }
  }

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      for (const run of [...runs.values()]) {
        if (run.phase === 'succeeded' || run.phase === 'failed') continue;
        try {
          observe(run, await statusOf(run));
        } catch (err) {
          log.warn({ err, prowjob: run.name }, 'cannot read the Jenkins build');
        }
      }
    } finally {
      polling = false;
    }
  }

  function ensurePolling(): void {
    if (timer) return;
    timer = setInterval(() => void poll(), deps.pollMs ?? 2000);
    timer.unref();
  }

  async function refreshLog(pj: ProwJob): Promise<Buffer | undefined> {
    const run = track(pj);
    const cached = logCache.get(run.name);
    if (cached && !cached.more) return cached.text;
    if (run.number === undefined) await statusOf(run);
    if (run.number === undefined) return undefined;
    const start = cached?.text.length ?? 0;
    try {
      const page = await client.progressiveText(run.jobPath, run.number, start);
      const text = start === 0 ? page.text : Buffer.concat([cached!.text, page.text]);
      logCache.delete(run.name);
      logCache.set(run.name, { text, more: page.more });
      if (!page.more) prune(logCache, FINISHED_LOGS_KEPT, (e) => !e.more);
      return text;
    } catch (err) {
      if (err instanceof JenkinsNotFoundError) return cached?.text;
      throw err;
    }
  }

  const logs: LogSource = {
    async size(pj) {
      return (await refreshLog(pj))?.length;
    },
    async read(pj, range) {
      const text = await refreshLog(pj);
      return text?.subarray(range?.start ?? 0, range?.end === undefined ? undefined : range.end + 1);
    },
    async stream(pj, range) {
      const text = await logs.read(pj, range);
      return text === undefined ? undefined : Readable.from([text]);
    },
  };

  return {
    async start(pj, ctx) {
      const run = track(pj);
      const existing = await statusOf(run);
      if (existing.phase !== 'missing') return; // started before (by us, or before a restart)
      const withBuild = structuredClone(pj);
      withBuild.status.build_id = ctx.buildId;
      let params: Record<string, string>;
      try {
        params = envForSpec(jobSpecForProwJob(withBuild), 'jenkins');
      } catch (err) {
        throw new TerminalError(pj.metadata.name, (err as Error).message, { cause: err });
      }
      await ensureBuildable(pj, run.jobPath);
      try {
        run.queueUrl = await client.buildWithParameters(run.jobPath, params);
      } catch (err) {
        if (err instanceof JenkinsNotFoundError) throw new TerminalError(pj.metadata.name, `Jenkins has no job ${pj.spec.job} (${err.message})`, { cause: err });
        throw err;
      }
      run.buildId = ctx.buildId;
      run.phase = 'pending';
      log.info({ prowjob: pj.metadata.name, job: pj.spec.job, build_id: ctx.buildId, queue: run.queueUrl }, 'jenkins build enqueued');
    },

    async status(pj) {
      const run = track(pj);
      return observe(run, await statusOf(run));
    },

    async abort(pj) {
      const run = track(pj);
      const s = await statusOf(run);
      if (s.phase === 'pending' && run.queueId !== undefined && run.number === undefined) {
        await client.cancelQueueItem(run.queueId);
        const again = await statusOf(run); // it may have left the queue meanwhile
        if (again.phase !== 'running') return;
      } else if (s.phase !== 'running') return;
      if (run.number === undefined) return;
      await client.stop(run.jobPath, run.number);
      for (let i = 0; i < 100; i++) {
        const b = await client.build(run.jobPath, run.number);
        if (!b.building && b.result !== null) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      log.warn({ prowjob: pj.metadata.name, number: run.number }, 'jenkins build still running 10 s after stop');
    },

    logs,

    async cleanup(ref: RunRef) {
      // Builds stay in Jenkins' history (it prunes them itself); only our memory of the run goes.
      runs.delete(ref.name);
      logCache.delete(ref.name);
    },

    async listRuns(): Promise<RunInfo[]> {
      const out: RunInfo[] = [];
      for (const run of runs.values()) out.push({ name: run.name, ...(await statusOf(run)) });
      return out;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}

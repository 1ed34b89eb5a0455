// The Executor seam (docs/architecture.md): start a pending ProwJob, report its phase, abort it, stream its log.
// What a run writes to the artifact store (started.json, finished.json, …) is src/podutils' business.
// Implementations: local (processes in a workspace), kubernetes and jenkins later.
// A run is named after the ProwJob (metadata.name): start() twice finds the first run.
import type { ProwJob } from '../api/prowjob.js';
import type { LogSource } from '../artifacts/types.js';

/**
 * pending: accepted, not yet running the test (cloning refs);  running: the test command runs;
 * succeeded/failed: it ended (failed includes timeouts, aborts and clone failures);
 * unknown: the run exists but its outcome cannot be known (lost in a restart);  missing: no such run.
 */
export type ExecutorPhase = 'pending' | 'running' | 'succeeded' | 'failed' | 'unknown' | 'missing';

export interface ExecutorStatus {
  phase: ExecutorPhase;
  reason?: string;
  /** RFC 3339: when the run was created (pending) and when its test process started (running). */
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** The build id the run was started with: after a crash between start and the status write, the controller reuses it. */
  buildId?: string;
  exitCode?: number;
  /** The run was stopped on purpose: 'timeout' (decoration timeout) or 'abort'. */
  interrupted?: 'timeout' | 'abort';
  /** Why the run stopped when nobody asked it to (upstream plank's pod checks): see StopCause. */
  stopCause?: StopCause;
  /** RFC 3339: when the run was placed (a pod bound to a node); before that it is only created. */
  scheduledAt?: string;
  /**
   * pending only: the run waits to be placed (a pod without status.startTime), so plank's
   * pod_unscheduled_timeout applies instead of pod_pending_timeout. Executors that place runs at once never set it.
   */
  unscheduled?: boolean;
  /** succeeded only: the run says it succeeded but some part of it did not finish cleanly (upstream didPodSucceed). */
  unfinished?: boolean;
  /** Where a person can follow the run outside Prow (a Jenkins build page), when there is one. */
  url?: string;
  /** The run's name in the system that runs it (pod name, Jenkins build number), when it has one. */
  externalId?: string;
}

/**
 * evicted: the node evicted it (upstream restarts the job); oom: a container was OOM-killed; node-lost:
 * its node went away (NodeLost); unknown: its node stopped reporting (pod phase Unknown; revived like
 * eviction); deleted: the run was deleted from under the controller.
 */
export type StopCause = 'evicted' | 'oom' | 'node-lost' | 'unknown' | 'deleted';

/** A run as the executor that owns it knows it: the ProwJob name and the build cluster it runs in. */
export interface RunRef {
  name: string;
  /** spec.cluster; the local executor has one, unnamed. */
  cluster?: string;
}

export interface StartContext {
  buildId: string;
}

export interface RunInfo extends ExecutorStatus {
  /** The ProwJob name. */
  name: string;
  /** The build cluster the run is in, for executors with several (pods); absent for one unnamed. */
  cluster?: string;
}

export interface Executor {
  /** Idempotent: returns once the run is recorded (not when the test finishes). */
  start(pj: ProwJob, ctx: StartContext): Promise<void>;
  status(pj: ProwJob): Promise<ExecutorStatus>;
  /** Stops the run (whole process tree); resolves once it is gone. A missing or finished run is a no-op. */
  abort(pj: ProwJob): Promise<void>;
  /** The run's combined build log as it is written (deck reads it through src/artifacts/log-source.ts). */
  readonly logs: LogSource;
  /** Kills what is left of the run and removes its workspace or pod (sinker). */
  cleanup(run: RunRef): Promise<void>;
  listRuns(): Promise<RunInfo[]>;
  /** Calls back with a ProwJob name when one of its runs changes phase in this process. Returns an unsubscribe. */
  onChange(listener: (pjName: string) => void): () => void;
  /** Stops timers and watchers; running jobs keep running and can be re-attached by the next process. */
  close(): Promise<void>;
}


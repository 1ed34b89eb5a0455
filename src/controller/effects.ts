// plank's effect layer: carries out a Decision (decide.ts) against the executor and the Store. Every
// write re-applies its change to the job as stored now when another writer got there first
// (retryOnConflict), and each state transition is logged once with `from` and `to`
// (upstream pkg/plank/reconciler.go "Transitioning states.").
import { REPORTER_NAMES } from '../api/reporters.js';
import type { ProwJob } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import { rfc3339 } from '../api/pjutil.js';
import { requestAbort } from '../api/abort.js';
import { TerminalError } from '../api/terminal-error.js';
import type { Config } from '../config/types.js';
import type { Executor } from '../executor/types.js';
import type { Logger } from '../observability/logger.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import { retryOnConflict } from '../store/retry-on-conflict.js';
import { AlreadyExistsError, ConflictError, NotFoundError, type ProwJobStore } from '../store/types.js';
import type { BuildIdSource } from './build-id.js';
import { childProwJobs } from './children.js';
import { DESCRIPTIONS, pendingTimeoutMs, type Decision } from './decide.js';

interface EffectDeps {
  store: Pick<ProwJobStore, 'getProwJob' | 'updateProwJob' | 'createProwJob'>;
  /** The executor of the job's agent (plank only hands over jobs of agents it has); only what effects call. */
  executorFor: (pj: ProwJob) => Pick<Executor, 'start' | 'abort' | 'cleanup'>;
  buildIds: BuildIdSource;
  config: () => Pick<Config, 'plank'> & Partial<Pick<Config, 'presubmits' | 'postsubmits' | 'periodics'>>;
  log: Logger;
  now: () => Date;
  dryRun: boolean;
  jobURL: (pj: ProwJob) => string;
  /** Hears of every write of ours (the cache takes it in before its watch echo arrives). */
  onWritten: (pj: ProwJob) => void;
  /** Reconcile `name` again after `ms` (0: as soon as the current pass ends). */
  requeueAfter: (name: string, ms: number) => void;
}

/** Changes the job in place and returns it, or returns undefined when the change no longer applies. */
type Mutation = (pj: ProwJob) => ProwJob | undefined;

interface Effects {
  apply(pj: ProwJob, decision: Decision): Promise<void>;
  /** A TerminalError ends the job as `error` and is not retried (upstream pkg/plank/error.go). */
  failTerminally(pj: ProwJob, err: TerminalError): Promise<void>;
  /** Requests the abort of superseded duplicates; returns `pj` as written when it was one of them. */
  abortDuplicates(pj: ProwJob, older: readonly ProwJob[]): Promise<ProwJob | undefined>;
}

export function createEffects(deps: EffectDeps): Effects {
  const { log } = deps;

  async function write(pj: ProwJob, mutate: Mutation, why?: string): Promise<ProwJob | undefined> {
    const first = mutate(structuredClone(pj));
    if (!first) return undefined;
    if (deps.dryRun) {
      log.info({ ...prowJobFields(pj), from: pj.status.state, to: first.status.state }, 'dry run: would update');
      return undefined;
    }
    let from = pj.status.state;
    let written: ProwJob | undefined;
    try {
      written = await deps.store.updateProwJob(first);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      written = await rewrite(pj.metadata.name, mutate, (state) => { from = state; });
    }
    if (!written) return undefined;
    deps.onWritten(written);
    if (written.status.state !== from) {
      log.info({ ...prowJobFields(written), from, to: written.status.state, ...(why ? { why } : {}) }, 'transitioning states');
    }
    return written;
  }

  /** After a conflict: apply the change to the job as stored now; undefined when it no longer applies or the job is gone. */
  async function rewrite(name: string, mutate: Mutation, seen: (state: ProwJob['status']['state']) => void): Promise<ProwJob | undefined> {
    let wrote = false;
    try {
      const result = await retryOnConflict(deps.store, name, (current) => {
        seen(current.status.state);
        const next = mutate(current);
        wrote = next !== undefined;
        return next;
      });
      return wrote ? result : undefined;
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** Completes the job unless someone moved it on meanwhile. */
  function complete(pj: ProwJob, state: ProwJob['status']['state'], description: string): Promise<ProwJob | undefined> {
    return write(pj, (p) => {
      if (isComplete(p) || p.status.state !== pj.status.state) return undefined;
      p.status.state = state;
      p.status.description = description;
      p.status.completionTime = rfc3339(deps.now());
      p.status.url = deps.jobURL(p);
      return p;
    });
  }

  /** Starts a run with a new build id; a TerminalError from the executor completes the job as error. */
  async function startRun(pj: ProwJob): Promise<string | undefined> {
    const buildId = await deps.buildIds.next(pj.spec.job);
    const withBuild = structuredClone(pj);
    withBuild.status.build_id = buildId;
    try {
      await deps.executorFor(pj).start(withBuild, { buildId });
      return buildId;
    } catch (err) {
      if (!(err instanceof TerminalError)) throw err;
      await complete(pj, 'error', `Pod can not be created: ${err.message}`);
      return undefined;
    }
  }

  async function markPending(pj: ProwJob, buildId: string): Promise<void> {
    // Our own write's watch echo is skipped, so look again by the pending deadline at the latest.
    deps.requeueAfter(pj.metadata.name, pendingTimeoutMs(pj, deps.config().plank ?? {}));
    await write(pj, (p) => {
      if (p.status.state !== 'triggered' || isComplete(p)) return undefined;
      p.status.state = 'pending';
      p.status.pendingTime = rfc3339(deps.now());
      p.status.pod_name = p.metadata.name;
      p.status.build_id = buildId; // before the URL: the template may use it
      p.status.description = DESCRIPTIONS.triggered;
      p.status.url = deps.jobURL(p);
      return p;
    });
  }

  async function createChildren(pj: ProwJob): Promise<void> {
    if (deps.dryRun) return;
    for (const child of childProwJobs(deps.config(), pj, deps.now)) {
      try {
        await deps.store.createProwJob(child);
        log.info({ ...prowJobFields(child), parent: pj.metadata.name }, 'created run_after_success job');
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err; // created on an earlier attempt
      }
    }
  }

  async function apply(pj: ProwJob, decision: Decision): Promise<void> {
    const name = pj.metadata.name;
    switch (decision.kind) {
      case 'none':
        return;
      case 'retry':
        throw new Error(`${name}: ${decision.why}`);
      case 'requeue-after': {
        const url = decision.url;
        if (url !== undefined) {
          await write(pj, (p) => {
            if (p.status.state !== 'pending') return undefined;
            p.status.url = url;
            return p;
          });
        }
        log.debug({ ...prowJobFields(pj), why: decision.why, retry_ms: decision.ms }, 'requeue');
        deps.requeueAfter(name, decision.ms);
        return;
      }
      case 'adopt':
        log.info({ ...prowJobFields(pj), build_id: decision.buildId }, 'found an existing run');
        await markPending(pj, decision.buildId);
        return;
      case 'start': {
        if (deps.dryRun) {
          log.info({ ...prowJobFields(pj), from: 'triggered', to: 'pending' }, 'dry run: would start');
          return;
        }
        const buildId = await startRun(pj);
        if (buildId !== undefined) await markPending(pj, buildId);
        return;
      }
      case 'restart': {
        if (deps.dryRun) return;
        // The run is gone (workspace wiped, pod deleted): a new run, a new build id.
        const buildId = await startRun(pj);
        if (buildId === undefined) return;
        log.info({ ...prowJobFields(pj), build_id: buildId }, 'run missing: started a new run');
        await write(pj, (p) => {
          if (p.status.state !== 'pending' || isComplete(p)) return undefined;
          p.status.build_id = buildId;
          p.status.pod_name = p.metadata.name;
          p.status.url = deps.jobURL(p);
          return p;
        });
        return;
      }
      case 'revive': {
        if (deps.dryRun) {
          log.info({ ...prowJobFields(pj), cause: decision.cause }, 'dry run: would remove the stopped run');
          return;
        }
        // Count first, then remove: a crash in between counts this stop twice, never zero times, so
        // max_revivals stays a bound. The executor reports the removed run as missing, and the next
        // pass restarts it.
        const counted = await write(pj, (p) => {
          if (p.status.state !== 'pending' || (p.status.pod_revival_count ?? 0) !== decision.revivals - 1) return undefined;
          p.status.pod_revival_count = decision.revivals;
          return p;
        });
        if (!counted) return;
        log.info({ ...prowJobFields(pj), cause: decision.cause, revivals: decision.revivals }, 'run stopped unexpectedly: removing it, the next pass restarts it');
        await deps.executorFor(pj).cleanup({ name, ...(pj.spec.cluster ? { cluster: pj.spec.cluster } : {}) });
        deps.requeueAfter(name, 0);
        return;
      }
      case 'transition':
        if (decision.stopRun && !deps.dryRun) await deps.executorFor(pj).abort(pj);
        if (decision.createChildren) await createChildren(pj);
        await complete(pj, decision.to, decision.description);
        return;
      case 'abort-run':
        if (deps.dryRun) {
          log.info({ ...prowJobFields(pj) }, 'dry run: would stop the aborted run');
          return;
        }
        await deps.executorFor(pj).abort(pj);
        await write(pj, (p) => {
          if (p.status.state !== 'aborted' || isComplete(p)) return undefined;
          p.status.completionTime = rfc3339(deps.now());
          return p;
        }, 'abort completed');
        return;
    }
  }

  return {
    apply,
    async failTerminally(pj, err) {
      await write(pj, (p) => {
        if (isComplete(p)) return undefined;
        p.status.state = 'error';
        p.status.description = `Terminal error: ${err.message}.`;
        p.status.completionTime = rfc3339(deps.now());
        return p;
      });
    },
    async abortDuplicates(pj, older) {
      let self: ProwJob | undefined;
      for (const dupe of older) {
        const written = await write(dupe, (p) => (p.status.state === 'triggered' || p.status.state === 'pending'
          ? requestAbort(p, { silence: [REPORTER_NAMES.github] }) // a superseded duplicate reports nothing to GitHub
          : undefined), 'superseded by a newer run');
        if (dupe.metadata.name === pj.metadata.name) self = written;
        else deps.requeueAfter(dupe.metadata.name, 0);
      }
      return self;
    },
  };
}

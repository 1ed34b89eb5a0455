import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ProwJob, ProwJobStatus } from '../../src/api/prowjob.js';
import type { Plank } from '../../src/config/types.js';
import { TerminalError } from '../../src/api/terminal-error.js';
import { createStoreBuildIdSource } from '../../src/controller/build-id.js';
import { createEffects } from '../../src/controller/effects.js';
import type { Executor, RunRef } from '../../src/executor/types.js';
import { createLogger } from '../../src/observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';

/** The executor calls the effect layer makes, recorded as short strings. */
class RecordingExecutor implements Pick<Executor, 'start' | 'abort' | 'cleanup'> {
  calls: string[] = [];
  refuse = false;
  async start(pj: ProwJob, ctx: { buildId: string }): Promise<void> {
    this.calls.push(`start ${pj.metadata.name} ${ctx.buildId}`);
    if (this.refuse) throw new TerminalError(pj.metadata.name, 'no command');
  }
  async abort(pj: ProwJob): Promise<void> { this.calls.push(`abort ${pj.metadata.name}`); }
  async cleanup(run: RunRef): Promise<void> { this.calls.push(`cleanup ${run.name} ${run.cluster ?? '-'}`); }
}

const plank: Plank = {
  job_url_template: '', max_concurrency: 0, max_goroutines: 20, pod_pending_timeout: '10m', pod_running_timeout: '48h',
  pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
};

function job(name: string, status: Partial<ProwJobStatus> = {}, startTime = '2026-01-01T00:00:00Z'): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name },
    spec: { type: 'presubmit', job: 'pull-x', agent: 'kubernetes', cluster: 'build01' },
    status: { startTime, state: 'triggered', ...status },
  };
}

describe('plank effects', () => {
  let dir: string;
  let store: SqliteStore;
  let exec: RecordingExecutor;
  let lines: Array<Record<string, unknown>>;
  let raw: string[];
  let requeued: Array<[string, number]>;
  let written: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plank-effects-'));
    store = openSqliteStore(join(dir, 'prow.db'));
    exec = new RecordingExecutor();
    lines = [];
    raw = [];
    requeued = [];
    written = [];
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const effects = (over: { dryRun?: boolean } = {}) => {
    const sink = new PassThrough();
    sink.on('data', (d: Buffer) => {
      for (const l of d.toString().split('\n').filter(Boolean)) {
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
    });
    return createEffects({
      store, executorFor: () => exec, buildIds: createStoreBuildIdSource(store),
      config: () => ({ plank }),
      log: createLogger({ level: 'debug', destination: sink }), now: () => new Date('2026-01-01T00:05:00Z'),
      dryRun: over.dryRun === true, jobURL: (pj) => `https://prow.example/${pj.spec.job}/${pj.status.build_id ?? ''}`,
      onWritten: (pj) => written.push(`${pj.metadata.name} ${pj.status.state}`),
      requeueAfter: (name, ms) => requeued.push([name, ms]),
    });
  };
  const transitions = () => lines.filter((l) => l.msg === 'transitioning states').map((l) => `${String(l.prowjob)} ${String(l.from)}→${String(l.to)}`);

  it('start: a build id, the run, then pending written and logged once with from and to', async () => {
    const pj = await store.createProwJob(job('a'));
    await effects().apply(pj, { kind: 'start' });
    const got = (await store.getProwJob('a'))!;
    assert.equal(got.status.state, 'pending');
    assert.equal(got.status.build_id, '1');
    assert.equal(got.status.url, 'https://prow.example/pull-x/1');
    assert.equal(got.status.pendingTime, '2026-01-01T00:05:00Z');
    assert.deepEqual(exec.calls, ['start a 1']);
    assert.deepEqual(transitions(), ['a triggered→pending']);
    assert.deepEqual(written, ['a pending']);
    assert.deepEqual(requeued, [['a', 600_000]], 'looked at again by the pending deadline');
    const line = raw.find((l) => l.includes('transitioning states'))!;
    assert.equal(line.match(/"prowjob":/g)?.length, 1, 'no key twice on the raw line');
  });

  it('a conflicting write is re-applied to the job as stored now, keeping the other writer\'s change', async () => {
    const pj = await store.createProwJob(job('b', { state: 'pending', build_id: '4' }));
    await store.updateProwJob({ ...pj, status: { ...pj.status, prev_report_states: { 'github-reporter': 'pending' } } });
    await effects().apply(pj, { kind: 'transition', to: 'failure', description: 'Job failed.', stopRun: false, createChildren: false });
    const got = (await store.getProwJob('b'))!;
    assert.equal(got.status.state, 'failure');
    assert.equal(got.status.description, 'Job failed.');
    assert.equal(got.status.completionTime, '2026-01-01T00:05:00Z');
    assert.deepEqual(got.status.prev_report_states, { 'github-reporter': 'pending' });
    assert.deepEqual(transitions(), ['b pending→failure']);
  });

  it('a change that no longer applies after a conflict writes nothing', async () => {
    const pj = await store.createProwJob(job('c', { state: 'pending' }));
    await store.updateProwJob({ ...pj, status: { ...pj.status, state: 'aborted', description: 'alice successfully aborted c.' } });
    await effects().apply(pj, { kind: 'transition', to: 'success', description: 'Job succeeded.', stopRun: false, createChildren: false });
    const got = (await store.getProwJob('c'))!;
    assert.equal(got.status.state, 'aborted');
    assert.equal(got.status.completionTime, undefined);
    assert.deepEqual(transitions(), []);
    assert.deepEqual(written, []);
  });

  it('a timeout stops the run before completing the job', async () => {
    const pj = await store.createProwJob(job('d', { state: 'pending', build_id: '9' }));
    await effects().apply(pj, { kind: 'transition', to: 'aborted', description: 'Pod running timeout.', stopRun: true, createChildren: false });
    assert.deepEqual(exec.calls, ['abort d']);
    assert.equal((await store.getProwJob('d'))!.status.description, 'Pod running timeout.');
  });

  it('revive: the revival is counted, then the run is removed from its cluster and the job looked at again', async () => {
    const pj = await store.createProwJob(job('e', { state: 'pending', build_id: '3', pod_revival_count: 1 }));
    await effects().apply(pj, { kind: 'revive', cause: 'evicted', revivals: 2 });
    assert.equal((await store.getProwJob('e'))!.status.pod_revival_count, 2);
    assert.deepEqual(exec.calls, ['cleanup e build01']);
    assert.deepEqual(requeued, [['e', 0]]);
  });

  it('revive of a job that moved on meanwhile removes nothing', async () => {
    const pj = await store.createProwJob(job('f', { state: 'pending', build_id: '3' }));
    await store.updateProwJob({ ...pj, status: { ...pj.status, state: 'success', completionTime: '2026-01-01T00:04:00Z' } });
    await effects().apply(pj, { kind: 'revive', cause: 'node-lost', revivals: 1 });
    assert.deepEqual(exec.calls, []);
    assert.equal((await store.getProwJob('f'))!.status.pod_revival_count, undefined);
  });

  it('a run the executor refuses ends the job in error', async () => {
    exec.refuse = true;
    const pj = await store.createProwJob(job('g'));
    await effects().apply(pj, { kind: 'start' });
    const got = (await store.getProwJob('g'))!;
    assert.equal(got.status.state, 'error');
    assert.equal(got.status.description, 'Pod can not be created: no command');
  });

  it('a terminal error completes the job as error', async () => {
    const pj = await store.createProwJob(job('h', { state: 'pending' }));
    await effects().failTerminally(pj, new TerminalError('h', 'unknown cluster alias "x"'));
    assert.equal((await store.getProwJob('h'))!.status.description, 'Terminal error: unknown cluster alias "x".');
  });

  it('superseded duplicates are aborted and silenced for the GitHub reporter; the others are looked at again', async () => {
    const older = await store.createProwJob(job('old', { state: 'pending' }, '2026-01-01T00:00:00Z'));
    const other = await store.createProwJob(job('other', { state: 'triggered' }, '2026-01-01T00:01:00Z'));
    const self = await effects().abortDuplicates(older, [older, other]);
    assert.equal(self?.status.state, 'aborted');
    assert.deepEqual(self?.status.prev_report_states, { 'github-reporter': 'aborted' });
    assert.equal((await store.getProwJob('other'))!.status.state, 'aborted');
    assert.deepEqual(requeued, [['other', 0]]);
    assert.deepEqual(transitions().sort(), ['old pending→aborted', 'other triggered→aborted']);
  });

  it('dry run: starts nothing, writes nothing', async () => {
    const pj = await store.createProwJob(job('i'));
    const e = effects({ dryRun: true });
    await e.apply(pj, { kind: 'start' });
    await e.apply({ ...pj, status: { ...pj.status, state: 'aborted' } }, { kind: 'abort-run' });
    await e.apply(pj, { kind: 'transition', to: 'failure', description: 'Job failed.', stopRun: true, createChildren: true });
    assert.deepEqual(exec.calls, []);
    assert.equal((await store.getProwJob('i'))!.status.state, 'triggered');
  });

  it('retry: an error the work queue requeues with back-off', async () => {
    const pj = await store.createProwJob(job('j'));
    await assert.rejects(effects().apply(pj, { kind: 'retry', why: 'job_queue_name "q" is not in plank.job_queue_capacities' }), /job_queue_name "q"/);
  });
});

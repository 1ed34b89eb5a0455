import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob, ProwJobSpec, ProwJobState } from '../../src/api/prowjob.js';
import type { Plank } from '../../src/config/types.js';
import { createStoreBuildIdSource } from '../../src/controller/build-id.js';
import { createController, type Controller, type ControllerConfig } from '../../src/controller/plank.js';
import { TerminalError } from '../../src/api/terminal-error.js';
import type { Executor, ExecutorPhase, ExecutorStatus, RunRef } from '../../src/executor/types.js';
import { PassThrough } from 'node:stream';
import { createLogger, createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { waitFor } from '../support/wait.js';

const log = createSilentLogger();

/** An Executor whose runs the test moves by hand; it records every call. */
class FakeExecutor implements Executor {
  runs = new Map<string, ExecutorStatus>();
  calls: string[] = [];
  refuse = new Set<string>();
  private listeners = new Set<(name: string) => void>();
  async start(pj: ProwJob, ctx: { buildId: string }): Promise<void> {
    this.calls.push(`start ${pj.spec.job} ${ctx.buildId}`);
    if (this.refuse.has(pj.spec.job)) throw new TerminalError(pj.metadata.name, 'no command');
    if (this.runs.has(pj.metadata.name)) return;
    this.runs.set(pj.metadata.name, { phase: 'pending', buildId: ctx.buildId, createdAt: new Date().toISOString() });
  }
  async status(pj: ProwJob): Promise<ExecutorStatus> {
    return this.runs.get(pj.metadata.name) ?? { phase: 'missing' };
  }
  async abort(pj: ProwJob): Promise<void> {
    this.calls.push(`abort ${pj.spec.job}`);
    const run = this.runs.get(pj.metadata.name);
    if (run && (run.phase === 'pending' || run.phase === 'running')) this.runs.set(pj.metadata.name, { ...run, phase: 'failed', interrupted: 'abort' });
  }
  readonly logs = { size: async () => undefined, read: async () => undefined, stream: async () => undefined };
  async cleanup(run: RunRef): Promise<void> { this.runs.delete(run.name); }
  async listRuns() { return [...this.runs].map(([name, s]) => ({ name, ...s })); }
  onChange(l: (name: string) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  async close(): Promise<void> {}
  set(name: string, phase: ExecutorPhase, extra: Partial<ExecutorStatus> = {}): void {
    this.runs.set(name, { ...this.runs.get(name), phase, ...extra });
    for (const l of this.listeners) l(name);
  }
}

function plankConfig(over: Partial<Plank> = {}): Plank {
  return {
    job_url_template: 'https://prow.example/view/{{.Spec.Job}}/{{.Status.BuildID}}',
    max_concurrency: 0, max_goroutines: 20, pod_pending_timeout: '10m', pod_running_timeout: '48h',
    pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [], ...over,
  };
}

let seq = 0;
function pj(job: string, spec: Partial<ProwJobSpec> = {}, created?: string): ProwJob {
  seq += 1;
  const start = created ?? new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString().replace('.000', '');
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, creationTimestamp: start },
    spec: { type: 'periodic', job, agent: 'kubernetes', pod_spec: { containers: [{ command: ['true'] }] }, ...spec },
    status: { startTime: start, state: 'triggered' },
  };
}

function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  return waitFor(async () => (await fn()) || undefined, { timeoutMs: ms, message: what });
}

describe('plank controller', () => {
  let dir: string;
  let store: SqliteStore;
  let exec: FakeExecutor;
  let controller: Controller | undefined;
  let config: ControllerConfig;
  let nowMs: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plank-'));
    store = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 10 });
    exec = new FakeExecutor();
    config = { plank: plankConfig() };
    nowMs = Date.now();
  });
  afterEach(async () => {
    await controller?.stop();
    controller = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const startController = async (over: Partial<Parameters<typeof createController>[0]> = {}): Promise<Controller> => {
    controller = createController({
      store, executors: new Map([['kubernetes', exec]]), config: () => config, log, clock: { now: () => new Date(nowMs) },
      buildIdSource: createStoreBuildIdSource(store), concurrencyRetryMs: 50, resyncMs: 60_000, ...over,
    });
    await controller.start();
    return controller;
  };
  const get = async (name: string): Promise<ProwJob> => (await store.getProwJob(name))!;
  const state = (want: ProwJobState, name: string) => until(`${name} ${want}`, async () => {
    const p = await get(name);
    return p.status.state === want && (want === 'pending' || want === 'triggered' || p.status.completionTime) ? p : undefined;
  });

  it('moves a triggered job to pending with a build id, pod name and url', async () => {
    const job = await store.createProwJob(pj('ci-a'));
    await startController();
    const got = await state('pending', job.metadata.name);
    assert.equal(got.status.build_id, '1');
    assert.equal(got.status.pod_name, job.metadata.name);
    assert.equal(got.status.description, 'Job triggered.');
    assert.equal(got.status.url, 'https://prow.example/view/ci-a/1');
    assert.ok(got.status.pendingTime);
    assert.deepEqual(exec.calls, ['start ci-a 1']);
  });

  const outcomes: Array<{ phase: ExecutorPhase; reason?: string; state: ProwJobState; description: string }> = [
    { phase: 'succeeded', state: 'success', description: 'Job succeeded.' },
    { phase: 'failed', state: 'failure', description: 'Job failed.' },
    { phase: 'unknown', reason: 'The job process ended without recording an exit code.', state: 'error', description: 'Job lost: The job process ended without recording an exit code.' },
  ];
  for (const o of outcomes) {
    it(`executor ${o.phase} → ${o.state}`, async () => {
      const job = await store.createProwJob(pj('ci-b'));
      await startController();
      await state('pending', job.metadata.name);
      exec.set(job.metadata.name, 'running', { startedAt: new Date(nowMs).toISOString() });
      exec.set(job.metadata.name, o.phase, o.reason ? { reason: o.reason } : {});
      const done = await state(o.state, job.metadata.name);
      assert.equal(done.status.description, o.description);
      assert.ok(done.status.completionTime);
    });
  }

  it('pending too long → error "Pod pending timeout." and the run is stopped', async () => {
    const job = await store.createProwJob(pj('ci-c', { decoration_config: { pod_pending_timeout: '1m' } }));
    await startController();
    await state('pending', job.metadata.name);
    nowMs += 61_000;
    exec.set(job.metadata.name, 'pending', { createdAt: new Date(nowMs - 61_000).toISOString() });
    const done = await state('error', job.metadata.name);
    assert.equal(done.status.description, 'Pod pending timeout.');
    assert.ok(exec.calls.includes('abort ci-c'));
  });

  it('running too long → aborted "Pod running timeout." (complete)', async () => {
    config = { plank: plankConfig({ pod_running_timeout: '1h' }) };
    const job = await store.createProwJob(pj('ci-d'));
    await startController();
    await state('pending', job.metadata.name);
    exec.set(job.metadata.name, 'running', { startedAt: new Date(nowMs - 2 * 3600_000).toISOString() });
    const done = await state('aborted', job.metadata.name);
    assert.equal(done.status.description, 'Pod running timeout.');
    assert.ok(exec.calls.includes('abort ci-d'));
  });

  it('an abort request stops the run and completes the job', async () => {
    const job = await store.createProwJob(pj('ci-e'));
    await startController();
    const pending = await state('pending', job.metadata.name);
    exec.set(job.metadata.name, 'running', { startedAt: new Date(nowMs).toISOString() });
    await store.updateProwJob({ ...pending, status: { ...pending.status, state: 'aborted', description: 'Aborted by deck.' } });
    const done = await state('aborted', job.metadata.name);
    assert.ok(done.status.completionTime);
    assert.equal(done.status.description, 'Aborted by deck.');
    assert.ok(exec.calls.includes('abort ci-e'));
  });

  it('max_concurrency 1 starts one at a time, oldest first', async () => {
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await store.createProwJob(pj('serial', { max_concurrency: 1 })));
    await startController();
    await state('pending', jobs[0]!.metadata.name);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await get(jobs[1]!.metadata.name)).status.state, 'triggered');
    assert.equal((await get(jobs[2]!.metadata.name)).status.state, 'triggered');
    exec.set(jobs[0]!.metadata.name, 'succeeded');
    await state('pending', jobs[1]!.metadata.name);
    assert.equal((await get(jobs[2]!.metadata.name)).status.state, 'triggered');
    exec.set(jobs[1]!.metadata.name, 'failed');
    await state('pending', jobs[2]!.metadata.name);
    assert.deepEqual(exec.calls.filter((c) => c.startsWith('start')), ['start serial 1', 'start serial 2', 'start serial 3']);
  });

  it('never runs more than max_concurrency at once, whatever the worker count', async () => {
    const jobs = [];
    for (let i = 0; i < 12; i++) jobs.push(await store.createProwJob(pj('pair', { max_concurrency: 2 })));
    let maxActive = 0;
    const realStart = exec.start.bind(exec);
    exec.start = async (p, ctx) => {
      const active = [...exec.runs.values()].filter((r) => r.phase === 'pending' || r.phase === 'running').length;
      maxActive = Math.max(maxActive, active + 1);
      return realStart(p, ctx);
    };
    await startController({ workers: 20 });
    for (let done = 0; done < jobs.length;) {
      const pending = [];
      for (const j of jobs) if ((await get(j.metadata.name)).status.state === 'pending') pending.push(j.metadata.name);
      for (const name of pending) {
        if (exec.runs.get(name)?.phase === 'pending') {
          exec.set(name, 'succeeded');
          done += 1;
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const j of jobs) await state('success', j.metadata.name);
    assert.equal(maxActive, 2);
  });

  it('job queues cap jobs across job names; capacity 0 blocks; an unknown queue is retried, not started', async () => {
    config = { plank: plankConfig({ job_queue_capacities: { two: 2, none: 0 } }) };
    const q = [pj('qa', { job_queue_name: 'two' }), pj('qb', { job_queue_name: 'two' }), pj('qc', { job_queue_name: 'two' })];
    for (const j of q) await store.createProwJob(j);
    const blocked = await store.createProwJob(pj('qz', { job_queue_name: 'none' }));
    const unknown = await store.createProwJob(pj('qu', { job_queue_name: 'nope' }));
    await startController();
    await state('pending', q[0]!.metadata.name);
    await state('pending', q[1]!.metadata.name);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await get(q[2]!.metadata.name)).status.state, 'triggered');
    assert.equal((await get(blocked.metadata.name)).status.state, 'triggered');
    assert.equal((await get(unknown.metadata.name)).status.state, 'triggered');
    exec.set(q[0]!.metadata.name, 'succeeded');
    await state('pending', q[2]!.metadata.name);
  });

  it('plank.max_concurrency caps pending jobs globally', async () => {
    config = { plank: plankConfig({ max_concurrency: 1 }) };
    const a = await store.createProwJob(pj('ga'));
    const b = await store.createProwJob(pj('gb'));
    await startController();
    const first = await until('one pending', async () => {
      const s = [await get(a.metadata.name), await get(b.metadata.name)];
      return s.find((p) => p.status.state === 'pending');
    });
    const other = first.metadata.name === a.metadata.name ? b : a;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await get(other.metadata.name)).status.state, 'triggered');
    exec.set(first.metadata.name, 'succeeded');
    await state('pending', other.metadata.name);
  });

  it('a newer presubmit for the same PR aborts the older one (any SHA) and keeps crier quiet about it', async () => {
    const refs = (sha: string) => ({ org: 'o', repo: 'r', base_ref: 'main', base_sha: 'b', pulls: [{ number: 7, author: 'u', sha }] });
    const older = await store.createProwJob(pj('pull-x', { type: 'presubmit', refs: refs('s1') }));
    await startController();
    await state('pending', older.metadata.name);
    const other = await store.createProwJob(pj('pull-x', { type: 'presubmit', refs: { ...refs('s3'), pulls: [{ number: 8, author: 'u', sha: 's3' }] } }));
    const newer = await store.createProwJob(pj('pull-x', { type: 'presubmit', refs: refs('s2') }));
    await state('pending', newer.metadata.name);
    const aborted = await state('aborted', older.metadata.name);
    assert.deepEqual(aborted.status.prev_report_states, { 'github-reporter': 'aborted' });
    assert.ok(exec.calls.includes('abort pull-x'));
    assert.equal((await state('pending', other.metadata.name)).status.state, 'pending'); // another PR: untouched
  });

  it('re-attaches to a run started before a crash instead of starting a second one', async () => {
    const job = await store.createProwJob(pj('ci-f'));
    exec.runs.set(job.metadata.name, { phase: 'running', buildId: '77', startedAt: new Date(nowMs).toISOString() });
    await startController();
    const got = await state('pending', job.metadata.name);
    assert.equal(got.status.build_id, '77');
    assert.deepEqual(exec.calls, []);
  });

  it('a pending job whose run vanished gets a new run with a new build id', async () => {
    const job = await store.createProwJob(pj('ci-g'));
    await startController();
    await state('pending', job.metadata.name);
    await exec.cleanup({ name: job.metadata.name });
    controller!.enqueue(job.metadata.name);
    await until('restart', async () => (await get(job.metadata.name)).status.build_id === '2');
    assert.deepEqual(exec.calls, ['start ci-g 1', 'start ci-g 2']);
    assert.equal((await get(job.metadata.name)).status.url, 'https://prow.example/view/ci-g/2');
  });

  it('a run that cannot be created ends the job in error', async () => {
    exec.refuse.add('bad');
    const job = await store.createProwJob(pj('bad'));
    await startController();
    const done = await state('error', job.metadata.name);
    assert.equal(done.status.description, 'Pod can not be created: no command');
  });

  it('creates run_after_success children once, when the parent succeeds', async () => {
    const child = { name: 'child', agent: 'kubernetes', cluster: 'default', spec: { containers: [{ command: ['true'] }] } };
    config = { plank: plankConfig(), periodics: [{ name: 'parent', agent: 'kubernetes', cluster: 'default', run_after_success: [child] }], presubmits: {}, postsubmits: {} };
    const job = await store.createProwJob(pj('parent'));
    await startController();
    await state('pending', job.metadata.name);
    assert.equal(((await store.listProwJobs()).items).length, 1);
    exec.set(job.metadata.name, 'succeeded');
    await state('success', job.metadata.name);
    const children = await until('child', async () => {
      const all = ((await store.listProwJobs()).items).filter((p) => p.spec.job === 'child');
      return all.length > 0 ? all : undefined;
    });
    assert.equal(children.length, 1);
    await state('pending', children[0]!.metadata.name);
    controller!.enqueue(job.metadata.name); // a complete parent: nothing more happens
    await controller!.idle();
    assert.equal(((await store.listProwJobs()).items).filter((p) => p.spec.job === 'child').length, 1);
  });

  it('a failing parent creates no children', async () => {
    const child = { name: 'child', agent: 'kubernetes', cluster: 'default' };
    config = { plank: plankConfig(), periodics: [{ name: 'parent', agent: 'kubernetes', cluster: 'default', run_after_success: [child] }] };
    const job = await store.createProwJob(pj('parent'));
    await startController();
    await state('pending', job.metadata.name);
    exec.set(job.metadata.name, 'failed');
    await state('failure', job.metadata.name);
    await controller!.idle();
    assert.equal(((await store.listProwJobs()).items).length, 1);
  });

  it('ignores other agents, complete jobs and scheduling jobs', async () => {
    const jenkins = await store.createProwJob(pj('j', { agent: 'jenkins' }));
    const scheduling = await store.createProwJob({ ...pj('s'), status: { startTime: new Date().toISOString(), state: 'scheduling' } });
    await startController();
    await controller!.idle();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await get(jenkins.metadata.name)).status.state, 'triggered');
    assert.equal((await get(scheduling.metadata.name)).status.state, 'scheduling');
    assert.deepEqual(exec.calls, []);
  });

  it('dry run starts and writes nothing', async () => {
    const job = await store.createProwJob(pj('ci-h'));
    await startController({ dryRun: true });
    await controller!.idle();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await get(job.metadata.name)).status.state, 'triggered');
    assert.deepEqual(exec.calls, []);
  });

  it('an evicted run is removed and restarted with a new build id, the revival counted', async () => {
    const job = await store.createProwJob(pj('ci-ev'));
    await startController();
    await state('pending', job.metadata.name);
    exec.set(job.metadata.name, 'failed', { stopCause: 'evicted' });
    const revived = await until('revived', async () => {
      const p = await get(job.metadata.name);
      return p.status.build_id === '2' ? p : undefined;
    });
    assert.equal(revived.status.state, 'pending');
    assert.equal(revived.status.pod_revival_count, 1);
    assert.deepEqual(exec.calls, ['start ci-ev 1', 'start ci-ev 2']);
    assert.equal(exec.runs.get(job.metadata.name)?.stopCause, undefined, 'the new run is a fresh one');
  });

  it('an evicted run at max_revivals ends the job in error and starts nothing more', async () => {
    config = { plank: plankConfig({ max_revivals: 0 }) };
    const job = await store.createProwJob(pj('ci-ev0'));
    await startController();
    await state('pending', job.metadata.name);
    exec.set(job.metadata.name, 'running', { stopCause: 'node-lost' });
    const done = await state('error', job.metadata.name);
    assert.equal(done.status.description, 'Job pod reached max revivals (0) after being stopped unexpectedly (unreachable)');
    assert.deepEqual(exec.calls, ['start ci-ev0 1']);
  });

  it('an OOM kill while running ends the job in error', async () => {
    const job = await store.createProwJob(pj('ci-oom'));
    await startController();
    await state('pending', job.metadata.name);
    exec.set(job.metadata.name, 'running', { stopCause: 'oom', startedAt: new Date(nowMs).toISOString() });
    const done = await state('error', job.metadata.name);
    assert.equal(done.status.description, 'Job pod was OOM killed by the cluster.');
  });

  it('runs each agent\'s jobs on that agent\'s executor and leaves agents it has no executor for alone', async () => {
    const other = new FakeExecutor();
    const k = await store.createProwJob(pj('on-k8s'));
    const j = await store.createProwJob(pj('on-jenkins', { agent: 'jenkins' }));
    const t = await store.createProwJob(pj('on-tekton', { agent: 'tekton-pipeline' }));
    await startController({ executors: new Map<string, Executor>([['kubernetes', exec], ['jenkins', other]]) });
    await state('pending', k.metadata.name);
    await state('pending', j.metadata.name);
    other.set(j.metadata.name, 'succeeded');
    await state('success', j.metadata.name);
    await controller!.idle();
    assert.deepEqual(exec.calls, ['start on-k8s 1']);
    assert.deepEqual(other.calls, ['start on-jenkins 1']);
    assert.equal((await get(t.metadata.name)).status.state, 'triggered');
  });

  it('a reconcile that fails is retried with back-off through the work queue, and logged', async () => {
    const job = await store.createProwJob(pj('ci-flaky'));
    const lines: string[] = [];
    const sink = new PassThrough();
    sink.on('data', (d: Buffer) => lines.push(d.toString()));
    const realStatus = exec.status.bind(exec);
    let failures = 2;
    exec.status = async (p) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('executor unreachable');
      }
      return realStatus(p);
    };
    await startController({ log: createLogger({ level: 'warn', destination: sink }) });
    await state('pending', job.metadata.name);
    assert.equal(failures, 0);
    const failed = lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('reconcile failed')).map((l) => JSON.parse(l) as { prowjob: string; attempt: number });
    assert.deepEqual(failed.map((f) => [f.prowjob, f.attempt]), [[job.metadata.name, 1], [job.metadata.name, 2]]);
  });

  it('retries on a write conflict in place and keeps the other writer\'s change', async () => {
    const job = await store.createProwJob(pj('ci-i'));
    const lines: string[] = [];
    const sink = new PassThrough();
    sink.on('data', (d: Buffer) => lines.push(d.toString()));
    await startController({ log: createLogger({ level: 'warn', destination: sink }) });
    const pending = await state('pending', job.metadata.name);
    // crier writes prev_report_states between the controller's read and write
    const realGet = store.getProwJob.bind(store);
    let injected = false;
    store.getProwJob = async (name: string) => {
      const got = await realGet(name);
      if (!injected && name === job.metadata.name && got?.status.state === 'pending') {
        injected = true;
        await store.updateProwJob({ ...got, status: { ...got.status, prev_report_states: { 'github-reporter': 'pending' } } });
      }
      return got;
    };
    exec.set(pending.metadata.name, 'succeeded');
    const done = await state('success', job.metadata.name);
    assert.equal(injected, true);
    assert.deepEqual(done.status.prev_report_states, { 'github-reporter': 'pending' });
    assert.deepEqual(lines, []); // no failed reconcile: the conflict was retried inside the transition
  });
});

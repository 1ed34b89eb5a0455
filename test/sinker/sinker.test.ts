import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob, ProwJobType } from '../../src/api/prowjob.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { Registry } from 'prom-client';
import { Writable } from 'node:stream';
import { createLogger, createSilentLogger } from '../../src/observability/logger.js';
import { createSinker, type SinkerCleanup, type SinkerRun } from '../../src/sinker/sinker.js';
import { createProwJobInformer, type ProwJobInformer } from '../../src/store/informer.js';
import { openSqliteStore, storePath, type SqliteStore } from '../../src/store/sqlite/store.js';

const log = createSilentLogger();
const NOW = new Date('2026-06-10T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000).toISOString();

interface SinkerConfig {
  resync_period?: string;
  max_prowjob_age?: string;
  max_pod_age?: string;
  terminated_pod_ttl?: string;
  exclude_clusters?: string[];
}

const constant = (cfg: Config) => () => cfg;

function job(name: string, o: { job?: string; type?: ProwJobType; start: number; done?: number; state?: ProwJob['status']['state'] }): ProwJob {
  const pj: ProwJob = {
    apiVersion: 'prow.k8s.io/v1',
    kind: 'ProwJob',
    metadata: { name },
    spec: { type: o.type ?? 'presubmit', job: o.job ?? 'pull-test' },
    status: { state: o.state ?? (o.done !== undefined ? 'success' : 'pending'), startTime: hoursAgo(o.start) },
  };
  if (o.done !== undefined) pj.status.completionTime = hoursAgo(o.done);
  return pj;
}

class FakeExecutor implements SinkerCleanup {
  runs: SinkerRun[] = [];
  deleted: string[] = [];
  failDelete = new Set<string>();
  async listRuns(): Promise<SinkerRun[]> {
    return this.runs.filter((r) => !this.deleted.includes(r.name));
  }
  async deleteRun(name: string): Promise<void> {
    if (this.failDelete.has(name)) throw new Error(`cannot delete ${name}`);
    this.deleted.push(name);
  }
}

describe('sinker', () => {
  let dir: string;
  let store: SqliteStore;

  let configs = 0;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prow-sinker-'));
    store = openSqliteStore(storePath(dir));
  });

  // A real config.yaml through the real loader, so sinker sees defaulted values as in production.
  function config(sinker: SinkerConfig = {}, periodics: string[] = []): Config {
    const file = join(dir, `config-${++configs}.yaml`);
    const jobs = periodics.map((name) => ({ name, interval: '1h', spec: { containers: [{ image: 'alpine' }] } }));
    writeFileSync(file, JSON.stringify({ sinker, periodics: jobs }));
    return loadConfig({ configPath: file }).config;
  }
  const informers: ProwJobInformer[] = [];
  /** sinker reads the informer: one that has listed the jobs the test created. */
  async function synced(): Promise<ProwJobInformer> {
    const informer = createProwJobInformer(store, { log });
    informers.push(informer);
    await informer.start();
    return informer;
  }
  afterEach(async () => {
    for (const informer of informers.splice(0)) informer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = async () => ((await store.listProwJobs()).items).map((pj) => pj.metadata.name).sort();
  const clock = { now: () => NOW };

  it('an idle pass logs at debug; a pass that deleted something at info', async () => {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
    const captured = createLogger({ format: 'json', level: 'debug', destination });
    const passes = () => lines.map((l) => JSON.parse(l) as { msg: string; level: string; deleted?: number }).filter((r) => r.msg === 'sinker pass complete');
    await store.createProwJob(job('young-done', { start: 1, done: 0.5 }));
    const idle = createSinker({ store, informer: await synced(), config: constant(config({ max_prowjob_age: '48h' })), clock, log: captured });
    await idle.syncOnce();
    assert.deepEqual(passes().map((r) => [r.level, r.deleted]), [['debug', 0]]);
    await store.createProwJob(job('old-done', { start: 50, done: 49 }));
    const busy = createSinker({ store, informer: await synced(), config: constant(config({ max_prowjob_age: '48h' })), clock, log: captured });
    await busy.syncOnce();
    assert.deepEqual(passes().map((r) => [r.level, r.deleted]), [['debug', 0], ['info', 1]]);
  });

  it('deletes complete jobs older than max_prowjob_age, counted from startTime', async () => {
    await store.createProwJob(job('old-done', { start: 50, done: 49 }));
    await store.createProwJob(job('old-long-run-just-done', { start: 50, done: 0.1 }));
    await store.createProwJob(job('old-running', { start: 50 }));
    await store.createProwJob(job('young-done', { start: 47, done: 46 }));
    const sinker = createSinker({ store, informer: await synced(), config: constant(config({ max_prowjob_age: '48h' })), clock, log });
    const result = await sinker.syncOnce();
    assert.deepEqual(result.prowjobsDeleted.aged.sort(), ['old-done', 'old-long-run-just-done']);
    assert.deepEqual(await names(), ['old-running', 'young-done']);
    assert.equal(result.prowjobsSeen, 4);
  });

  it("sets upstream's sinker_* gauges after a pass", async () => {
    await store.createProwJob(job('old', { start: 500, done: 499 }));
    await store.createProwJob(job('new', { start: 1, done: 0.5 }));
    const registry = new Registry();
    const sinker = createSinker({ store, informer: await synced(), config: constant(config()), clock, log, registry });
    await sinker.syncOnce();
    const text = await registry.metrics();
    assert.match(text, /^sinker_prow_jobs_existing 2$/m);
    assert.match(text, /^sinker_prow_jobs_cleaned\{reason="aged"\} 1$/m);
    assert.match(text, /^sinker_prow_jobs_cleaned\{reason="aged-periodic"\} 0$/m);
  });

  it('keeps the newest run of each periodic that is still configured', async () => {
    await store.createProwJob(job('p1-oldest', { job: 'p1', type: 'periodic', start: 300, done: 299 }));
    await store.createProwJob(job('p1-newest', { job: 'p1', type: 'periodic', start: 200, done: 199 }));
    await store.createProwJob(job('gone-newest', { job: 'removed-from-config', type: 'periodic', start: 200, done: 199 }));
    await store.createProwJob(job('p2-old', { job: 'p2', type: 'periodic', start: 300, done: 299 }));
    await store.createProwJob(job('p2-running', { job: 'p2', type: 'periodic', start: 1 }));
    const sinker = createSinker({ store, informer: await synced(), config: constant(config({}, ['p1', 'p2'])), clock, log });
    const result = await sinker.syncOnce();
    assert.deepEqual(result.prowjobsDeleted['aged-periodic'].sort(), ['gone-newest', 'p1-oldest', 'p2-old']);
    assert.deepEqual(await names(), ['p1-newest', 'p2-running']);
  });

  it('prunes handled deliveries older than max_prowjob_age', async () => {
    const delivery = (id: string, receivedAt: string) => ({ id, event: 'ping', payload: '{}', receivedAt });
    await store.enqueueDelivery(delivery('old-done', hoursAgo(50)));
    await store.enqueueDelivery(delivery('old-queued', hoursAgo(50)));
    await store.enqueueDelivery(delivery('new-done', hoursAgo(1)));
    for (const d of await store.claimDeliveries(10)) if (d.id !== 'old-queued') await store.completeDelivery(d.id);
    await store.retryDelivery('old-queued', 'later', undefined);
    const sinker = createSinker({ store, informer: await synced(), config: constant(config({ max_prowjob_age: '48h' })), clock, log, deliveries: store });
    const result = await sinker.syncOnce();
    assert.equal(result.deliveriesDeleted, 1);
    assert.equal(await store.getDelivery('old-done'), undefined);
    assert.equal((await store.getDelivery('old-queued'))?.status, 'queued');
    assert.equal((await store.getDelivery('new-done'))?.status, 'done');
  });

  it('dry run deletes nothing but reports what it would delete', async () => {
    await store.createProwJob(job('old-done', { start: 500, done: 499 }));
    const sinker = createSinker({ store, informer: await synced(), config: constant(config()), clock, log, dryRun: true });
    const result = await sinker.syncOnce();
    assert.deepEqual(result.prowjobsDeleted.aged, ['old-done']);
    assert.deepEqual(await names(), ['old-done']);
  });

  it('reads the config on every pass', async () => {
    await store.createProwJob(job('j', { start: 10, done: 9 }));
    let cfg = config({ max_prowjob_age: '24h' });
    const sinker = createSinker({ store, informer: await synced(), config: () => cfg, clock, log });
    await sinker.syncOnce();
    assert.deepEqual(await names(), ['j']);
    cfg = config({ max_prowjob_age: '5h' });
    await sinker.syncOnce();
    assert.deepEqual(await names(), []);
  });

  it('refuses a bad duration naming the field', async () => {
    const cfg = config();
    cfg.sinker.max_prowjob_age = 'a week'; // the loader refuses this; a hand-built config may not
    const sinker = createSinker({ store, informer: await synced(), config: () => cfg, clock, log });
    await assert.rejects(sinker.syncOnce(), /sinker\.max_prowjob_age: "a week" is not a duration/);
  });

  describe('executor runs', () => {
    const run = (name: string, o: { created: number; started?: number; prowjob?: string; cluster?: string }): SinkerRun => ({
      name,
      createdAt: new Date(hoursAgo(o.created)),
      ...(o.started !== undefined ? { startedAt: new Date(hoursAgo(o.started)) } : {}),
      ...(o.prowjob ? { prowjob: o.prowjob } : {}),
      ...(o.cluster ? { cluster: o.cluster } : {}),
    });

    it('deletes aged, ttled and orphaned runs, never one of an incomplete job', async () => {
      await store.createProwJob(job('done-long-ago', { start: 30, done: 29 }));
      await store.createProwJob(job('done-recently', { start: 2, done: 1 }));
      await store.createProwJob(job('done-just-now', { start: 0.2, done: 0.1 }));
      await store.createProwJob(job('still-running', { start: 40 }));
      const executor = new FakeExecutor();
      executor.runs = [
        run('r-aged', { created: 30, started: 30, prowjob: 'done-long-ago' }),
        run('done-recently', { created: 2, started: 2 }), // owner found by the run's own name
        run('r-fresh', { created: 0.2, started: 0.2, prowjob: 'done-just-now' }),
        run('r-running', { created: 40, started: 40, prowjob: 'still-running' }),
        run('r-orphan', { created: 1, prowjob: 'no-such-job' }),
        run('r-new-orphan', { created: 0.001, prowjob: 'not-visible-yet' }),
      ];
      const sinker = createSinker({
        store, informer: await synced(), clock, log, executor,
        config: constant(config({ max_pod_age: '24h', terminated_pod_ttl: '30m' })),
      });
      const result = await sinker.syncOnce();
      assert.deepEqual(result.runsDeleted, { aged: ['r-aged'], ttled: ['done-recently'], orphaned: ['r-orphan'] });
      assert.deepEqual(executor.deleted.sort(), ['done-recently', 'r-aged', 'r-orphan']);
      assert.equal(result.runsSeen, 6);
    });

    it('a run whose job this pass deleted is cleaned as orphaned', async () => {
      await store.createProwJob(job('ancient', { start: 500, done: 499 }));
      const executor = new FakeExecutor();
      executor.runs = [run('ancient', { created: 500 })];
      const sinker = createSinker({ store, informer: await synced(), clock, log, executor, config: constant(config()) });
      const result = await sinker.syncOnce();
      assert.deepEqual(result.prowjobsDeleted.aged, ['ancient']);
      assert.deepEqual(result.runsDeleted.orphaned, ['ancient']);
    });

    it('skips excluded clusters and counts delete errors without stopping', async () => {
      const executor = new FakeExecutor();
      executor.runs = [
        run('excluded', { created: 5, cluster: 'gpu' }),
        run('fails', { created: 5 }),
        run('works', { created: 5 }),
      ];
      executor.failDelete.add('fails');
      const sinker = createSinker({ store, informer: await synced(), clock, log, executor, config: constant(config({ exclude_clusters: ['gpu'] })) });
      const result = await sinker.syncOnce();
      assert.deepEqual(executor.deleted, ['works']);
      assert.equal(result.runErrors, 1);
      assert.equal(result.runsSeen, 2);
    });
  });

  it('start() runs a pass at once and stop() waits for it', async () => {
    await store.createProwJob(job('old', { start: 500, done: 499 }));
    const sinker = createSinker({ store, informer: await synced(), config: constant(config()), clock, log });
    sinker.start();
    const deadline = Date.now() + 5000;
    while (!sinker.lastResult() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await sinker.stop();
    assert.deepEqual(sinker.lastResult()?.prowjobsDeleted.aged, ['old']);
    assert.deepEqual(await names(), []);
  });
});

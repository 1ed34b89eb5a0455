import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../../src/api/prowjob.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config, Periodic } from '../../src/config/types.js';
import { buildPeriodicProwJob, createHorologium, type Horologium } from '../../src/horologium/horologium.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, storePath, type SqliteStore } from '../../src/store/sqlite/store.js';

const log = createSilentLogger();

type PeriodicFixture = Pick<Periodic, 'name'> & Partial<Periodic>;

describe('horologium', () => {
  let dir: string;
  let store: SqliteStore;
  let now: Date;
  const clock = { now: () => now };
  let horologium: Horologium | undefined;
  const advance = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };

  let configs = 0;

  // A real config.yaml through the real loader (defaults and validation as in production).
  function loadTestConfig(periodics: PeriodicFixture[], extra: { scheduling?: boolean; tick?: string } = {}): Config {
    const file = join(dir, `config-${++configs}.yaml`);
    writeFileSync(file, JSON.stringify({
      prowjob_namespace: 'prow-jobs',
      ...(extra.tick ? { horologium: { tick_interval: extra.tick } } : {}),
      ...(extra.scheduling ? { scheduler: { enabled: true } } : {}),
      periodics: periodics.map((p) => ({ spec: { containers: [{ image: 'alpine' }] }, ...p })),
    }));
    return loadConfig({ configPath: file }).config;
  }
  // The config getter: loaded once per distinct call site, as a config agent would hand out snapshots.
  const config = (periodics: PeriodicFixture[], extra: { scheduling?: boolean; tick?: string } = {}): Config => {
    const key = JSON.stringify([periodics, extra]);
    let cfg = loaded.get(key);
    if (!cfg) {
      cfg = loadTestConfig(periodics, extra);
      loaded.set(key, cfg);
    }
    return cfg;
  };
  const loaded = new Map<string, Config>();

  beforeEach(() => {
    loaded.clear();
    dir = mkdtempSync(join(tmpdir(), 'prow-horologium-'));
    store = openSqliteStore(storePath(dir));
    now = new Date('2026-06-10T12:00:30Z');
  });
  afterEach(async () => {
    await horologium?.stop();
    horologium = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runs = async (job: string) =>
    ((await store.listProwJobs({ labels: { 'prow.k8s.io/job': job } })).items)
      .sort((a, b) => a.status.startTime.localeCompare(b.status.startTime));
  const finish = async (pj: ProwJob, state: 'success' | 'failure' = 'success') => {
    const current = (await store.getProwJob(pj.metadata.name))!;
    current.status.state = state;
    current.status.completionTime = now.toISOString();
    await store.updateProwJob(current);
  };
  const finishLast = async (job: string, state: 'success' | 'failure' = 'success') => {
    const all = await runs(job);
    await finish(all[all.length - 1]!, state);
  };
  const make = (cfg: () => Config) => {
    horologium = createHorologium({ store, config: cfg, clock, log });
    return horologium;
  };

  it('an interval job runs at once without history, then only when due and the last run is complete', async () => {
    const h = make(() => config([{ name: 'every-hour', interval: '1h', labels: { team: 'a' } }]));
    const first = await h.syncOnce();
    assert.deepEqual(first.triggered.map((t) => [t.job, t.reason]), [['every-hour', 'first-run']]);
    const [run] = await runs('every-hour');
    assert.equal(run!.metadata.namespace, 'prow-jobs');
    assert.equal(run!.metadata.labels?.team, 'a');
    assert.equal(run!.status.state, 'triggered');
    assert.equal(run!.status.startTime, '2026-06-10T12:00:30Z');
    assert.equal(run!.spec.type, 'periodic');
    assert.equal(run!.spec.report, true);
    assert.equal(run!.metadata.labels?.['created-by-prow'], 'true');

    advance(90);
    assert.deepEqual((await h.syncOnce()).triggered, [], 'previous run incomplete: no new run');
    await finishLast('every-hour');
    assert.equal((await h.syncOnce()).triggered[0]?.reason, 'interval', 'complete and 90m since start');
    assert.equal((await runs('every-hour')).length, 2);

    advance(30);
    await finishLast('every-hour');
    assert.deepEqual((await h.syncOnce()).triggered, [], '30m since the last start: not due');
    advance(31);
    assert.equal((await h.syncOnce()).triggered.length, 1);
  });

  it('minimum_interval counts from the completion of the last run', async () => {
    const h = make(() => config([{ name: 'min', minimum_interval: '1h' }]));
    await h.syncOnce();
    advance(120);
    await finishLast('min'); // a 2h run completing now
    advance(30);
    assert.deepEqual((await h.syncOnce()).triggered, [], 'only 30m since completion');
    advance(31);
    assert.equal((await h.syncOnce()).triggered[0]?.reason, 'minimum-interval');
  });

  it('a cron job runs when the schedule fires, not before, even without history', async () => {
    const h = make(() => config([{ name: 'hourly', cron: '0 * * * *' }]));
    assert.deepEqual((await h.syncOnce()).triggered, [], 'registered at 12:00:30, next fire 13:00');
    advance(30);
    assert.deepEqual((await h.syncOnce()).triggered, []);
    advance(30); // 13:00:30
    assert.deepEqual((await h.syncOnce()).triggered.map((t) => t.reason), ['first-run']);
    advance(1);
    assert.deepEqual((await h.syncOnce()).triggered, [], 'the fire is consumed');
    await finishLast('hourly');
    advance(59); // 14:00:30
    assert.deepEqual((await h.syncOnce()).triggered.map((t) => t.reason), ['cron']);
  });

  it('a cron fire while the last run is going is dropped, not queued', async () => {
    const h = make(() => config([{ name: 'hourly', cron: '0 * * * *' }]));
    await h.syncOnce();
    advance(60); // 13:00:30, fires
    assert.equal((await h.syncOnce()).triggered.length, 1);
    advance(60); // 14:00:30, fires while running
    assert.deepEqual((await h.syncOnce()).triggered, []);
    await finishLast('hourly');
    advance(1);
    assert.deepEqual((await h.syncOnce()).triggered, [], 'the dropped fire does not come back');
    advance(60); // 15:01:30
    assert.equal((await h.syncOnce()).triggered.length, 1);
  });

  it('after downtime: one run, not a catch-up storm', async () => {
    const cfg = () => config([
      { name: 'interval', interval: '10m' },
      { name: 'cron', cron: '*/5 * * * *' },
    ]);
    let h = make(cfg);
    await h.syncOnce();
    advance(5);
    await h.syncOnce(); // cron's first fire at 12:05
    await finishLast('interval');
    await finishLast('cron');
    await h.stop();
    // Down for a day: a new process, new in-memory cron table.
    advance(24 * 60);
    h = make(cfg);
    const first = await h.syncOnce();
    assert.deepEqual(first.triggered.map((t) => t.job), ['interval'], 'interval runs once; cron waits for its next fire');
    advance(1);
    assert.deepEqual((await h.syncOnce()).triggered, []);
    advance(5);
    assert.deepEqual((await h.syncOnce()).triggered.map((t) => t.job), ['cron'], 'one cron run, however many fires were missed');
    assert.equal((await runs('interval')).length, 2);
    assert.equal((await runs('cron')).length, 2);
  });

  it('many fires missed between two ticks (a suspended process) count as one', async () => {
    const h = make(() => config([{ name: 'c', cron: '*/5 * * * *' }]));
    await h.syncOnce();
    advance(60); // twelve fires between these two ticks
    assert.equal((await h.syncOnce()).triggered.length, 1);
    await finishLast('c');
    advance(1); // 13:01:30: the next fire is 13:05
    assert.deepEqual((await h.syncOnce()).triggered, []);
    advance(4);
    assert.equal((await h.syncOnce()).triggered.length, 1);
  });

  it('@every fires at registration and then every period', async () => {
    const h = make(() => config([{ name: 'e', cron: '@every 30m' }]));
    assert.deepEqual((await h.syncOnce()).triggered.map((t) => t.reason), ['first-run']);
    await finishLast('e');
    advance(10);
    assert.deepEqual((await h.syncOnce()).triggered, []);
    advance(21);
    assert.deepEqual((await h.syncOnce()).triggered.map((t) => t.reason), ['cron']);
  });

  it('a changed cron expression is re-registered; a removed job is forgotten', async () => {
    let cron = '0 0 * * *';
    const h = make(() => config(cron ? [{ name: 'c', cron }] : []));
    await h.syncOnce();
    advance(60); // 13:00:30: the daily one has not fired
    assert.deepEqual((await h.syncOnce()).triggered, []);
    cron = '30 13 * * *';
    await h.syncOnce();
    advance(30); // 13:30:30
    assert.equal((await h.syncOnce()).triggered.length, 1);
  });

  it('retries a failed run up to retry.attempts, spaced by retry.interval', async () => {
    const h = make(() => config([{ name: 'r', interval: '24h', retry: { attempts: 2, interval: '10m' } }]));
    await h.syncOnce();
    await finishLast('r', 'failure');
    advance(5);
    assert.deepEqual((await h.syncOnce()).triggered, [], 'retry interval not passed');
    advance(6);
    const retry1 = await h.syncOnce();
    assert.deepEqual(retry1.triggered.map((t) => t.reason), ['retry']);
    let all = await runs('r');
    assert.equal(all[all.length - 1]!.metadata.labels?.['prow.k8s.io/re-run'], '1');
    await finishLast('r', 'failure');
    advance(11);
    await h.syncOnce();
    all = await runs('r');
    assert.equal(all[all.length - 1]!.metadata.labels?.['prow.k8s.io/re-run'], '2');
    await finishLast('r', 'failure');
    advance(11);
    assert.deepEqual((await h.syncOnce()).triggered, [], 'attempts used up');
  });

  it('does not retry a success', async () => {
    const h = make(() => config([{ name: 'r', interval: '24h', retry: { attempts: 3, interval: '1m' } }]));
    await h.syncOnce();
    await finishLast('r', 'success');
    advance(5);
    assert.deepEqual((await h.syncOnce()).triggered, []);
  });

  it('dry run reports the run and creates nothing', async () => {
    horologium = createHorologium({ store, config: () => config([{ name: 'd', interval: '1h' }]), clock, log, dryRun: true });
    assert.deepEqual((await horologium.syncOnce()).triggered.map((t) => t.job), ['d']);
    assert.deepEqual(await runs('d'), []);
  });

  it('creates in scheduling when the scheduler is enabled', async () => {
    const h = make(() => config([{ name: 's', interval: '1h' }], { scheduling: true }));
    await h.syncOnce();
    assert.equal((await runs('s'))[0]?.status.state, 'scheduling');
  });

  it('a bad periodic is reported and the others still run', async () => {
    // The loader refuses all three bad ones; a config from elsewhere (or a future loader bug) may not.
    const cfg = config([
      { name: 'bad-cron', interval: '1h' },
      { name: 'bad-interval', interval: '1h' },
      { name: 'nothing-set', interval: '1h' },
      { name: 'good', interval: '1h' },
    ]);
    cfg.periodics[0]!.interval = undefined;
    cfg.periodics[0]!.cron = '0 0 L * *';
    cfg.periodics[1]!.interval = 'often';
    cfg.periodics[2]!.interval = undefined;
    const h = make(() => cfg);
    const result = await h.syncOnce();
    assert.deepEqual(result.triggered.map((t) => t.job), ['good']);
    assert.deepEqual(result.errors.map((e) => e.job).sort(), ['bad-cron', 'bad-interval', 'nothing-set']);
    assert.match(result.errors.find((e) => e.job === 'bad-interval')!.error, /interval "often" is not a duration/);
  });

  it('the last run is the newest periodic ProwJob of that name, whoever created it', async () => {
    // A run started 10 minutes ago by someone else (deck rerun): the 1h interval is not due.
    const other = buildPeriodicProwJob({ name: 'j', agent: 'kubernetes', cluster: 'default' } as Periodic, {
      labels: {}, annotations: {}, now: new Date(now.getTime() - 10 * 60_000), scheduling: false,
    });
    other.status.completionTime = now.toISOString();
    other.status.state = 'success';
    await store.createProwJob(other);
    const h = make(() => config([{ name: 'j', interval: '1h' }]));
    assert.deepEqual((await h.syncOnce()).triggered, []);
  });

  it('start() ticks at once and keeps ticking until stop()', async () => {
    const h = make(() => config([{ name: 'x', interval: '1h' }], { tick: '1s' }));
    h.start();
    const deadline = Date.now() + 5000;
    while ((await runs('x')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await h.stop();
    assert.equal((await runs('x')).length, 1);
  });
});

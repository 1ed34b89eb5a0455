// The reporter framework over real parts: the SQLite store, and the GitHub reporter talking to the fake
// GitHub over HTTP beside reporters written for the test.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startCrier, type Crier, type ReporterRegistration } from '../../src/crier/crier.js';
import { createGitHubReporter } from '../../src/crier/github/reporter.js';
import type { JobSource } from '../../src/crier/job-source.js';
import { closeInformers, informerJobs } from './informer-jobs.js';
import type { Reporter, ReportResult } from '../../src/crier/reporter.js';
import { REPORTER_NAMES } from '../../src/api/reporters.js';
import { newPostsubmitJob } from '../../src/api/pjutil.js';
import type { ProwJob, ProwJobState } from '../../src/api/prowjob.js';
import { retryOnConflict } from '../../src/store/retry-on-conflict.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import type { Store } from '../../src/store/types.js';
import { createGitHubClient } from '../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { createLogger, createSilentLogger } from '../../src/observability/logger.js';
import { PassThrough } from 'node:stream';
import { waitFor as poll } from '../support/wait.js';

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  await poll(cond, { timeoutMs, message: what });
}

/** A reporter that records what it was asked to report; `behave` decides each outcome. */
class RecordingReporter implements Reporter {
  readonly reports: string[] = [];
  behave: (pj: ProwJob, attempt: number) => Promise<ReportResult> = async () => ({});
  constructor(readonly name: string, readonly accepts: (pj: ProwJob) => boolean = () => true) {}
  shouldReport(pj: ProwJob): boolean {
    return this.accepts(pj);
  }
  async report(pj: ProwJob): Promise<ReportResult> {
    const entry = `${pj.spec.job}=${pj.status.state}`;
    this.reports.push(entry);
    return this.behave(pj, this.reports.filter((r) => r === entry).length);
  }
}

describe('crier reporter framework', () => {
  const log = createSilentLogger();
  let gh: FakeGitHub;
  let base: string;
  let dir: string;
  let store: Store;
  let crier: Crier | undefined;
  let updates: string[];
  /** The store crier writes through: counts every prev_report_states write. */
  let counting: Store;

  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());
  beforeEach(async () => {
    await gh.reset({ bot: 'prow-bot', repos: [{ repo: 'o/r', files: { 'README.md': 'hi\n' } }] });
    base = (await gh.branchSha('o/r', 'main'))!;
    dir = mkdtempSync(join(tmpdir(), 'crier-framework-'));
    store = openSqliteStore(join(dir, 'prow.db'), { log, pollIntervalMs: 20 });
    updates = [];
    counting = Object.create(store, {
      updateProwJob: {
        value: async (pj: ProwJob) => {
          updates.push(`${pj.spec.job}:${JSON.stringify(pj.status.prev_report_states)}`);
          return store.updateProwJob(pj);
        },
      },
    });
  });
  afterEach(async () => {
    await crier?.close();
    crier = undefined;
    closeInformers();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const githubReporter = (jobs: JobSource): Reporter =>
    createGitHubReporter({
      github: createGitHubClient({ baseUrl: gh.url, token: 't', retry: { retryAfterBaseValue: 1 }, throttle: false, log }),
      config: () => ({}),
      listJobs: jobs.list,
    });
  const start = (reporters: (jobs: JobSource) => ReporterRegistration[], opts: { jobs?: JobSource; registry?: Registry } = {}): Crier => {
    const jobs = opts.jobs ?? informerJobs(store);
    crier = startCrier({ jobs, store: counting, log, retryDelayMs: 10, maxRetryDelayMs: 40, reporters: reporters(jobs), ...(opts.registry ? { registry: opts.registry } : {}) });
    return crier;
  };
  const postsubmit = (name: string): Promise<ProwJob> =>
    store.createProwJob(newPostsubmitJob({ name, context: name }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: base }));
  const prev = async (name: string, reporter: string): Promise<string | undefined> =>
    (await store.getProwJob(name))?.status.prev_report_states?.[reporter];
  const moveTo = (name: string, state: ProwJobState): Promise<ProwJob> =>
    retryOnConflict(store, name, (pj) => {
      pj.status.state = state;
      if (state !== 'pending') pj.status.completionTime = '2026-01-01T00:00:00Z';
      return pj;
    });
  const githubStates = (): string[] => gh.statuses('o/r', base).map((s) => `${s.context}=${s.state}`);

  it('each state is reported once per reporter and recorded with one write, though every write is seen again', async () => {
    const recorder = new RecordingReporter('recorder');
    start((jobs) => [{ reporter: githubReporter(jobs), workers: 2 }, { reporter: recorder }]);
    const pj = await postsubmit('post');
    const name = pj.metadata.name;
    const recordedByBoth = (state: ProwJobState) => async () =>
      (await prev(name, 'recorder')) === state && (await prev(name, REPORTER_NAMES.github)) === state;
    await waitFor('triggered recorded', recordedByBoth('triggered'));
    await moveTo(name, 'pending');
    await waitFor('pending recorded', recordedByBoth('pending'));
    await moveTo(name, 'success');
    await waitFor('success recorded', recordedByBoth('success'));
    await crier!.idle();
    assert.deepEqual(recorder.reports, ['post=triggered', 'post=pending', 'post=success']);
    assert.deepEqual(githubStates(), ['post=pending', 'post=pending', 'post=success']);
    assert.equal(updates.length, 6, `one write per state and reporter:\n${updates.join('\n')}`);
    assert.deepEqual((await store.getProwJob(name))!.status.prev_report_states, { [REPORTER_NAMES.github]: 'success', recorder: 'success' });
  });

  it('a reporter that keeps failing, or hangs, delays no other reporter', async () => {
    const failing = new RecordingReporter('failing');
    failing.behave = async () => {
      throw new Error('sink is down');
    };
    let release = (): void => {};
    const gate = new Promise<ReportResult>((resolve) => (release = () => resolve({})));
    const hanging = new RecordingReporter('hanging');
    hanging.behave = () => gate;
    const registry = new Registry();
    start((jobs) => [{ reporter: failing }, { reporter: hanging }, { reporter: githubReporter(jobs) }], { registry });
    try {
      const pj = await postsubmit('post');
      await waitFor('github reported', async () => (await prev(pj.metadata.name, REPORTER_NAMES.github)) === 'triggered');
      await waitFor('failing retried', () => failing.reports.length >= 3);
      assert.deepEqual(githubStates(), ['post=pending']);
      assert.equal(await prev(pj.metadata.name, 'failing'), undefined, 'a failed report records nothing');
      assert.equal(await prev(pj.metadata.name, 'hanging'), undefined);
      const metrics = await registry.getSingleMetricAsString('crier_reporting_results');
      assert.match(metrics, /reporter="failing",result="error"\} [3-9]/);
      assert.match(metrics, /reporter="github-reporter",result="success"\} 1$/m);
      assert.doesNotMatch(metrics, /reporter="hanging"/);
      release();
      await waitFor('hanging recorded', async () => (await prev(pj.metadata.name, 'hanging')) === 'triggered');
      assert.deepEqual(hanging.reports, ['post=triggered']);
    } finally {
      release(); // close() waits for running reports
    }
  });

  it('a failed report is retried with back-off, then recorded once', async () => {
    const flaky = new RecordingReporter('flaky');
    flaky.behave = async (_pj, attempt) => {
      if (attempt < 3) throw new Error(`attempt ${attempt} fails`);
      return {};
    };
    gh.failNext({ method: 'POST', path: /\/statuses\//, status: 422, message: 'No commit found for SHA: x' });
    start((jobs) => [{ reporter: flaky }, { reporter: githubReporter(jobs) }]);
    const pj = await postsubmit('post');
    await waitFor('flaky recorded', async () => (await prev(pj.metadata.name, 'flaky')) === 'triggered');
    await waitFor('github recorded', async () => (await prev(pj.metadata.name, REPORTER_NAMES.github)) === 'triggered');
    await crier!.idle();
    assert.deepEqual(flaky.reports, ['post=triggered', 'post=triggered', 'post=triggered']);
    assert.deepEqual(githubStates(), [], 'GitHub refused the status for a commit it lacks: counted as reported, not retried');
    assert.equal(updates.length, 2);
  });

  it('shouldReport is respected: nothing reported, nothing recorded', async () => {
    const picky = new RecordingReporter('picky', (pj) => pj.spec.job !== 'ignored');
    start((jobs) => [{ reporter: picky }, { reporter: githubReporter(jobs) }]);
    const ignored = await store.createProwJob(newPostsubmitJob({ name: 'ignored', context: 'ignored', skip_report: true }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: base }));
    const wanted = await postsubmit('wanted');
    await waitFor('wanted recorded', async () => (await prev(wanted.metadata.name, 'picky')) === 'triggered');
    await crier!.idle();
    assert.deepEqual(picky.reports, ['wanted=triggered']);
    assert.deepEqual((await store.getProwJob(ignored.metadata.name))!.status.prev_report_states, undefined);
    assert.deepEqual(githubStates(), ['wanted=pending'], 'skip_report silences the GitHub reporter');
  });

  it('the same change delivered twice is reported once', async () => {
    const recorder = new RecordingReporter('recorder');
    const real = informerJobs(store);
    const twice: JobSource = {
      ...real,
      subscribe: (onChange) => real.subscribe((name) => {
        onChange(name);
        onChange(name);
        setTimeout(() => onChange(name), 5); // and once more after the report may have finished
      }),
    };
    start((jobs) => [{ reporter: recorder, workers: 4 }, { reporter: githubReporter(jobs), workers: 4 }], { jobs: twice });
    const pj = await postsubmit('post');
    await waitFor('recorded', async () => (await prev(pj.metadata.name, 'recorder')) === 'triggered' && (await prev(pj.metadata.name, REPORTER_NAMES.github)) === 'triggered');
    await new Promise((r) => setTimeout(r, 50));
    await crier!.idle();
    assert.deepEqual(recorder.reports, ['post=triggered']);
    assert.deepEqual(githubStates(), ['post=pending']);
  });

  it('restart-safe: a restarted crier reports nothing again, and a change made while it was down once', async () => {
    const first = new RecordingReporter('recorder');
    start((jobs) => [{ reporter: first }, { reporter: githubReporter(jobs) }]);
    const a = await postsubmit('a');
    await waitFor('a recorded', async () => (await prev(a.metadata.name, 'recorder')) === 'triggered' && (await prev(a.metadata.name, REPORTER_NAMES.github)) === 'triggered');
    await crier!.close();

    await moveTo(a.metadata.name, 'failure');
    const b = await postsubmit('b');
    const second = new RecordingReporter('recorder');
    start((jobs) => [{ reporter: second }, { reporter: githubReporter(jobs) }]);
    await waitFor('both recorded', async () =>
      (await prev(a.metadata.name, REPORTER_NAMES.github)) === 'failure' && (await prev(b.metadata.name, REPORTER_NAMES.github)) === 'triggered' &&
      (await prev(a.metadata.name, 'recorder')) === 'failure' && (await prev(b.metadata.name, 'recorder')) === 'triggered');
    await crier!.idle();
    assert.deepEqual(second.reports.sort(), ['a=failure', 'b=triggered']);
    assert.deepEqual(githubStates().sort(), ['a=failure', 'a=pending', 'b=pending']);
  });

  it('a reporter may cover other jobs in one report, or ask to be asked again later', async () => {
    const other = await postsubmit('other');
    let asked = 0;
    const batching = new RecordingReporter('batching', (pj) => pj.spec.job === 'main');
    batching.behave = async (pj) => {
      if (++asked === 1) return { requeueAfterMs: 20 };
      return { reported: [pj, (await store.getProwJob(other.metadata.name))!] };
    };
    start(() => [{ reporter: batching }]);
    const main = await postsubmit('main');
    await waitFor('main recorded', async () => (await prev(main.metadata.name, 'batching')) === 'triggered');
    await crier!.idle();
    assert.deepEqual(batching.reports, ['main=triggered', 'main=triggered'], 'asked again after the requeue');
    assert.equal(await prev(other.metadata.name, 'batching'), 'triggered', 'the job it covered is recorded too');
    assert.equal(updates.length, 2);
  });

  it('log lines name the component and the reporter once each', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const logged = createLogger({ destination: out, level: 'info' }).child({ component: 'crier' });
    const failing = new RecordingReporter('failing');
    failing.behave = async () => {
      throw new Error('sink is down');
    };
    const jobs = informerJobs(store);
    crier = startCrier({ jobs, store, log: logged, retryDelayMs: 10, reporters: [{ reporter: failing }, { reporter: githubReporter(jobs) }] });
    const pj = await postsubmit('post');
    const find = (msg: string): string | undefined => lines.find((l) => (JSON.parse(l) as { msg: string }).msg === msg);
    await waitFor('both lines', () => find('reported') !== undefined && find('report failed') !== undefined);
    for (const line of [find('reported')!, find('report failed')!]) {
      assert.equal(line.split('"component":').length, 2, line);
      assert.equal(line.split('"reporter":').length, 2, line);
      assert.equal(line.split('"prowjob":').length, 2, line);
    }
    assert.equal((JSON.parse(find('reported')!) as { reporter: string }).reporter, REPORTER_NAMES.github);
    assert.equal((JSON.parse(find('reported')!) as { prowjob: string }).prowjob, pj.metadata.name);
    assert.equal((JSON.parse(find('report failed')!) as { reporter: string }).reporter, 'failing');
  });

  it('a reporter name may be registered once', () => {
    const r = new RecordingReporter('same');
    assert.throws(() => start(() => [{ reporter: r }, { reporter: new RecordingReporter('same') }]), /reporter "same" registered twice/);
  });
});

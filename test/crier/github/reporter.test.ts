// The GitHub reporter run by crier over the SQLite store, against an in-memory GitHub that records every write.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCrier, type Crier } from '../../../src/crier/crier.js';
import { createGitHubReporter, type GitHubReporterConfig } from '../../../src/crier/github/reporter.js';
import { COMMENT_TAG } from '../../../src/crier/github/comment.js';
import { closeInformers, informerJobs } from '../informer-jobs.js';
import { REPORTER_NAMES } from '../../../src/api/reporters.js';
import { newBatchJob, newPostsubmitJob, newPresubmitJob, batchRefs } from '../../../src/api/pjutil.js';
import type { ProwJob, Refs } from '../../../src/api/prowjob.js';
import { openSqliteStore } from '../../../src/store/sqlite/store.js';
import type { Store } from '../../../src/store/types.js';
import { ConflictError } from '../../../src/store/types.js';
import { GitHubError } from '../../../src/github/types.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { FakeCrierGitHub } from './fake-github.js';
import { Registry } from 'prom-client';
import { waitFor as poll } from '../../support/wait.js';

const BASE = 'b'.repeat(40);
const HEAD = 'h'.repeat(40);
const prRefs = (number = 7): Refs => ({ org: 'o', repo: 'r', base_ref: 'main', base_sha: BASE, pulls: [{ number, author: 'alice', sha: HEAD }] });

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  await poll(cond, { timeoutMs, message: what });
}

describe('github reporter through crier', () => {
  let dir: string;
  let store: Store;
  let gh: FakeCrierGitHub;
  let crier: Crier | undefined;
  let config: GitHubReporterConfig;
  const log = createSilentLogger();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crier-'));
    store = openSqliteStore(join(dir, 'prow.db'), { log, pollIntervalMs: 20 });
    gh = new FakeCrierGitHub();
    config = {
      github_reporter: { job_types_to_report: ['presubmit', 'postsubmit'] },
      plank: { report_templates: { '*': 'history: https://prow/pr-history?pr={{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}' } },
    };
  });
  afterEach(async () => {
    await crier?.close();
    crier = undefined;
    closeInformers();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (deps: { store?: Store; registry?: Registry } = {}): Crier => {
    const jobs = informerJobs(store);
    const reporter = createGitHubReporter({ github: gh, config: () => config, listJobs: jobs.list });
    crier = startCrier({ jobs, store: deps.store ?? store, log, retryDelayMs: 20, reporters: [{ reporter, workers: 5 }], ...(deps.registry ? { registry: deps.registry } : {}) });
    return crier;
  };

  const mutate = async (name: string, fn: (pj: ProwJob) => void): Promise<void> => {
    for (;;) {
      const pj = (await store.getProwJob(name))!;
      fn(pj);
      try {
        await store.updateProwJob(pj);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
    }
  };
  const finish = (state: ProwJob['status']['state'], url: string) => (pj: ProwJob) => {
    pj.status.state = state;
    pj.status.completionTime = '2026-01-01T01:00:00Z';
    pj.status.url = url;
    pj.status.description = `Job ${state}.`;
  };
  const reported = async (name: string): Promise<string | undefined> => (await store.getProwJob(name))?.status.prev_report_states?.[REPORTER_NAMES.github];

  it('presubmit: statuses per state, failure comment created then removed by a green rerun', async () => {
    start();
    const job = { name: 'pull-unit', context: 'pull-unit', rerun_command: '/test pull-unit', optional: false };
    const pj = await store.createProwJob(newPresubmitJob(job, prRefs()));
    const name = pj.metadata.name;
    await waitFor('triggered reported', async () => (await reported(name)) === 'triggered');
    assert.deepEqual(gh.latestStatus('o/r', HEAD, 'pull-unit'), {
      state: 'pending', context: 'pull-unit', targetUrl: '', description: `${'\u2001'.repeat(23)} BaseSHA:${BASE}`,
    });

    await mutate(name, finish('failure', 'https://prow/view/1'));
    await waitFor('failure reported', async () => (await reported(name)) === 'failure');
    assert.equal(gh.latestStatus('o/r', HEAD, 'pull-unit')?.state, 'failure');
    assert.equal(gh.latestStatus('o/r', HEAD, 'pull-unit')?.targetUrl, 'https://prow/view/1');
    const comments = gh.prComments('o/r', 7);
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /^@alice: The following test \*\*failed\*\*/);
    assert.match(comments[0]!.body, new RegExp(`\\npull-unit \\| ${HEAD} \\| \\[link\\]\\(https://prow/view/1\\) \\| true \\| \`/test pull-unit\`\\n`));
    assert.match(comments[0]!.body, /history: https:\/\/prow\/pr-history\?pr=7/);
    assert.ok(comments[0]!.body.endsWith(COMMENT_TAG));

    const rerun = await store.createProwJob(newPresubmitJob(job, prRefs()));
    await mutate(rerun.metadata.name, finish('success', 'https://prow/view/2'));
    await waitFor('rerun reported', async () => (await reported(rerun.metadata.name)) === 'success');
    assert.equal(gh.latestStatus('o/r', HEAD, 'pull-unit')?.state, 'success');
    assert.deepEqual(gh.prComments('o/r', 7), [], 'an all-green PR has no report comment');
  });

  it('a second failing job edits nothing old: the comment is replaced, and a green rerun edits it in place', async () => {
    gh.addHumanComment('o/r', 7, 'bob', 'lgtm');
    start();
    const mk = async (ctx: string, state: 'failure' | 'success'): Promise<string> => {
      const pj = await store.createProwJob(newPresubmitJob({ name: ctx, context: ctx, rerun_command: `/test ${ctx}` }, prRefs()));
      await mutate(pj.metadata.name, finish(state, `https://prow/${ctx}`));
      await waitFor(`${ctx} reported`, async () => (await reported(pj.metadata.name)) === state);
      return pj.metadata.name;
    };
    await mk('a', 'failure');
    const firstId = gh.prComments('o/r', 7).find((c) => c.user === 'k8s-ci-robot')!.id;
    await mk('b', 'failure');
    const bot = gh.prComments('o/r', 7).filter((c) => c.user === 'k8s-ci-robot');
    assert.equal(bot.length, 1);
    assert.notEqual(bot[0]!.id, firstId, 'a new failure gives a fresh comment');
    assert.match(bot[0]!.body, /The following tests \*\*failed\*\*/);
    assert.match(bot[0]!.body, /\na \| .*\nb \| /);
    gh.writes = [];
    await mk('a', 'success');
    assert.deepEqual(gh.writes.filter((w) => w.includes('comment')), [`o/r:comment~${bot[0]!.id}`]);
    assert.doesNotMatch(gh.prComments('o/r', 7).find((c) => c.user === 'k8s-ci-robot')!.body, /\na \| /);
    assert.ok(gh.prComments('o/r', 7).some((c) => c.user === 'bob'), 'human comments are left alone');
  });

  it('a restart reports nothing twice; a change while stopped is reported once', async () => {
    start();
    const pj = await store.createProwJob(newPresubmitJob({ name: 'j', context: 'j', rerun_command: '/test j' }, prRefs()));
    await mutate(pj.metadata.name, finish('failure', 'u'));
    await waitFor('failure reported', async () => (await reported(pj.metadata.name)) === 'failure');
    const writes = gh.writes.length;
    await crier!.close();
    start();
    await crier!.idle();
    await new Promise((r) => setTimeout(r, 100));
    await crier!.idle();
    assert.equal(gh.writes.length, writes, 'the restarted crier wrote nothing');

    await crier!.close();
    const other = await store.createProwJob(newPostsubmitJob({ name: 'post', context: 'post' }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: BASE }));
    start();
    await waitFor('postsubmit reported', async () => (await reported(other.metadata.name)) === 'triggered');
    await crier!.idle();
    assert.deepEqual(gh.writes.slice(writes), [`o/r@${BASE}:post=pending`]);
  });

  it('skip_report, batches, aborted jobs and no_comment_repos', async () => {
    config.github_reporter!.no_comment_repos = ['quiet'];
    const registry = new Registry();
    start({ registry });
    const skipped = await store.createProwJob(newPresubmitJob({ name: 's', context: 's', skip_report: true }, prRefs()));
    const batch = await store.createProwJob(newBatchJob({ name: 'bt', context: 'bt' }, batchRefs({ org: 'o', repo: 'r', base_ref: 'main', base_sha: BASE }, [
      { number: 1, author: 'a', sha: 's1' }, { number: 2, author: 'b', sha: 's2' },
    ])));
    const aborted = await store.createProwJob(newPresubmitJob({ name: 'ab', context: 'ab' }, prRefs(8)));
    const quiet = await store.createProwJob(newPresubmitJob({ name: 'q', context: 'q' }, { ...prRefs(9), org: 'quiet' }));
    const scheduling = await store.createProwJob(newPresubmitJob({ name: 'sch', context: 'sch' }, prRefs(10), {}, { state: 'scheduling' }));
    await waitFor('aborted triggered', async () => (await reported(aborted.metadata.name)) === 'triggered');
    await mutate(aborted.metadata.name, finish('aborted', 'u'));
    await mutate(quiet.metadata.name, finish('failure', 'u'));
    await waitFor('aborted reported', async () => (await reported(aborted.metadata.name)) === 'aborted');
    await waitFor('quiet reported', async () => (await reported(quiet.metadata.name)) === 'failure');
    assert.equal(gh.latestStatus('o/r', HEAD, 'ab')?.state, 'failure', 'aborted shows as failure');
    assert.deepEqual(gh.prComments('o/r', 8), [], 'aborted adds no table row');
    assert.equal(gh.latestStatus('quiet/r', HEAD, 'q')?.state, 'failure');
    assert.deepEqual(gh.prComments('quiet/r', 9), [], 'no comments for no_comment_repos');
    assert.equal(await reported(skipped.metadata.name), undefined);
    assert.equal(await reported(scheduling.metadata.name), undefined, 'scheduling is not reported');
    const metrics = await registry.getSingleMetricAsString('crier_reporting_results');
    assert.doesNotMatch(metrics, /result="error"/, 'and is no error either');
    assert.match(metrics, /crier_reporting_results\{reporter="github-reporter",result="success"\} [3-9]/);
    assert.equal(await reported(batch.metadata.name), undefined);
    assert.ok(!gh.writes.some((w) => w.includes(':s=') || w.includes(':bt=') || w.includes(':sch=')));
  });

  it('a failed GitHub call is retried and only then recorded; conflicts on record are retried', async () => {
    gh.failures.push({ op: 'createStatus', err: new GitHubError(502, 'POST', '/repos/o/r/statuses/x', 'Bad Gateway') });
    let conflicts = 0;
    const conflicting: Store = Object.create(store, {
      updateProwJob: {
        value: async (pj: ProwJob) => {
          if (conflicts++ < 2) throw new ConflictError('ProwJob', pj.metadata.name, pj.metadata.resourceVersion);
          return store.updateProwJob(pj);
        },
      },
    });
    start({ store: conflicting });
    const pj = await store.createProwJob(newPostsubmitJob({ name: 'post', context: 'post' }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: BASE }));
    await waitFor('recorded', async () => (await reported(pj.metadata.name)) === 'triggered');
    assert.deepEqual(gh.writes, [`o/r@${BASE}:post=pending`], 'one status after the retry');
    assert.ok(conflicts >= 3);
  });

  it('a 404 on the status (force-pushed commit) counts as reported', async () => {
    gh.failures.push({ op: 'createStatus', err: new GitHubError(404, 'POST', '/repos/o/r/statuses/x', 'Not Found') });
    start();
    const pj = await store.createProwJob(newPostsubmitJob({ name: 'post', context: 'post' }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: BASE }));
    await waitFor('recorded', async () => (await reported(pj.metadata.name)) === 'triggered');
    assert.deepEqual(gh.writes, []);
  });

  it('summary_comment_repos: one comment once every job of the PR is complete', async () => {
    config.github_reporter!.summary_comment_repos = ['o/r'];
    start();
    const a = await store.createProwJob(newPresubmitJob({ name: 'a', context: 'a', rerun_command: '/test a' }, prRefs()));
    const b = await store.createProwJob(newPresubmitJob({ name: 'b', context: 'b', rerun_command: '/test b' }, prRefs()));
    await mutate(a.metadata.name, finish('success', 'ua'));
    await waitFor('a reported', async () => (await reported(a.metadata.name)) === 'success');
    assert.deepEqual(gh.prComments('o/r', 7), [], 'b is still running');
    await mutate(b.metadata.name, finish('success', 'ub'));
    await waitFor('b reported', async () => (await reported(b.metadata.name)) === 'success');
    const comments = gh.prComments('o/r', 7);
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /^@alice: all tests \*\*passed!\*\*/);
  });
});

describe('github reporter shouldReport', () => {
  const log = createSilentLogger();
  const base = (): ProwJob => newPostsubmitJob({ name: 'post', context: 'post' }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: BASE });
  const cases: { name: string; change: (pj: ProwJob) => void; reportAgent?: string; want: boolean }[] = [
    { name: 'a postsubmit that reports', change: () => {}, want: true },
    { name: 'skip_report', change: (pj) => (pj.spec.report = false), want: false },
    { name: 'a periodic', change: (pj) => (pj.spec.type = 'periodic'), want: false },
    { name: 'a Gerrit job', change: (pj) => (pj.metadata.labels = { ...pj.metadata.labels, 'prow.k8s.io/gerrit-report-label': 'Verified' }), want: false },
    { name: 'another agent than --report-agent', change: (pj) => (pj.spec.agent = 'jenkins'), reportAgent: 'kubernetes', want: false },
    { name: 'the --report-agent', change: (pj) => (pj.spec.agent = 'kubernetes'), reportAgent: 'kubernetes', want: true },
    { name: 'waiting for the scheduler', change: (pj) => (pj.status.state = 'scheduling'), want: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pj = base();
      c.change(pj);
      const reporter = createGitHubReporter({
        github: new FakeCrierGitHub(), config: () => ({}), listJobs: async () => [], ...(c.reportAgent ? { reportAgent: c.reportAgent } : {}),
      });
      assert.equal(reporter.shouldReport(pj, log), c.want);
    });
  }
});

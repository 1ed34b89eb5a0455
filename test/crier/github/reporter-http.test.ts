// The GitHub reporter run by crier end to end over real parts: SQLite store, the Octokit client over HTTP, the fake GitHub.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCrier } from '../../../src/crier/crier.js';
import { createGitHubReporter } from '../../../src/crier/github/reporter.js';
import { COMMENT_TAG } from '../../../src/crier/github/comment.js';
import { closeInformers, informerJobs } from '../informer-jobs.js';
import { REPORTER_NAMES } from '../../../src/api/reporters.js';
import { newPresubmitJob } from '../../../src/api/pjutil.js';
import type { ProwJob } from '../../../src/api/prowjob.js';
import { openSqliteStore } from '../../../src/store/sqlite/store.js';
import type { Store } from '../../../src/store/types.js';
import { ConflictError } from '../../../src/store/types.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/github/fake/server.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { waitFor as poll } from '../../support/wait.js';

async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  await poll(cond, { timeoutMs, intervalMs: 20, message: what });
}

describe('github reporter over HTTP against the fake GitHub', () => {
  let gh: FakeGitHub;
  let dir: string;
  let store: Store;
  const log = createSilentLogger();

  before(async () => {
    gh = await startFakeGitHub();
    await gh.reset({
      bot: 'prow-bot',
      repos: [{ repo: 'o/r', files: { 'README.md': 'hi\n' } }],
      pulls: [{ repo: 'o/r', number: 3, author: 'alice', title: 'Change', files: { 'a.txt': 'a\n' }, comments: [{ author: 'bob', body: 'looks good' }] }],
    });
    dir = mkdtempSync(join(tmpdir(), 'crier-http-'));
    store = openSqliteStore(join(dir, 'prow.db'), { log, pollIntervalMs: 20 });
  });
  after(async () => {
    await store.close();
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets statuses and keeps one failure comment, removed when the rerun passes', async () => {
    const head = await gh.headSha('o/r', 3);
    const base = (await gh.branchSha('o/r', 'main'))!;
    const github = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { retryAfterBaseValue: 1 }, throttle: false, log });
    const jobs = informerJobs(store);
    const reporter = createGitHubReporter({
      github, listJobs: jobs.list,
      config: () => ({ github_reporter: { job_types_to_report: ['presubmit', 'postsubmit'] }, plank: { report_templates: { '*': 'PR #{{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}' } } }),
    });
    const crier = startCrier({ jobs, store, log, retryDelayMs: 20, reporters: [{ reporter, workers: 5 }] });
    try {
      const refs = { org: 'o', repo: 'r', base_ref: 'main', base_sha: base, pulls: [{ number: 3, author: 'alice', sha: head }] };
      const job = { name: 'pull-r-unit', context: 'pull-r-unit', rerun_command: '/test pull-r-unit', optional: false };
      const finish = async (name: string, state: 'failure' | 'success'): Promise<void> => {
        for (;;) {
          const pj = (await store.getProwJob(name))!;
          pj.status.state = state;
          pj.status.completionTime = '2026-01-01T00:00:00Z';
          pj.status.url = `https://prow.example/view/${name}`;
          pj.status.description = `Job ${state === 'failure' ? 'failed' : 'succeeded'}.`;
          try {
            await store.updateProwJob(pj);
            return;
          } catch (err) {
            if (!(err instanceof ConflictError)) throw err;
          }
        }
      };
      const reported = async (name: string, state: string): Promise<boolean> =>
        (await store.getProwJob(name))?.status.prev_report_states?.[REPORTER_NAMES.github] === state;

      const first: ProwJob = await store.createProwJob(newPresubmitJob(job, refs));
      await waitFor('triggered', () => reported(first.metadata.name, 'triggered'));
      await finish(first.metadata.name, 'failure');
      await waitFor('failure', () => reported(first.metadata.name, 'failure'));

      const statuses = gh.statuses('o/r', head).filter((s) => s.context === 'pull-r-unit');
      assert.deepEqual(statuses.map((s) => s.state), ['pending', 'failure']);
      assert.equal(statuses[1]!.targetUrl, `https://prow.example/view/${first.metadata.name}`);
      assert.ok(statuses[1]!.description.startsWith('Job failed.'));
      assert.ok(statuses[1]!.description.endsWith(` BaseSHA:${base}`));
      const botComments = gh.comments('o/r', 3).filter((c) => c.user === 'prow-bot');
      assert.equal(botComments.length, 1);
      assert.match(botComments[0]!.body, /@alice: The following test \*\*failed\*\*/);
      assert.match(botComments[0]!.body, /\nPR #3\n/);
      assert.ok(botComments[0]!.body.endsWith(COMMENT_TAG));

      const rerun = await store.createProwJob(newPresubmitJob(job, refs));
      await finish(rerun.metadata.name, 'success');
      await waitFor('success', () => reported(rerun.metadata.name, 'success'));
      assert.deepEqual(gh.comments('o/r', 3).map((c) => c.user), ['bob'], 'the report comment is gone, the human one stays');
      assert.equal(gh.statuses('o/r', head).filter((s) => s.context === 'pull-r-unit').at(-1)!.state, 'success');
    } finally {
      await crier.close();
      closeInformers();
    }
  });
});

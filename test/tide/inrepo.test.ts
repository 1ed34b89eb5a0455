// tide with in-repo config: the presubmits of `.prow.yaml` at the merge of the base and the PR head (a batch:
// all its heads) gate merges and are the jobs tide triggers, read from the fake GitHub's real git repository
// (upstream pkg/tide/tide.go presubmitsByPull, presubmitsForBatch; pkg/config/tide.go GetTideContextPolicy).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { pullNumbers, REPO, seedWith, startTideHarness, tideConfig, type TideHarness } from './harness.js';

const IN_REPO = `in_repo_config:
  enabled:
    org/repo: true
`;
// No central presubmits for org/repo: only `.prow.yaml` can require anything.
const NO_STATIC_JOBS = 'presubmits: {}\n';

function prowYAML(command: string): string {
  return `presubmits:
- name: lint
  always_run: true
  spec:
    containers:
    - image: golang
      command: [make, ${command}]
`;
}

// #2 adds a job for docs/ changes, and changes no docs: only a batch with #1 (which does) must run it.
const DOCS_JOB = `- name: docs
  run_if_changed: '^docs/'
  spec: {containers: [{image: golang}]}
`;

function seed(pulls: Parameters<typeof seedWith>[0]) {
  const s = seedWith(pulls);
  s.repos![0]!.files = { ...s.repos![0]!.files, '.prow.yaml': prowYAML('lint') };
  return s;
}

function tideStatus(h: TideHarness, sha: string): { state: string; description: string } | undefined {
  const s = h.gh.statuses(REPO, sha).filter((c) => c.context === 'tide').at(-1);
  return s && { state: s.state, description: s.description };
}

/** A green `lint` from an earlier base: the PR is in the pool, and tide must retest it at the current one. */
async function staleLint(h: TideHarness, n: number): Promise<void> {
  await h.client.createStatus('org', 'repo', await h.gh.headSha(REPO, n), { context: 'lint', state: 'success', description: 'Job succeeded.' });
}

function command(pj: ProwJob): string[] | undefined {
  return pj.spec.pod_spec?.containers[0]?.command;
}

describe('tide with in-repo config', () => {
  it('requires the .prow.yaml presubmit, triggers it, and merges when it passes', async (t) => {
    const h = await startTideHarness(seed([{ number: 1 }]), tideConfig(IN_REPO), NO_STATIC_JOBS, { inRepoConfig: true });
    t.after(() => h.close());
    const head = await h.gh.headSha(REPO, 1);
    // No lint result yet: tide waits, and says which job it waits for.
    const waiting = await h.tide.syncOnce();
    assert.equal(waiting.pools.length, 0);
    assert.equal(h.gh.isMerged(REPO, 1), false);
    assert.deepEqual(tideStatus(h, head), { state: 'pending', description: 'Not mergeable. Job lint has not succeeded.' });

    await staleLint(h, 1);
    const retest = await h.tide.syncOnce();
    assert.equal(retest.pools[0]?.Action, 'TRIGGER');
    const jobs = await h.jobs();
    assert.deepEqual(jobs.map((pj) => [pj.spec.job, pj.spec.type, pj.metadata.labels?.['created-by-tide']]), [['lint', 'presubmit', 'true']]);
    assert.deepEqual(command(jobs[0]!), ['make', 'lint']);
    assert.deepEqual(tideStatus(h, head), { state: 'pending', description: 'Not mergeable. Retesting: lint' });

    await h.runCI(() => true);
    const merged = await h.tide.syncOnce();
    assert.equal(merged.pools[0]?.Action, 'MERGE');
    assert.equal(h.gh.isMerged(REPO, 1), true);
  });

  it('tests a batch with the jobs at the merge of all its heads and merges it', async (t) => {
    // #2 changes the lint job and adds one for docs/, which #1 changes: the batch runs #2's lint and the docs
    // job (neither PR alone would run docs); #1 alone runs the base's lint.
    const h = await startTideHarness(
      seed([{ number: 1, files: { 'docs/guide.md': 'guide\n' } }, { number: 2, files: { 'file-2.txt': 'change 2\n', '.prow.yaml': prowYAML('lint-strict') + DOCS_JOB } }]),
      tideConfig(IN_REPO), NO_STATIC_JOBS, { inRepoConfig: true },
    );
    t.after(() => h.close());
    for (const n of [1, 2]) await staleLint(h, n);
    const first = await h.tide.syncOnce();
    assert.equal(first.pools[0]?.Action, 'TRIGGER_BATCH');
    const batch = (await h.jobs()).filter((pj) => pj.spec.type === 'batch');
    assert.deepEqual(batch.map((pj) => [pj.spec.job, pullNumbers(pj)]).sort(), [['docs', [1, 2]], ['lint', [1, 2]]]);
    assert.deepEqual(command(batch.find((pj) => pj.spec.job === 'lint')!), ['make', 'lint-strict']);
    // Upstream also retests #1 on its own meanwhile, with the base's job.
    const serial = await h.tide.syncOnce();
    assert.equal(serial.pools[0]?.Action, 'TRIGGER');
    const single = (await h.jobs()).find((pj) => pj.spec.type === 'presubmit');
    assert.deepEqual(single && [pullNumbers(single), command(single)], [[1], ['make', 'lint']]);

    await h.runCI(() => true);
    const done = await h.tide.syncOnce();
    assert.equal(done.pools[0]?.Action, 'MERGE_BATCH');
    assert.equal(h.gh.isMerged(REPO, 1), true);
    assert.equal(h.gh.isMerged(REPO, 2), true);
    assert.equal(await h.gh.file(REPO, '.prow.yaml', 'main'), prowYAML('lint-strict') + DOCS_JOB);
  });

  it('keeps a PR whose .prow.yaml is invalid out of the pool and says why in its tide status', async (t) => {
    const h = await startTideHarness(
      seed([{ number: 1 }, { number: 3, files: { '.prow.yaml': 'presubmits:\n- name: lint\n  always_run: true\n  spec: {containers: [{image: golang}]}\n  max_concurrency: lots\n' } }]),
      tideConfig(IN_REPO), NO_STATIC_JOBS, { inRepoConfig: true },
    );
    t.after(() => h.close());
    for (const n of [1, 3]) await staleLint(h, n);
    const res = await h.tide.syncOnce();
    // Only #1 is in the pool: it alone is retested.
    assert.deepEqual(res.pools[0]?.MissingPRs.map((p) => p.Number), [1]);
    assert.equal(res.pools[0]?.Action, 'TRIGGER');
    const status = tideStatus(h, await h.gh.headSha(REPO, 3));
    assert.equal(status?.state, 'error');
    assert.match(status?.description ?? '', /^Not mergeable\. In-repo config failed: \.prow\.yaml:5: presubmits\[0\]\.max_concurrency: /);
    assert.ok((status?.description.length ?? 0) <= 140);
    await h.runCI(() => true);
    await h.tide.syncOnce();
    assert.equal(h.gh.isMerged(REPO, 1), true);
    assert.equal(h.gh.isMerged(REPO, 3), false);
  });

  it('blocks in-repo repos with a clear status when tide cannot read repositories', async (t) => {
    const h = await startTideHarness(seed([{ number: 1 }]), tideConfig(IN_REPO), NO_STATIC_JOBS);
    t.after(() => h.close());
    await staleLint(h, 1);
    const res = await h.tide.syncOnce();
    assert.equal(res.pools.length, 0);
    assert.deepEqual(tideStatus(h, await h.gh.headSha(REPO, 1)), {
      state: 'error',
      description: 'Not mergeable. In-repo config failed: in_repo_config is enabled but this process cannot read repositories (no git mirror configured)',
    });
  });
});

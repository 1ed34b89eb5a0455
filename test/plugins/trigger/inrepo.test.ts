// trigger with in-repo config: `.prow.yaml` / `.prow/*.yaml` read from real git (the fake GitHub's bare
// repositories, mirrored and merged with `git merge-tree`) at the merge of the base and the PR head
// (upstream pkg/config/inrepoconfig.go, pkg/plugins/trigger/trigger.go getPresubmits/getPostsubmits).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../../src/config/types.js';
import { createMergedTreeReader } from '../../../src/git/merged-tree.js';
import type { MergedTreeReader } from '../../../src/git/types.js';
import { triggerPlugin } from '../../../src/plugins/trigger/trigger.js';
import type { PluginEvent } from '../../../src/github/event-types.js';
import { configFrom } from '../../support/config.js';
import {
  contextFor, demux, issueCommentDelivery, pluginConfigWith, pullRequestDelivery, pushDelivery, scenarioSeed, startWorld, type Delivery, type World,
} from './fixtures.js';

const STATIC_JOBS = `presubmits:
  org/repo:
  - name: static-unit
    always_run: true
    spec: {containers: [{image: alpine}]}
postsubmits:
  org/repo:
  - name: static-post
    spec: {containers: [{image: alpine}]}
`;
const IN_REPO = 'in_repo_config:\n  enabled:\n    org/repo: true\n';

const PROW_YAML = `presubmits:
- name: inrepo-lint
  always_run: true
  spec: {containers: [{image: golang, command: [make, lint]}]}
- name: inrepo-manual
  always_run: false
  spec: {containers: [{image: golang}]}
postsubmits:
- name: inrepo-publish
  spec: {containers: [{image: golang}]}
`;

let w: World;
let mirrors: string;
let trees: MergedTreeReader;
before(async () => {
  w = await startWorld();
  mirrors = mkdtempSync(join(tmpdir(), 'prow-inrepo-mirrors-'));
});
after(async () => {
  await w.close();
  rmSync(mirrors, { recursive: true, force: true });
});

async function deliver(d: Delivery, config: Config): Promise<void> {
  const { typed, generic } = demux(d);
  const ctx = { ...contextFor(w, d.id, config, pluginConfigWith()), mergedTrees: trees };
  const run = async (e: PluginEvent | undefined): Promise<void> => {
    if (!e) return;
    if (e.kind === 'pullRequest') await triggerPlugin.handlers.pullRequest!(e, ctx);
    if (e.kind === 'push') await triggerPlugin.handlers.push!(e, ctx);
    if (e.kind === 'genericComment') await triggerPlugin.handlers.genericComment!(e, ctx);
  };
  await run(typed);
  await run(generic);
}

async function jobNames(): Promise<string[]> {
  return (await w.store.listProwJobs()).items.map((p) => p.spec.job).sort();
}

/** org/repo with `.prow.yaml` on master (`baseFiles`) and PR #5 by a trusted member changing `prFiles`. */
async function reset(baseFiles: Record<string, string>, prFiles: Record<string, string | null> = { 'CHANGED': 'x\n' }): Promise<void> {
  await w.gh.reset(scenarioSeed({ author: 'trusted-member', repoFiles: { 'README.md': 'hello\n', ...baseFiles }, files: prFiles }));
  for (const pj of (await w.store.listProwJobs()).items) await w.store.deleteProwJob(pj.metadata.name);
  // A fresh mirror directory per case: the fake's repositories are new ones with the same names.
  const reposRoot = dirname(dirname(await w.gh.repoDir('org/repo')));
  trees = createMergedTreeReader({ cacheDir: mkdtempSync(join(mirrors, 'case-')), remoteFor: (org, repo) => `file://${reposRoot}/${org}/${repo}.git` });
}

describe('trigger with in-repo config', () => {
  it('a PR runs the static and the in-repo always_run presubmits from .prow.yaml on the base', async () => {
    await reset({ '.prow.yaml': PROW_YAML });
    await deliver(await pullRequestDelivery(w.gh, 'pr-1', 'opened'), configFrom(IN_REPO, STATIC_JOBS));
    assert.deepEqual(await jobNames(), ['inrepo-lint', 'static-unit']);
  });

  it('a PR that adds a job in .prow/ gets it: the files are read at the merge of base and head, .prow/ winning', async () => {
    await reset({ '.prow.yaml': PROW_YAML }, { '.prow/extra.yaml': 'presubmits:\n- name: from-the-pr\n  always_run: true\n  spec: {containers: [{image: alpine}]}\n' });
    await deliver(await pullRequestDelivery(w.gh, 'pr-2', 'opened'), configFrom(IN_REPO, STATIC_JOBS));
    assert.deepEqual(await jobNames(), ['from-the-pr', 'static-unit']);
  });

  it('/test inrepo-manual and /test ? see in-repo jobs', async () => {
    await reset({ '.prow.yaml': PROW_YAML });
    const cfg = configFrom(IN_REPO, STATIC_JOBS);
    await deliver(await issueCommentDelivery(w.gh, 'c-1', 'trusted-member', '/test ?'), cfg);
    const help = w.gh.comments('org/repo', 5).map((c) => c.body).join('\n');
    assert.match(help, /inrepo-manual/);
    assert.match(help, /inrepo-lint/);
    await deliver(await issueCommentDelivery(w.gh, 'c-2', 'trusted-member', '/test inrepo-manual'), cfg);
    assert.deepEqual(await jobNames(), ['inrepo-manual']);
  });

  it('a repo in_repo_config does not enable ignores .prow.yaml', async () => {
    await reset({ '.prow.yaml': PROW_YAML });
    await deliver(await pullRequestDelivery(w.gh, 'pr-3', 'opened'), configFrom('{}', STATIC_JOBS));
    assert.deepEqual(await jobNames(), ['static-unit']);
  });

  it('a bad .prow.yaml runs the static jobs and says why on the PR, once', async () => {
    await reset({ '.prow.yaml': 'presubmits:\n- name: broken\n  cluster: elsewhere\n  spec: {containers: [{image: alpine}]}\n' });
    const cfg = configFrom(IN_REPO, STATIC_JOBS);
    await deliver(await pullRequestDelivery(w.gh, 'pr-4', 'opened'), cfg);
    await deliver(await pullRequestDelivery(w.gh, 'pr-5', 'reopened'), cfg);
    assert.deepEqual(await jobNames(), ['static-unit', 'static-unit']);
    const notes = w.gh.comments('org/repo', 5).filter((c) => c.body.includes('in-repo configuration'));
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.body, /\.prow\.yaml:3: presubmits\[0\]\.cluster: cluster "elsewhere" is not allowed for repository "org\/repo"/);
  });

  it('invalid YAML is reported with its file and line', async () => {
    await reset({ '.prow.yaml': 'presubmits:\n- name: [oops\n' });
    await deliver(await pullRequestDelivery(w.gh, 'pr-6', 'opened'), configFrom(IN_REPO, STATIC_JOBS));
    const note = w.gh.comments('org/repo', 5).find((c) => c.body.includes('in-repo configuration'));
    assert.match(note?.body ?? '', /\.prow\.yaml:\d+: invalid YAML/);
  });

  it('a PR whose .prow.yaml does not merge with the base runs the static jobs and says so', async () => {
    await reset({ '.prow.yaml': PROW_YAML }, { '.prow.yaml': 'presubmits: []\n' });
    await w.gh.pushToBranch('org/repo', 'master', { '.prow.yaml': 'postsubmits: []\n' });
    await deliver(await pullRequestDelivery(w.gh, 'pr-7', 'opened'), configFrom(IN_REPO, STATIC_JOBS));
    assert.deepEqual(await jobNames(), ['static-unit']);
    const note = w.gh.comments('org/repo', 5).find((c) => c.body.includes('in-repo configuration'));
    assert.match(note?.body ?? '', /merging [0-9a-f]{40} into [0-9a-f]{40} of org\/repo: conflicts/);
  });

  it('reads the files once per base and head SHAs', async () => {
    await reset({ '.prow.yaml': PROW_YAML });
    const real = trees;
    let reads = 0;
    trees = { readMergedFiles: (...args) => { reads++; return real.readMergedFiles(...args); } };
    const cfg = configFrom(IN_REPO, STATIC_JOBS);
    await deliver(await pullRequestDelivery(w.gh, 'pr-8', 'opened'), cfg);
    await deliver(await issueCommentDelivery(w.gh, 'c-8', 'trusted-member', '/test inrepo-manual'), cfg);
    assert.equal(reads, 1);
    await w.gh.pushToPull('org/repo', 5, { 'MORE': 'x\n' });
    await deliver(await pullRequestDelivery(w.gh, 'pr-9', 'synchronize'), cfg);
    assert.equal(reads, 2);
  });

  it('a push runs the in-repo postsubmits of the pushed commit', async () => {
    await reset({ '.prow.yaml': PROW_YAML });
    const sha = await w.gh.pushToBranch('org/repo', 'master', { 'NEW': 'x\n' });
    await deliver(pushDelivery('push-1', { repo: 'org/repo', ref: 'refs/heads/master', after: sha }), configFrom(IN_REPO, STATIC_JOBS));
    assert.deepEqual(await jobNames(), ['inrepo-publish', 'static-post']);
  });
});

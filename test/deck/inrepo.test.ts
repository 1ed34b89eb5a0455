// deck and in-repo jobs: a ProwJob of a `.prow.yaml` presubmit (read from the fake GitHub's real git repository,
// as trigger reads it) is absent from the static config; deck lists it, shows it in the PR history and the
// badge, and reruns it with the spec it ran with (upstream cmd/deck/rerun.go copies the ProwJob's spec).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newPresubmit } from '../../src/api/pjutil.js';
import type { ProwJob } from '../../src/api/prowjob.js';
import { getPresubmits } from '../../src/config/inrepo-jobs.js';
import type { Config } from '../../src/config/types.js';
import { createMergedTreeReader } from '../../src/git/merged-tree.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { configFrom } from '../support/config.js';
import { Client, makeWorld, type World } from './support/world.js';

const REPO = 'org/repo';
const PROW_YAML = `presubmits:
- name: inrepo-lint
  always_run: true
  spec: {containers: [{image: golang, command: [make, lint]}]}
`;

describe('deck with in-repo jobs', () => {
  let gh: FakeGitHub;
  let w: World;
  let mirrors: string;
  let config: Config;
  let ran: ProwJob;

  before(async () => {
    gh = await startFakeGitHub();
    await gh.reset({
      repos: [{ repo: REPO, files: { 'README.md': '# repo\n', '.prow.yaml': PROW_YAML } }],
      pulls: [{ repo: REPO, number: 1, author: 'alice', title: 'Change', files: { 'a.txt': 'a\n' } }],
    });
    await gh.ready();
    config = configFrom('in_repo_config:\n  enabled:\n    org/repo: true\n', 'presubmits:\n  org/repo:\n  - name: static-unit\n    always_run: true\n    spec: {containers: [{image: alpine}]}\n');
    mirrors = mkdtempSync(join(tmpdir(), 'deck-inrepo-'));
    const repoDir = await gh.repoDir(REPO);
    const trees = createMergedTreeReader({ cacheDir: mirrors, remoteFor: () => repoDir });
    const base = (await gh.branchSha(REPO, 'main'))!;
    const head = await gh.headSha(REPO, 1);
    const job = (await getPresubmits(config, trees, 'org', 'repo', async () => base, async () => [head])).find((p) => p.name === 'inrepo-lint')!;
    // What trigger creates for the PR (upstream pjutil.NewPresubmit), finished successfully.
    const pr = { number: 1, title: 'Change', user: { login: 'alice' }, head: { sha: head, ref: 'change' }, base: { ref: 'main', repo: { name: 'repo', owner: { login: 'org' } } } };
    const pj = newPresubmit(pr, base, job, 'guid-1');
    pj.status = { ...pj.status, state: 'success', completionTime: pj.status.startTime };
    w = makeWorld({ demoUsers: ['alice'] });
    w.config = { deck: { rerun_auth_configs: { '*': { github_users: ['alice'] } } }, presubmits: config.presubmits };
    ran = await w.store.createProwJob(pj);
  });

  after(async () => {
    await w?.close();
    await gh?.close();
    rmSync(mirrors, { recursive: true, force: true });
  });

  it('is a job the static config does not know', () => {
    assert.deepEqual(config.presubmits[REPO]?.map((p) => p.name), ['static-unit']);
    assert.deepEqual(ran.spec.pod_spec?.containers[0]?.command, ['make', 'lint']);
  });

  it('is listed by /prowjobs.js, the job list, the PR history and the badge', async () => {
    const js = (await (await w.app.request('/prowjobs.js?job=inrepo-lint')).json()) as { items: ProwJob[] };
    assert.deepEqual(js.items.map((pj) => pj.metadata.name), [ran.metadata.name]);
    assert.match(await (await w.app.request('/?job=inrepo-lint')).text(), new RegExp(ran.metadata.name));
    const history = await (await w.app.request('/pr-history?org=org&repo=repo&pr=1')).text();
    assert.match(history, /inrepo-lint/);
    const badge = await (await w.app.request('/badge.svg?jobs=inrepo-lint')).text();
    assert.match(badge, /passing/);
  });

  it('reruns with the spec it ran with', async () => {
    const preview = await (await w.app.request(`/rerun?prowjob=${ran.metadata.name}`)).text();
    assert.match(preview, /job: inrepo-lint/);
    const alice = new Client(w);
    await alice.signIn('alice');
    const res = await alice.post(`/rerun?prowjob=${ran.metadata.name}`, await alice.csrf());
    assert.equal(res.status, 200, await res.clone().text());
    const { url } = (await res.json()) as { url: string };
    const rerun = (await w.store.getProwJob(decodeURIComponent(url.slice('/job/'.length))))!;
    assert.notEqual(rerun.metadata.name, ran.metadata.name);
    assert.deepEqual(rerun.spec, ran.spec);
    assert.equal(rerun.status.state, 'triggered');
    const js = (await (await w.app.request('/prowjobs.js?job=inrepo-lint')).json()) as { items: ProwJob[] };
    assert.deepEqual(js.items.map((pj) => pj.metadata.name).sort(), [ran.metadata.name, rerun.metadata.name].sort());
  });

  it('refuses upstream\'s mode=latest, which could not rebuild an in-repo job, with a 400 that says so', async () => {
    const before = (await w.store.listProwJobs()).items.length;
    const res = await w.app.request(`/rerun?prowjob=${ran.metadata.name}&mode=latest`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /mode=latest is not supported: a rerun copies the ProwJob's spec/);
    const alice = new Client(w);
    await alice.signIn('alice');
    assert.equal((await alice.post(`/rerun?prowjob=${ran.metadata.name}&mode=latest`, await alice.csrf())).status, 400);
    assert.equal((await w.store.listProwJobs()).items.length, before);
  });
});

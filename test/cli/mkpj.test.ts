import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { mkpj, MkpjError, prowJobToYaml } from '../../src/api/mkpj.js';
import { batchRefs, newBatchJob } from '../../src/api/pjutil.js';
import { loadConfig } from '../../src/config/load.js';
import { validateProwJobCrd } from '../api/crd-validator.js';

const run = promisify(execFile);

const CONFIG = `
prowjob_namespace: prow-jobs
pod_namespace: test-pods
presubmits:
  o/r:
  - name: pull-unit
    always_run: true
    skip_report: false
    labels: {team: infra}
    annotations: {note: "hello"}
    decorate: true
    decoration_config:
      timeout: 90m
      gcs_configuration: {bucket: b, path_strategy: explicit}
      utility_images: {clonerefs: c, initupload: i, entrypoint: e, sidecar: s}
    spec:
      containers:
      - image: golang
        command: [make, test]
`;

const JOBS = `
postsubmits:
  o/r:
  - name: post-build
    branches: [main]
    spec:
      containers: [{image: alpine, command: [echo, hi]}]
periodics:
- name: ci-nightly
  interval: 24h
  extra_refs:
  - {org: o, repo: tools, base_ref: main}
  spec:
    containers: [{image: alpine, command: [date]}]
`;

describe('prow mkpj', () => {
  let dir: string;
  let configPath: string;
  let jobsDir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mkpj-'));
    configPath = join(dir, 'config.yaml');
    jobsDir = join(dir, 'jobs');
    mkdirSync(jobsDir);
    writeFileSync(configPath, CONFIG);
    writeFileSync(join(jobsDir, 'more.yaml'), JOBS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const prow = (...args: string[]) => run('node', ['bin/prow', 'mkpj', '--config-path', configPath, '--job-config-path', jobsDir, ...args]);

  it('presubmit: prints a ProwJob the CRD accepts', async () => {
    const { stdout } = await prow('--job', 'pull-unit', '--base-ref', 'main', '--base-sha', 'abc', '--pull-number', '5', '--pull-sha', 'def', '--pull-author', 'alice', '--github-url', 'https://github.com');
    const pj = parse(stdout);
    assert.deepEqual(validateProwJobCrd(pj), []);
    assert.equal(pj.metadata.namespace, 'prow-jobs');
    assert.equal(pj.spec.type, 'presubmit');
    assert.equal(pj.spec.job, 'pull-unit');
    assert.equal(pj.spec.report, true);
    assert.equal(pj.spec.rerun_command, '/test pull-unit');
    assert.equal(pj.spec.decoration_config.timeout, '1h30m0s');
    assert.deepEqual(pj.spec.refs.pulls, [{
      number: 5, author: 'alice', sha: 'def', link: 'https://github.com/o/r/pull/5',
      commit_link: 'https://github.com/o/r/pull/5/commits/def', author_link: 'https://github.com/alice',
    }]);
    assert.equal(pj.metadata.labels.team, 'infra');
    assert.equal(pj.metadata.labels['prow.k8s.io/refs.pull'], '5');
    assert.equal(pj.metadata.annotations.note, 'hello');
    assert.equal(pj.status.state, 'triggered');
    assert.equal(pj.status.completionTime, undefined);
    assert.deepEqual(Object.keys(pj), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  });

  it('presubmit without pull flags: exit 1 naming each flag', async () => {
    await assert.rejects(prow('--job', 'pull-unit', '--base-ref', 'main', '--base-sha', 'abc'), (err: { code?: number; stderr?: string; stdout?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /--pull-number is required for presubmit job "pull-unit"/);
      assert.match(err.stderr ?? '', /--pull-sha is required/);
      assert.match(err.stderr ?? '', /--pull-author is required/);
      assert.equal(err.stdout, '');
      return true;
    });
  });

  it('unknown job and bad config exit 1 with the reason', async () => {
    await assert.rejects(prow('--job', 'nope'), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /job "nope" not found/);
      return true;
    });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'periodics:\n- name: x\n  interval: 7d\n  spec: {containers: [{image: a}]}\n');
    await assert.rejects(run('node', ['bin/prow', 'mkpj', '--config-path', bad, '--job', 'x']), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /bad\.yaml:3/);
      return true;
    });
  });

  it('postsubmit and periodic through the library', () => {
    const { config } = loadConfig({ configPath, jobConfigPath: jobsDir });
    const now = () => new Date('2026-03-04T05:06:07Z');
    assert.throws(() => mkpj(config, { job: 'post-build', baseRef: 'main' }), (e: unknown) => e instanceof MkpjError && /--base-sha is required for postsubmit job "post-build"/.test(e.message));
    const post = parse(prowJobToYaml(mkpj(config, { job: 'post-build', baseRef: 'main', baseSha: 'abc' }, { now })));
    assert.deepEqual(validateProwJobCrd(post), []);
    assert.deepEqual(post.spec.refs, { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc' });
    assert.equal(post.spec.rerun_command, undefined);
    assert.equal(post.status.startTime, '2026-03-04T05:06:07Z');

    const periodic = parse(prowJobToYaml(mkpj(config, { job: 'ci-nightly' })));
    assert.deepEqual(validateProwJobCrd(periodic), []);
    assert.equal(periodic.spec.type, 'periodic');
    assert.equal(periodic.spec.refs, undefined);
    assert.equal(periodic.spec.context, undefined);
    assert.equal(periodic.spec.report, true);
    assert.equal(periodic.metadata.labels['prow.k8s.io/refs.repo'], 'tools');
  });

  it('batch-shaped ProwJob with N pulls', () => {
    const { config } = loadConfig({ configPath, jobConfigPath: jobsDir });
    const job = config.presubmits['o/r']![0]!;
    const pj = newBatchJob(job, batchRefs({ org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc' }, [
      { number: 3, author: 'a', sha: 's3' }, { number: 4, author: 'b', sha: 's4' },
    ]));
    const out = parse(prowJobToYaml(pj));
    assert.deepEqual(validateProwJobCrd(out), []);
    assert.equal(out.spec.type, 'batch');
    assert.equal(out.spec.report, undefined, 'report: false is omitted as Go omitempty does');
    assert.equal(out.spec.refs.pulls.length, 2);
  });

  it('the validator rejects what the CRD rejects', () => {
    const { config } = loadConfig({ configPath, jobConfigPath: jobsDir });
    const pj = mkpj(config, { job: 'ci-nightly' });
    const done = structuredClone(pj);
    done.status.state = 'success';
    assert.deepEqual(validateProwJobCrd(done), ['status: completionTime is required for a final state']);
    const aborted = structuredClone(pj);
    aborted.status.state = 'aborted';
    assert.deepEqual(validateProwJobCrd(aborted), []);
    const noJob = structuredClone(pj) as { spec: { job?: string; type: string } };
    delete noJob.spec.job;
    noJob.spec.type = 'nightly';
    assert.equal(validateProwJobCrd(noJob).length, 2);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aliasForSpec, goPathJoin, latestBuildForSpec, parseBucket, pathsForJob, repoPathBuilder, rootForSpec } from '../../src/api/storage-path.js';
import { jobURL, jobURLPrefix } from '../../src/api/job-url.js';
import { createBuildIdGenerator, SNOWFLAKE_EPOCH_MS } from '../../src/api/build-id.js';
import type { ProwJob, ProwJobSpec, ProwJobType } from '../../src/api/prowjob.js';

const refsFor = (org: string, repo: string) => ({ org, repo, base_ref: 'master', base_sha: 'abc', pulls: [{ number: 12, author: 'u', sha: 'def' }] });

describe('artifact paths (§1.4)', () => {
  const cases: { name: string; strategy: string; org: string; repo: string; want: string }[] = [
    { name: 'legacy, default org and repo', strategy: 'legacy', org: 'kubernetes', repo: 'kubernetes', want: 'pr-logs/pull/12/pull-j/77' },
    { name: 'legacy, default org only', strategy: 'legacy', org: 'kubernetes', repo: 'test-infra', want: 'pr-logs/pull/test-infra/12/pull-j/77' },
    { name: 'legacy, other org', strategy: 'legacy', org: 'kubernetes-sigs', repo: 'prow', want: 'pr-logs/pull/kubernetes-sigs_prow/12/pull-j/77' },
    { name: 'single, default org only', strategy: 'single', org: 'kubernetes', repo: 'test-infra', want: 'pr-logs/pull/kubernetes_test-infra/12/pull-j/77' },
    { name: 'single, default repo', strategy: 'single', org: 'kubernetes', repo: 'kubernetes', want: 'pr-logs/pull/12/pull-j/77' },
    { name: 'explicit, default repo', strategy: 'explicit', org: 'kubernetes', repo: 'kubernetes', want: 'pr-logs/pull/kubernetes_kubernetes/12/pull-j/77' },
    { name: 'explicit, gerrit org and nested repo', strategy: 'explicit', org: 'https://host.example', repo: 'a/b', want: 'pr-logs/pull/host.example_a_b/12/pull-j/77' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const gcs = { path_strategy: c.strategy, default_org: 'kubernetes', default_repo: 'kubernetes' };
      const spec = { type: 'presubmit' as const, job: 'pull-j', buildid: '77', refs: refsFor(c.org, c.repo) };
      assert.equal(pathsForJob(gcs, spec).jobBasePath, c.want);
    });
  }
  it('periodic, postsubmit, batch, path_prefix and subdir', () => {
    const gcs = { path_strategy: 'explicit' };
    assert.equal(pathsForJob(gcs, { type: 'periodic', job: 'ci-j', buildid: '1' }).jobBasePath, 'logs/ci-j/1');
    assert.equal(pathsForJob(gcs, { type: 'postsubmit', job: 'post-j', buildid: '2', refs: refsFor('o', 'r') }).jobBasePath, 'logs/post-j/2');
    assert.equal(pathsForJob(gcs, { type: 'batch', job: 'pull-j', buildid: '3', refs: refsFor('o', 'r') }).jobBasePath, 'pr-logs/pull/batch/pull-j/3');
    const p = pathsForJob({ ...gcs, path_prefix: 'prefix/' }, { type: 'periodic', job: 'ci-j', buildid: '1' }, 'artifacts');
    assert.deepEqual([p.jobBasePath, p.blobStoragePath], ['prefix/logs/ci-j/1', 'prefix/logs/ci-j/1/artifacts']);
  });
  it('aliases, latest-build files and roots', () => {
    const spec = { type: 'presubmit' as const, job: 'pull-j', buildid: '77', refs: refsFor('o', 'r') };
    assert.equal(aliasForSpec(spec), 'pr-logs/directory/pull-j/77.txt');
    assert.deepEqual(latestBuildForSpec(spec, repoPathBuilder('explicit')), ['pr-logs/directory/pull-j/latest-build.txt', 'pr-logs/pull/o_r/12/pull-j/latest-build.txt']);
    assert.deepEqual(latestBuildForSpec({ ...spec, type: 'batch' }), ['pr-logs/directory/pull-j/latest-build.txt']);
    assert.equal(rootForSpec({ type: 'postsubmit', job: 'x' }), 'logs/x');
    assert.equal(rootForSpec({ type: 'batch', job: 'x' }), 'pr-logs/directory/x');
    assert.throws(() => repoPathBuilder('weird'), /unknown path_strategy "weird"/);
  });
  it('Go path.Join and bucket parsing', () => {
    assert.equal(goPathJoin('/view/', 'gs', 'b', 'logs/x/1'), '/view/gs/b/logs/x/1');
    assert.equal(goPathJoin('a', '', '../b'), 'b');
    assert.deepEqual(parseBucket('kubernetes-ci-logs'), { provider: 'gs', bucket: 'kubernetes-ci-logs', fullPath: 'kubernetes-ci-logs' });
    assert.deepEqual(parseBucket('s3://b/sub/dir'), { provider: 's3', bucket: 'b', fullPath: 'b/sub/dir' });
  });
});

function pj(type: ProwJobType, spec: Partial<ProwJobSpec> = {}): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: 'n' },
    spec: { type, job: 'pull-j', refs: refsFor('kubernetes', 'test-infra'), ...spec },
    status: { startTime: '2026-01-01T00:00:00Z', state: 'pending', build_id: '77' },
  };
}

describe('job URL (lifecycle §1.10)', () => {
  const decorated = { decoration_config: { gcs_configuration: { bucket: 'kubernetes-ci-logs', path_strategy: 'legacy', default_org: 'kubernetes', default_repo: 'kubernetes' } } };
  it('k8s: prefix path-joined with provider, bucket and build path', () => {
    const plank = { job_url_prefix_config: { '*': 'https://prow.k8s.io/view/' } };
    assert.equal(jobURL(plank, pj('presubmit', decorated)), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/pr-logs/pull/test-infra/12/pull-j/77');
    assert.equal(jobURL({ ...plank, jobURLPrefixDisableAppendStorageProvider: true }, pj('presubmit', decorated)), 'https://prow.k8s.io/view/kubernetes-ci-logs/pr-logs/pull/test-infra/12/pull-j/77');
  });
  const bucketCases: { name: string; bucket: string; prefix: string; noProvider?: boolean; want: string }[] = [
    { name: 'bare bucket, provider dropped', bucket: 'bucket', prefix: 'https://gubernator.com/build', noProvider: true, want: 'https://gubernator.com/build/bucket/pr-logs/pull/org_repo/1' },
    { name: 'gs:// bucket', bucket: 'gs://bucket', prefix: 'https://prow.k8s.io/view/', want: 'https://prow.k8s.io/view/gs/bucket/pr-logs/pull/org_repo/1' },
    { name: 's3:// bucket', bucket: 's3://bucket', prefix: 'https://prow.k8s.io/view/', want: 'https://prow.k8s.io/view/s3/bucket/pr-logs/pull/org_repo/1' },
    { name: 'a bucket path with more separators', bucket: 'gs://my-floppy-backup/a://doom2.wad.006', prefix: 'https://prow.k8s.io/view/', want: 'https://prow.k8s.io/view/gs/my-floppy-backup/a:/doom2.wad.006/pr-logs/pull/org_repo/1' },
  ];
  for (const c of bucketCases) {
    it(`bucket forms: ${c.name}`, () => {
      const job = pj('presubmit', {
        job: '', refs: { org: 'org', repo: 'repo', pulls: [{ number: 1, author: 'a', sha: 's' }] },
        decoration_config: { gcs_configuration: { bucket: c.bucket, path_strategy: 'explicit' } },
      });
      job.status.build_id = '';
      assert.equal(jobURL({ job_url_prefix_config: { '*': c.prefix }, jobURLPrefixDisableAppendStorageProvider: c.noProvider === true }, job), c.want);
    });
  }
  it('prefix lookup: job gcs config, org/repo, org, *', () => {
    const plank = { job_url_prefix_config: { '*': 'https://star/', kubernetes: 'https://org/', 'kubernetes/test-infra': 'https://repo/' } };
    assert.equal(jobURLPrefix(plank, pj('presubmit')), 'https://repo/');
    assert.equal(jobURLPrefix(plank, pj('presubmit', { refs: refsFor('kubernetes', 'other') })), 'https://org/');
    assert.equal(jobURLPrefix(plank, pj('periodic', { refs: undefined })), 'https://star/');
    const own = { decoration_config: { gcs_configuration: { ...decorated.decoration_config.gcs_configuration, job_url_prefix: 'https://own/' } } };
    assert.equal(jobURLPrefix(plank, pj('presubmit', own)), 'https://own/');
  });
  it('undecorated: the job_url_template; a failing template gives "" and reports', () => {
    const plank = { job_url_template: 'https://ci/{{.Spec.Job}}/{{.Status.BuildID}}', job_url_prefix_config: { '*': 'https://ignored/' } };
    assert.equal(jobURL(plank, pj('presubmit')), 'https://ci/pull-j/77');
    const errors: unknown[] = [];
    assert.equal(jobURL({ job_url_template: '{{.Spec.Refs.Org}}' }, pj('periodic', { refs: undefined }), (e) => errors.push(e)), '');
    assert.equal(errors.length, 1);
  });
});

describe('snowflake build ids', () => {
  it('encodes time and node like bwmarrin/snowflake and never goes backwards', () => {
    let t = 1_700_000_000_000;
    const gen = createBuildIdGenerator({ now: () => t });
    const a = BigInt(gen());
    assert.equal(a >> 22n, BigInt(t) - SNOWFLAKE_EPOCH_MS);
    assert.equal((a >> 12n) & 1023n, 1n);
    const b = BigInt(gen());
    assert.equal(b, a + 1n, 'same millisecond: the sequence increments');
    t -= 5000; // the wall clock jumps back
    const c = BigInt(gen());
    assert.ok(c > b);
    t += 10_000;
    const d = BigInt(gen());
    assert.ok(d > c);
    assert.equal(String(d).length, 19);
  });
  it('4096 ids in one millisecond stay unique and increasing', () => {
    const gen = createBuildIdGenerator({ now: () => 1_700_000_000_000 });
    let prev = -1n;
    for (let i = 0; i < 5000; i++) {
      const id = BigInt(gen());
      assert.ok(id > prev);
      prev = id;
    }
  });
});

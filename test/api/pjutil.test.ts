import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  batchRefs, isValidLabelValue, labelsAndAnnotationsForSpec, newBatchJob, newPeriodicJob, newPostsubmitJob, newPresubmit,
  newPresubmitJob, newProwJob, pathBase, periodicSpec, presubmitSpec, truncateLabelValue,
} from '../../src/api/pjutil.js';
import type { PresubmitLike } from '../../src/api/pjutil.js';
import type { Refs } from '../../src/api/prowjob.js';
import { validateProwJobCrd } from './crd-validator.js';

const fixedNow = (): Date => new Date('2026-01-02T03:04:05.678Z');
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const refs: Refs = { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc', pulls: [{ number: 5, author: 'u', sha: 'def' }] };

const presubmit: PresubmitLike = {
  name: 'pull-o-r-unit',
  context: 'pull-o-r-unit',
  rerun_command: '/test pull-o-r-unit',
  agent: 'kubernetes',
  cluster: 'default',
  namespace: 'test-pods',
  labels: { team: 'infra' },
  annotations: { 'testgrid-dashboards': 'o-r' },
  spec: { containers: [{ image: 'golang:1.22', command: ['make', 'test'] }] },
  path_alias: 'k8s.io/r',
  clone_uri: 'https://example.com/o/r.git',
  skip_submodules: true,
  clone_depth: 1,
  skip_fetch_head: true,
  decoration_config: { timeout: '2h', blobless_fetch: true, sparse_checkout_files: ['a/'] },
  extra_refs: [{ org: 'o', repo: 'tools', base_ref: 'main' }],
  max_concurrency: 3,
};

describe('labels and annotations (§1.8)', () => {
  const long = `${'a'.repeat(60)}-._xyz`; // byte 63 falls inside "-._": trimmed off
  const cases: { name: string; value: string; label: string | undefined }[] = [
    { name: 'short value unchanged', value: 'pull-x', label: 'pull-x' },
    { name: 'exactly 63 bytes kept', value: 'a'.repeat(63), label: 'a'.repeat(63) },
    { name: '64 bytes cut to 63', value: 'b'.repeat(64), label: 'b'.repeat(63) },
    { name: 'trailing ._- stripped after the cut', value: long, label: 'a'.repeat(60) },
    { name: 'a context with spaces is dropped', value: 'ci/unit tests', label: undefined },
    { name: 'slashes: the basename is used', value: 'ci/prow/unit', label: 'unit' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { labels, annotations } = labelsAndAnnotationsForSpec({ type: 'presubmit', job: 'j', context: c.value, refs });
      assert.equal(labels['prow.k8s.io/context'], c.label);
      assert.equal(annotations['prow.k8s.io/context'], c.value);
    });
  }
  it('refs labels; base_ref with a slash becomes its basename; job labels win', () => {
    const { labels } = labelsAndAnnotationsForSpec(
      { type: 'presubmit', job: 'j', context: 'c', refs: { ...refs, base_ref: 'release/v1.2' } },
      { 'prow.k8s.io/refs.org': 'override', bad: 'has space' },
    );
    assert.deepEqual(labels, {
      'created-by-prow': 'true',
      'prow.k8s.io/type': 'presubmit',
      'prow.k8s.io/job': 'j',
      'prow.k8s.io/context': 'c',
      'prow.k8s.io/refs.org': 'override',
      'prow.k8s.io/refs.repo': 'r',
      'prow.k8s.io/refs.base_ref': 'v1.2',
      'prow.k8s.io/refs.pull': '5',
    });
  });
  it('periodics take refs labels from extra_refs[0] and keep an empty context label', () => {
    const { labels } = labelsAndAnnotationsForSpec({ type: 'periodic', job: 'ci-x', extra_refs: [{ org: 'eo', repo: 'er', base_ref: 'main' }] });
    assert.equal(labels['prow.k8s.io/refs.org'], 'eo');
    assert.equal(labels['prow.k8s.io/context'], '');
    assert.equal(labels['prow.k8s.io/refs.pull'], undefined);
  });
  it('helpers', () => {
    assert.equal(truncateLabelValue('é'.repeat(40)).length <= 63, true);
    assert.equal(isValidLabelValue(''), true);
    assert.equal(isValidLabelValue('-a'), false);
    assert.equal(pathBase('a/b/'), 'b');
    assert.equal(pathBase(''), '.');
  });
});

describe('newProwJob and specs (§1.7)', () => {
  it('presubmit: refs overrides, report, context, rerun_command, common fields', () => {
    const pj = newPresubmitJob(presubmit, refs, {}, { now: fixedNow, namespace: 'prow' });
    assert.match(pj.metadata.name, uuidRe);
    assert.equal(pj.metadata.namespace, 'prow');
    assert.equal(pj.status.state, 'triggered');
    assert.equal(pj.status.startTime, '2026-01-02T03:04:05Z');
    assert.equal(pj.spec.type, 'presubmit');
    assert.equal(pj.spec.report, true);
    assert.equal(pj.spec.context, 'pull-o-r-unit');
    assert.equal(pj.spec.rerun_command, '/test pull-o-r-unit');
    assert.equal(pj.spec.max_concurrency, 3);
    assert.equal(pj.spec.namespace, 'test-pods');
    assert.deepEqual(pj.spec.refs, {
      ...refs, path_alias: 'k8s.io/r', clone_uri: 'https://example.com/o/r.git', skip_submodules: true, clone_depth: 1,
      skip_fetch_head: true, blobless_fetch: true, sparse_checkout_files: ['a/'],
    });
    assert.deepEqual(pj.spec.extra_refs, [{ org: 'o', repo: 'tools', base_ref: 'main', blobless_fetch: true }]);
    assert.deepEqual(pj.spec.pod_spec, presubmit.spec);
    assert.notEqual(pj.spec.pod_spec, presubmit.spec, 'the job config is copied, not aliased');
    assert.equal(pj.metadata.labels!['team'], 'infra');
    assert.equal(pj.metadata.labels!['prow.k8s.io/is-optional'], 'false');
    assert.equal(pj.metadata.annotations!['testgrid-dashboards'], 'o-r');
    assert.equal(pj.metadata.annotations!['prow.k8s.io/job'], 'pull-o-r-unit');
    assert.deepEqual(validateProwJobCrd(pj), []);
  });
  it('skip_report makes report false; clone_depth 0 does not override', () => {
    const spec = presubmitSpec({ ...presubmit, skip_report: true, clone_depth: 0 }, { ...refs, clone_depth: 7 });
    assert.equal(spec.report, false);
    assert.equal(spec.refs!.clone_depth, 7);
  });
  it('postsubmit: no rerun_command, report = !skip_report', () => {
    const pj = newPostsubmitJob({ name: 'post-x', context: 'post-x', skip_report: false }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc' });
    assert.equal(pj.spec.type, 'postsubmit');
    assert.equal(pj.spec.report, true);
    assert.equal(pj.spec.rerun_command, undefined);
    assert.deepEqual(validateProwJobCrd(pj), []);
  });
  it('periodic: report true, no context, no refs', () => {
    const spec = periodicSpec({ name: 'ci-x', extra_refs: [{ org: 'o', repo: 'r', base_ref: 'main' }] });
    assert.equal(spec.report, true);
    assert.equal(spec.context, undefined);
    assert.equal(spec.refs, undefined);
    const pj = newPeriodicJob({ name: 'ci-x' }, {}, { now: fixedNow });
    assert.equal(pj.metadata.labels!['prow.k8s.io/context'], '');
    assert.deepEqual(validateProwJobCrd(pj), []);
  });
  it('batch: report false, N pulls, first pull labelled', () => {
    const br = batchRefs({ org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc' }, [
      { number: 1, author: 'a', sha: 's1' }, { number: 2, author: 'b', sha: 's2' }, { number: 3, author: 'c', sha: 's3' },
    ]);
    const pj = newBatchJob(presubmit, br);
    assert.equal(pj.spec.type, 'batch');
    assert.equal(pj.spec.report, false);
    assert.equal(pj.spec.rerun_command, undefined);
    assert.equal(pj.spec.refs!.pulls!.length, 3);
    assert.equal(pj.spec.refs!.base_link, 'https://github.com/o/r/commit/abc');
    assert.equal(pj.metadata.labels!['prow.k8s.io/refs.pull'], '1');
    assert.deepEqual(validateProwJobCrd(pj), []);
    assert.throws(() => batchRefs({ org: 'o', repo: 'r' }, []), /at least one pull/);
  });
  it('newPresubmit from a GitHub pull request, with event-GUID', () => {
    const pj = newPresubmit(
      {
        number: 7, title: 'Fix it', html_url: 'https://github.com/o/r/pull/7', user: { login: 'dev', html_url: 'https://github.com/dev' },
        head: { sha: 'h1', ref: 'fix' }, base: { ref: 'main', repo: { name: 'r', html_url: 'https://github.com/o/r', owner: { login: 'o' } } },
      },
      'b1', { name: 'j', context: 'j', rerun_command: '/test j', optional: true }, 'guid-1',
    );
    assert.deepEqual(pj.spec.refs, {
      org: 'o', repo: 'r', repo_link: 'https://github.com/o/r', base_ref: 'main', base_sha: 'b1', base_link: 'https://github.com/o/r/commit/b1',
      pulls: [{ number: 7, author: 'dev', sha: 'h1', title: 'Fix it', head_ref: 'fix', link: 'https://github.com/o/r/pull/7', commit_link: 'https://github.com/o/r/pull/7/commits/h1', author_link: 'https://github.com/dev' }],
    });
    assert.equal(pj.metadata.labels!['event-GUID'], 'guid-1');
    assert.equal(pj.metadata.labels!['prow.k8s.io/is-optional'], 'true');
  });
  it('slack report default and scheduling state', () => {
    const pj = newProwJob(
      { type: 'periodic', job: 'p', reporter_config: { slack: { job_states_to_report: [] } } }, {}, {}, { state: 'scheduling' },
    );
    assert.equal(pj.spec.reporter_config!.slack!.report, false);
    assert.equal(pj.status.state, 'scheduling');
    const pj2 = newProwJob({ type: 'periodic', job: 'p', reporter_config: { slack: { channel: 'c' } } });
    assert.equal(pj2.spec.reporter_config!.slack!.report, true);
  });
  it('names are unique', () => {
    const names = new Set(Array.from({ length: 50 }, () => newProwJob({ type: 'periodic', job: 'p' }).metadata.name));
    assert.equal(names.size, 50);
  });
});

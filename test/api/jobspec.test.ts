import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envForSpec, envForType, jobEnv, marshalJobSpec, newJobSpec, srcHostAndBase } from '../../src/api/jobspec.js';
import type { ProwJob, ProwJobSpec } from '../../src/api/prowjob.js';

// Keys deliberately in a different insertion order from Go's struct order.
const presubmitRefs = {
  pulls: [{
    author_link: 'https://github.com/u', commit_link: 'https://github.com/o/r/pull/5/commits/def', link: 'https://github.com/o/r/pull/5',
    head_ref: 'b', title: 't', sha: 'def', author: 'u', number: 5,
  }],
  base_link: 'https://github.com/o/r/commit/abc', base_sha: 'abc', base_ref: 'main', repo_link: 'https://github.com/o/r', repo: 'r', org: 'o',
};

describe('JOB_SPEC (§4.2)', () => {
  it('matches the upstream example byte for byte', () => {
    const spec: ProwJobSpec = { type: 'presubmit', job: 'pull-x', refs: presubmitRefs };
    assert.equal(
      marshalJobSpec(newJobSpec(spec, '1824', '5f1c')),
      '{"type":"presubmit","job":"pull-x","buildid":"1824","prowjobid":"5f1c","refs":{"org":"o","repo":"r","repo_link":"https://github.com/o/r","base_ref":"main","base_sha":"abc","base_link":"https://github.com/o/r/commit/abc","pulls":[{"number":5,"author":"u","sha":"def","title":"t","head_ref":"b","link":"https://github.com/o/r/pull/5","commit_link":"https://github.com/o/r/pull/5/commits/def","author_link":"https://github.com/u"}]}}',
    );
  });
  it('periodic: no refs key; extra_refs and decoration_config in order, durations as Go prints them', () => {
    const spec: ProwJobSpec = {
      type: 'periodic', job: 'ci-x',
      extra_refs: [{ repo: 'r', org: 'o', base_ref: 'main', workdir: true, blobless_fetch: false }],
      decoration_config: {
        grace_period: 15_000_000_000, timeout: '2h',
        gcs_configuration: { path_strategy: 'explicit', bucket: 'b', mediaTypes: { z: 'text/z', a: 'text/a' } },
        utility_images: { sidecar: 's', clonerefs: 'c', initupload: 'i', entrypoint: 'e' },
        skip_cloning: false,
      },
    };
    assert.equal(
      marshalJobSpec(newJobSpec(spec, '1', 'id')),
      '{"type":"periodic","job":"ci-x","buildid":"1","prowjobid":"id","extra_refs":[{"org":"o","repo":"r","base_ref":"main","workdir":true,"blobless_fetch":false}],"decoration_config":{"timeout":"2h0m0s","grace_period":"15s","utility_images":{"clonerefs":"c","initupload":"i","entrypoint":"e","sidecar":"s"},"gcs_configuration":{"bucket":"b","path_strategy":"explicit","mediaTypes":{"a":"text/a","z":"text/z"}},"skip_cloning":false}}',
    );
  });
  it('escapes HTML characters as Go does and keeps org/repo when empty', () => {
    const spec: ProwJobSpec = { type: 'postsubmit', job: 'a<b>&c', refs: { org: '', repo: '' } };
    assert.equal(marshalJobSpec(newJobSpec(spec, '', '')), '{"type":"postsubmit","job":"a\\u003cb\\u003e\\u0026c","refs":{"org":"","repo":""}}');
  });
});

function pj(spec: ProwJobSpec): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: 'uuid-1' }, spec,
    status: { startTime: '2026-01-01T00:00:00Z', state: 'pending', build_id: '42' },
  };
}

describe('job environment (§4.1)', () => {
  const base = { CI: 'true', JOB_NAME: 'j', BUILD_ID: '42', PROW_JOB_ID: 'uuid-1' };
  const cases: { name: string; spec: ProwJobSpec; want: Record<string, string> }[] = [
    {
      name: 'periodic (kubernetes agent: BUILD_NUMBER; extra_refs give no REPO_*)',
      spec: { type: 'periodic', job: 'j', agent: 'kubernetes', extra_refs: [{ org: 'o', repo: 'r' }] },
      want: { ...base, JOB_TYPE: 'periodic', BUILD_NUMBER: '42' },
    },
    {
      name: 'postsubmit (jenkins agent: no BUILD_NUMBER)',
      spec: { type: 'postsubmit', job: 'j', agent: 'jenkins', refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc' } },
      want: {
        ...base, JOB_TYPE: 'postsubmit', REPO_OWNER: 'o', REPO_NAME: 'r', SRC_HOST: 'github.com', SRC_BASE: 'o/r',
        PULL_BASE_REF: 'main', PULL_BASE_SHA: 'abc', PULL_REFS: 'main:abc',
      },
    },
    {
      name: 'batch',
      spec: { type: 'batch', job: 'j', refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc', pulls: [{ number: 1, author: 'a', sha: 's1' }, { number: 2, author: 'b', sha: 's2' }] } },
      want: {
        ...base, JOB_TYPE: 'batch', REPO_OWNER: 'o', REPO_NAME: 'r', SRC_HOST: 'github.com', SRC_BASE: 'o/r',
        PULL_BASE_REF: 'main', PULL_BASE_SHA: 'abc', PULL_REFS: 'main:abc,1:s1,2:s2',
      },
    },
    {
      name: 'presubmit with a path_alias',
      spec: { type: 'presubmit', job: 'j', refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc', path_alias: 'k8s.io/test-infra', pulls: [{ number: 5, author: 'u', sha: 'def', head_ref: 'b', title: 'T' }] } },
      want: {
        ...base, JOB_TYPE: 'presubmit', REPO_OWNER: 'o', REPO_NAME: 'r', SRC_HOST: 'k8s.io', SRC_BASE: 'test-infra',
        PULL_BASE_REF: 'main', PULL_BASE_SHA: 'abc', PULL_REFS: 'main:abc,5:def', PULL_NUMBER: '5', PULL_PULL_SHA: 'def',
        PULL_HEAD_REF: 'b', PULL_TITLE: 'T',
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const env = envForSpec(newJobSpec(c.spec, '42', 'uuid-1'), c.spec.agent);
      const { JOB_SPEC, ...rest } = env;
      assert.deepEqual(rest, c.want);
      assert.deepEqual(JSON.parse(JOB_SPEC!).type, c.spec.type);
      for (const name of Object.keys(env)) assert.ok(envForType(c.spec.type).includes(name), `${name} is reserved for ${c.spec.type}`);
    });
  }
  it('SRC_HOST/SRC_BASE from repo_link and alias without a slash', () => {
    assert.deepEqual(srcHostAndBase({ org: 'o', repo: 'r', repo_link: 'https://gitlab.example.com/g/o/r' }), { host: 'gitlab.example.com', base: 'g/o/r' });
    assert.deepEqual(srcHostAndBase({ org: 'o', repo: 'r', path_alias: 'myhost' }), { host: 'myhost', base: 'o/r' });
  });
  it('ARTIFACTS and GOPATH only on decorated jobs; sorted by name', () => {
    const undecorated = jobEnv(pj({ type: 'periodic', job: 'j' }), { artifactsDir: '/tmp/a' });
    assert.equal(undecorated.find((e) => e.name === 'ARTIFACTS'), undefined);
    const decorated = jobEnv(pj({ type: 'periodic', job: 'j', decoration_config: {} }), { artifactsDir: '/tmp/a', gopath: null });
    assert.equal(decorated.find((e) => e.name === 'ARTIFACTS')?.value, '/tmp/a');
    assert.equal(decorated.find((e) => e.name === 'GOPATH'), undefined);
    const names = decorated.map((e) => e.name);
    assert.deepEqual(names, [...names].sort());
    const cluster = jobEnv(pj({ type: 'periodic', job: 'j', decoration_config: {} }));
    assert.equal(cluster.find((e) => e.name === 'ARTIFACTS')?.value, '/logs/artifacts');
    assert.equal(cluster.find((e) => e.name === 'GOPATH')?.value, '/home/prow/go');
  });
  it('reserved names per type (§4.4)', () => {
    assert.equal(envForType('periodic').length, 7);
    assert.equal(envForType('batch').length, 14);
    assert.equal(envForType('presubmit').length, 18);
    assert.ok(!envForType('presubmit').includes('ARTIFACTS'));
  });
});

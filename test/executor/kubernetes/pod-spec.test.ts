// Our pod builder against upstream's expected pods: the inputs are upstream's test tables
// (pkg/pod-utils/decorate/podspec_test.go) rewritten as ProwJobs; the expectations are upstream's
// testdata files, vendored in test/fixtures/upstream-decorate/ and compared as text: the Go-shaped object
// written by goYamlStringify must be byte for byte what upstream's sigs.k8s.io/yaml wrote.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DecorationConfig, PodSpec, ProwJob, ProwJobSpec } from '../../../src/api/prowjob.js';
import { goYamlStringify } from '../../../src/executor/kubernetes/go-yaml.js';
import { decoratePodSpec, goShapedPodSpec, prowJobToPod, sidecarContainer } from '../../../src/executor/kubernetes/pod-spec.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/upstream-decorate');
const golden = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');

/** What Go's encoder adds to a Pod that our builder leaves out: an unset creationTimestamp and an empty status. */
function asGoPod(pod: ReturnType<typeof prowJobToPod>): unknown {
  return { ...pod, metadata: { ...pod.metadata, creationTimestamp: null }, status: {} };
}

function prowJob(spec: ProwJobSpec, labels: Record<string, string> = { needstobe: 'inherited' }): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: 'pod', labels },
    spec,
    status: { startTime: '2026-01-01T00:00:00Z', state: 'triggered', build_id: 'blabla' },
  };
}

const images = { clonerefs: 'clonerefs:tag', initupload: 'initupload:tag', entrypoint: 'entrypoint:tag', sidecar: 'sidecar:tag' };
const legacyGcs = { bucket: 'my-bucket', path_strategy: 'legacy', default_org: 'kubernetes', default_repo: 'kubernetes' };
const dc = (extra: Partial<DecorationConfig>, gcs: Record<string, unknown> = {}): DecorationConfig => ({
  timeout: '2h', grace_period: '10s', utility_images: images, gcs_configuration: { ...legacyGcs, ...gcs }, ...extra,
});
const refs = (headRef: string, title: string | null = 'pull-title') => ({
  org: 'org-name', repo: 'repo-name', base_ref: 'base-ref', base_sha: 'base-sha',
  pulls: [{ number: 1, author: 'author-name', sha: 'pull-sha', head_ref: headRef, ...(title ? { title } : {}) }],
  path_alias: 'somewhere/else',
});
const thing = (extra: Record<string, unknown> = {}): PodSpec => ({
  containers: [{ image: 'tester', command: ['/bin/thing'], args: ['some', 'args'], env: [{ name: 'MY_ENV', value: 'rocks' }], ...extra }],
});
const presubmit = (decoration: DecorationConfig, headRef: string, podSpec: PodSpec = thing(), more: Partial<ProwJobSpec> = {}): ProwJobSpec => ({
  type: 'presubmit', job: 'job-name', context: 'job-context', agent: 'kubernetes', decoration_config: decoration,
  refs: refs(headRef), extra_refs: [], pod_spec: podSpec, ...more,
});
const sshDc = dc({ gcs_credentials_secret: 'secret-name', ssh_key_secrets: ['ssh-1', 'ssh-2'] });
const saDc = dc({ default_service_account_name: 'default-SA', cookiefile_secret: 'yummy/.gitcookies' }, { mediaTypes: { log: 'text/plain' } });
const runAs = { run_as_group: 1000, run_as_user: 1000, fs_group: 2000 };

/** Upstream TestProwJobToPod's table, in order (case N ↔ TestProwJobToPod_N.yaml). */
const toPodCases: ProwJobSpec[] = [
  {
    type: 'presubmit', job: 'job-name', context: 'job-context', agent: 'kubernetes',
    refs: { ...refs('pull-branch-name'), path_alias: undefined } as ProwJobSpec['refs'],
    pod_spec: { containers: [{ image: 'tester', env: [{ name: 'MY_ENV', value: 'rocks' }] }] },
  },
  presubmit(dc({ gcs_credentials_secret: 'secret-name', cookiefile_secret: 'yummy/.gitcookies' }, { mediaTypes: { log: 'text/plain' } }), 'my-big-change'),
  presubmit(dc({ gcs_credentials_secret: 'secret-name', cookiefile_secret: 'yummy' }), 'fix-typos-99'),
  presubmit(dc({ gcs_credentials_secret: 'secret-name', ssh_key_secrets: ['ssh-1', 'ssh-2'], ssh_host_fingerprints: ['hello', 'world'] }),
    'fixes-fixes-fixes', thing({ terminationMessagePolicy: 'File' })),
  presubmit(sshDc, 'fixes-9'),
  { type: 'periodic', job: 'job-name', context: 'job-context', agent: 'kubernetes', decoration_config: sshDc, pod_spec: thing() },
  presubmit({ ...sshDc, skip_cloning: true }, 'best-branch-name', thing(), { extra_refs: [{ org: 'extra-org', repo: 'extra-repo' }] }),
  presubmit({ ...sshDc, cookiefile_secret: 'yummy' }, 'pr-head-ref-11', {
    containers: [
      { name: 'test-0', image: 'tester', command: ['/bin/thing'], args: ['some', 'args'], env: [{ name: 'MY_ENV', value: 'rocks' }] },
      { name: 'test-1', image: 'othertester', command: ['/bin/otherthing'], args: ['other', 'args'], env: [{ name: 'MY_ENV', value: 'stones' }] },
    ],
  }, { extra_refs: [{ org: 'extra-org', repo: 'extra-repo' }] }),
  presubmit(saDc, 'orig-branch-name'),
  presubmit({ ...saDc, ...runAs }, 'orig-branch-name'),
  presubmit({
    ...saDc, ...runAs,
    scheduling_options: {
      // Keys in Go's struct order: JOB_SPEC carries these as the job gave them (see docs/pods.md).
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'node-type', operator: 'In', values: ['prowjobs'] }] } }] } },
      tolerations: [{ key: 'prow.k8s.io/schedulable', operator: 'Exists', effect: 'NoSchedule' }],
    },
  }, 'orig-branch-name', thing(), { refs: refs('orig-branch-name', null) }),
];

describe('prowJobToPod matches upstream ProwJobToPod', () => {
  toPodCases.forEach((spec, i) => {
    it(`TestProwJobToPod_${i}`, () => {
      const pod = prowJobToPod(prowJob(spec));
      assert.equal(goYamlStringify(asGoPod(pod)), golden(`TestProwJobToPod_${i}.yaml`));
    });
  });

  it('refuses a job without a pod spec, naming it', () => {
    assert.throws(() => prowJobToPod(prowJob({ type: 'periodic', job: 'j' })), /prowjob "pod" lacks a pod spec/);
  });
});

const utilityResources = { limits: { cpu: '0' }, requests: { memory: '0' } };
const decorateDc = (extra: Partial<DecorationConfig> = {}): DecorationConfig => ({
  timeout: '1m', grace_period: '1h',
  utility_images: { clonerefs: 'cloneimage', initupload: 'initimage', entrypoint: 'entrypointimage', sidecar: 'sidecarimage' },
  resources: { clonerefs: utilityResources, initupload: utilityResources, place_entrypoint: utilityResources, sidecar: utilityResources },
  gcs_configuration: { bucket: 'bucket', path_strategy: 'single', default_org: 'org', default_repo: 'repo' },
  gcs_credentials_secret: 'gcs-secret', default_service_account_name: 'default-sa', ...extra,
});
const secretSpec = (): PodSpec => ({
  volumes: [{ name: 'secret', secret: { secretName: 'secretname' } }],
  containers: [{ name: 'test', command: ['/bin/ls'], args: ['-l', '-a'], volumeMounts: [{ name: 'secret', mountPath: '/secret' }] }],
  serviceAccountName: 'tester',
});
const bigMemory = { requests: { memory: '8Gi' }, limits: { memory: '100Gi' } };
const decorateCases: { name: string; spec: PodSpec; dc: DecorationConfig }[] = [
  { name: 'basic_happy_case', spec: secretSpec(), dc: decorateDc() },
  {
    name: 'enforcing_memory_limit',
    spec: { containers: [{ name: 'test', command: ['/bin/ls'], args: ['-l', '-a'], resources: bigMemory }], serviceAccountName: 'tester' },
    dc: decorateDc({ set_limit_equals_memory_request: true }),
  },
  {
    name: 'default_memory_request',
    spec: {
      containers: [
        { name: 'test', command: ['/bin/ls'], args: ['-l', '-a'], resources: bigMemory },
        { name: 'test2', command: ['/bin/ls'], args: ['-l', '-a'] },
      ],
      serviceAccountName: 'tester',
    },
    dc: decorateDc({ set_limit_equals_memory_request: true, default_memory_request: '4Gi' }),
  },
  { name: 'censor_secrets_in_sidecar', spec: secretSpec(), dc: decorateDc({ censor_secrets: true }) },
  { name: 'ignore_interrupts_in_sidecar', spec: secretSpec(), dc: decorateDc({ upload_ignores_interrupts: true }) },
];

describe('decoratePodSpec matches upstream decorate()', () => {
  for (const c of decorateCases) {
    it(c.name, () => {
      const pj = prowJob({
        type: 'presubmit', job: '', decoration_config: c.dc,
        refs: { org: 'org', repo: 'repo', base_ref: 'main', base_sha: 'abcd1234', pulls: [{ number: 1, author: '', sha: 'aksdjhfkds' }] },
        extra_refs: [{ org: 'other', repo: 'something', base_ref: 'release', base_sha: 'sldijfsd' }],
      });
      const spec = c.spec;
      decoratePodSpec(spec, pj, { custom: 'env' });
      assert.equal(goYamlStringify(goShapedPodSpec(spec)), golden(`zz_fixture_TestDecorate_${c.name}.yaml`));
    });
  }

  it('sets the pod grace period to 5/4 of the decoration grace period unless the job set one', () => {
    const pj = (podSpec: PodSpec, d: DecorationConfig) => prowJob({ type: 'periodic', job: 'j', pod_spec: podSpec, decoration_config: d });
    const a: PodSpec = { containers: [{}] };
    decoratePodSpec(a, pj(a, { utility_images: {}, grace_period: '10s' }), {});
    assert.equal(a['terminationGracePeriodSeconds'], 12);
    const b: PodSpec = { containers: [{}], terminationGracePeriodSeconds: 60 };
    decoratePodSpec(b, pj(b, { utility_images: {}, timeout: '10s' }), {});
    assert.equal(b['terminationGracePeriodSeconds'], 60);
  });
});

describe('sidecarContainer matches upstream Sidecar()', () => {
  const secrets = [{ name: 'very', mountPath: '/very' }, { name: 'secret', mountPath: '/secret' }, { name: 'stuff', mountPath: '/stuff' }];
  for (const [name, secretMounts] of [['basic_case', []], ['with_secrets', secrets]] as const) {
    it(name, () => {
      const container = sidecarContainer(
        { utility_images: { sidecar: 'sidecar-image' } }, { items: ['first', 'second'], gcs: { bucket: 'bucket' } },
        [{ name: 'blob', mountPath: '/blob' }], { name: 'logs', mountPath: '/logs' }, { name: 'outputs', mountPath: '/outputs' },
        'spec', true, true, [...secretMounts], [{ args: ['yes'], process_log: '', marker_file: '', metadata_file: '' }],
      );
      const [shaped] = goShapedPodSpec({ containers: [container] }).containers;
      assert.equal(goYamlStringify(shaped), golden(`zz_fixture_TestSidecar_${name}.yaml`));
    });
  }
});

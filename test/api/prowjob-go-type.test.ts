import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGoTemplate, TemplateError } from '../../src/go/template/template.js';
import { PROWJOB_GO_TYPE, prowJobGoFieldTable } from '../../src/api/prowjob-go-type.js';
import type { ProwJob, ProwJobType } from '../../src/api/prowjob.js';

const typed = { type: PROWJOB_GO_TYPE };

function pj(type: ProwJobType, over: Partial<ProwJob['spec']> = {}): ProwJob {
  const refs =
    type === 'periodic'
      ? undefined
      : {
          org: 'kubernetes',
          repo: 'test-infra',
          base_ref: 'master',
          base_sha: 'abc123',
          pulls: type === 'postsubmit' ? undefined : type === 'batch'
            ? [{ number: 1, author: 'a', sha: 's1' }, { number: 2, author: 'b', sha: 's2' }]
            : [{ number: 42, author: 'alice', sha: 'def456' }],
        };
  return {
    apiVersion: 'prow.k8s.io/v1',
    kind: 'ProwJob',
    metadata: { name: '5f1c-uuid', labels: { 'prow.k8s.io/type': type } },
    spec: { type, job: `${type}-job`, ...(refs ? { refs } : {}), ...over },
    status: { startTime: '2017-09-01T10:00:00Z', state: 'pending', build_id: '1234' },
  };
}

// The 2017 plank job_url_template (kubernetes/test-infra@848dc7b947 prow/config.yaml), gubernator era.
const JOB_URL_2017 =
  'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/{{if eq .Spec.Type "presubmit"}}pr-logs/pull/{{.Spec.Refs.Org}}_{{.Spec.Refs.Repo}}/{{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}{{else if eq .Spec.Type "batch"}}pr-logs/pull/batch{{else}}logs{{end}}/{{.Spec.Job}}/{{.Status.BuildID}}/';

// Upstream's test/integration/config/prow/deck.yaml job_url_template (the k8s shape).
const JOB_URL_K8S =
  'https://prow.k8s.io/view/gs/kubernetes-ci-logs/{{if eq .Spec.Type "presubmit"}}pr-logs/pull{{else if eq .Spec.Type "batch"}}pr-logs/pull{{else}}logs{{end}}{{if .Spec.Refs}}{{if ne .Spec.Refs.Org ""}}{{if ne .Spec.Refs.Org "kubernetes"}}/{{if and (eq .Spec.Refs.Org "kubernetes-sigs") (ne .Spec.Refs.Repo "poseidon")}}sigs.k8s.io{{else}}{{.Spec.Refs.Org}}{{end}}_{{.Spec.Refs.Repo}}{{else if ne .Spec.Refs.Repo "kubernetes"}}/{{.Spec.Refs.Repo}}{{end}}{{end}}{{end}}{{if eq .Spec.Type "presubmit"}}/{{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}{{else if eq .Spec.Type "batch"}}/batch{{end}}/{{.Spec.Job}}/{{.Status.BuildID}}/';

// Upstream's starter config report_templates['*'] (a folded YAML scalar, so the newline became a space).
const REPORT_TEMPLATE =
  '[Full PR test history](https://prow.example.com/pr-history?org={{.Spec.Refs.Org}}&repo={{.Spec.Refs.Repo}}&pr={{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}). [Your PR dashboard](https://prow.example.com/pr?query=is:pr+state:open+author:{{with index .Spec.Refs.Pulls 0}}{{.Author}}{{end}}).';

describe('ProwJob templates: job_url_template', () => {
  const t2017 = compileGoTemplate(JOB_URL_2017, 'job_url_template');
  const cases: [ProwJobType, string][] = [
    ['presubmit', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/pr-logs/pull/kubernetes_test-infra/42/presubmit-job/1234/'],
    ['batch', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/pr-logs/pull/batch/batch-job/1234/'],
    ['postsubmit', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/logs/postsubmit-job/1234/'],
    ['periodic', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/logs/periodic-job/1234/'],
  ];
  for (const [type, want] of cases) {
    it(`2017 template renders a ${type}`, () => assert.equal(t2017.render(pj(type), typed), want));
  }

  const tk8s = compileGoTemplate(JOB_URL_K8S, 'job_url_template');
  it('k8s template: presubmit in test-infra', () => {
    assert.equal(tk8s.render(pj('presubmit'), typed), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/pr-logs/pull/test-infra/42/presubmit-job/1234/');
  });
  it('k8s template: kubernetes-sigs repo becomes sigs.k8s.io_', () => {
    const job = pj('presubmit');
    job.spec.refs!.org = 'kubernetes-sigs';
    job.spec.refs!.repo = 'prow';
    assert.equal(tk8s.render(job, typed), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/pr-logs/pull/sigs.k8s.io_prow/42/presubmit-job/1234/');
  });
  it('k8s template: periodic without refs (nil pointer is false)', () => {
    assert.equal(tk8s.render(pj('periodic'), typed), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/periodic-job/1234/');
  });
  it('k8s template: batch', () => {
    assert.equal(tk8s.render(pj('batch'), typed), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/pr-logs/pull/test-infra/batch/batch-job/1234/');
  });
});

describe('ProwJob templates: report_templates and slack', () => {
  it('renders the upstream starter report template', () => {
    assert.equal(
      compileGoTemplate(REPORT_TEMPLATE).render(pj('presubmit'), typed),
      '[Full PR test history](https://prow.example.com/pr-history?org=kubernetes&repo=test-infra&pr=42). [Your PR dashboard](https://prow.example.com/pr?query=is:pr+state:open+author:alice).',
    );
  });
  it('renders the default slack report_template', () => {
    const job = pj('periodic');
    job.status.state = 'failure';
    job.status.url = 'https://prow/view/1';
    const t = compileGoTemplate('Job {{.Spec.Job}} of type {{.Spec.Type}} ended with state {{.Status.State}}. <{{.Status.URL}}|View logs>');
    assert.equal(t.render(job, typed), 'Job periodic-job of type periodic ended with state failure. <https://prow/view/1|View logs>');
  });
});

describe('ProwJob templates: Go names', () => {
  it('maps Go field names, promoted ObjectMeta fields and methods', () => {
    const job = pj('presubmit');
    const t = compileGoTemplate(
      '{{.Name}} {{.ObjectMeta.Name}} {{index .Labels "prow.k8s.io/type"}} {{.Spec.Refs.BaseSHA}} {{.Spec.Refs.String}} {{.Spec.Refs.OrgRepoString}} {{.Spec.Refs}} {{.Status.BuildID}} {{.ClusterAlias}} {{.Complete}}',
    );
    assert.equal(t.render(job, typed), '5f1c-uuid 5f1c-uuid presubmit abc123 master:abc123,42:def456 kubernetes/test-infra master:abc123,42:def456 1234 default false');
  });
  it('an absent struct field reads as its zero value', () => {
    const t = compileGoTemplate('[{{.Status.URL}}][{{.Spec.MaxConcurrency}}][{{.Spec.Report}}][{{.Spec.ExtraRefs}}][{{.Status.PendingTime}}][{{.Status.StartTime}}]');
    assert.equal(t.render(pj('periodic'), typed), '[][0][false][[]][<nil>][2017-09-01 10:00:00 +0000 UTC]');
  });
  it('a field through a nil pointer is an execution error, as in Go', () => {
    const t = compileGoTemplate('{{.Spec.Refs.Org}}', 'job_url_template');
    assert.throws(() => t.render(pj('periodic'), typed), (e: unknown) => e instanceof TemplateError && /nil pointer evaluating \*v1\.Refs\.Org/.test(e.message) && e.line === 1 && e.column === 3);
  });
  it('an unknown struct field is an execution error', () => {
    const t = compileGoTemplate('{{.Spec.Nope}}');
    assert.throws(() => t.render(pj('presubmit'), typed), /can't evaluate field Nope in type v1.ProwJobSpec/);
  });
  it('dynamic sub-objects (decoration_config) resolve through the fallback', () => {
    const job = pj('presubmit', { decoration_config: { gcs_configuration: { bucket: 'b', path_strategy: 'explicit' } } });
    assert.equal(compileGoTemplate('{{.Spec.DecorationConfig.GCSConfiguration.Bucket}}/{{.Spec.DecorationConfig.GCSConfiguration.PathStrategy}}').render(job, typed), 'b/explicit');
  });
  it('publishes the Go-name table', () => {
    const table = prowJobGoFieldTable();
    assert.equal(table['Spec.Refs.Pulls'], 'spec.refs.pulls');
    assert.equal(table['Status.BuildID'], 'status.build_id');
    assert.equal(table['Spec.Refs.BaseSHA'], 'spec.refs.base_sha');
    assert.equal(table['Name'], 'metadata.name');
    assert.equal(table['Status.StartTime'], 'status.startTime');
  });
  it('without the type, the engine knows nothing of ProwJobs: Go names resolve through the key fallback', () => {
    assert.equal(compileGoTemplate('{{.Spec.Refs.Org}}|{{.Name}}').render(pj('presubmit')), 'kubernetes|<no value>');
    assert.equal(compileGoTemplate('{{.Spec.Refs.Org}}|{{.Name}}').render(pj('presubmit'), typed), 'kubernetes|5f1c-uuid');
  });
});

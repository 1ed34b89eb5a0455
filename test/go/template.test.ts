import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGoTemplate, goNameToSnake, prowJobGoFieldTable, TemplateError } from '../../src/go/template.js';
import type { ProwJob, ProwJobType } from '../../src/api/prowjob.js';

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

describe('go templates: job_url_template', () => {
  const t2017 = compileGoTemplate(JOB_URL_2017, 'job_url_template');
  const cases: [ProwJobType, string][] = [
    ['presubmit', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/pr-logs/pull/kubernetes_test-infra/42/presubmit-job/1234/'],
    ['batch', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/pr-logs/pull/batch/batch-job/1234/'],
    ['postsubmit', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/logs/postsubmit-job/1234/'],
    ['periodic', 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/logs/periodic-job/1234/'],
  ];
  for (const [type, want] of cases) {
    it(`2017 template renders a ${type}`, () => assert.equal(t2017.render(pj(type)), want));
  }

  const tk8s = compileGoTemplate(JOB_URL_K8S, 'job_url_template');
  it('k8s template: presubmit in test-infra', () => {
    assert.equal(tk8s.render(pj('presubmit')), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/pr-logs/pull/test-infra/42/presubmit-job/1234/');
  });
  it('k8s template: kubernetes-sigs repo becomes sigs.k8s.io_', () => {
    const job = pj('presubmit');
    job.spec.refs!.org = 'kubernetes-sigs';
    job.spec.refs!.repo = 'prow';
    assert.equal(tk8s.render(job), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/pr-logs/pull/sigs.k8s.io_prow/42/presubmit-job/1234/');
  });
  it('k8s template: periodic without refs (nil pointer is false)', () => {
    assert.equal(tk8s.render(pj('periodic')), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/periodic-job/1234/');
  });
  it('k8s template: batch', () => {
    assert.equal(tk8s.render(pj('batch')), 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/pr-logs/pull/test-infra/batch/batch-job/1234/');
  });
});

describe('go templates: report_templates and slack', () => {
  it('renders the upstream starter report template', () => {
    assert.equal(
      compileGoTemplate(REPORT_TEMPLATE).render(pj('presubmit')),
      '[Full PR test history](https://prow.example.com/pr-history?org=kubernetes&repo=test-infra&pr=42). [Your PR dashboard](https://prow.example.com/pr?query=is:pr+state:open+author:alice).',
    );
  });
  it('renders the default slack report_template', () => {
    const job = pj('periodic');
    job.status.state = 'failure';
    job.status.url = 'https://prow/view/1';
    const t = compileGoTemplate('Job {{.Spec.Job}} of type {{.Spec.Type}} ended with state {{.Status.State}}. <{{.Status.URL}}|View logs>');
    assert.equal(t.render(job), 'Job periodic-job of type periodic ended with state failure. <https://prow/view/1|View logs>');
  });
});

describe('go templates: language', () => {
  const render = (src: string, data: unknown): string => compileGoTemplate(src).render(data);
  const cases: { name: string; src: string; data?: unknown; want: string }[] = [
    { name: 'plain text', src: 'hello', want: 'hello' },
    { name: 'comment', src: 'a{{/* no */}}b', want: 'ab' },
    { name: 'trim markers', src: 'a  {{- "x" -}}  \n b', want: 'axb' },
    { name: 'trimmed comment', src: 'a \n{{- /* c */ -}}\n b', want: 'ab' },
    { name: 'negative number is not a trim marker', src: '{{-3}}', want: '-3' },
    { name: 'map field and missing key', src: '{{.a}}|{{.missing}}', data: { a: 1 }, want: '1|<no value>' },
    { name: 'snake_case fallback', src: '{{.BuildID}} {{.BaseSHA}}', data: { build_id: 'b', base_sha: 's' }, want: 'b s' },
    { name: 'case-insensitive fallback', src: '{{.Name}}', data: { name: 'n' }, want: 'n' },
    { name: 'if/else if/else', src: '{{if eq .n 1}}one{{else if eq .n 2}}two{{else}}many{{end}}', data: { n: 2 }, want: 'two' },
    { name: 'eq with several values', src: '{{if eq .s "a" "b" "c"}}yes{{end}}', data: { s: 'c' }, want: 'yes' },
    { name: 'with else', src: '{{with .x}}{{.}}{{else}}none{{end}}', data: { x: '' }, want: 'none' },
    { name: 'range with index and else', src: '{{range $i, $v := .l}}{{$i}}={{$v}};{{else}}empty{{end}}', data: { l: ['a', 'b'] }, want: '0=a;1=b;' },
    { name: 'range else on empty', src: '{{range .l}}x{{else}}empty{{end}}', data: { l: [] }, want: 'empty' },
    { name: 'range over map sorts keys', src: '{{range $k, $v := .m}}{{$k}}{{$v}}{{end}}', data: { m: { b: 2, a: 1 } }, want: 'a1b2' },
    { name: 'range break/continue', src: '{{range .l}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', data: { l: [1, 2, 3, 4, 5] }, want: '13' },
    { name: 'dollar is the root inside range', src: '{{range .l}}{{$.p}}{{.}}{{end}}', data: { p: '-', l: [1, 2] }, want: '-1-2' },
    { name: 'variables and assignment', src: '{{$x := "a"}}{{if true}}{{$x = "b"}}{{end}}{{$x}}', want: 'b' },
    { name: 'variables are scoped to blocks', src: '{{$x := 1}}{{with 2}}{{$x := 3}}{{end}}{{$x}}', want: '1' },
    { name: 'lt le gt ge', src: '{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', want: 'true true true false' },
    { name: 'and/or return operands', src: '{{and 1 0 2}} {{or 0 "" "x"}} {{not 0}}', want: '0 x true' },
    { name: 'and short-circuits', src: '{{if and .m (index .m "k")}}y{{else}}n{{end}}', data: { m: null }, want: 'n' },
    { name: 'index and len', src: '{{index .l 1}} {{len .l}} {{index .m "k"}} {{len "héllo"}}', data: { l: [5, 6], m: { k: 'v' } }, want: '6 2 v 6' },
    { name: 'printf verbs', src: '{{printf "%s-%d-%v-%q-%5s|%-3d|%05d|%x" "a" 7 true "q\\"" "r" 1 42 255}}', want: 'a-7-true-"q\\""-    r|1  |00042|ff' },
    { name: 'printf wrong type and missing', src: '{{printf "%d %s" "x"}}', want: '%!d(string=x) %!s(MISSING)' },
    { name: 'print and println', src: '{{print 1 2 "a" "b" 3}}|{{println "a" 1}}', want: '1 2ab3|a 1\n' },
    { name: 'pipelines pass the final argument', src: '{{"a b&c" | urlquery}} {{"x" | printf "%s-%s" "y"}}', want: 'a+b%26c y-x' },
    { name: 'html and js escaping', src: '{{html "<a href=\'x\'>&\\""}} {{js "<\'=\\\\>"}}', want: '&lt;a href=&#39;x&#39;&gt;&amp;&#34; \\u003C\\\'\\u003D\\\\\\u003E' },
    { name: 'parenthesised args with a field chain', src: '{{(index .l 0).name}}', data: { l: [{ name: 'n' }] }, want: 'n' },
    { name: 'literals', src: '{{1.5}} {{0x10}} {{\'a\'}} {{`raw\\n`}} {{nil | print}}', want: '1.5 16 97 raw\\n <nil>' },
    { name: 'slices and maps print like Go', src: '{{.l}} {{.m}}', data: { l: [1, 'a'], m: { b: 1, a: [2] } }, want: '[1 a] map[a:[2] b:1]' },
    { name: 'else with', src: '{{with .a}}A{{else with .b}}B={{.}}{{else}}none{{end}}', data: { b: 'x' }, want: 'B=x' },
    { name: 'with ... else if', src: '{{with .a}}A{{else if .b}}B{{end}}', data: { b: 1 }, want: 'B' },
    { name: 'trim markers around else and end', src: '{{if .a -}}\n  yes\n{{- else -}}\n  no\n{{- end}}', data: { a: true }, want: 'yes' },
    { name: 'pipeline into len and eq', src: '{{.l | len}} {{"a" | eq "a"}}', data: { l: [1, 2, 3] }, want: '3 true' },
    { name: 'with declaration', src: '{{with $p := index .l 0}}{{$p.n}}{{end}}', data: { l: [{ n: 'first' }] }, want: 'first' },
    { name: 'nil data prints no value', src: '{{.}}', data: undefined, want: '<no value>' },
    { name: 'newlines inside an action', src: '{{with\n .a}}{{.}}{{end}}', data: { a: 'x' }, want: 'x' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(render(c.src, 'data' in c ? c.data : {}), c.want));
});

describe('go templates: ProwJob Go names', () => {
  it('maps Go field names, promoted ObjectMeta fields and methods', () => {
    const job = pj('presubmit');
    const t = compileGoTemplate(
      '{{.Name}} {{.ObjectMeta.Name}} {{index .Labels "prow.k8s.io/type"}} {{.Spec.Refs.BaseSHA}} {{.Spec.Refs.String}} {{.Spec.Refs.OrgRepoString}} {{.Spec.Refs}} {{.Status.BuildID}} {{.ClusterAlias}} {{.Complete}}',
    );
    assert.equal(t.render(job), '5f1c-uuid 5f1c-uuid presubmit abc123 master:abc123,42:def456 kubernetes/test-infra master:abc123,42:def456 1234 default false');
  });
  it('an absent struct field reads as its zero value', () => {
    const t = compileGoTemplate('[{{.Status.URL}}][{{.Spec.MaxConcurrency}}][{{.Spec.Report}}][{{.Spec.ExtraRefs}}][{{.Status.PendingTime}}][{{.Status.StartTime}}]');
    assert.equal(t.render(pj('periodic')), '[][0][false][[]][<nil>][2017-09-01 10:00:00 +0000 UTC]');
  });
  it('a field through a nil pointer is an execution error, as in Go', () => {
    const t = compileGoTemplate('{{.Spec.Refs.Org}}', 'job_url_template');
    assert.throws(() => t.render(pj('periodic')), (e: unknown) => e instanceof TemplateError && /nil pointer evaluating \*v1\.Refs\.Org/.test(e.message) && e.line === 1 && e.column === 3);
  });
  it('an unknown struct field is an execution error', () => {
    const t = compileGoTemplate('{{.Spec.Nope}}');
    assert.throws(() => t.render(pj('presubmit')), /can't evaluate field Nope in type v1.ProwJobSpec/);
  });
  it('dynamic sub-objects (decoration_config) resolve through the fallback', () => {
    const job = pj('presubmit', { decoration_config: { gcs_configuration: { bucket: 'b', path_strategy: 'explicit' } } });
    assert.equal(compileGoTemplate('{{.Spec.DecorationConfig.GCSConfiguration.Bucket}}/{{.Spec.DecorationConfig.GCSConfiguration.PathStrategy}}').render(job), 'b/explicit');
  });
  it('publishes the Go-name table', () => {
    const table = prowJobGoFieldTable();
    assert.equal(table['Spec.Refs.Pulls'], 'spec.refs.pulls');
    assert.equal(table['Status.BuildID'], 'status.build_id');
    assert.equal(table['Spec.Refs.BaseSHA'], 'spec.refs.base_sha');
    assert.equal(table['Name'], 'metadata.name');
    assert.equal(table['Status.StartTime'], 'status.startTime');
    assert.equal(goNameToSnake('RerunCommand'), 'rerun_command');
    assert.equal(goNameToSnake('CloneURI'), 'clone_uri');
  });
});

describe('go templates: compile errors', () => {
  const cases: { name: string; src: string; line: number; column: number; re: RegExp }[] = [
    { name: 'unclosed action', src: 'a\n  {{.X', line: 2, column: 3, re: /unclosed action/ },
    { name: 'missing end', src: '{{if .X}}\nyes', line: 1, column: 3, re: /no \{\{end\}\}/ },
    { name: 'stray end', src: 'x\n\n{{end}}', line: 3, column: 3, re: /unexpected \{\{end\}\}/ },
    { name: 'unknown function', src: '{{ foo 1 }}', line: 1, column: 4, re: /function "foo" not defined/ },
    { name: 'define is unsupported', src: '{{define "x"}}{{end}}', line: 1, column: 3, re: /not supported/ },
    { name: 'template is unsupported', src: 'ab\n{{template "x"}}', line: 2, column: 3, re: /not supported/ },
    { name: 'unterminated string', src: '{{"abc}}', line: 1, column: 3, re: /unterminated quoted string/ },
    { name: 'unclosed comment', src: '{{/* abc', line: 1, column: 1, re: /unclosed comment/ },
    { name: 'argument to a field', src: '{{.A 1}}', line: 1, column: 3, re: /can't give argument to non-function/ },
    { name: 'break outside range', src: '{{if 1}}{{break}}{{end}}', line: 1, column: 11, re: /outside \{\{range\}\}/ },
    { name: 'unexpected paren', src: '{{ 1) }}', line: 1, column: 5, re: /unexpected right paren/ },
    { name: 'bad character', src: '{{ .A # }}', line: 1, column: 7, re: /unexpected "#"/ },
    { name: 'empty action', src: '{{}}', line: 1, column: 3, re: /missing value/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(
        () => compileGoTemplate(c.src, 'my-template'),
        (e: unknown) => {
          assert.ok(e instanceof TemplateError, String(e));
          assert.match(e.message, c.re);
          assert.match(e.message, /^template: my-template:\d+:\d+: /);
          assert.deepEqual([e.line, e.column], [c.line, c.column]);
          return true;
        },
      );
    });
  }
  it('execution errors carry the position too', () => {
    assert.throws(() => compileGoTemplate('ok\n {{index .l 5}}').render({ l: [1] }), (e: unknown) => e instanceof TemplateError && e.line === 2 && /index out of range: 5/.test(e.message));
    assert.throws(() => compileGoTemplate('{{eq 1 "a"}}').render({}), /incompatible types for comparison/);
  });
});

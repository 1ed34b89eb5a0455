import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { ConfigAggregateError, formatIssue } from '../../src/config/errors.js';
import { allPresubmits, loadConfig } from '../../src/config/load.js';
import { presubmitShouldRun, triggerMatches } from '../../src/config/match.js';
import { sourceOf } from '../../src/config/decode.js';

const root = mkdtempSync(join(tmpdir(), 'prow-config-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Writes files (path → content) into a fresh dir; returns the dir. */
function tree(files: Record<string, string | Buffer>): string {
  const dir = join(root, `case-${n++}`);
  mkdirSync(join(dir, 'jobs'), { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

const DECORATION = `plank:
  default_decoration_config_entries:
  - config:
      timeout: 2h
      utility_images: {clonerefs: c, initupload: i, entrypoint: e, sidecar: s}
      gcs_configuration: {bucket: b, path_strategy: explicit}
`;

function load(files: Record<string, string | Buffer>, strict = false) {
  const dir = tree({ 'config.yaml': DECORATION, ...files });
  return { dir, ...loadConfig({ configPath: join(dir, 'config.yaml'), jobConfigPath: join(dir, 'jobs'), strict }) };
}

function errorsOf(files: Record<string, string | Buffer>, strict = false): string[] {
  const dir = tree({ 'config.yaml': DECORATION, ...files });
  try {
    loadConfig({ configPath: join(dir, 'config.yaml'), jobConfigPath: join(dir, 'jobs'), strict });
  } catch (err) {
    assert.ok(err instanceof ConfigAggregateError, String(err));
    return err.errors.map((e) => formatIssue({ ...e, file: e.file.slice(dir.length + 1) }));
  }
  return [];
}

const job = (name: string, extra = ''): string => `  - name: ${name}
    decorate: true
${extra}    spec:
      containers:
      - image: alpine
        command: [make]
`;

describe('malformed configuration: every error names file:line and field', () => {
  const cases: Array<{ name: string; files: Record<string, string>; strict?: boolean; want: string[] }> = [
    {
      name: 'bad YAML',
      files: { 'jobs/a.yaml': 'presubmits:\n  o/r:\n  - name: [unclosed\n' },
      want: ['jobs/a.yaml:4: invalid YAML'],
    },
    {
      name: 'bad regex in branches',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    branches:\n    - ok\n    - "release-(1"\n')}` },
      want: ['jobs/a.yaml:7: presubmits["o/r"][0].branches[1]: could not compile branches regex'],
    },
    {
      name: 'bad run_if_changed',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    run_if_changed: "a(?=b)"\n')}` },
      want: ['jobs/a.yaml:5: presubmits["o/r"][0].run_if_changed: could not compile run_if_changed regex'],
    },
    {
      name: 'duplicate presubmit with overlapping branches',
      files: {
        'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j')}`,
        'jobs/sub/b.yaml': `presubmits:\n  o/r:\n${job('j')}`,
      },
      want: ['jobs/sub/b.yaml:3: presubmits["o/r"][0].name: duplicated presubmit job "j" for o/r (also at'],
    },
    {
      name: 'cron and interval together',
      files: { 'jobs/p.yaml': `periodics:\n${job('p', '    cron: "0 * * * *"\n    interval: 1h\n')}` },
      want: ['jobs/p.yaml:5: periodics[0].interval: cron, interval and minimum_interval are mutually exclusive'],
    },
    {
      name: 'periodic with neither cron nor interval',
      files: { 'jobs/p.yaml': `periodics:\n${job('p')}` },
      want: ['jobs/p.yaml:2: periodics[0].cron: cron, interval and minimum_interval are mutually exclusive and one is required (found none)'],
    },
    {
      name: 'unknown key under --strict',
      strict: true,
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    alwaysrun: true\n')}` },
      want: ['jobs/a.yaml:5: presubmits["o/r"][0].alwaysrun: unknown field "alwaysrun" in Presubmit'],
    },
    {
      name: 'bad duration',
      files: { 'jobs/p.yaml': `periodics:\n${job('p', '    interval: 7d\n')}` },
      want: ['jobs/p.yaml:4: periodics[0].interval: cannot parse interval for p: time: unknown unit "d" in duration "7d"'],
    },
    {
      name: 'bad decoration timeout',
      files: { 'jobs/a.yaml': `postsubmits:\n  o/r:\n${job('j', '    decoration_config:\n      timeout: 1 hour\n')}` },
      want: ['jobs/a.yaml:6: postsubmits["o/r"][0].decoration_config.timeout: time: unknown unit " hour" in duration "1 hour"'],
    },
    {
      name: 'bad job name',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('bad name!')}` },
      want: ['jobs/a.yaml:3: presubmits["o/r"][0].name: name: must match the regular expression'],
    },
    {
      name: 'duplicate basenames',
      files: { 'jobs/x/same.yaml': '', 'jobs/y/same.yaml': '' },
      want: ['jobs/y/same.yaml: duplicated basename "same.yaml": also used by'],
    },
    {
      name: 'trigger without rerun_command',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    trigger: "(?m)^/go"\n')}` },
      want: ['jobs/a.yaml:3: presubmits["o/r"][0].rerun_command: either both of job.Trigger and job.RerunCommand must be set'],
    },
    {
      name: 'rerun_command that does not match trigger',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    trigger: "(?m)^/go"\n    rerun_command: "/run"\n')}` },
      want: ['jobs/a.yaml:6: presubmits["o/r"][0].rerun_command: for job j, rerun command "/run" does not match trigger'],
    },
    {
      name: 'reserved env name',
      files: { 'jobs/a.yaml': 'presubmits:\n  o/r:\n  - name: j\n    spec:\n      containers:\n      - image: a\n        env:\n        - name: PULL_NUMBER\n          value: "1"\n' },
      want: ['jobs/a.yaml:8: presubmits["o/r"][0].spec.containers[0].env[0]: env PULL_NUMBER is reserved'],
    },
    {
      name: 'reserved volume and mount path, even without decoration',
      files: { 'jobs/a.yaml': 'postsubmits:\n  o/r:\n  - name: j\n    spec:\n      volumes:\n      - name: logs\n      containers:\n      - image: a\n        volumeMounts:\n        - name: logs\n          mountPath: /tools\n' },
      want: [
        'jobs/a.yaml:6: postsubmits["o/r"][0].spec.volumes[0]: volume logs is a reserved for decoration',
        'jobs/a.yaml:10: postsubmits["o/r"][0].spec.containers[0].volumeMounts[0]: volumeMount name logs is reserved for decoration',
        'jobs/a.yaml:10: postsubmits["o/r"][0].spec.containers[0].volumeMounts[0]: mount logs at /tools conflicts with decoration mount',
      ],
    },
    {
      name: 'tekton job with an unused extra ref',
      files: { 'jobs/a.yaml': 'periodics:\n- name: t\n  interval: 1h\n  agent: tekton-pipeline\n  extra_refs:\n  - {org: o, repo: r}\n  - {org: o, repo: s}\n  pipeline_run_spec:\n    pipelineSpec:\n      tasks:\n      - name: a\n        taskRef: {name: PROW_EXTRA_GIT_REF_1}\n' },
      want: ['jobs/a.yaml:8: periodics[0].pipeline_run_spec: extra_refs[0] is not used; some task must reference PROW_EXTRA_GIT_REF_0'],
    },
    {
      name: 'reserved label',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    labels:\n      created-by-prow: "true"\n')}` },
      want: ['jobs/a.yaml:6: presubmits["o/r"][0].labels["created-by-prow"]: label created-by-prow is reserved for decoration'],
    },
    {
      name: 'always_run with run_if_changed',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    always_run: true\n    run_if_changed: x\n')}` },
      want: ['jobs/a.yaml:6: presubmits["o/r"][0].run_if_changed: job j is set to always run but also declares run_if_changed targets'],
    },
    {
      name: 'wrong type',
      files: { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    always_run: "sometimes"\n')}` },
      want: ['jobs/a.yaml:5: presubmits["o/r"][0].always_run: cannot unmarshal string into a field of type bool'],
    },
    {
      name: 'kubernetes job without spec',
      files: { 'jobs/a.yaml': 'postsubmits:\n  o/r:\n  - name: j\n    agent: kubernetes\n' },
      want: ['jobs/a.yaml:3: postsubmits["o/r"][0].spec: kubernetes jobs require a spec'],
    },
    {
      name: 'decorated job without command',
      files: { 'jobs/a.yaml': 'postsubmits:\n  o/r:\n  - name: j\n    decorate: true\n    spec:\n      containers:\n      - image: a\n' },
      want: ['jobs/a.yaml:7: postsubmits["o/r"][0].spec.containers[0]: decorated job containers must specify command and/or args'],
    },
    {
      name: 'bad cron',
      files: { 'jobs/p.yaml': `periodics:\n${job('p', '    cron: "H * * * *"\n')}` },
      want: ['jobs/p.yaml:4: periodics[0].cron: invalid cron string "H * * * *"'],
    },
    {
      name: 'duplicate periodic names across files',
      files: { 'jobs/p.yaml': `periodics:\n${job('p', '    interval: 1h\n')}`, 'jobs/q.yaml': `periodics:\n${job('p', '    interval: 2h\n')}` },
      want: ['jobs/q.yaml:2: periodics[0].name: duplicated periodic job: p (also at'],
    },
    {
      name: 'duplicated preset label',
      files: { 'jobs/a.yaml': 'presets:\n- labels:\n    preset-x: "true"\n- labels:\n    preset-x: "true"\n' },
      want: ['jobs/a.yaml:5: presets[1].labels["preset-x"]: duplicated preset label preset-x:true'],
    },
    {
      name: 'preset env conflicting with a container env',
      files: {
        'jobs/a.yaml': 'presets:\n- labels: {preset-x: "true"}\n  env: [{name: FOO, value: a}]\npostsubmits:\n  o/r:\n  - name: j\n    labels: {preset-x: "true"}\n    spec:\n      containers:\n      - image: a\n        env: [{name: FOO, value: b}]\n',
      },
      want: ['jobs/a.yaml:8: postsubmits["o/r"][0].spec: job j failed to merge presets for podspec: env var duplicated in pod spec: FOO'],
    },
    {
      name: 'bad top-level setting in config.yaml',
      files: { 'config.yaml': `${DECORATION}log_level: loud\nsinker:\n  max_prowjob_age: 1week\n` },
      want: ['config.yaml:7: log_level: not a valid logrus Level: "loud"', 'config.yaml:9: sinker.max_prowjob_age: time: unknown unit "week"'],
    },
    {
      name: 'bad regex in branch-protection and owners_dir_denylist',
      files: { 'config.yaml': `${DECORATION}branch-protection:\n  orgs:\n    o:\n      exclude:\n      - "^release-(.*"\nowners_dir_denylist:\n  default: ["x(?<!y)"]\n` },
      want: [
        'config.yaml:11: branch-protection.orgs["o"].exclude[0]: error parsing regexp',
        'config.yaml:13: owners_dir_denylist.default[0]: error parsing regexp',
      ],
    },
    {
      name: 'bad job_url_template',
      files: { 'config.yaml': `${DECORATION}  job_url_template: "{{if .Spec.Job}}"\n` },
      want: ['config.yaml:7: plank.job_url_template: invalid template'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const errs = errorsOf(c.files, c.strict);
      for (const w of c.want) assert.ok(errs.some((e) => e.startsWith(w)), `want an error starting with\n  ${w}\ngot\n  ${errs.join('\n  ')}`);
      assert.equal(errs.length, c.want.length, errs.join('\n'));
    });
  }

  it('reports all errors at once, across files', () => {
    const errs = errorsOf({
      'jobs/a.yaml': `presubmits:\n  o/r:\n${job('bad name')}`,
      'jobs/b.yaml': `periodics:\n${job('p', '    interval: 7d\n')}`,
    });
    assert.equal(errs.length, 2, errs.join('\n'));
  });

  it('unknown keys are warnings without --strict', () => {
    const { warnings } = load({ 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    alwaysrun: true\n')}` });
    assert.deepEqual(warnings.map((w) => `${w.line}: ${w.field}`), ['5: presubmits["o/r"][0].alwaysrun']);
  });
});

describe('defaulting', () => {
  it('fills upstream defaults for config.yaml', () => {
    const { config } = load({});
    assert.equal(config.prowjob_namespace, 'default');
    assert.equal(config.pod_namespace, 'default');
    assert.equal(config.log_level, 'info');
    assert.equal(config.plank.max_goroutines, 20);
    assert.equal(config.plank.pod_pending_timeout, '10m');
    assert.equal(config.plank.pod_running_timeout, '48h');
    assert.equal(config.plank.pod_unscheduled_timeout, '5m');
    assert.equal(config.plank.max_revivals, 3);
    assert.equal(config.sinker.resync_period, '1h');
    assert.equal(config.sinker.max_prowjob_age, '168h');
    assert.equal(config.sinker.max_pod_age, '24h');
    assert.equal(config.sinker.terminated_pod_ttl, '24h');
    assert.equal(config.deck.spyglass.size_limit, 100_000_000);
    assert.equal(config.deck.tide_update_period, '10s');
    assert.equal(config.tide.sync_period, '1m');
    assert.equal(config.tide.status_update_period, '1m');
    assert.deepEqual(config.github_reporter.job_types_to_report, ['presubmit', 'postsubmit']);
    assert.deepEqual(config.in_repo_config.allowed_clusters, { '*': ['default'] });
    assert.equal(config.default_job_timeout, '24h');
    assert.equal(config.github.link_url, 'https://github.com');
    assert.equal(config.push_gateway.interval, '1m');
  });

  it('defaults jobs as upstream finalizeJobConfig does', () => {
    const { config } = load({
      'config.yaml': `${DECORATION}pod_namespace: test-pods\ndecorate_all_jobs: true\n`,
      'jobs/a.yaml': `presubmits:\n  o/r:\n  - name: unit\n    spec: {containers: [{image: a, command: [x]}]}\npostsubmits:\n  o/r:\n  - name: post\n    decorate: false\n    spec: {containers: [{image: a}]}\n`,
    });
    const p = config.presubmits['o/r']![0]!;
    assert.equal(p.agent, 'kubernetes');
    assert.equal(p.cluster, 'default');
    assert.equal(p.namespace, 'test-pods');
    assert.equal(p.context, 'unit');
    assert.equal(p.trigger, '(?m)^/test( | .* )unit,?($|\\s.*)');
    assert.equal(p.rerun_command, '/test unit');
    assert.equal(p.decorate, true);
    assert.equal(p.decoration_config?.timeout, '2h');
    assert.equal(p.decoration_config?.utility_images?.sidecar, 's');
    assert.equal(p.prowjob_defaults?.tenant_id, 'GlobalDefaultID');
    const q = config.postsubmits['o/r']![0]!;
    assert.equal(q.decorate, false);
    assert.equal(q.decoration_config, undefined);
    assert.equal(q.always_run, undefined);
    assert.ok(triggerMatches(p, '/test unit'));
  });

  it('folds every matching default decoration entry in order, then the job', () => {
    const cfg = `plank:
  default_decoration_config_entries:
  - config:
      timeout: 2h
      grace_period: 15s
      utility_images: {clonerefs: c, initupload: i, entrypoint: e, sidecar: s}
      gcs_configuration: {bucket: b, path_strategy: explicit, mediaTypes: {log: text/plain}}
  - repo: o
    config:
      timeout: 3h
      gcs_configuration: {bucket: org-bucket, mediaTypes: {log: text/x-log, txt: text/plain}}
  - repo: o/other
    config:
      timeout: 4h
  - cluster: trusted
    config:
      gcs_credentials_secret: trusted-sa
`;
    const { config } = load({
      'config.yaml': cfg,
      'jobs/a.yaml': `postsubmits:\n  o/r:\n${job('p', '    cluster: trusted\n    decoration_config:\n      grace_period: 1m\n      gcs_configuration: {mediaTypes: {log: mine/x}}\n')}`,
    });
    const dc = config.postsubmits['o/r']![0]!.decoration_config!;
    assert.equal(dc.timeout, '3h');
    assert.equal(dc.grace_period, '1m');
    assert.equal(dc.gcs_credentials_secret, 'trusted-sa');
    assert.equal(dc.gcs_configuration?.bucket, 'org-bucket');
    assert.equal(dc.gcs_configuration?.path_strategy, 'explicit');
    // mediaTypes: the union, and the default's keys win (upstream maps.Copy(merged, def)), so neither the
    // later entry's nor the job's own `log` replaces the first entry's.
    assert.deepEqual(dc.gcs_configuration?.mediaTypes, { log: 'text/plain', txt: 'text/plain' });
  });

  it('applies presets to every container, in order, before validation', () => {
    const { config } = load({
      'config.yaml': `${DECORATION}presets:\n- env: [{name: GLOBAL, value: "1"}]\n`,
      'jobs/a.yaml': `presets:
- labels: {preset-dind: "true"}
  env: [{name: DOCKER_IN_DOCKER_ENABLED, value: "true"}]
  volumes: [{name: docker-graph, emptyDir: {}}]
  volumeMounts: [{name: docker-graph, mountPath: /docker-graph}]
- labels: {preset-other: "true"}
  env: [{name: OTHER, value: x}]
postsubmits:
  o/r:
  - name: p
    labels: {preset-dind: "true", preset-unknown: "true"}
    spec:
      containers:
      - image: a
        env: [{name: MINE, value: m}]
`,
    });
    const spec = config.postsubmits['o/r']![0]!.spec!;
    assert.deepEqual(spec.containers[0]!.env!.map((e) => e.name), ['MINE', 'GLOBAL', 'DOCKER_IN_DOCKER_ENABLED']);
    assert.deepEqual(spec.volumes, [{ name: 'docker-graph', emptyDir: {} }]);
    assert.deepEqual(spec.containers[0]!.volumeMounts, [{ name: 'docker-graph', mountPath: '/docker-graph' }]);
  });

  it('keeps same-named jobs on disjoint branches (per-release variants)', () => {
    const { config } = load({
      'jobs/a.yaml': `presubmits:\n  o/r:\n${job('j', '    branches: [release-1.1]\n')}${job('j', '    branches: [release-1.2]\n')}`,
    });
    assert.equal(config.presubmits['o/r']!.length, 2);
  });

  it('reads gzipped job files and config.yaml, skips ..-prefixed entries and .prowignore matches', () => {
    const { config } = load({
      'config.yaml': gzipSync(Buffer.from(`${DECORATION}pod_namespace: gz\n`)) as unknown as string,
      'jobs/a.yaml': gzipSync(Buffer.from(`presubmits:\n  o/r:\n${job('gz')}`)) as unknown as string,
      'jobs/..2024_01_01/b.yaml': `presubmits:\n  o/r:\n${job('hidden')}`,
      'jobs/..data': 'not: [a, directory',
      'jobs/notes.txt': 'ignored',
      'jobs/sub/.prowignore': '# comment\nskip-me.yaml\ndir/\n',
      'jobs/sub/skip-me.yaml': 'garbage: [',
      'jobs/sub/dir/c.yaml': 'garbage: [',
      'jobs/sub/ok.yml': `postsubmits:\n  o/r:\n${job('post')}`,
      'jobs/empty.yaml': '',
    });
    assert.equal(config.pod_namespace, 'gz');
    // (a ConfigMap-style layout: file symlinks are read, the ..data directory link is not walked)
    assert.deepEqual(allPresubmits(config).map((x) => x.job.name), ['gz']);
    assert.deepEqual(config.postsubmits['o/r']!.map((j) => j.name), ['post']);
  });

  it('reads ConfigMap mounts: symlinked files are followed, ..data and symlinked directories are not walked', () => {
    const dir = tree({
      'config.yaml': DECORATION,
      'mount/..2024_01_01_00_00_00.1/jobs-a.yaml': `postsubmits:\n  o/r:\n${job('from-link')}`,
    });
    symlinkSync('..2024_01_01_00_00_00.1', join(dir, 'mount', '..data'));
    symlinkSync(join('..data', 'jobs-a.yaml'), join(dir, 'mount', 'jobs-a.yaml'));
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'x.yaml'), `postsubmits:\n  o/r:\n${job('not-walked')}`);
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'mount', 'linked-dir'));
    const { config } = loadConfig({ configPath: join(dir, 'config.yaml'), jobConfigPath: join(dir, 'mount') });
    assert.deepEqual(config.postsubmits['o/r']!.map((j) => j.name), ['from-link']);
  });

  it('YAML 1.1: yes/no are booleans, merge keys and anchors work, numbers and bools in string fields are stringified like Go', () => {
    const { config } = load({
      'jobs/a.yaml': `base: &base
  decorate: yes
  spec: {containers: [{image: a, command: [make]}]}
prow_ignored: *base
postsubmits:
  o/r:
  - <<: *base
    name: p
    always_run: no
    labels: {preset-x: 1.10, other: true, why: yes, int: 0x10}
    annotations: {big: 1000000.0}
`,
    });
    const p = config.postsubmits['o/r']![0]!;
    assert.equal(p.decorate, true);
    assert.equal(p.always_run, false);
    // Stringified as sigs.k8s.io/yaml does: ints in decimal, bools true/false, floats as shortest float32 'g'.
    assert.deepEqual(p.labels, { 'preset-x': '1.1', other: 'true', why: 'true', int: '16' });
    assert.deepEqual(p.annotations, { big: '1e+06' });
  });

  it('keeps the source position of every job', () => {
    const { config, dir } = load({ 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('first')}${job('second')}` });
    const second = config.presubmits['o/r']![1]!;
    assert.deepEqual({ file: sourceOf(second)?.file, line: sourceOf(second)?.line }, { file: join(dir, 'jobs/a.yaml'), line: 9 });
    assert.ok(presubmitShouldRun(second, { branch: 'main', forced: true }));
  });
});

describe('a 2017-era configuration', () => {
  it('loads Jenkins jobs, run_after_success chains and interval periodics', () => {
    const dir = tree({
      'config.yaml': `# Prow as configured in 2017
tot_url: http://tot
plank:
  job_url_template: 'https://k8s-gubernator.appspot.com/build/kubernetes-jenkins/{{if eq .Spec.Type "presubmit"}}pr-logs/pull{{else}}logs{{end}}/{{.Spec.Job}}/{{.Status.BuildID}}/'
  report_template: '[Full PR test history](https://k8s-gubernator.appspot.com/pr/{{.Spec.Refs.Org}}_{{.Spec.Refs.Repo}}/{{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}})'
jenkins_operator:
  job_url_template: 'https://jenkins/job/{{.Spec.Job}}/{{.Status.BuildID}}/'
sinker:
  resync_period: 1h
  max_prowjob_age: 48h
  max_pod_age: 12h
presubmits:
  kubernetes/kubernetes:
  - name: pull-kubernetes-unit
    agent: jenkins
    always_run: true
    context: pull-kubernetes-unit
    rerun_command: "@k8s-bot unit test this"
    trigger: "@k8s-bot (unit )?test this"
    branches:
    - master
    run_after_success:
    - name: pull-kubernetes-e2e-chained
      agent: jenkins
      context: pull-kubernetes-e2e-chained
      rerun_command: "@k8s-bot chained test this"
      trigger: "@k8s-bot chained test this"
  - name: pull-kubernetes-bazel
    always_run: true
    skip_report: false
    max_concurrency: 10
    spec:
      containers:
      - image: gcr.io/k8s-testimages/bazelbuild:0.5
        args:
        - "--pull=$(PULL_REFS)"
postsubmits:
  kubernetes/test-infra:
  - name: ci-test-infra-bazel
    agent: jenkins
    branches:
    - master
    run_after_success:
    - name: ci-test-infra-deploy
      agent: jenkins
periodics:
- name: ci-kubernetes-e2e-gce
  agent: jenkins
  interval: 30m
- name: ci-kubernetes-build
  interval: 1h
  spec:
    containers:
    - image: gcr.io/k8s-testimages/kubekins-e2e:v20170901
      args: ["--timeout=60"]
  run_after_success:
  - name: ci-kubernetes-soak-gce-deploy
    agent: jenkins
    interval: 24h
`,
    });
    const { config, warnings } = loadConfig({ configPath: join(dir, 'config.yaml') });
    assert.equal(allPresubmits(config).length, 3);
    const unit = config.presubmits['kubernetes/kubernetes']![0]!;
    assert.equal(unit.agent, 'jenkins');
    assert.ok(triggerMatches(unit, '@k8s-bot unit test this'));
    assert.equal(unit.run_after_success![0]!.context, 'pull-kubernetes-e2e-chained');
    assert.equal(unit.run_after_success![0]!.agent, 'jenkins');
    assert.deepEqual(config.plank.report_templates, { '*': config.plank.report_template });
    assert.equal(config.periodics[1]!.run_after_success![0]!.interval, '24h');
    // jenkins_operator (2017) is read as jenkins_operators[0], with a warning naming the modern key.
    assert.deepEqual(warnings.map((w) => w.field), ['tot_url', 'jenkins_operator']);
    assert.equal(config.jenkins_operators?.[0]?.job_url_template, 'https://jenkins/job/{{.Spec.Job}}/{{.Status.BuildID}}/');
  });
});

describe('Go encoding/json key matching', () => {
  it('matches keys case-insensitively; of two spellings the one sorting last wins; duplicates warn', () => {
    const { config, warnings } = load({
      'jobs/a.yaml': `postsubmits:\n  o/r:\n  - name: p\n    decorate: true\n    Decorate: false\n    SKIP_REPORT: true\n    spec: {containers: [{image: a, command: [x]}]}\n`,
    });
    const p = config.postsubmits['o/r']![0]!;
    assert.equal(p.decorate, true); // "decorate" > "Decorate" byte-wise
    assert.equal(p.skip_report, true);
    assert.deepEqual(warnings.map((w) => `${w.line}: ${w.message}`), ['5: duplicate key "Decorate" for field decorate ("decorate" wins)']);
  });
});

describe('tide queries', () => {
  it('merges queries that differ only in orgs/repos/excludedRepos and sorts them as upstream does', () => {
    const { config } = load({
      'config.yaml': `${DECORATION}tide:
  queries:
  - repos: [a/one]
    labels: [lgtm, approved]
    missingLabels: [hold]
  - orgs: [b]
    excludedRepos: [b/x]
    labels: [approved, lgtm]
    missingLabels: [hold]
  - repos: [c/bot]
    author: bot
`,
    });
    // Sorted by the Go JSON form: {"orgs":… sorts before {"repos":…
    assert.deepEqual(config.tide.queries, [
      { orgs: ['b'], repos: ['a/one'], excludedRepos: ['b/x'], labels: ['approved', 'lgtm'], missingLabels: ['hold'] },
      { repos: ['c/bot'], author: 'bot' },
    ]);
  });
});

describe('duplicate map keys', () => {
  it('the same repo key twice: the last wins with a warning, an error under --strict', () => {
    const files = { 'jobs/a.yaml': `presubmits:\n  o/r:\n${job('first')}  o/r:\n${job('second')}` };
    const { config, warnings } = load(files);
    assert.deepEqual(config.presubmits['o/r']!.map((j) => j.name), ['second']);
    assert.deepEqual(warnings.map((w) => `${w.line}: ${w.field}`), ['9: presubmits["o/r"]']);
    assert.deepEqual(errorsOf(files, true), ['jobs/a.yaml:9: presubmits["o/r"]: duplicate key "o/r" (also at line 2; the last one wins)']);
  });
});

describe('deck.spyglass', () => {
  it('migrates the old viewers map into lenses and checks every file regex', () => {
    const { config } = load({
      'config.yaml': `${DECORATION}deck:\n  spyglass:\n    lenses:\n    - lens: {name: podinfo}\n      required_files: [^podinfo\\.json$]\n    viewers:\n      "started.json|finished.json": [metadata-viewer]\n      build-log.txt: [build-log-viewer, custom]\n`,
    });
    assert.deepEqual(config.deck.spyglass.lenses, [
      { lens: { name: 'podinfo' }, required_files: ['^podinfo\\.json$'] },
      { lens: { name: 'buildlog' }, required_files: ['build-log.txt'] },
      { lens: { name: 'custom' }, required_files: ['build-log.txt'] },
      { lens: { name: 'metadata' }, required_files: ['started.json|finished.json'] },
    ]);
    assert.deepEqual(errorsOf({ 'config.yaml': `${DECORATION}deck:\n  spyglass:\n    lenses:\n    - lens: {name: x}\n      required_files:\n      - ok\n      - "(bad"\n` }),
      ['config.yaml:13: deck.spyglass.lenses[0].required_files[1]: cannot compile regexp: error parsing regexp "(bad": missing ): (bad']);
  });
});

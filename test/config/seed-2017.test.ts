// The configuration shapes of the seed's own Prow (test-infra, September 2017) load as that Prow read them.
// test/fixtures/seed-2017/ reproduces every construct of the real files; the real files are checked too
// when a copy sits in /tmp/seed2017 (they are not committed: see docs/seed-2017.md for how to fetch them).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { ConfigAggregateError, formatIssue } from '../../src/config/errors.js';
import { allPeriodics, loadConfig } from '../../src/config/load.js';
import { loadPluginsConfig, pluginsFor } from '../../src/config/plugins.js';
import { parseTideQueryString } from '../../src/config/tide-query-string.js';
import { parseLabelSelector } from '../../src/api/label-selector.js';
import { builtinPluginSections } from '../../src/plugins/registry.js';
import { PROW_BIN, spawnCli } from '../support/spawn-cli.js';

const FIXTURES = new URL('../fixtures/seed-2017/', import.meta.url).pathname;
const REAL_2017 = '/tmp/seed2017';
const tmp = mkdtempSync(join(tmpdir(), 'prow-seed2017-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function write(text: string): string {
  const p = join(tmp, `config-${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}
function errorsOf(text: string): string[] {
  const p = write(text);
  try {
    loadConfig({ configPath: p });
  } catch (err) {
    assert.ok(err instanceof ConfigAggregateError, String(err));
    return err.errors.map((e) => formatIssue({ ...e, file: 'config.yaml' }));
  }
  return [];
}

describe('2017 config.yaml shapes', () => {
  const { config, warnings } = loadConfig({ configPath: join(FIXTURES, 'config.yaml') });

  it('turns string tide queries into structured queries', () => {
    assert.deepEqual(config.tide.queries, [
      { orgs: ['acme-incubator'], includedBranches: ['master'], labels: ['lgtm'], missingLabels: ['do-not-merge'] },
      { repos: ['acme/widgets'], labels: ['approved', 'cla: yes', 'lgtm'], missingLabels: ['do-not-merge/hold'] },
    ]);
  });

  it('needs no cron or interval on periodic run_after_success children', () => {
    const names = allPeriodics(config).map((p) => `${p.name}:${p.interval ?? ''}`);
    assert.deepEqual(names, ['periodic-widgets-build:2h', 'periodic-widgets-test:', 'periodic-widgets-e2e:', 'ci-widgets-soak:24h']);
  });

  it('still requires a schedule on a top-level periodic', () => {
    assert.deepEqual(errorsOf('periodics:\n- name: p\n  agent: jenkins\n'), [
      'config.yaml:2: periodics[0].cron: cron, interval and minimum_interval are mutually exclusive and one is required (found none)',
    ]);
  });

  it('reads the single jenkins_operator as jenkins_operators[0], report_template folded into report_templates', () => {
    assert.equal(config.jenkins_operators?.length, 1);
    const op = config.jenkins_operators![0]!;
    assert.equal(op.report_templates?.['*'], 'Jenkins job {{.Spec.Job}} on {{.Spec.Refs.Org}}/{{.Spec.Refs.Repo}}.');
    assert.equal(op.max_goroutines, 20);
    assert.ok(warnings.some((w) => w.field === 'jenkins_operator' && /2017 spelling/.test(w.message)));
  });

  it('folds the singular plank.report_template into report_templates["*"]', () => {
    assert.match(config.plank.report_templates?.['*'] ?? '', /^\[History\]/);
  });

  it('keeps explicit agents: jenkins jobs without a spec, kubernetes jobs with one', () => {
    const agents = Object.fromEntries(Object.values(config.presubmits).flat().map((j) => [j.name, j.agent]));
    assert.deepEqual(agents, { 'pull-gadgets-e2e': 'jenkins', 'pull-widgets-build': 'kubernetes', 'pull-widgets-verify': 'jenkins' });
  });

  it('reads a job with no agent and no spec as a Jenkins job (pre-August-2017), with a warning', () => {
    const p = write('postsubmits:\n  o/r:\n  - name: legacy-build\n    branches: [master]\n');
    const r = loadConfig({ configPath: p });
    assert.equal(r.config.postsubmits['o/r']![0]!.agent, 'jenkins');
    assert.deepEqual(r.warnings.map((w) => `${w.line}: ${w.field}`), ['3: postsubmits["o/r"][0].agent']);
  });

  it('rejects tide query strings that tide cannot express, naming the term', () => {
    assert.deepEqual(errorsOf('tide:\n  queries:\n  - "repo:o/r is:issue"\n  - "repo:o/r sort:updated"\n'), [
      'config.yaml:3: tide.queries[0]: term "is:issue": tide queries select open pull requests only',
      'config.yaml:4: tide.queries[1]: term "sort:updated" is not supported in a tide query',
    ]);
  });

  it('rejects a bad jenkins_operators label_selector', () => {
    const errs = errorsOf('jenkins_operators:\n- label_selector: "master=a"\n- label_selector: "master in (a"\n');
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^config\.yaml:3: jenkins_operators\[1\]\.label_selector: invalid jenkins_operators\.label_selector option/);
  });
});

describe('tide query strings', () => {
  const cases = [
    { q: 'is:pr state:open repo:a/b', want: { repos: ['a/b'] } },
    { q: 'org:a -repo:a/x label:"needs ok" -label:hold', want: { orgs: ['a'], excludedRepos: ['a/x'], labels: ['needs ok'], missingLabels: ['hold'] } },
    { q: 'repo:a/b base:main -base:old author:bot milestone:v1 review:approved', want: { repos: ['a/b'], includedBranches: ['main'], excludedBranches: ['old'], author: 'bot', milestone: 'v1', reviewApprovedRequired: true } },
  ];
  for (const { q, want } of cases) it(q, () => assert.deepEqual(parseTideQueryString(q), want));
  it('rejects free text and closed states', () => {
    assert.throws(() => parseTideQueryString('repo:a/b flaky'), /not a qualifier:value pair/);
    assert.throws(() => parseTideQueryString('repo:a/b state:closed'), /open pull requests only/);
    assert.throws(() => parseTideQueryString('label:"oops'), /unbalanced quote/);
  });
});

describe('label selectors', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['', { a: '1' }, true],
    ['master=jenkins-1', { master: 'jenkins-1' }, true],
    ['master=jenkins-1', { master: 'jenkins-2' }, false],
    ['master!=jenkins-1', {}, true],
    ['master in (a, b),env', { master: 'b', env: 'x' }, true],
    ['master notin (a,b)', { master: 'a' }, false],
    ['!env', { env: 'x' }, false],
  ];
  for (const [sel, labels, want] of cases) it(`${JSON.stringify(sel)} on ${JSON.stringify(labels)}`, () => assert.equal(parseLabelSelector(sel).matches(labels), want));
});

describe('2017 plugins.yaml shapes', () => {
  const sections = builtinPluginSections();
  const { plugins, warnings } = loadPluginsConfig(join(FIXTURES, 'plugins.yaml'), { sections });

  it('enables lifecycle in place of close and reopen, once, warning for each old name', () => {
    assert.deepEqual(pluginsFor(plugins, 'acme', 'other'), ['assign', 'lifecycle', 'heart', 'hold', 'label', 'lgtm', 'size', 'yuks', 'wip', 'shrug']);
    assert.deepEqual(pluginsFor(plugins, 'acme-incubator', 'x'), ['assign', 'lifecycle', 'lgtm']);
    const deprecations = warnings.filter((w) => /is deprecated: its commands are handled by "lifecycle"/.test(w.message)).map((w) => `${w.line}: ${w.field}`);
    assert.deepEqual(deprecations, ['41: plugins["acme"].plugins[1]', '42: plugins["acme"].plugins[2]', '54: plugins["acme-incubator"].plugins[1]', '56: plugins["acme-incubator"].plugins[3]']);
  });

  it('reads the list form of plugins', () => {
    assert.deepEqual(pluginsFor(plugins, 'acme', 'widgets').slice(-2), ['trigger', 'release-note']);
  });
});

describe('prow checkconfig on 2017 files', () => {
  const run = promisify(execFile);
  it('passes on the hand-written fixtures', async () => {
    const { stdout } = await run(process.execPath, [PROW_BIN, 'checkconfig', '--config-path', join(FIXTURES, 'config.yaml'), '--plugin-config', join(FIXTURES, 'plugins.yaml')]);
    assert.match(stdout, /^4 presubmits, 3 postsubmits, 4 periodics in 2 repos$/m);
  });

  const real = existsSync(join(REAL_2017, 'config.yaml')) && existsSync(join(REAL_2017, 'plugins.yaml'));
  it('passes on test-infra\'s own Sept 2017 config.yaml and plugins.yaml', { skip: real ? false : `no copy in ${REAL_2017} (docs/seed-2017.md says how to get one)` }, async () => {
    const { stdout } = await run(process.execPath, [PROW_BIN, 'checkconfig', '--config-path', join(REAL_2017, 'config.yaml'), '--plugin-config', join(REAL_2017, 'plugins.yaml')], { maxBuffer: 1 << 24 });
    assert.match(stdout, /presubmits, \d+ postsubmits, \d+ periodics in \d+ repos/);
  });

  it('prow hook --local starts with test-infra\'s own Sept 2017 files', { skip: real ? false : `no copy in ${REAL_2017}` }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-seed2017-hook-'));
    const hook = spawnCli(process.execPath, [PROW_BIN, 'hook', '--local', '--port', '0', '--config-path', join(REAL_2017, 'config.yaml'), '--plugin-config', join(REAL_2017, 'plugins.yaml')], { cwd: dir, name: 'hook --local' });
    t.after(() => {
      hook.kill();
      rmSync(dir, { recursive: true, force: true });
    });
    await hook.waitForLog('hook serving', 60_000);
    assert.equal(await hook.stop(), 0);
  });
});

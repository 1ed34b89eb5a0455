import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigAggregateError, formatIssue } from '../../src/config/errors.js';
import { inRepoConfigAllowedClusters, inRepoConfigEnabled, parseProwYAML, selectInRepoConfigFiles } from '../../src/config/inrepo.js';
import { loadConfig } from '../../src/config/load.js';
import { triggerMatches } from '../../src/config/match.js';

const dir = mkdtempSync(join(tmpdir(), 'prow-inrepo-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'jobs'));
writeFileSync(join(dir, 'config.yaml'), `pod_namespace: pods
in_repo_config:
  enabled:
    '*': false
    org: true
    org/off: false
  allowed_clusters:
    org/repo: [special]
presets:
- labels: {preset-global: "true"}
  env: [{name: GLOBAL, value: "1"}]
presubmits:
  org/repo:
  - name: static
    spec: {containers: [{image: a}]}
`);
const { config } = loadConfig({ configPath: join(dir, 'config.yaml'), jobConfigPath: join(dir, 'jobs') });

const job = (name: string, extra = ''): string => `- name: ${name}
${extra}  spec:
    containers:
    - image: a
`;

describe('in-repo config', () => {
  it('is enabled by the narrowest key; clusters are the union with the * default', () => {
    assert.equal(inRepoConfigEnabled(config, 'org', 'repo'), true);
    assert.equal(inRepoConfigEnabled(config, 'org', 'off'), false);
    assert.equal(inRepoConfigEnabled(config, 'other', 'x'), false);
    assert.deepEqual(inRepoConfigAllowedClusters(config, 'org', 'repo').sort(), ['default', 'special']);
  });

  it('prefers .prow/ over .prow.yaml', () => {
    const files = [{ path: '.prow.yaml', content: '' }, { path: '.prow/b.yaml', content: '' }, { path: '.prow/a.yml', content: '' }, { path: '.prow/x.txt', content: '' }];
    assert.deepEqual(selectInRepoConfigFiles(files).map((f) => f.path), ['.prow/a.yml', '.prow/b.yaml']);
    assert.deepEqual(selectInRepoConfigFiles([{ path: '.prow.yaml', content: '' }]).map((f) => f.path), ['.prow.yaml']);
  });

  it('defaults jobs and applies global then repo presets', () => {
    const { prowYAML } = parseProwYAML(config, 'org', 'repo', [{
      path: '.prow.yaml',
      content: `presets:\n- labels: {preset-repo: "true"}\n  env: [{name: REPO, value: "2"}]\npresubmits:\n${job('in-repo', '  labels: {preset-global: "true", preset-repo: "true"}\n')}postsubmits:\n${job('post')}`,
    }]);
    const p = prowYAML.presubmits[0]!;
    assert.equal(p.namespace, 'pods');
    assert.equal(p.context, 'in-repo');
    assert.ok(triggerMatches(p, '/test in-repo'));
    assert.deepEqual(p.spec!.containers[0]!.env!.map((e) => e.name), ['GLOBAL', 'REPO']);
    assert.equal(prowYAML.postsubmits[0]!.name, 'post');
  });

  it('rejects disallowed clusters and clashes with static jobs, naming the in-repo file', () => {
    try {
      parseProwYAML(config, 'org', 'repo', [{ path: '.prow/jobs.yaml', content: `presubmits:\n${job('static')}${job('elsewhere', '  cluster: nope\n')}` }]);
      assert.fail('expected errors');
    } catch (err) {
      assert.ok(err instanceof ConfigAggregateError);
      assert.deepEqual(err.errors.map(formatIssue).map((s) => s.replace(/ \(also at .*/, '')), [
        '.prow/jobs.yaml:7: presubmits[1].cluster: cluster "nope" is not allowed for repository "org/repo"',
        '.prow/jobs.yaml:2: presubmits[0].name: duplicated presubmit job "static" for org/repo',
      ]);
    }
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkConfig, formatCounts } from '../../src/config/check.js';
import { formatIssue } from '../../src/config/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'prow-check-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('checkConfig', () => {
  it('counts jobs (run_after_success children included) and adds checkconfig warnings', () => {
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(join(dir, 'config.yaml'), 'pod_namespace: p\n');
    writeFileSync(join(dir, 'jobs', 'j.yaml'), `presubmits:
  o/r:
  - name: pre
    agent: jenkins
    extra_refs:
    - {org: o, repo: r, base_ref: main}
    run_after_success:
    - name: child
      agent: jenkins
postsubmits:
  o/other:
  - name: post
    agent: jenkins
periodics:
- name: per
  agent: jenkins
  interval: 1h
  path_alias: k8s.io/x
`);
    const r = checkConfig({ configPath: join(dir, 'config.yaml'), jobConfigPath: join(dir, 'jobs') });
    assert.deepEqual(r.errors, []);
    assert.equal(formatCounts(r.counts!), '2 presubmits, 1 postsubmits, 1 periodics in 2 repos');
    const got = r.warnings.map(formatIssue).map((w) => w.slice(dir.length + 1));
    const want = [
      // every job here is a Jenkins job: checkconfig says what runs them (docs/jenkins.md)
      'jobs/j.yaml:4: agent: 4 jobs use agent jenkins (first: pre): they run only while a jenkins-operator runs',
      'jobs/j.yaml:5: extra_refs: invalid job pre on repo o/r: the following refs specified more than once: o/r',
      'jobs/j.yaml:18: path_alias: periodic jobs might clone 0, 1, or more repos',
    ];
    assert.equal(got.length, want.length, got.join('\n'));
    want.forEach((w, i) => assert.ok(got[i]!.startsWith(w), `${got[i]} should start with ${w}`));
  });
});

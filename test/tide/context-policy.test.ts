// Which contexts gate a merge (upstream pkg/config/tide_test.go TestMergeTideContextPolicyConfig and
// TestTideContextPolicy, in spirit): context_options merged global → org → repo → branch, presubmits'
// required / required-if-present / optional split, skip-unknown-contexts, optional regexes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextOptionsFor, createContextChecker } from '../../src/tide/context-policy.js';
import { configFrom } from '../support/config.js';
import { mergeMethodFor } from '../../src/tide/tide-config.js';

const JOBS = `presubmits:
  org/repo:
  - name: always
    always_run: true
    spec: {containers: [{image: a}]}
  - name: if-changed
    run_if_changed: '\\.go$'
    spec: {containers: [{image: a}]}
  - name: manual
    spec: {containers: [{image: a}]}
  - name: opt
    always_run: true
    optional: true
    spec: {containers: [{image: a}]}
  - name: other-branch
    always_run: true
    branches: [release]
    spec: {containers: [{image: a}]}
`;

describe('tide context policy', () => {
  it('merges context_options from global to branch', () => {
    const config = configFrom(`tide:
  context_options:
    required-contexts: [global]
    skip-unknown-contexts: false
    orgs:
      org:
        required-contexts: [org-level]
        repos:
          repo:
            optional-contexts: [repo-opt]
            skip-unknown-contexts: true
            branches:
              main:
                required-contexts: [branch-level]
`);
    const p = contextOptionsFor(config, 'org', 'repo', 'main');
    assert.deepEqual(p['required-contexts'], ['branch-level', 'global', 'org-level']);
    assert.deepEqual(p['optional-contexts'], ['repo-opt']);
    assert.equal(p['skip-unknown-contexts'], true);
    assert.deepEqual(contextOptionsFor(config, 'org', 'other', 'main')['required-contexts'], ['global', 'org-level']);
  });

  it('splits presubmits into required, required-if-present and optional; unknown contexts are required by default', () => {
    const cc = createContextChecker(configFrom('{}', JOBS), 'org', 'repo', 'main');
    assert.deepEqual(cc.required, ['always']);
    assert.deepEqual(['always', 'if-changed', 'manual', 'opt', 'other-branch', 'external-ci'].map((c) => cc.isOptional(c)), [false, false, false, true, false, false]);
    assert.deepEqual(['if-changed', 'manual', 'opt'].map((c) => cc.isRequired(c)), [true, true, false]);
    assert.deepEqual(cc.missingRequiredContexts(['if-changed']), ['always']);
    assert.deepEqual(cc.missingRequiredContexts(['always']), []);
  });

  it('skip-unknown-contexts and optional regexes make other contexts optional; branch protection adds required ones', () => {
    const config = configFrom(`tide:
  context_options:
    skip-unknown-contexts: true
    optional-regex-contexts: ['^codecov/']
    from-branch-protection: true
branch-protection:
  orgs:
    org:
      protect: true
      required_status_checks:
        contexts: [cla/linuxfoundation]
`, JOBS);
    const cc = createContextChecker(config, 'org', 'repo', 'main');
    assert.equal(cc.isOptional('external-ci'), true);
    assert.equal(cc.isOptional('codecov/patch'), true);
    assert.equal(cc.isOptional('always'), false);
    assert.deepEqual(cc.required, ['always', 'cla/linuxfoundation']);
  });

  it('refuses a negative speculative_batches with file:line', () => {
    assert.throws(() => configFrom('tide:\n  improvements:\n    speculative_batches: -2\n'), /config\.yaml:3: tide\.improvements\.speculative_batches: must be 0/);
  });

  it('resolves merge_method by org/repo@branch, org/repo (with branch regexes), org, else merge', () => {
    const tide = configFrom(`tide:
  merge_method:
    org/repo@release-1: rebase
    org/repo:
      'release-.*': squash
    org: squash
    other:
      repo: rebase
`).tide;
    assert.deepEqual([
      mergeMethodFor(tide, 'org', 'repo', 'release-1'), mergeMethodFor(tide, 'org', 'repo', 'release-2'), mergeMethodFor(tide, 'org', 'repo', 'main'),
      mergeMethodFor(tide, 'org', 'x', 'main'), mergeMethodFor(tide, 'other', 'repo', 'main'), mergeMethodFor(tide, 'other', 'x', 'main'),
    ], ['rebase', 'squash', 'squash', 'squash', 'rebase', 'merge']);
  });
});

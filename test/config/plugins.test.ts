import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigAggregateError, formatIssue } from '../../src/config/errors.js';
import {
  approveFor, externalPluginsFor, KNOWN_PLUGIN_NAMES, lgtmFor, loadPluginsConfig, ownersFilenamesFor, pluginsFor,
  restrictedLabelsFor, triggerFor, welcomeFor, type LoadPluginsOptions,
} from '../../src/config/plugins.js';
import { S, lineOf } from '../../src/config/decode.js';
import type { PluginConfigSection } from '../../src/config/plugin-sections.js';
import { builtinPluginSections } from '../../src/plugins/registry.js';

// The loader is handed the registry's sections, as src/cli does.
const sections = builtinPluginSections();
function load(path: string, opts: Omit<LoadPluginsOptions, 'sections'> = {}): ReturnType<typeof loadPluginsConfig> {
  return loadPluginsConfig(path, { ...opts, sections });
}

const dir = mkdtempSync(join(tmpdir(), 'prow-plugins-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(text: string): string {
  const p = join(dir, `plugins-${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}
function errors(text: string, strict = false): string[] {
  const p = write(text);
  try {
    load(p, { strict });
  } catch (err) {
    assert.ok(err instanceof ConfigAggregateError);
    return err.errors.map((e) => formatIssue({ ...e, file: 'plugins.yaml' }));
  }
  return [];
}

describe('plugins.yaml', () => {
  it('effective plugins: org (unless excluded) then org/repo; external plugins ignore excluded_repos', () => {
    const { plugins } = load(write(`plugins:
  kubernetes:
    plugins: [approve, lgtm, trigger]
    excluded_repos: [secret]
  kubernetes/kubernetes:
    plugins: [milestone]
  kubernetes/secret:
    plugins: [hold]
external_plugins:
  kubernetes:
  - name: needs-rebase
    events: [issue_comment, pull_request]
  kubernetes/secret:
  - name: cherrypicker
    endpoint: http://cp:8080
`));
    assert.deepEqual(pluginsFor(plugins, 'kubernetes', 'kubernetes'), ['approve', 'lgtm', 'trigger', 'milestone']);
    assert.deepEqual(pluginsFor(plugins, 'kubernetes', 'secret'), ['hold']);
    assert.deepEqual(pluginsFor(plugins, 'other', 'repo'), []);
    assert.deepEqual(externalPluginsFor(plugins, 'kubernetes', 'secret').map((e) => [e.name, e.endpoint]), [
      ['needs-rebase', 'http://needs-rebase'],
      ['cherrypicker', 'http://cp:8080'],
    ]);
  });

  it('accepts the legacy list syntax with a deprecation warning', () => {
    const { plugins, warnings } = load(write('plugins:\n  org: [hold, wip]\n  org/repo: [size]\n'));
    assert.deepEqual(pluginsFor(plugins, 'org', 'repo'), ['hold', 'wip', 'size']);
    assert.equal(warnings.length, 1);
  });

  it('looks up list-shaped sections: org/repo first, then org, then defaults', () => {
    const { plugins } = load(write(`triggers:
- repos: [org]
  only_org_members: true
  trusted_org: org
- repos: [org/special]
  ignore_ok_to_test: true
lgtm:
- repos: [org/repo]
  store_tree_hash: true
approve:
- repos: [org]
  require_self_approval: true
welcome:
- repos: [org]
  message_template: "Hi {{.AuthorLogin}}"
`));
    assert.equal(triggerFor(plugins, 'org', 'repo').only_org_members, true);
    assert.equal(triggerFor(plugins, 'org', 'repo').join_org_url, 'https://github.com/orgs/org/people');
    assert.equal(triggerFor(plugins, 'org', 'special').ignore_ok_to_test, true);
    assert.equal(triggerFor(plugins, 'org', 'special').only_org_members, undefined);
    assert.deepEqual(triggerFor(plugins, 'elsewhere', 'x'), {});
    assert.equal(lgtmFor(plugins, 'org', 'repo').store_tree_hash, true);
    assert.equal(lgtmFor(plugins, 'org', 'other').store_tree_hash, undefined);
    assert.equal(approveFor(plugins, 'org', 'x').require_self_approval, true);
    assert.equal(approveFor(plugins, 'x', 'y').commandHelpLink, 'https://go.k8s.io/bot-commands');
    assert.equal(welcomeFor(plugins, 'org', 'x').message_template, 'Hi {{.AuthorLogin}}');
    assert.match(welcomeFor(plugins, 'x', 'y').message_template!, /^Welcome @\{\{\.AuthorLogin\}\}/);
  });

  it('defaults sections as upstream does', () => {
    const { plugins } = load(write('size:\n  m: 0\n'));
    assert.deepEqual(plugins.size, { s: 10, m: 30, l: 100, xl: 500, xxl: 1000 });
    assert.equal(plugins.blunderbuss.request_count, 2);
    assert.deepEqual(plugins.owners.labels_denylist, ['approved', 'lgtm']);
    assert.equal(plugins.cherry_pick_unapproved.branchregexp, '^release-.*$');
    assert.deepEqual(ownersFilenamesFor(plugins, 'o', 'r'), { owners: 'OWNERS', owners_aliases: 'OWNERS_ALIASES' });
  });

  it('merges restricted labels from *, org and org/repo', () => {
    const { plugins } = load(write(`label:
  restricted_labels:
    '*':
    - label: cve
      allowed_teams: [security]
    org:
    - label: CVE
      allowed_users: [alice]
    org/repo:
    - label: cve
      allowed_teams: [Security, release]
      assign_on: [{label: triage}]
`));
    assert.deepEqual(restrictedLabelsFor(plugins, 'org', 'repo'), [
      { label: 'cve', allowed_teams: ['security', 'release'], allowed_users: ['alice'], assign_on: [{ label: 'triage' }] },
    ]);
  });

  const bad: Array<[string, string, string[]]> = [
    ['unknown plugin name', 'plugins:\n  org:\n    plugins:\n    - hold\n    - holdd\n', ['plugins.yaml:5: plugins["org"].plugins[1]: unknown plugin "holdd"']],
    ['a plugin on both org and org/repo', 'plugins:\n  org:\n    plugins: [hold]\n  org/r:\n    plugins: [hold]\n', ['plugins.yaml:5: plugins["org/r"].plugins[0]: plugin "hold" is enabled for both org and org/r']],
    ['blunderbuss with rifle', 'plugins:\n  org:\n    plugins: [blunderbuss]\n  org/r:\n    plugins: [rifle]\n', ['plugins.yaml:4: plugins["org/r"]: blunderbuss and rifle are mutually exclusive']],
    ['a repo in two approve entries', 'approve:\n- repos: [org]\n- repos: [org]\n', ['plugins.yaml:3: approve[1].repos: the repo "org" is configured in more than one approve entry']],
    ['bad regexp', 'heart:\n  adorees: [a]\n  commentregexp: "(unclosed"\n', ['plugins.yaml:3: heart.commentregexp: error parsing regexp']],
    ['decreasing sizes', 'size:\n  s: 50\n  m: 20\n', ['plugins.yaml:2: size: size thresholds must be non-decreasing']],
    // Upstream checks the raw values, before zeros take the defaults: a missing l counts as 0, below m.
    ['sizes decreasing once the missing ones count as 0', 'size:\n  s: 5\n  m: 8\n', ['plugins.yaml:2: size: size thresholds must be non-decreasing (s ≤ m ≤ l ≤ xl ≤ xxl; a missing one counts as 0, as upstream checks before defaults): got s=5 m=8 l=0 xl=0 xxl=0']],
    ['only m set', 'size:\n  m: 5\n', ['plugins.yaml:2: size: size thresholds must be non-decreasing']],
    ['bad welcome template', 'welcome:\n- repos: [o]\n  message_template: "{{.Org"\n', ['plugins.yaml:3: welcome[0].message_template: invalid template']],
    ['bad YAML', 'plugins:\n  org: {plugins: [a\n', ['plugins.yaml:3: invalid YAML']],
  ];
  for (const [name, text, want] of bad) {
    it(`rejects: ${name}`, () => {
      const errs = errors(text);
      for (const w of want) assert.ok(errs.some((e) => e.startsWith(w)), `want ${w}\ngot ${errs.join('\n')}`);
      assert.equal(errs.length, want.length, errs.join('\n'));
    });
  }
  it('accepts size thresholds that are non-decreasing as written, zeros leading', () => {
    assert.deepEqual(errors('size:\n  xxl: 2000\n'), []);
    assert.deepEqual(errors('size:\n  s: 1\n  m: 2\n  l: 3\n  xl: 4\n  xxl: 5\n'), []);
    assert.deepEqual(errors('size:\n  l: 50\n  xl: 60\n  xxl: 70\n'), []);
  });
  it('unknown keys are errors only under strict', () => {
    assert.deepEqual(errors('lgtm:\n- repos: [o]\n  sticky: true\n'), []);
    assert.deepEqual(errors('lgtm:\n- repos: [o]\n  sticky: true\n', true), ['plugins.yaml:3: lgtm[0].sticky: unknown field "sticky" in Lgtm']);
  });
  it('knows upstream plugin names', () => {
    for (const name of ['trigger', 'lgtm', 'approve', 'hold', 'yuks', 'cherry-pick-unapproved']) assert.ok(KNOWN_PLUGIN_NAMES.includes(name));
  });

  it('iterates the sections it is given: decoded, defaulted and validated with file:line', () => {
    const section: PluginConfigSection<{ greeting: string; times: number }> = {
      section: 'greeter',
      schema: S.obj('Greeter', { greeting: S.str, times: S.int }),
      defaults: (raw) => {
        const g = (raw as { greeting?: string; times?: number } | undefined) ?? {};
        g.greeting ||= 'hello';
        return g as { greeting: string; times: number };
      },
      validate: (value, raw, report) => {
        if (value.times < 0) report.error(lineOf(raw as object, 'times'), 'greeter.times', 'times must not be negative');
      },
    };
    const p = write('plugins: {}\ngreeter:\n  times: 2\n');
    const cfg = loadPluginsConfig(p, { sections: [section] }).plugins as unknown as Record<string, unknown>;
    assert.deepEqual({ ...(cfg.greeter as object) }, { times: 2, greeting: 'hello' });
    const bad = write('plugins: {}\ngreeter:\n  greeting: hi\n  times: -1\n');
    assert.throws(() => loadPluginsConfig(bad, { sections: [section] }), (err: unknown) => {
      assert.ok(err instanceof ConfigAggregateError);
      assert.deepEqual(err.errors.map((e) => `${e.line}: ${e.field}: ${e.message}`), ['4: greeter.times: times must not be negative']);
      return true;
    });
  });

  it('without the plugin sections their keys are unknown fields and the lookups give upstream defaults', () => {
    const p = write('plugins: {}\nlgtm:\n- repos: [org]\n  review_acts_as_lgtm: true\n');
    const { plugins, warnings } = loadPluginsConfig(p);
    assert.deepEqual(warnings.map((w) => w.field), ['lgtm']);
    assert.deepEqual(lgtmFor(plugins, 'org', 'repo'), {});
    assert.throws(() => loadPluginsConfig(p, { strict: true }), ConfigAggregateError);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigAggregateError, formatIssue } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { compiledReportTemplates, reportTemplateForRepo } from '../../src/config/report-templates.js';

const root = mkdtempSync(join(tmpdir(), 'report-templates-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const configFile = (yaml: string): string => {
  const p = join(root, `config-${n++}.yaml`);
  writeFileSync(p, yaml);
  return p;
};
const PJ = { spec: { refs: { org: 'o', repo: 'r', pulls: [{ number: 7 }] } } };

describe('plank.report_templates compiled at load', () => {
  it('loading compiles every entry once; crier renders those, not the source as it is later', () => {
    const { config } = loadConfig({ configPath: configFile(`plank:
  report_templates:
    '*': 'star'
    o: 'org {{.Spec.Refs.Org}}'
    o/r: 'PR {{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}'
`) });
    const templates = compiledReportTemplates(config.plank);
    assert.deepEqual([...templates.keys()].sort(), ['*', 'o', 'o/r']);
    config.plank.report_templates!['o/r'] = 'changed after load';
    assert.equal(reportTemplateForRepo(compiledReportTemplates(config.plank), 'o', 'r')?.render(PJ), 'PR 7', 'compiled at load, not at report time');
    assert.equal(reportTemplateForRepo(templates, 'o', 'x')?.render(PJ), 'org o');
    assert.equal(reportTemplateForRepo(templates, 'p', 'q')?.render(PJ), 'star');
  });

  it('the legacy report_template becomes `*`', () => {
    const { config } = loadConfig({ configPath: configFile(`plank:\n  report_template: 'old {{.Spec.Refs.Repo}}'\n`) });
    assert.equal(reportTemplateForRepo(compiledReportTemplates(config.plank), 'p', 'q')?.render({ spec: { refs: { repo: 'q' } } }), 'old q');
  });

  it('no templates: none for any repo', () => {
    const { config } = loadConfig({ configPath: configFile('prowjob_namespace: default\n') });
    assert.equal(reportTemplateForRepo(compiledReportTemplates(config.plank), 'o', 'r'), undefined);
    assert.equal(reportTemplateForRepo(compiledReportTemplates(undefined), 'o', 'r'), undefined);
  });

  it('a bad template fails the load with file:line and field', () => {
    const path = configFile(`plank:\n  report_templates:\n    '*': 'fine'\n    o/r: 'PR {{.Spec.Refs.Org'\n`);
    let errors: string[] = [];
    try {
      loadConfig({ configPath: path });
    } catch (err) {
      assert.ok(err instanceof ConfigAggregateError, String(err));
      errors = err.errors.map(formatIssue);
    }
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: plank\\.report_templates\\["o/r"\\]: invalid template`));
  });

  it('a config built by hand is compiled on first use', () => {
    const plank = { report_templates: { o: 'org {{.Spec.Refs.Org}}' } };
    assert.equal(reportTemplateForRepo(compiledReportTemplates(plank), 'o', 'r')?.render(PJ), 'org o');
    assert.equal(compiledReportTemplates(plank), compiledReportTemplates(plank), 'compiled once');
  });
});

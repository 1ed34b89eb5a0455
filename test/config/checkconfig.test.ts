import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { KNOWN_PLUGIN_NAMES } from '../../src/config/plugins.js';
import { builtinPluginNames } from '../../src/plugins/registry.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const prow = join(repoRoot, 'bin', 'prow');
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'prow-checkconfig-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function checkconfig(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [prow, 'checkconfig', ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('prow checkconfig', () => {
  it('accepts examples/ under --strict and prints one summary line', async () => {
    const r = await checkconfig([
      '--config-path', 'examples/config.yaml', '--job-config-path', 'examples/jobs', '--plugin-config', 'examples/plugins.yaml', '--strict',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '2 presubmits, 1 postsubmits, 1 periodics in 1 repos\n');
    assert.equal(r.stderr, '');
  });

  it('lists every error as file:line: field: message and exits 1', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(join(dir, 'jobs'), { recursive: true });
    writeFileSync(join(dir, 'config.yaml'), 'log_level: chatty\nplank:\n  unknown_knob: 1\n');
    writeFileSync(join(dir, 'jobs', 'a.yaml'), 'periodics:\n- name: p\n  agent: jenkins\n  cron: "0 * * * *"\n  interval: 1h\n');
    writeFileSync(join(dir, 'plugins.yaml'), 'plugins:\n  org:\n    plugins: [hold, frobnicate]\n');
    const r = await checkconfig([
      '--config-path', join(dir, 'config.yaml'), '--job-config-path', join(dir, 'jobs'), '--plugin-config', join(dir, 'plugins.yaml'),
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(lines, [
      `warning: ${join(dir, 'config.yaml')}:3: plank.unknown_knob: unknown field "unknown_knob" in Plank`,
      `${join(dir, 'config.yaml')}:1: log_level: not a valid logrus Level: "chatty"`,
      `${join(dir, 'jobs', 'a.yaml')}:5: periodics[0].interval: cron, interval and minimum_interval are mutually exclusive and one is required (found cron, interval)`,
      `${join(dir, 'plugins.yaml')}:3: plugins["org"].plugins[1]: unknown plugin "frobnicate"`,
      '3 errors found',
    ]);
  });

  it('refuses an upstream plugin this build does not implement, as hook and prow up do', async (t) => {
    const missing = KNOWN_PLUGIN_NAMES.find((n) => !builtinPluginNames().includes(n));
    if (missing === undefined) return t.skip('every upstream plugin is implemented');
    const dir = join(tmp, 'unimplemented');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugins.yaml'), `plugins:\n  demo:\n    plugins: [trigger, ${missing}]\n`);
    const r = await checkconfig(['--config-path', 'examples/config.yaml', '--job-config-path', 'examples/jobs', '--plugin-config', join(dir, 'plugins.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`plugins\\.yaml:3: plugins\\["demo"\\]\\.plugins\\[1\\]: plugin "${missing}" is an upstream plugin this Prow does not implement yet`));
  });

  const emptyCases = [
    { name: 'an empty config.yaml', config: '', plugins: 'plugins:\n  org:\n    plugins: [hold]\n', bad: 'config.yaml', off: 'every job and setting' },
    { name: 'a config.yaml of comments only', config: '# todo\n---\n', plugins: '{}\n', bad: 'config.yaml', off: 'every job and setting' },
    { name: 'an empty plugins.yaml', config: 'pod_namespace: pods\n', plugins: '\n', bad: 'plugins.yaml', off: 'every plugin' },
  ];
  for (const c of emptyCases) {
    it(`refuses ${c.name} with one error naming the file, and exits 1`, async () => {
      const dir = join(tmp, `empty-${emptyCases.indexOf(c)}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.yaml'), c.config);
      writeFileSync(join(dir, 'plugins.yaml'), c.plugins);
      const r = await checkconfig(['--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml')]);
      assert.equal(r.code, 1, r.stdout);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.at(-1), '1 error found');
      assert.match(lines[0]!, new RegExp(`^${join(dir, c.bad)}:1: .*empty ${c.bad.replace('.', '\\.')} is not a valid config .*turn ${c.off} off`));
    });
  }

  it('warns (exit 0) about repos that have jobs but no trigger plugin', async () => {
    const dir = join(tmp, 'no-trigger');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'plugins.yaml'), 'plugins:\n  demo:\n    plugins: [hold]\n');
    const r = await checkconfig(['--config-path', 'examples/config.yaml', '--job-config-path', 'examples/jobs', '--plugin-config', join(dir, 'plugins.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `warning: ${join(dir, 'plugins.yaml')}: plugins: the following repos have jobs configured but do not have the trigger plugin enabled: demo/hello\n`);
    assert.equal(r.stdout, '2 presubmits, 1 postsubmits, 1 periodics in 1 repos\n');
  });

  it('turns unknown fields into errors with --strict', async () => {
    const dir = join(tmp, 'strict');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.yaml'), 'sinker:\n  max_pod_agee: 1h\n');
    const r = await checkconfig(['--config-path', join(dir, 'config.yaml'), '--strict']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /config\.yaml:2: sinker\.max_pod_agee: unknown field "max_pod_agee" in Sinker\n1 error found\n$/);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfigAgent } from '../../src/config/agent.js';
import { ConfigAggregateError } from '../../src/config/errors.js';
import { pluginsFor } from '../../src/config/plugins.js';
import { waitFor } from '../support/wait.js';

const root = mkdtempSync(join(tmpdir(), 'prow-agent-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

function captureLogger(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, dest), lines };
}

const jobs = (names: string[]): string =>
  `periodics:\n${names.map((n) => `- name: ${n}\n  interval: 1h\n  agent: jenkins\n`).join('')}`;

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  await waitFor(cond, { timeoutMs: ms, intervalMs: 20, message: what });
}

function setup(name: string): { dir: string; configPath: string; jobDir: string; pluginPath: string } {
  const dir = join(root, name);
  mkdirSync(join(dir, 'jobs', 'sub'), { recursive: true });
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, 'pod_namespace: pods\n');
  writeFileSync(join(dir, 'jobs', 'sub', 'p.yaml'), jobs(['a']));
  const pluginPath = join(dir, 'plugins.yaml');
  writeFileSync(pluginPath, 'plugins:\n  org:\n    plugins: [hold]\n');
  return { dir, configPath, jobDir: join(dir, 'jobs'), pluginPath };
}

describe('ConfigAgent', () => {
  it('throws on a bad first load', async () => {
    const s = setup('bad-first');
    writeFileSync(join(s.jobDir, 'sub', 'p.yaml'), 'periodics:\n- name: x\n  agent: jenkins\n');
    const { log } = captureLogger();
    await assert.rejects(loadConfigAgent({ configPath: s.configPath, jobConfigPath: s.jobDir, log, watch: false }), ConfigAggregateError);
  });

  it('reloads when a job file changes, and keeps the last good config on a bad change', async () => {
    const s = setup('reload');
    const { log, lines } = captureLogger();
    const agent = await loadConfigAgent({
      configPath: s.configPath, jobConfigPath: s.jobDir, pluginConfigPath: s.pluginPath, log, debounceMs: 30, pollIntervalMs: 100,
    });
    try {
      assert.deepEqual(agent.current().config.periodics.map((p) => p.name), ['a']);
      assert.deepEqual(pluginsFor(agent.current().plugins, 'org', 'r'), ['hold']);
      let changes = 0;
      const off = agent.onChange((next, prev) => {
        changes++;
        assert.notEqual(next, prev);
      });

      writeFileSync(join(s.jobDir, 'sub', 'p.yaml'), jobs(['a', 'b']));
      await until(() => agent.current().config.periodics.length === 2, 'the new periodic');
      assert.equal(changes, 1);

      writeFileSync(join(s.jobDir, 'sub', 'p.yaml'), `${jobs(['a', 'b'])}- name: c\n  interval: 7d\n  agent: jenkins\n`);
      await until(() => lines.some((l) => l.msg === 'config reload failed: keeping the last good config'), 'the failure log');
      assert.deepEqual(agent.current().config.periodics.map((p) => p.name), ['a', 'b']);
      const issue = lines.find((l) => l.msg === 'config error')?.issue as string;
      assert.match(issue, /sub\/p\.yaml:9: periodics\[2\]\.interval: cannot parse interval for c: time: unknown unit "d"/);

      // Fixing the job file and changing plugins.yaml installs a new snapshot with both.
      writeFileSync(s.pluginPath, 'plugins:\n  org:\n    plugins: [hold, wip]\n');
      writeFileSync(join(s.jobDir, 'sub', 'p.yaml'), jobs(['a', 'b', 'c']));
      await until(() => pluginsFor(agent.current().plugins, 'org', 'r').length === 2 && agent.current().config.periodics.length === 3, 'the fix');
      off();
    } finally {
      agent.close();
    }
  });

  it('with implementedPlugins: refuses a plugin this build lacks at start and on reload, keeping the last good config', async () => {
    const s = setup('unimplemented');
    const { log, lines } = captureLogger();
    const opts = { configPath: s.configPath, pluginConfigPath: s.pluginPath, implementedPlugins: ['hold', 'wip'], log, watch: false };
    writeFileSync(s.pluginPath, 'plugins:\n  org:\n    plugins:\n    - hold\n    - lgtm\n');
    await assert.rejects(loadConfigAgent(opts), (err: unknown) => {
      assert.ok(err instanceof ConfigAggregateError);
      assert.equal(err.errors.length, 1);
      assert.equal(err.errors[0]!.line, 5);
      assert.match(err.message, /plugins\["org"\]\.plugins\[1\]: plugin "lgtm" is an upstream plugin this Prow does not implement yet/);
      return true;
    });
    writeFileSync(s.pluginPath, 'plugins:\n  org:\n    plugins: [hold]\n');
    const agent = await loadConfigAgent(opts);
    try {
      writeFileSync(s.pluginPath, 'plugins:\n  org:\n    plugins: [hold, frobnicate]\n');
      assert.equal(await agent.reload(), false);
      writeFileSync(s.pluginPath, 'plugins:\n  org:\n    plugins: [hold, lgtm]\n');
      assert.equal(await agent.reload(), false);
      assert.deepEqual(pluginsFor(agent.current().plugins, 'org', 'r'), ['hold']);
      const issues = lines.filter((l) => l.msg === 'config error').map((l) => l.issue as string);
      assert.match(issues[0]!, /plugins\.yaml:3: plugins\["org"\]\.plugins\[1\]: unknown plugin "frobnicate"/);
      assert.match(issues[1]!, /plugins\.yaml:3: plugins\["org"\]\.plugins\[1\]: plugin "lgtm" is an upstream plugin/);
      writeFileSync(s.pluginPath, 'plugins:\n  org:\n    plugins: [hold, wip]\n');
      assert.equal(await agent.reload(), true);
      assert.deepEqual(pluginsFor(agent.current().plugins, 'org', 'r'), ['hold', 'wip']);
    } finally {
      agent.close();
    }
  });

  it('recovers when the broken file is fixed, and explicit reload works without watching', async () => {
    const s = setup('recover');
    const { log } = captureLogger();
    const agent = await loadConfigAgent({ configPath: s.configPath, jobConfigPath: s.jobDir, log, watch: false });
    try {
      writeFileSync(join(s.jobDir, 'sub', 'p.yaml'), 'periodics: [');
      assert.equal(await agent.reload(), false);
      assert.deepEqual(agent.current().config.periodics.map((p) => p.name), ['a']);
      writeFileSync(join(s.jobDir, 'sub', 'new.yaml'), jobs(['z']));
      writeFileSync(join(s.jobDir, 'sub', 'p.yaml'), jobs(['a']));
      assert.equal(await agent.reload(), true);
      assert.deepEqual(agent.current().config.periodics.map((p) => p.name).sort(), ['a', 'z']);
    } finally {
      agent.close();
    }
  });
  for (const file of ['config', 'plugins'] as const) {
    it(`keeps the last good config when ${file}.yaml is emptied, and logs why`, async () => {
      const s = setup(`emptied-${file}`);
      const { log, lines } = captureLogger();
      const agent = await loadConfigAgent({ configPath: s.configPath, jobConfigPath: s.jobDir, pluginConfigPath: s.pluginPath, log, watch: false });
      try {
        const before = agent.current();
        writeFileSync(file === 'config' ? s.configPath : s.pluginPath, '');
        assert.equal(await agent.reload(), false);
        assert.equal(agent.current(), before);
        assert.equal(agent.current().config.pod_namespace, 'pods');
        assert.deepEqual(pluginsFor(agent.current().plugins, 'org', 'r'), ['hold']);
        const why = lines.find((l) => l.msg === 'config error');
        assert.match(String(why?.issue), new RegExp(`${file}\\.yaml:1: .*empty ${file}\\.yaml is not a valid config`));
        assert.ok(lines.some((l) => l.msg === 'config reload failed: keeping the last good config'));
      } finally {
        agent.close();
      }
    });
  }
});

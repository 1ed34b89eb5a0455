// Every long-running component, run as `prow <component> --log-format json` at LOG_LEVEL=debug, doing one
// piece of its work: every stdout line is one JSON object that carries each key once (read from the raw
// text, since JSON.parse hides a repeated key), with logrus's level words and the component named once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPostsubmitJob } from '../../src/api/pjutil.js';
import type { ProwJob } from '../../src/api/prowjob.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, storePath, type SqliteStore } from '../../src/store/sqlite/store.js';
import { issueCommentPayload, webhookHeaders } from '../hook/support/helpers.js';
import { duplicateKeys } from '../support/raw-json.js';
import { spawnProw, type CliProcess } from '../support/spawn-cli.js';

const LEVEL_WORDS = new Set(['panic', 'fatal', 'error', 'warning', 'info', 'debug', 'trace']);
const WAIT_MS = 60_000;

/** Checks every JSON line of a stopped process; returns the parsed records. */
function checkLines(cli: CliProcess, component: string | undefined): Record<string, unknown>[] {
  const lines = cli.stdout().split('\n').filter((l) => l.startsWith('{'));
  assert.ok(lines.length > 0, `no JSON lines:\n${cli.output()}`);
  return lines.map((line) => {
    assert.deepEqual(duplicateKeys(line), [], `a key written twice: ${line}`);
    const rec = JSON.parse(line) as Record<string, unknown>;
    assert.ok(LEVEL_WORDS.has(String(rec.level)), `level ${String(rec.level)}: ${line}`);
    assert.equal(rec.severity, rec.level, line);
    assert.equal(typeof rec.msg, 'string', line);
    assert.match(String(rec.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/, line);
    if (component !== undefined) assert.equal(rec.component, component, `named once as ${component}: ${line}`);
    return rec;
  });
}

function job(name: string, over: Partial<ProwJob['spec']>, status: ProwJob['status']): ProwJob {
  return { apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name }, spec: { type: 'periodic', job: name, agent: 'kubernetes', ...over }, status };
}

describe('log lines of every component', { concurrency: true, timeout: 240_000 }, () => {
  let root: string;
  let gh: FakeGitHub;
  const children: CliProcess[] = [];
  const stores: SqliteStore[] = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'log-lines-'));
    gh = await startFakeGitHub();
    await gh.reset({ bot: 'prow-bot', repos: [{ repo: 'o/r', files: { 'README.md': 'hi\n' } }] });
    writeFileSync(join(root, 'token'), 'secret-token\n');
  });
  after(async () => {
    for (const c of children) c.kill();
    await Promise.all(stores.map((s) => s.close()));
    await gh.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A data directory with a config.yaml, and the store in it. */
  const world = (name: string, config: string): { dir: string; config: string; store: SqliteStore } => {
    const dir = join(root, name);
    const store = openSqliteStore(storePath(dir), { log: createSilentLogger(), pollIntervalMs: 20 });
    stores.push(store);
    writeFileSync(join(dir, 'config.yaml'), config);
    return { dir, config: join(dir, 'config.yaml'), store };
  };
  const run = (args: string[]): CliProcess => {
    const cli = spawnProw([...args, '--log-format', 'json'], { env: { ...process.env, LOG_LEVEL: 'debug' } });
    children.push(cli);
    return cli;
  };
  const stop = async (cli: CliProcess): Promise<void> => {
    assert.equal(await cli.stop('SIGTERM', 30_000), 0, cli.output());
  };

  it('tot', async () => {
    const w = world('tot', '');
    const cli = run(['tot', '--port', '0', '--data-dir', w.dir]);
    const { url } = (await cli.waitForLog('tot listening', WAIT_MS)) as { url: string };
    assert.equal(await (await fetch(`${url}/vend/some-job`)).text(), '1');
    await stop(cli);
    checkLines(cli, 'tot');
  });

  it('sinker', async () => {
    const w = world('sinker', 'sinker:\n  max_prowjob_age: 48h\n');
    await w.store.createProwJob(job('old', { refs: { org: 'o', repo: 'r', base_ref: 'main' } }, {
      state: 'success', startTime: '2020-01-01T00:00:00Z', completionTime: '2020-01-01T00:10:00Z', build_id: '3',
    }));
    const cli = run(['sinker', '--config-path', w.config, '--data-dir', w.dir, '--run-once']);
    assert.equal(await cli.exited(WAIT_MS), 0, cli.output());
    const deleted = checkLines(cli, 'sinker').find((l) => l.msg === 'deleted prowjob');
    assert.deepEqual(
      [deleted?.prowjob, deleted?.job, deleted?.type, deleted?.state, deleted?.build_id, deleted?.org, deleted?.repo],
      ['old', 'old', 'periodic', 'success', '3', 'o', 'r'],
      'prowJobFields',
    );
  });

  it('horologium', async () => {
    const w = world('horologium', 'periodics:\n- name: nightly\n  interval: 24h\n  spec: {containers: [{image: alpine, command: [echo, hi]}]}\n');
    const cli = run(['horologium', '--config-path', w.config, '--data-dir', w.dir]);
    await cli.waitForLog('triggering new run', WAIT_MS);
    await stop(cli);
    checkLines(cli, 'horologium');
  });

  it('controller (plank)', async () => {
    const w = world('controller', 'log_level: info\n');
    await w.store.createProwJob(job('run-me', { pod_spec: { containers: [{ command: ['sh', '-c', 'echo ran'] }] } }, {
      state: 'triggered', startTime: new Date().toISOString(),
    }));
    const cli = run(['controller', '--config-path', w.config, '--data-dir', w.dir]);
    await cli.waitUntil(async () => (await w.store.getProwJob('run-me'))?.status.completionTime, 'job completion', WAIT_MS);
    await cli.waitForLog('transitioning states', WAIT_MS);
    await stop(cli);
    const lines = checkLines(cli, 'controller');
    assert.ok(lines.some((l) => l.controller === 'plank' && l.prowjob === 'run-me' && l.to === 'success'), cli.output());
  });

  it('crier', async () => {
    const w = world('crier', 'prowjob_namespace: default\n');
    const base = (await gh.branchSha('o/r', 'main'))!;
    const cli = run([
      'crier', '--config-path', w.config, '--data-dir', w.dir, '--github-endpoint', gh.url, '--github-token-path', join(root, 'token'),
    ]);
    await w.store.createProwJob(newPostsubmitJob({ name: 'post-r', context: 'post-r' }, { org: 'o', repo: 'r', base_ref: 'main', base_sha: base }));
    await cli.waitForLog('reported', WAIT_MS);
    await stop(cli);
    checkLines(cli, 'crier');
  });

  it('hook', async () => {
    const w = world('hook', 'prowjob_namespace: prow\n');
    writeFileSync(join(w.dir, 'plugins.yaml'), 'plugins:\n  org:\n    plugins: []\n');
    writeFileSync(join(w.dir, 'hmac'), 'log-secret\n');
    const cli = run([
      'hook', '--config-path', w.config, '--plugin-config', join(w.dir, 'plugins.yaml'), '--hmac-secret-file', join(w.dir, 'hmac'),
      '--github-token-path', join(root, 'token'), '--github-endpoint', gh.url, '--port', '0', '--health-port', '0', '--metrics-port', '0',
      '--data-dir', w.dir,
    ]);
    const { port } = (await cli.waitForLog('hook serving', WAIT_MS)) as { port: number };
    const body = JSON.stringify(issueCommentPayload({ repo: 'org/repo', body: '/hold', isPR: true }));
    const res = await fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', headers: webhookHeaders('issue_comment', 'log-1', body, 'log-secret'), body });
    assert.equal(res.status, 200);
    await cli.waitForLog('handling event', WAIT_MS);
    await stop(cli);
    checkLines(cli, 'hook');
  });

  it('deck', async () => {
    const w = world('deck', '{}\n');
    const cli = run(['deck', '--config-path', w.config, '--data-dir', w.dir, '--port', '0', '--hostname', '127.0.0.1']);
    const { url } = (await cli.waitForLog('deck listening', WAIT_MS)) as { url: string };
    assert.equal((await fetch(`${url}/`)).status, 200);
    assert.equal((await fetch(`${url}/prowjob.yaml?prowjob=missing`)).status, 404);
    await stop(cli);
    checkLines(cli, 'deck');
  });

  it('prow up (demo mode)', async () => {
    const dir = join(root, 'up');
    const cli = run(['up', '--data-dir', dir, '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0']);
    await cli.waitForLog('prow is up', WAIT_MS); // the banner, as one JSON record
    await stop(cli);
    const lines = checkLines(cli, undefined);
    const components = new Set(lines.map((l) => l.component));
    for (const c of ['controller', 'hook', 'deck', 'sinker', 'horologium']) assert.ok(components.has(c), `${c} logs under its own name: ${[...components].join(', ')}`);
  });
});

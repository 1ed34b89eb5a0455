import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob, ProwJobSpec } from '../../src/api/prowjob.js';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import type { ArtifactStore } from '../../src/artifacts/types.js';
import { createLocalExecutor } from '../../src/executor/local/executor.js';
import { TerminalError } from '../../src/api/terminal-error.js';
import type { Executor, ExecutorStatus } from '../../src/executor/types.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { waitFor as poll } from '../support/wait.js';

const log = createSilentLogger();
let seq = 0;
function makePj(command: string[], spec: Partial<ProwJobSpec> = {}): ProwJob {
  seq += 1;
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `pj-${process.pid}-${seq}` },
    spec: { type: 'periodic', job: 'local-test', agent: 'kubernetes', pod_spec: { containers: [{ image: 'ignored', command }] }, ...spec },
    status: { startTime: new Date().toISOString(), state: 'pending' },
  };
}

function waitFor(exec: Executor, pj: ProwJob, phases: string[], ms = 10_000): Promise<ExecutorStatus> {
  let last: ExecutorStatus | undefined;
  return poll(async () => {
    last = await exec.status(pj);
    return phases.includes(last.phase) ? last : undefined;
  }, { timeoutMs: ms, intervalMs: 25, message: () => `${phases.join('|')} (still ${last?.phase} (${last?.reason ?? ''}))` });
}

/** Members of the process group that have not exited (zombies waiting for init to reap them have). */
function groupAlive(pgid: number): boolean {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-g', String(pgid)], { encoding: 'utf8' }).split('\n').some((s) => s.trim() !== '' && !s.startsWith('Z'));
  } catch {
    return false; // ps exits 1 when nothing matches
  }
}

/** Killed members can linger for a moment as zombies until init reaps them. */
async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 20));
  return !groupAlive(pgid);
}

function runState(dataDir: string, pj: ProwJob): { pid: number; buildDir: string } {
  return JSON.parse(readFileSync(join(dataDir, 'workspaces', pj.metadata.name, 'run.json'), 'utf8')) as { pid: number; buildDir: string };
}

describe('local executor', () => {
  let root: string;
  let dataDir: string;
  let artifacts: ArtifactStore;
  let exec: Executor;
  const pgids: number[] = [];
  // Job processes are unref'd (they outlive a stopping controller), so while a test awaits one nothing
  // else may hold the event loop open; a real controller has its servers and watches for that.
  let keepAlive: NodeJS.Timeout;
  before(() => {
    keepAlive = setInterval(() => undefined, 1000);
    root = mkdtempSync(join(tmpdir(), 'local-exec-'));
    dataDir = join(root, 'data');
    artifacts = createLocalArtifactStore({ root: join(root, 'bucket') });
    exec = createLocalExecutor({ dataDir, artifacts, log, fetchRetryDelaysMs: [], reattachPollMs: 25 });
  });
  after(async () => {
    clearInterval(keepAlive);
    for (const g of pgids) if (groupAlive(g)) process.kill(-g, 'SIGKILL');
    await exec.close();
    rmSync(root, { recursive: true, force: true });
  });
  const json = async (path: string): Promise<Record<string, unknown>> => JSON.parse((await artifacts.get(path))!.toString()) as Record<string, unknown>;

  it('runs a command to success and writes the build dir in upstream layout', async () => {
    const pj = makePj(['sh', '-c', 'echo out; echo err >&2; echo data > "$ARTIFACTS/out.txt"; echo \'{"k":"v"}\' > "$ARTIFACTS/metadata.json"']);
    await exec.start(pj, { buildId: '41' });
    const s = await waitFor(exec, pj, ['succeeded', 'failed', 'unknown']);
    assert.equal(s.phase, 'succeeded');
    assert.equal(s.exitCode, 0);
    assert.equal(s.buildId, '41');
    const dir = 'logs/local-test/41';
    assert.equal((await artifacts.get('logs/local-test/latest-build.txt'))!.toString(), '41');
    assert.equal((await artifacts.get(`${dir}/build-log.txt`))!.toString(), 'out\nerr\n');
    assert.equal((await artifacts.get(`${dir}/artifacts/out.txt`))!.toString(), 'data\n');
    const finished = await json(`${dir}/finished.json`);
    assert.equal(finished.passed, true);
    assert.equal(finished.result, 'SUCCESS');
    assert.deepEqual(finished.metadata, { k: 'v' });
    // a periodic without refs: upstream's started.json is the timestamp alone
    assert.match((await artifacts.get(`${dir}/started.json`))!.toString(), /^\{"timestamp":\d+\}$/);
    const stored = await json(`${dir}/prowjob.json`);
    assert.equal((stored.status as { build_id: string }).build_id, '41');
    assert.match((await artifacts.get(`${dir}/prowjob.json`))!.toString(), /\n\t"kind"/);
  });

  it('with a remote-style artifact store (no local path) the log is uploaded when the job ends', async () => {
    const { localPath: _hidden, ...remote } = artifacts;
    const other = createLocalExecutor({ dataDir: join(root, 'remote-data'), artifacts: remote, log });
    try {
      const pj = makePj(['sh', '-c', 'echo uploaded']);
      await other.start(pj, { buildId: '40' });
      const s = await waitFor(other, pj, ['succeeded', 'failed', 'unknown']);
      assert.equal(s.phase, 'succeeded');
      assert.equal(await other.logs.read(pj).then((b) => b?.toString()), 'uploaded\n');
      assert.equal((await artifacts.get('logs/local-test/40/build-log.txt'))!.toString(), 'uploaded\n');
    } finally {
      await other.close();
    }
  });

  it('start is idempotent: a second start finds the first run', async () => {
    const pj = makePj(['sh', '-c', 'echo once >> "$ARTIFACTS/../count"']);
    await exec.start(pj, { buildId: '1' });
    await exec.start(pj, { buildId: '2' });
    const s = await waitFor(exec, pj, ['succeeded']);
    assert.equal(s.buildId, '1');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(readFileSync(join(dataDir, 'workspaces', pj.metadata.name, 'count'), 'utf8'), 'once\n');
    assert.deepEqual((await exec.listRuns()).filter((r) => r.name === pj.metadata.name).map((r) => r.phase), ['succeeded']);
  });

  it('reports a failing exit code', async () => {
    const pj = makePj(['sh', '-c', 'echo bad; exit 3']);
    await exec.start(pj, { buildId: '7' });
    const s = await waitFor(exec, pj, ['succeeded', 'failed', 'unknown']);
    assert.equal(s.phase, 'failed');
    assert.equal(s.exitCode, 3);
    const finished = await json('logs/local-test/7/finished.json');
    assert.equal(finished.passed, false);
    assert.equal(finished.result, 'FAILURE');
  });

  it('a missing command fails like entrypoint (127) and a container without command is a terminal error', async () => {
    const pj = makePj(['/nonexistent/binary']);
    await exec.start(pj, { buildId: '8' });
    const s = await waitFor(exec, pj, ['succeeded', 'failed', 'unknown']);
    assert.equal(s.exitCode, 127);
    const bad = makePj([]);
    await assert.rejects(exec.start(bad, { buildId: '9' }), TerminalError);
    assert.equal((await exec.status(bad)).phase, 'missing');
    const escaping = makePj(['true']);
    escaping.metadata.name = '../escape';
    await assert.rejects(exec.start(escaping, { buildId: '9' }), TerminalError);
    assert.equal((await exec.status(escaping)).phase, 'missing');
  });

  it('lays out decorated jobs by their gcs_configuration; a presubmit without pulls is refused', async () => {
    const refs = { org: 'kubernetes', repo: 'test-infra', base_ref: 'main', pulls: [{ number: 9, author: 'u', sha: 's' }] };
    const gcs = { bucket: 'b', path_strategy: 'legacy', default_org: 'kubernetes', default_repo: 'kubernetes', path_prefix: 'pfx' };
    const pj = makePj(['true'], { type: 'presubmit', job: 'pull-l', refs, decoration_config: { gcs_configuration: gcs, skip_cloning: true } });
    await exec.start(pj, { buildId: '30' });
    await waitFor(exec, pj, ['succeeded']);
    assert.ok(await artifacts.get('pfx/pr-logs/pull/test-infra/9/pull-l/30/finished.json'));
    assert.equal((await artifacts.get('pr-logs/directory/pull-l/latest-build.txt'))!.toString(), '30');
    assert.equal((await artifacts.get('pr-logs/pull/test-infra/9/pull-l/latest-build.txt'))!.toString(), '30');
    assert.equal((await artifacts.get('pr-logs/directory/pull-l/30.txt'))!.toString(), 'gs://b/pfx/pr-logs/pull/test-infra/9/pull-l/30');
    const bad = makePj(['true'], { type: 'presubmit', refs: { ...refs, pulls: [] } });
    await assert.rejects(exec.start(bad, { buildId: '31' }), TerminalError);
  });

  it('timeout sends SIGINT, then SIGKILL after the grace period', async () => {
    const pj = makePj(['sh', '-c', 'trap "echo got INT" INT; echo ready; while true; do sleep 0.05; done'], {
      decoration_config: { timeout: '400ms', grace_period: '300ms' },
    });
    const t0 = Date.now();
    await exec.start(pj, { buildId: '10' });
    await waitFor(exec, pj, ['running']);
    pgids.push(runState(dataDir, pj).pid);
    const s = await waitFor(exec, pj, ['succeeded', 'failed', 'unknown']);
    assert.ok(Date.now() - t0 >= 650, `ended after ${Date.now() - t0} ms`);
    assert.equal(s.phase, 'failed');
    assert.equal(s.interrupted, 'timeout');
    assert.match(s.reason ?? '', /^Process did not finish before 400ms timeout$/);
    assert.equal(s.exitCode, undefined); // killed: the wrapper never wrote one
    assert.match((await exec.logs.read(pj).then((b) => b?.toString()))!, /ready\n[^]*Process did not finish before 400ms timeout\n[^]*got INT/);
    assert.equal(await groupGone(runState(dataDir, pj).pid), true);
  });

  it('abort kills the whole process group, children that ignore SIGTERM included', async () => {
    const pj = makePj(['sh', '-c', 'sleep 30 & (trap "" TERM INT; sleep 31) & echo started; wait'], {
      decoration_config: { grace_period: '300ms' },
    });
    await exec.start(pj, { buildId: '11' });
    await waitFor(exec, pj, ['running']);
    const { pid } = runState(dataDir, pj);
    pgids.push(pid);
    for (let i = 0; i < 200 && !(await exec.logs.read(pj).then((b) => b?.toString()))?.includes('started'); i++) await new Promise((r) => setTimeout(r, 25));
    const members = execFileSync('ps', ['-o', 'pid=', '-g', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
    assert.ok(members.length >= 3, `group members: ${members.join(',')}`);
    await exec.abort(pj);
    assert.equal(await groupGone(pid), true);
    for (const m of members) {
      let stat = '';
      try {
        stat = execFileSync('ps', ['-o', 'stat=', '-p', m], { encoding: 'utf8' }).trim();
      } catch {
        stat = ''; // gone entirely
      }
      assert.ok(stat === '' || stat.startsWith('Z'), `process ${m} still runs (${stat})`);
    }
    const s = await exec.status(pj);
    assert.equal(s.phase, 'failed');
    assert.equal(s.interrupted, 'abort');
    assert.equal((await json('logs/local-test/11/finished.json')).result, 'ABORTED');
    await exec.abort(pj); // a finished run: no-op
  });

  it('streams the build log while the job runs', async () => {
    const pj = makePj(['sh', '-c', 'echo first; sleep 30; echo never']);
    await exec.start(pj, { buildId: '12' });
    await waitFor(exec, pj, ['running']);
    pgids.push(runState(dataDir, pj).pid);
    let logText = '';
    for (let i = 0; i < 200 && !logText.includes('first'); i++) {
      logText = (await exec.logs.read(pj).then((b) => b?.toString())) ?? '';
      if (!logText.includes('first')) await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(logText, 'first\n');
    assert.equal((await exec.status(pj)).phase, 'running');
    assert.equal((await artifacts.get('logs/local-test/12/build-log.txt'))!.toString(), 'first\n');
    assert.equal(await exec.logs.read(pj, { start: 2, end: 4 }).then((b) => b?.toString()), 'rst');
    await exec.abort(pj);
  });

  it('clones refs, runs in the workdir ref with the env contract', async () => {
    const origin = join(root, 'origin');
    mkdirSync(origin);
    const g = (...args: string[]): string => execFileSync('git', args, {
      cwd: origin, encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' },
    }).trim();
    g('init', '-q', '-b', 'main');
    writeFileSync(join(origin, 'f.txt'), 'base\n');
    g('add', '.');
    g('commit', '-q', '-m', 'base');
    const base = g('rev-parse', 'HEAD');
    g('checkout', '-q', '-b', 'feature');
    writeFileSync(join(origin, 'g.txt'), 'pr\n');
    g('add', '.');
    g('commit', '-q', '-m', 'pr');
    const head = g('rev-parse', 'HEAD');
    const pj = makePj(['sh', '-c', 'pwd > "$ARTIFACTS/pwd"; env > "$ARTIFACTS/env"; cat g.txt'], {
      type: 'presubmit', job: 'pull-local',
      refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: base, clone_uri: origin, pulls: [{ number: 5, author: 'u', sha: head, title: 'T' }] },
      extra_refs: [{ org: 'o', repo: 'tools', base_ref: 'main', clone_uri: origin, path_alias: 'example.com/tools', workdir: true }],
    });
    pj.spec.pod_spec!.containers[0]!.env = [{ name: 'FOO', value: 'bar' }];
    await exec.start(pj, { buildId: '13' });
    const s = await waitFor(exec, pj, ['succeeded', 'failed', 'unknown']);
    const dir = 'pr-logs/pull/o_r/5/pull-local/13';
    assert.equal(s.phase, 'failed', 'g.txt is not in the tools checkout (workdir is the extra ref)');
    const cwd = (await artifacts.get(`${dir}/artifacts/pwd`))!.toString().trim();
    assert.equal(cwd, join(dataDir, 'workspaces', pj.metadata.name, 'src', 'example.com', 'tools'));
    const env = Object.fromEntries((await artifacts.get(`${dir}/artifacts/env`))!.toString().trim().split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.equal(env.FOO, 'bar');
    assert.equal(env.CI, 'true');
    assert.equal(env.JOB_NAME, 'pull-local');
    assert.equal(env.JOB_TYPE, 'presubmit');
    assert.equal(env.BUILD_ID, '13');
    assert.equal(env.PROW_JOB_ID, pj.metadata.name);
    assert.equal(env.PULL_NUMBER, '5');
    assert.equal(env.PULL_PULL_SHA, head);
    assert.equal(env.PULL_REFS, `main:${base},5:${head}`);
    assert.equal(env.ARTIFACTS, join(dataDir, 'workspaces', pj.metadata.name, 'artifacts'));
    const spec = JSON.parse(env.JOB_SPEC!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(spec), ['type', 'job', 'buildid', 'prowjobid', 'refs', 'extra_refs']);
    const records = await json(`${dir}/clone-records.json`) as unknown as Array<{ final_sha?: string }>;
    assert.equal(records.length, 3);
    const started = await json(`${dir}/started.json`);
    assert.equal(started.pull, '5');
    assert.equal(started['repo-commit'], records[1]!.final_sha);
    assert.deepEqual(started.repos, { 'o/r': `main:${base},5:${head}`, 'o/tools': 'main' });
    assert.equal((await json(`${dir}/finished.json`)).revision, head);
    assert.match((await artifacts.get(`${dir}/clone-log.txt`))!.toString(), /# Cloning o\/r at main/);
  });

  it('a failed clone fails the job with the clone log as build log', async () => {
    const pj = makePj(['true'], { type: 'postsubmit', refs: { org: 'o', repo: 'gone', base_ref: 'main', clone_uri: join(root, 'missing') } });
    await exec.start(pj, { buildId: '14' });
    const s = await waitFor(exec, pj, ['succeeded', 'failed', 'unknown']);
    assert.equal(s.phase, 'failed');
    assert.equal(s.reason, 'Cloning refs failed.');
    assert.match((await artifacts.get('logs/local-test/14/build-log.txt'))!.toString(), /# FAILED/);
    // initupload's finished.json, byte for byte: the test never ran, so no revision and no metadata
    assert.match((await artifacts.get('logs/local-test/14/finished.json'))!.toString(), /^\{"timestamp":\d+,"passed":false,"result":"FAILURE"\}$/);
    assert.match((await artifacts.get('logs/local-test/14/clone-records.json'))!.toString(), /^\[\{"refs":\{"org":"","repo":""\}\},\{"refs":\{"org":"o","repo":"gone","base_ref":"main","clone_uri":/);
  });

  it('abort during clonerefs stops the clone and never runs the command', async () => {
    const slow = createLocalExecutor({ dataDir, artifacts, log, fetchRetryDelaysMs: [60_000] });
    const pj = makePj(['sh', '-c', 'echo should-not-run'], { type: 'postsubmit', refs: { org: 'o', repo: 'slow', base_ref: 'main', clone_uri: join(root, 'absent') } });
    try {
      await slow.start(pj, { buildId: '18' });
      assert.equal((await slow.status(pj)).phase, 'pending');
      const t0 = Date.now();
      await slow.abort(pj);
      assert.ok(Date.now() - t0 < 10_000);
      const s = await slow.status(pj);
      assert.equal(s.phase, 'failed');
      assert.equal(s.interrupted, 'abort');
      assert.equal((await json('logs/local-test/18/finished.json')).result, 'ABORTED');
      assert.equal(await artifacts.get('logs/local-test/18/build-log.txt'), undefined);
    } finally {
      await slow.close();
    }
  });

  it('a new executor process re-attaches to a running job and sees its exit code', async () => {
    const first = createLocalExecutor({ dataDir, artifacts, log, reattachPollMs: 25 });
    const pj = makePj(['sh', '-c', 'sleep 0.6; echo late; exit 4']);
    await first.start(pj, { buildId: '15' });
    await waitFor(first, pj, ['running']);
    pgids.push(runState(dataDir, pj).pid);
    await first.close(); // the controller "dies"; the job keeps running
    const second = createLocalExecutor({ dataDir, artifacts, log, reattachPollMs: 25 });
    try {
      assert.equal((await second.status(pj)).phase, 'running');
      const changes: string[] = [];
      second.onChange((name) => changes.push(name));
      // nothing polls status here: the re-attached watcher alone must notice the exit
      for (let i = 0; i < 400 && changes.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.deepEqual(changes, [pj.metadata.name]);
      const s = await second.status(pj);
      assert.equal(s.phase, 'failed');
      assert.equal(s.exitCode, 4);
      assert.equal((await artifacts.get('logs/local-test/15/build-log.txt'))!.toString(), 'late\n');
      assert.equal((await json('logs/local-test/15/finished.json')).result, 'FAILURE');
    } finally {
      await second.close();
    }
  });

  it('adopts a job spawned just before the controller died, before it was recorded as running', async () => {
    const first = createLocalExecutor({ dataDir, artifacts, log });
    const pj = makePj(['sh', '-c', 'sleep 0.5; echo adopted']);
    await first.start(pj, { buildId: '19' });
    await waitFor(first, pj, ['running']);
    await first.close();
    // The wrapper writes its pid file first thing; under load that can come after run.json says running.
    const pidFile = join(dataDir, 'workspaces', pj.metadata.name, 'pid');
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 25));
    const file = join(dataDir, 'workspaces', pj.metadata.name, 'run.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    pgids.push(state.pid as number);
    for (const key of ['pid', 'procStart', 'startedAt']) delete state[key];
    writeFileSync(file, JSON.stringify({ ...state, phase: 'cloning' })); // as if the crash came before this write
    const second = createLocalExecutor({ dataDir, artifacts, log, reattachPollMs: 25 });
    try {
      assert.equal((await second.status(pj)).phase, 'running');
      const s = await waitFor(second, pj, ['succeeded', 'failed', 'unknown']);
      assert.equal(s.phase, 'succeeded');
      assert.equal(await second.logs.read(pj).then((b) => b?.toString()), 'adopted\n');
    } finally {
      await second.close();
    }
  });

  it('a job that died with the controller is reported unknown, with a reason', async () => {
    const first = createLocalExecutor({ dataDir, artifacts, log });
    const pj = makePj(['sleep', '30']);
    await first.start(pj, { buildId: '16' });
    await waitFor(first, pj, ['running']);
    await first.close();
    const { pid } = runState(dataDir, pj);
    process.kill(-pid, 'SIGKILL'); // the whole machine went down with it
    for (let i = 0; i < 100 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    const second = createLocalExecutor({ dataDir, artifacts, log });
    try {
      const s = await second.status(pj);
      assert.equal(s.phase, 'unknown');
      assert.match(s.reason ?? '', /without recording an exit code/);
    } finally {
      await second.close();
    }
  });

  it('cleanup removes the workspace', async () => {
    const pj = makePj(['true']);
    await exec.start(pj, { buildId: '17' });
    await waitFor(exec, pj, ['succeeded']);
    await exec.cleanup({ name: pj.metadata.name });
    assert.equal((await exec.status(pj)).phase, 'missing');
  });
});

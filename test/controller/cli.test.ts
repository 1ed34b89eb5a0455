import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, storePath, type SqliteStore } from '../../src/store/sqlite.js';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'prow');

describe('prow controller / prow plank', () => {
  let dir: string;
  let store: SqliteStore;
  const children: ChildProcess[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'controller-cli-'));
    writeFileSync(join(dir, 'config.yaml'), 'plank:\n  job_url_template: "http://deck/{{.Spec.Job}}/{{.Status.BuildID}}"\n');
    store = openSqliteStore(storePath(dir), { pollIntervalMs: 20 });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (name: string, extra: string[] = []): ChildProcess => {
    const child = spawn(bin, [name, '--config-path', join(dir, 'config.yaml'), '--data-dir', dir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };
  const exited = (c: ChildProcess): Promise<number | null> => new Promise((r) => c.once('exit', (code) => r(code)));

  for (const [command, dryRun] of [['controller', false], ['plank', false], ['plank', true]] as const) {
    it(`${command}${dryRun ? ' --dry-run' : ''} ${dryRun ? 'leaves' : 'runs'} a triggered job`, async () => {
      const name = `22222222-0000-4000-8000-${String(children.length + 1).padStart(12, '0')}`;
      await store.createProwJob({
        apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name },
        spec: { type: 'periodic', job: `cli-${command}`, agent: 'kubernetes', pod_spec: { containers: [{ command: ['sh', '-c', 'echo ran'] }] } },
        status: { startTime: new Date().toISOString(), state: 'triggered' },
      });
      const child = run(command, dryRun ? ['--dry-run'] : []);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
      const deadline = Date.now() + 15_000;
      let pj = await store.getProwJob(name);
      while (Date.now() < deadline && !(dryRun ? out.includes('dry run: would start') : pj?.status.completionTime)) {
        await new Promise((r) => setTimeout(r, 50));
        pj = await store.getProwJob(name);
      }
      child.kill('SIGTERM');
      assert.equal(await exited(child), 0, out);
      if (dryRun) {
        assert.equal(pj!.status.state, 'triggered');
        assert.match(out, /dry run: would start/);
      } else {
        assert.equal(pj!.status.state, 'success', out);
        assert.equal(pj!.status.url, `http://deck/cli-${command}/1`);
      }
    });
  }

  it('serves /healthz and /metrics', async () => {
    const child = run('controller', ['--health-port', '0', '--metrics-port', '0']);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const deadline = Date.now() + 15_000;
    let ports: { healthPort?: number; metricsPort?: number } | undefined;
    while (!ports && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      const line = out.split('\n').find((l) => l.includes('instrumentation serving'));
      if (line) ports = JSON.parse(line) as { healthPort: number; metricsPort: number };
    }
    try {
      assert.ok(ports, out);
      assert.equal(await (await fetch(`http://127.0.0.1:${ports.healthPort}/healthz`)).text(), 'OK');
      const metrics = await (await fetch(`http://127.0.0.1:${ports.metricsPort}/metrics`)).text();
      assert.match(metrics, /# TYPE prowjobs gauge/);
      assert.match(metrics, /prowjobs\{[^}]*job_name="cli-controller"[^}]*state="success"/);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited(child), 0);
    }
  });

  it('stops promptly on SIGTERM and leaves a running job running', async () => {
    const name = '22222222-0000-4000-8000-000000000099';
    await store.createProwJob({
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name },
      spec: { type: 'periodic', job: 'cli-long', agent: 'kubernetes', pod_spec: { containers: [{ command: ['sleep', '30'] }] } },
      status: { startTime: new Date().toISOString(), state: 'triggered' },
    });
    const child = run('controller');
    const runFile = join(dir, 'workspaces', name, 'run.json');
    let pid: number | undefined;
    for (let i = 0; i < 300 && pid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        pid = (JSON.parse(readFileSync(runFile, 'utf8')) as { pid?: number }).pid;
      } catch {
        pid = undefined;
      }
    }
    assert.ok(pid, 'the job started');
    try {
      child.kill('SIGTERM');
      const code = await Promise.race([exited(child), new Promise<string>((r) => setTimeout(() => r('still running'), 10_000).unref())]);
      assert.equal(code, 0); // not held open by the job (which sleeps 30 s)
      process.kill(pid, 0); // throws if the job died with the controller
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });

  it('fails with a clear error on a missing config', async () => {
    const child = spawn(bin, ['controller', '--config-path', join(dir, 'nope.yaml'), '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    assert.notEqual(await exited(child), 0);
    assert.match(err, /nope\.yaml/);
  });
});

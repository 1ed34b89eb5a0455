import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, storePath, type SqliteStore } from '../../src/store/sqlite/store.js';
import { startKubeApiFake } from '../../src/kube/fake/server.js';
import { getText, spawnProw, type CliProcess } from '../support/spawn-cli.js';

describe('prow controller / prow plank', () => {
  let dir: string;
  let store: SqliteStore;
  const children: CliProcess[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'controller-cli-'));
    writeFileSync(join(dir, 'config.yaml'), 'plank:\n  job_url_template: "http://deck/{{.Spec.Job}}/{{.Status.BuildID}}"\n');
    store = openSqliteStore(storePath(dir), { pollIntervalMs: 20 });
  });
  after(async () => {
    for (const c of children) c.kill();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (name: string, extra: string[] = []): CliProcess => {
    const child = spawnProw([name, '--config-path', join(dir, 'config.yaml'), '--data-dir', dir, ...extra]);
    children.push(child);
    return child;
  };

  for (const [command, dryRun] of [['controller', false], ['plank', false], ['plank', true]] as const) {
    it(`${command}${dryRun ? ' --dry-run' : ''} ${dryRun ? 'leaves' : 'runs'} a triggered job`, async () => {
      const name = `22222222-0000-4000-8000-${String(children.length + 1).padStart(12, '0')}`;
      await store.createProwJob({
        apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name },
        spec: { type: 'periodic', job: `cli-${command}`, agent: 'kubernetes', pod_spec: { containers: [{ command: ['sh', '-c', 'echo ran'] }] } },
        status: { startTime: new Date().toISOString(), state: 'triggered' },
      });
      const child = run(command, dryRun ? ['--dry-run'] : []);
      if (dryRun) await child.waitFor(/dry run: would start/, 'dry-run log line', 15_000);
      else await child.waitUntil(async () => (await store.getProwJob(name))?.status.completionTime, 'job completion', 15_000);
      const pj = await store.getProwJob(name);
      assert.equal(await child.stop(), 0, child.output());
      if (dryRun) {
        assert.equal(pj!.status.state, 'triggered');
        assert.match(child.output(), /dry run: would start/);
      } else {
        assert.equal(pj!.status.state, 'success', child.output());
        assert.equal(pj!.status.url, `http://deck/cli-${command}/1`);
      }
    });
  }

  it('--kubeconfig runs kubernetes-agent jobs as pods in the build cluster', async () => {
    const fake = await startKubeApiFake();
    try {
      writeFileSync(join(dir, 'kubeconfig'), fake.kubeconfig());
      const name = '22222222-0000-4000-8000-000000000077';
      await store.createProwJob({
        apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name },
        spec: { type: 'periodic', job: 'cli-pod', agent: 'kubernetes', pod_spec: { containers: [{ image: 'alpine', command: ['true'] }] } },
        status: { startTime: new Date().toISOString(), state: 'triggered' },
      });
      const child = run('controller', ['--kubeconfig', join(dir, 'kubeconfig')]);
      const pending = await child.waitUntil(async () => {
        const pj = await store.getProwJob(name);
        return pj?.status.state === 'pending' ? pj : undefined;
      }, 'job pending', 30_000);
      // config.yaml sets no pod_namespace: pods go to `default`, as upstream's default.
      const pod = fake.api.get(fake.api.type('', 'pods'), 'v1', 'default', name) as { metadata: { labels: Record<string, string> } };
      assert.equal(pod.metadata.labels['prow.k8s.io/build-id'], pending.status.build_id);
      assert.match(pod.metadata.labels['prow.k8s.io/plank-version'] ?? '', /^v\d+\.\d+\.\d+$/);
      assert.equal(await child.stop(), 0, child.output());
    } finally {
      await fake.close();
    }
  });

  it('serves /healthz and /metrics', async () => {
    const child = run('controller', ['--health-port', '0', '--metrics-port', '0']);
    try {
      const ports = await child.waitForLog('instrumentation serving', 15_000) as { health_port?: number; metrics_port?: number };
      assert.ok(ports, child.output());
      assert.equal(await getText(`http://127.0.0.1:${ports.health_port}/healthz`), 'OK');
      const metrics = await getText(`http://127.0.0.1:${ports.metrics_port}/metrics`);
      assert.match(metrics, /# TYPE prowjobs gauge/);
      assert.match(metrics, /prowjobs\{[^}]*job_name="cli-controller"[^}]*state="success"/);
    } finally {
      assert.equal(await child.stop(), 0);
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
    const pid = await child.waitUntil(() => {
      try {
        return (JSON.parse(readFileSync(runFile, 'utf8')) as { pid?: number }).pid;
      } catch {
        return undefined;
      }
    }, 'the job started', 15_000);
    assert.ok(pid, 'the job started');
    try {
      // Not held open by the job (which sleeps 30 s): stop() fails if the controller outlives 10 s.
      assert.equal(await child.stop('SIGTERM', 10_000), 0);
      process.kill(pid, 0); // throws if the job died with the controller
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });

  it('fails with a clear error on a missing config', async () => {
    const child = spawnProw(['controller', '--config-path', join(dir, 'nope.yaml'), '--data-dir', dir]);
    children.push(child);
    assert.notEqual(await child.exited(15_000), 0);
    assert.match(child.stderr(), /nope\.yaml/);
  });
});

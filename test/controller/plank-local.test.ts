import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import type { Plank } from '../../src/config/types.js';
import { createStoreBuildIdSource } from '../../src/controller/build-id.js';
import { createController } from '../../src/controller/plank.js';
import { createLocalExecutor } from '../../src/executor/local/executor.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { waitFor } from '../support/wait.js';

const log = createSilentLogger();
const plank = {
  job_url_template: '', max_concurrency: 0, max_goroutines: 20, pod_pending_timeout: '10m', pod_running_timeout: '48h',
  pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
} satisfies Plank;

function job(name: string, script: string): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name },
    spec: { type: 'periodic', job: 'local-e2e', agent: 'kubernetes', pod_spec: { containers: [{ command: ['sh', '-c', script] }] } },
    status: { startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), state: 'triggered' },
  };
}

function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  return waitFor(async () => (await fn()) || undefined, { timeoutMs: ms, intervalMs: 20, message: what });
}

describe('plank with the local executor', () => {
  let dir: string;
  let store: SqliteStore;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'plank-local-'));
    store = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 20 });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const artifacts = () => createLocalArtifactStore({ root: join(dir, 'artifacts') });
  const make = () => {
    const executor = createLocalExecutor({ dataDir: dir, artifacts: artifacts(), log, reattachPollMs: 20 });
    const controller = createController({ store, executors: new Map([['kubernetes', executor]]), config: () => ({ plank }), log, buildIdSource: createStoreBuildIdSource(store) });
    return { executor, controller };
  };

  it('runs a job to success and to failure, logs in the artifact store', async () => {
    const { executor, controller } = make();
    await controller.start();
    try {
      await store.createProwJob(job('11111111-0000-4000-8000-000000000001', 'echo hello from the job'));
      await store.createProwJob(job('11111111-0000-4000-8000-000000000002', 'exit 2'));
      const ok = await until('success', async () => {
        const p = await store.getProwJob('11111111-0000-4000-8000-000000000001');
        return p?.status.completionTime ? p : undefined;
      });
      assert.equal(ok.status.state, 'success', ok.status.description);
      assert.equal(ok.status.description, 'Job succeeded.');
      const build = ok.status.build_id!;
      assert.equal((await artifacts().get(`logs/local-e2e/${build}/build-log.txt`))!.toString(), 'hello from the job\n');
      const bad = await until('failure', async () => {
        const p = await store.getProwJob('11111111-0000-4000-8000-000000000002');
        return p?.status.completionTime ? p : undefined;
      });
      assert.equal(bad.status.state, 'failure');
      assert.notEqual(bad.status.build_id, build);
    } finally {
      await controller.stop();
      await executor.close();
    }
  });

  it('a job whose clone was cut short by a controller restart ends in error with the reason', async () => {
    const first = make();
    await first.controller.start();
    const name = '11111111-0000-4000-8000-000000000004';
    const pj = job(name, 'true');
    pj.spec.type = 'postsubmit';
    pj.spec.refs = { org: 'o', repo: 'r', base_ref: 'main', clone_uri: join(dir, 'no-such-remote') }; // fetch retries for a minute
    await store.createProwJob(pj);
    const pending = await until('pending', async () => {
      const p = await store.getProwJob(name);
      return p?.status.state === 'pending' ? p : undefined;
    });
    assert.equal((await first.executor.status(pending)).phase, 'pending');
    await first.controller.stop();
    await first.executor.close();
    const second = make();
    await second.controller.start();
    try {
      const done = await until('complete', async () => {
        const p = await store.getProwJob(name);
        return p?.status.completionTime ? p : undefined;
      });
      assert.equal(done.status.state, 'error');
      assert.equal(done.status.description, 'Job lost: The executor restarted while cloning refs.');
    } finally {
      await second.controller.stop();
      await second.executor.close();
    }
  });

  it('a controller restarted while a job runs picks the job up and completes it', async () => {
    const first = make();
    await first.controller.start();
    const name = '11111111-0000-4000-8000-000000000003';
    await store.createProwJob(job(name, 'sleep 0.5; echo done'));
    const pending = await until('pending', async () => {
      const p = await store.getProwJob(name);
      return p?.status.state === 'pending' ? p : undefined;
    });
    await until('running', async () => (await first.executor.status(pending)).phase === 'running');
    await first.controller.stop(); // the controller process "dies" with the job still running
    await first.executor.close();
    const second = make();
    await second.controller.start();
    try {
      const done = await until('complete', async () => {
        const p = await store.getProwJob(name);
        return p?.status.completionTime ? p : undefined;
      });
      assert.equal(done.status.state, 'success');
      assert.equal((await second.executor.logs.read(done))?.toString(), 'done\n');
    } finally {
      await second.controller.stop();
      await second.executor.close();
    }
  });
});

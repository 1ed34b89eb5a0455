// No silent do-nothing: the controller that owns unknown agents ends their jobs with a clear description;
// one that does not (or an agent another controller runs) leaves them alone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createController, type ControllerDeps } from '../../src/controller/plank.js';
import type { Executor } from '../../src/executor/types.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';

const log = createSilentLogger();

/** Runs nothing: these tests only have jobs of other agents. */
const idleExecutor: Executor = {
  start: async () => { throw new Error('not expected'); },
  status: async () => ({ phase: 'missing' }),
  abort: async () => {},
  logs: { size: async () => undefined, read: async () => undefined, stream: async () => undefined },
  cleanup: async () => {},
  listRuns: async () => [],
  onChange: () => () => {},
  close: async () => {},
};

let seq = 0;
function jenkinsJob(): ProwJob {
  seq += 1;
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `unhandled-${process.pid}-${seq}` },
    spec: { type: 'periodic', job: 'ci-soak', agent: 'jenkins', report: true },
    status: { startTime: new Date().toISOString(), state: 'triggered' },
  };
}

describe('jobs of agents no controller runs', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prow-unhandled-'));
    store = openSqliteStore(join(dir, 'prow.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(extra: Partial<ControllerDeps>): Promise<ProwJob> {
    const created = await store.createProwJob(jenkinsJob());
    const controller = createController({
      store, executors: new Map([['kubernetes', idleExecutor]]), config: () => ({ plank: {} as never }), log, resyncMs: 60_000, ...extra,
    });
    await controller.start();
    controller.enqueue(created.metadata.name);
    await controller.idle();
    await controller.stop();
    return (await store.getProwJob(created.metadata.name))!;
  }

  it('end as error with "no controller for agent jenkins is running" when this controller owns them', async () => {
    const pj = await run({ unhandledAgents: {} });
    assert.deepEqual([pj.status.state, pj.status.description], ['error', 'no controller for agent jenkins is running']);
    assert.ok(pj.status.completionTime);
  });

  it('are left to the controller that runs their agent', async () => {
    const pj = await run({ unhandledAgents: { except: ['jenkins'] } });
    assert.equal(pj.status.state, 'triggered');
    assert.equal(pj.status.completionTime, undefined);
  });

  it('are left alone by a controller that does not own unknown agents', async () => {
    const pj = await run({});
    assert.equal(pj.status.state, 'triggered');
  });
});

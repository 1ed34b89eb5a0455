import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunInfo } from '../../src/executor/types.js';
import { sinkerCleanupFromExecutor } from '../../src/sinker/executor-cleanup.js';

describe('sinkerCleanupFromExecutor', () => {
  it('maps executor runs to sinker runs and deletes through cleanup', async () => {
    const cleaned: string[] = [];
    const runs: RunInfo[] = [
      { name: 'a', phase: 'succeeded', createdAt: '2026-01-01T00:00:00Z', startedAt: '2026-01-01T00:00:05Z' },
      { name: 'b', phase: 'pending', createdAt: '2026-01-02T00:00:00Z' },
      { name: 'c', phase: 'unknown' },
    ];
    const now = new Date('2026-02-01T00:00:00Z');
    const cleanup = sinkerCleanupFromExecutor({
      listRuns: async () => runs,
      cleanup: async (run) => { cleaned.push(run.name); },
    }, { now: () => now, cluster: 'local' });
    assert.deepEqual(await cleanup.listRuns(), [
      { name: 'a', prowjob: 'a', cluster: 'local', createdAt: new Date('2026-01-01T00:00:00Z'), startedAt: new Date('2026-01-01T00:00:05Z') },
      { name: 'b', prowjob: 'b', cluster: 'local', createdAt: new Date('2026-01-02T00:00:00Z') },
      { name: 'c', prowjob: 'c', cluster: 'local', createdAt: now },
    ]);
    await cleanup.deleteRun('b');
    assert.deepEqual(cleaned, ['b']);
  });

  it('keeps the build cluster an executor with several names for each run, and deletes the run there', async () => {
    const cleaned: string[] = [];
    const cleanup = sinkerCleanupFromExecutor({
      listRuns: async () => [
        { name: 'a', phase: 'running', createdAt: '2026-01-01T00:00:00Z', cluster: 'build-1' },
        { name: 'b', phase: 'running', createdAt: '2026-01-01T00:00:00Z' },
      ],
      cleanup: async (run) => { cleaned.push(`${run.cluster}/${run.name}`); },
    });
    assert.deepEqual((await cleanup.listRuns()).map((r) => r.cluster), ['build-1', 'default']);
    await cleanup.deleteRun('a', 'build-1');
    await cleanup.deleteRun('b');
    assert.deepEqual(cleaned, ['build-1/a', 'default/b']);
  });
});

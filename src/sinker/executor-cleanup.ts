// Adapts an Executor (the seam in src/executor/types.ts) to what sinker needs: its runs and a way to
// remove one (process tree and workspace).
import type { Executor } from '../executor/types.js';
import type { SinkerCleanup, SinkerRun } from './sinker.js';

function parseTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * Runs are named after their ProwJob. A run with no recorded creation time counts as created now, so
 * it is never taken for an orphan on the first pass that sees it. An executor with several build
 * clusters (pods) names each run's cluster; `options.cluster` names the one of an executor that has one.
 */
export function sinkerCleanupFromExecutor(
  executor: Pick<Executor, 'listRuns' | 'cleanup'>,
  options: { cluster?: string; now?: () => Date } = {},
): SinkerCleanup {
  const now = options.now ?? (() => new Date());
  return {
    async listRuns(): Promise<SinkerRun[]> {
      return (await executor.listRuns()).map((info) => {
        const startedAt = parseTime(info.startedAt);
        const run: SinkerRun = {
          name: info.name,
          prowjob: info.name,
          cluster: info.cluster ?? options.cluster ?? 'default',
          createdAt: parseTime(info.createdAt) ?? startedAt ?? now(),
        };
        if (startedAt) run.startedAt = startedAt;
        return run;
      });
    },
    deleteRun: (name, cluster) => executor.cleanup({ name, cluster: cluster ?? options.cluster ?? 'default' }),
  };
}

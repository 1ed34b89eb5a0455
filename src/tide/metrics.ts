// Tide's Prometheus metrics: upstream's names first (pkg/tide/tide.go tideMetrics), then ours
// (tide_merged_prs_total, tide_batch_size, tide_time_in_pool_seconds, tide_ci_runs_total).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const POOL = ['org', 'repo', 'branch'] as const;

export interface TideMetrics {
  pooledPRs: Gauge<'org' | 'repo' | 'branch'>;
  updateTime: Gauge<'org' | 'repo' | 'branch'>;
  merges: Histogram<'org' | 'repo' | 'branch'>;
  poolErrors: Counter<'org' | 'repo' | 'branch'>;
  queryResults: Counter<'query_index' | 'org_shard' | 'result'>;
  syncDuration: Gauge;
  statusUpdateDuration: Gauge;
  syncHeartbeat: Counter<'controller'>;
  retests: Counter<'org' | 'repo' | 'branch' | 'action'>;
  poolMissingPRs: Gauge<'org' | 'repo' | 'branch'>;
  poolPendingPRs: Gauge<'org' | 'repo' | 'branch'>;
  poolSuccessfulPRs: Gauge<'org' | 'repo' | 'branch'>;
  poolBatchPendingPRs: Gauge<'org' | 'repo' | 'branch'>;
  mergedPRs: Counter<'org' | 'repo' | 'branch'>;
  batchSize: Histogram<'org' | 'repo' | 'branch'>;
  timeInPool: Histogram<'org' | 'repo' | 'branch'>;
  ciRuns: Counter<'org' | 'repo' | 'branch' | 'type'>;
}

export function createTideMetrics(registry: Registry): TideMetrics {
  const registers = [registry];
  const gauge = (name: string, help: string): Gauge<'org' | 'repo' | 'branch'> => new Gauge({ name, help, labelNames: POOL, registers });
  return {
    pooledPRs: gauge('pooledprs', 'Number of PRs in each Tide pool.'),
    updateTime: gauge('updatetime', "The last time each subpool was synced. (Used to determine 'pooledprs' freshness.)"),
    merges: new Histogram({ name: 'merges', help: 'Histogram of merges where values are the number of PRs merged together.', buckets: [1, 2, 3, 4, 5, 7, 10, 15, 25], labelNames: POOL, registers }),
    poolErrors: new Counter({ name: 'tidepoolerrors', help: 'Count of Tide pool sync errors.', labelNames: POOL, registers }),
    queryResults: new Counter({ name: 'tidequeryresults', help: 'Count of Tide queries by query index, org shard, and result (success/error).', labelNames: ['query_index', 'org_shard', 'result'], registers }),
    syncDuration: new Gauge({ name: 'syncdur', help: 'The duration of the last loop of the sync controller.', registers }),
    statusUpdateDuration: new Gauge({ name: 'statusupdatedur', help: 'The duration of the last loop of the status update controller.', registers }),
    syncHeartbeat: new Counter({ name: 'tidesyncheartbeat', help: 'Count of Tide syncs per controller.', labelNames: ['controller'], registers }),
    retests: new Counter({ name: 'tide_retests_total', help: 'Total number of test retriggers by org, repo, branch, and action.', labelNames: [...POOL, 'action'], registers }),
    poolMissingPRs: gauge('tide_pool_missing_prs', 'Number of PRs with missing or failed tests in each pool.'),
    poolPendingPRs: gauge('tide_pool_pending_prs', 'Number of PRs with pending tests in each pool.'),
    poolSuccessfulPRs: gauge('tide_pool_successful_prs', 'Number of PRs with all tests passing in each pool.'),
    poolBatchPendingPRs: gauge('tide_pool_batch_pending_prs', 'Number of PRs in a pending batch test in each pool.'),
    mergedPRs: new Counter({ name: 'tide_merged_prs_total', help: 'PRs tide merged.', labelNames: POOL, registers }),
    batchSize: new Histogram({ name: 'tide_batch_size', help: 'PRs per batch tide triggered.', buckets: [2, 3, 4, 5, 7, 10, 15, 25], labelNames: POOL, registers }),
    timeInPool: new Histogram({ name: 'tide_time_in_pool_seconds', help: 'Seconds from a PR first seen in the pool to its merge.', buckets: [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400], labelNames: POOL, registers }),
    ciRuns: new Counter({ name: 'tide_ci_runs_total', help: 'ProwJobs tide created (divide by tide_merged_prs_total for CI runs per merged PR).', labelNames: [...POOL, 'type'], registers }),
  };
}

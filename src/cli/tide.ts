// `prow tide`: merge automation (upstream cmd/tide/main.go flags) over --store sqlite|kubernetes, one leader per Lease.
import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfigAgent } from '../config/agent.js';
import { createMergedTreeReader } from '../git/merged-tree.js';
import { createGitHubClient } from '../github/client.js';
import { listen } from '../observability/http.js';
import { createMetricsRegistry, startInstrumentation } from '../observability/instrumentation.js';
import { createProwJobInformer } from '../store/informer.js';
import { createGitBatchMerger } from '../tide/batch-merge.js';
import { TideHistory } from '../tide/history.js';
import { createTideMetrics } from '../tide/metrics.js';
import { createTideApp } from '../tide/server.js';
import { createTide } from '../tide/tide.js';
import { collect, parseCount, parseGoBool, parsePort } from './support/flags.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { closeOnSignal } from './support/shutdown.js';
import { addStoreOptions, openProwJobBackend, type StoreFlags } from './support/store.js';
import { addLeaderElectionOptions, leadOrWait, LEASE_NAMES, type LeaderElectionFlags } from './support/store-leader.js';
import { checkPortsFree } from './support/preflight.js';

interface TideFlags extends LogFormatFlags, StoreFlags, LeaderElectionFlags {
  configPath: string;
  jobConfigPath?: string;
  dataDir: string;
  port: number;
  dryRun: boolean;
  runOnce: boolean;
  githubTokenPath?: string;
  githubEndpoint: string[];
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  maxRecordsPerPool: number;
  historyUri?: string;
  statusPath?: string;
  syncHourlyTokens: number;
  statusHourlyTokens: number;
  healthPort?: number;
  metricsPort?: number;
}

/** Clone URLs for test-merging batches: github.com, or the Enterprise host behind --github-endpoint. */
function gitRemoteFor(endpoint: string | undefined): (org: string, repo: string) => string {
  let host = 'https://github.com';
  if (endpoint) {
    const u = new URL(endpoint);
    if (u.hostname !== 'api.github.com') host = `${u.protocol}//${u.host}`;
  }
  return (org, repo) => `${host}/${org}/${repo}.git`;
}

export function createCommand(): Command {
  const command = new Command('tide')
    .description('merge pull requests that pass their tests, in batches (tide)')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--data-dir <dir>', 'data directory holding the SQLite store', '.prow')
    .option('--port <port>', 'serve the pools (/) and history (/history) here', parsePort, 8888)
    .option('--dry-run [bool]', 'log merges, jobs and statuses instead of making them (upstream default true)', parseGoBool, true)
    .option('--run-once', 'sync once, then exit', false)
    .option('--github-token-path <file>', 'file holding a GitHub token')
    .option('--github-endpoint <url>', 'GitHub REST API endpoint (repeatable upstream; the first is used)', collect, [])
    .option('--github-app-id <id>', 'GitHub App id (with --github-app-private-key-path)')
    .option('--github-app-private-key-path <file>', 'GitHub App private key (PEM)')
    .option('--max-records-per-pool <n>', 'history records kept per pool', parseCount, 1000)
    .option('--history-uri <file>', 'local file the action history is loaded from and written to (gs:// and s3:// are not supported)')
    .option('--status-path <file>', "upstream's status-controller checkpoint; accepted and not used (see docs/tide.md)")
    .option('--sync-hourly-tokens <n>', "upstream's sync token budget; pacing is the GitHub client's (see docs/tide.md)", parseCount, 800)
    .option('--status-hourly-tokens <n>', "upstream's status token budget; pacing is the GitHub client's (see docs/tide.md)", parseCount, 400)
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .addOption(logFormatOption());
  addStoreOptions(command);
  addLeaderElectionOptions(command);
  return command
    .action(async (f: TideFlags) => {
      const { root, log } = createCommandLogger('tide', f);
      await checkPortsFree([{ flag: '--port', port: f.port }, { flag: '--health-port', port: f.healthPort }, { flag: '--metrics-port', port: f.metricsPort }]);
      for (const uri of [f.historyUri, f.statusPath]) {
        if (uri && /^(gs|s3):\/\//.test(uri)) throw new Error(`${uri}: only local files are supported for --history-uri and --status-path`);
      }
      if (f.syncHourlyTokens !== 800 || f.statusHourlyTokens !== 400) {
        log.warn({ syncHourlyTokens: f.syncHourlyTokens, statusHourlyTokens: f.statusHourlyTokens }, 'the hourly token flags are not used: the GitHub client paces every request itself');
      }
      if (f.statusPath) log.warn({ statusPath: f.statusPath }, '--status-path is not used: the status update searches every open PR in scope each time');
      const agent = await loadConfigAgent({ configPath: f.configPath, jobConfigPath: f.jobConfigPath, log });
      followConfigLogLevel(root, agent);
      const github = createGitHubClient({
        baseUrl: f.githubEndpoint[0], tokenPath: f.githubTokenPath, appId: f.githubAppId, privateKeyPath: f.githubAppPrivateKeyPath, dryRun: f.dryRun, log,
      });
      if (f.dryRun) log.warn('--dry-run is on (the default, as upstream): merges, jobs and statuses are logged, not made');
      const namespace = agent.current().config.prowjob_namespace;
      const backend = await openProwJobBackend(f, { dataDir: f.dataDir, namespace, log });
      const store = backend.prowjobs;
      const informer = createProwJobInformer(store, { log });
      await informer.start();
      const registry = createMetricsRegistry();
      const history = new TideHistory(f.maxRecordsPerPool, f.historyUri, log);
      const tide = createTide({
        store, informer, github, config: () => agent.current().config, log, history, metrics: createTideMetrics(registry), dryRun: f.dryRun,
        batchMerger: createGitBatchMerger({ cacheDir: join(f.dataDir, 'tide-git'), remoteFor: gitRemoteFor(f.githubEndpoint[0]) }),
        // .prow.yaml for repos in_repo_config enables, read as hook's trigger reads it (its own mirrors: hook may share --data-dir).
        trees: createMergedTreeReader({ cacheDir: join(f.dataDir, 'tide-inrepoconfig'), remoteFor: gitRemoteFor(f.githubEndpoint[0]) }),
      });
      if (f.runOnce) {
        await tide.syncOnce();
        informer.close();
        await backend.close();
        agent.close();
        return;
      }
      const server = await listen(createTideApp({ pools: async () => tide.pools(), history: async () => history.all() }), { port: f.port, host: '0.0.0.0', log, name: 'tide' });
      const instrumentation = await startInstrumentation({ registry, log, healthPort: f.healthPort, metricsPort: f.metricsPort });
      const leadership = await leadOrWait(backend, { lease: LEASE_NAMES.tide, namespace, log, flags: f, registry });
      tide.start();
      closeOnSignal([() => tide.stop(), () => leadership.release(), () => server.close(), () => instrumentation.close(), () => informer.close(), () => backend.close(), () => agent.close()], { log });
    });
}

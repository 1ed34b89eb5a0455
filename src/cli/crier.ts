// `prow crier`: reports ProwJob state changes to GitHub (commit statuses and the failure comment) and to
// blob storage (prowjob.json, started/finished for jobs whose pods never ran).
import { addGitHubRateFlags, rateLimitsFrom, type GitHubRateFlags } from './support/github-rate-flags.js';
import { mkdirSync } from 'node:fs';
import { Command } from 'commander';
import { closeOnSignal } from './support/shutdown.js';
import { loadConfigAgent } from '../config/agent.js';
import { startCrier } from '../crier/crier.js';
import { createGitHubReporter } from '../crier/github/reporter.js';
import { createBlobReporter } from '../crier/blob/reporter.js';
import type { ReporterRegistration } from '../crier/crier.js';
import { addBucketFlags, openBucketsFromFlags, type BucketFlags } from './support/buckets.js';
import type { BucketOpener } from '../artifacts/buckets.js';
import { createInformerJobSource } from '../crier/job-source.js';
import { createProwJobInformer } from '../store/informer.js';
import { createGitHubClient } from '../github/client.js';
import { createMetricsRegistry, startInstrumentation } from '../observability/instrumentation.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { addStoreOptions, openProwJobBackend, type StoreFlags } from './support/store.js';
import { addLeaderElectionOptions, leadOrWait, LEASE_NAMES, type LeaderElectionFlags } from './support/store-leader.js';
import { parseCount, parseGoBool, parsePort } from './support/flags.js';
import { checkPortsFree } from './support/preflight.js';

interface CrierFlags extends LogFormatFlags, StoreFlags, LeaderElectionFlags, GitHubRateFlags, BucketFlags {
  configPath: string;
  jobConfigPath?: string;
  dataDir: string;
  githubEndpoint: string;
  githubTokenPath?: string;
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  githubWorkers: number;
  blobStorageWorkers: number;
  kubernetesBlobStorageWorkers: number;
  reportAgent?: string;
  dryRun: boolean;
  healthPort?: number;
  metricsPort?: number;
}

export function createCommand(): Command {
  const command = addGitHubRateFlags(new Command('crier'))
    .description('report ProwJob results to GitHub: commit statuses and the failed-tests comment')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--data-dir <dir>', 'data directory holding the SQLite store (--store sqlite)', '.prow')
    .option('--github-endpoint <url>', 'GitHub REST API endpoint', 'https://api.github.com')
    .option('--github-token-path <file>', 'file holding a GitHub token')
    .option('--github-app-id <id>', 'GitHub App id (with --github-app-private-key-path)')
    .option('--github-app-private-key-path <file>', 'GitHub App private key (PEM)')
    .option('--github-workers <n>', 'jobs reported at once; 0 disables the GitHub reporter', parseCount, 5)
    .option('--blob-storage-workers <n>', 'jobs the blob-storage reporter (gcsreporter) uploads at once; 0 disables it', parseCount, 0)
    .option('--kubernetes-blob-storage-workers <n>', 'the Kubernetes blob-storage reporter (podinfo.json); not supported yet, must be 0', parseCount, 0)
    .option('--report-agent <agent>', 'only report jobs of this agent (e.g. kubernetes)')
    .option('--dry-run [bool]', 'log GitHub writes instead of making them', parseGoBool, false)
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .addOption(logFormatOption());
  addBucketFlags(command);
  addStoreOptions(command);
  addLeaderElectionOptions(command);
  return command
    .action(async (f: CrierFlags) => {
      const { root, log } = createCommandLogger('crier', f);
      await checkPortsFree([{ flag: '--health-port', port: f.healthPort }, { flag: '--metrics-port', port: f.metricsPort }]);
      if (f.kubernetesBlobStorageWorkers > 0) {
        process.stderr.write('prow crier: --kubernetes-blob-storage-workers is not supported yet (the podinfo.json reporter); set it to 0\n');
        process.exitCode = 1;
        return;
      }
      if (f.githubWorkers === 0 && f.blobStorageWorkers === 0) {
        process.stderr.write('prow crier: no reporter enabled (--github-workers and --blob-storage-workers are 0)\n');
        process.exitCode = 1;
        return;
      }
      let github: ReturnType<typeof createGitHubClient> | undefined;
      let buckets: BucketOpener | undefined;
      let agent: Awaited<ReturnType<typeof loadConfigAgent>>;
      try {
        if (f.blobStorageWorkers > 0) buckets = openBucketsFromFlags(f);
        if (f.githubWorkers > 0) {
          github = createGitHubClient({
            baseUrl: f.githubEndpoint,
            ...(f.githubTokenPath ? { tokenPath: f.githubTokenPath } : {}),
            ...(f.githubAppId ? { appId: f.githubAppId } : {}),
            ...(f.githubAppPrivateKeyPath ? { privateKeyPath: f.githubAppPrivateKeyPath } : {}),
            dryRun: f.dryRun,
            rateLimits: rateLimitsFrom(f, f.githubAppId !== undefined),
            log,
          });
        }
        agent = await loadConfigAgent({ configPath: f.configPath, ...(f.jobConfigPath ? { jobConfigPath: f.jobConfigPath } : {}), log });
        followConfigLogLevel(root, agent);
      } catch (err) {
        process.stderr.write(`prow crier: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (f.store === 'sqlite') mkdirSync(f.dataDir, { recursive: true });
      const namespace = agent.current().config.prowjob_namespace;
      const backend = await openProwJobBackend(f, { dataDir: f.dataDir, namespace, log });
      const store = backend.prowjobs;
      const registry = createMetricsRegistry();
      const informer = createProwJobInformer(store, { log });
      const instrumentation = await startInstrumentation({ registry, log, healthPort: f.healthPort, metricsPort: f.metricsPort, ready: () => informer.hasSynced() });
      await informer.start();
      const leadership = await leadOrWait(backend, { lease: LEASE_NAMES.crier, namespace, log, flags: f, registry });
      const jobs = createInformerJobSource(informer);
      const reporters: ReporterRegistration[] = [];
      if (github) {
        const reporter = createGitHubReporter({
          github, config: () => agent.current().config, listJobs: jobs.list,
          ...(f.reportAgent ? { reportAgent: f.reportAgent } : {}),
        });
        reporters.push({ reporter, workers: f.githubWorkers });
      }
      if (buckets) {
        reporters.push({ reporter: createBlobReporter({ buckets, config: () => agent.current().config, dryRun: f.dryRun }), workers: f.blobStorageWorkers });
      }
      const crier = startCrier({ jobs, store, log, registry, reporters });
      closeOnSignal([() => crier.close(), () => leadership.release(), () => informer.close(), () => instrumentation.close(), () => backend.close(), () => agent.close()], { log, keepAlive: true });
    });
}

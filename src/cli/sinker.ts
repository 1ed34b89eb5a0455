import { Command } from 'commander';
import { closeOnSignal } from './support/shutdown.js';
import { loadConfigAgent } from '../config/agent.js';
import { createMetricsRegistry, startInstrumentation } from '../observability/instrumentation.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { sinkerCleanupFromExecutor } from '../sinker/executor-cleanup.js';
import { createSinker } from '../sinker/sinker.js';
import { openPodExecutor } from './support/pod-executor.js';
import { createProwJobInformer } from '../store/informer.js';
import { addStoreOptions, openProwJobBackend, type StoreFlags } from './support/store.js';
import { addLeaderElectionOptions, leadOrWait, LEASE_NAMES, type LeaderElectionFlags } from './support/store-leader.js';
import { parseGoBool, parsePort } from './support/flags.js';
import { checkPortsFree } from './support/preflight.js';

interface SinkerFlags extends LogFormatFlags, StoreFlags, LeaderElectionFlags {
  configPath: string;
  jobConfigPath?: string;
  dataDir: string;
  runOnce?: boolean;
  dryRun: boolean;
  healthPort?: number;
  metricsPort?: number;
}

export function createCommand(): Command {
  const command = new Command('sinker')
    .description('delete complete ProwJobs older than sinker.max_prowjob_age (keeping the newest run of each periodic)')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--data-dir <dir>', 'data directory holding the SQLite store', '.prow')
    .option('--run-once', 'run one pass, then exit')
    .option('--dry-run [bool]', 'log what would be deleted and delete nothing', parseGoBool, false)
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .addOption(logFormatOption());
  addStoreOptions(command);
  addLeaderElectionOptions(command);
  return command
    .action(async (flags: SinkerFlags) => {
      const { root, log } = createCommandLogger('sinker', flags);
      if (!flags.runOnce) await checkPortsFree([{ flag: '--health-port', port: flags.healthPort }, { flag: '--metrics-port', port: flags.metricsPort }]);
      const agent = await loadConfigAgent({
        configPath: flags.configPath, log, watch: !flags.runOnce,
        ...(flags.jobConfigPath ? { jobConfigPath: flags.jobConfigPath } : {}),
      });
      followConfigLogLevel(root, agent);
      const namespace = agent.current().config.prowjob_namespace;
      const backend = await openProwJobBackend(flags, { dataDir: flags.dataDir, namespace, log, buildClusters: true });
      const store = backend.prowjobs;
      const informer = createProwJobInformer(store, { log });
      const registry = createMetricsRegistry();
      // Runs of the local executor are cleaned by `prow up`, which hands sinker the controller's own
      // executor: a second executor instance in this process would misread runs the controller drives.
      // Pods are another matter: sinker lists them in every build cluster, as upstream's.
      const pods = await openPodExecutor(backend, { podNamespace: () => agent.current().config.pod_namespace, log });
      // Webhook deliveries are pruned from the SQLite file only when it also holds the ProwJobs (one data
      // directory); in cluster mode the queue lives on hook's own volume.
      const sinker = createSinker({
        store, informer, ...(backend.kind === 'sqlite' ? { deliveries: backend.sqlite() } : {}),
        config: () => agent.current().config, log, dryRun: flags.dryRun === true, registry,
        ...(pods ? { executor: sinkerCleanupFromExecutor(pods) } : {}),
      });
      if (flags.runOnce) {
        try {
          await informer.start();
          await sinker.syncOnce();
        } finally {
          await pods?.close();
          informer.close();
          agent.close();
          await backend.close();
        }
        return;
      }
      const instrumentation = await startInstrumentation({ registry, log, healthPort: flags.healthPort, metricsPort: flags.metricsPort, ready: () => informer.hasSynced() });
      await informer.start();
      const leadership = await leadOrWait(backend, { lease: LEASE_NAMES.sinker, namespace, log, flags, registry });
      sinker.start();
      closeOnSignal([() => sinker.stop(), () => leadership.release(), async () => { await pods?.close(); }, () => informer.close(), () => instrumentation.close(), () => agent.close(), () => backend.close()], { log });
    });
}

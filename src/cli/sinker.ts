import { Command } from 'commander';
import { closeOnSignal } from './support/shutdown.js';
import { loadConfigAgent } from '../config/agent.js';
import { createMetricsRegistry, startInstrumentation } from '../observability/instrumentation.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { createKubernetesExecutor } from '../executor/kubernetes/executor.js';
import { loadClusterConfigs } from '../kube/client/kubeconfig.js';
import { sinkerCleanupFromExecutor } from '../sinker/executor-cleanup.js';
import { createSinker } from '../sinker/sinker.js';
import { createProwJobInformer } from '../store/informer.js';
import { openSqliteStore, storePath } from '../store/sqlite/store.js';
import { parseGoBool, parsePort } from './support/flags.js';

interface SinkerFlags extends LogFormatFlags {
  configPath: string;
  jobConfigPath?: string;
  dataDir: string;
  runOnce?: boolean;
  dryRun: boolean;
  healthPort?: number;
  metricsPort?: number;
  kubeconfig?: string;
  kubeconfigDir?: string;
  kubeconfigSuffix?: string;
}

export function createCommand(): Command {
  return new Command('sinker')
    .description('delete complete ProwJobs older than sinker.max_prowjob_age (keeping the newest run of each periodic)')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--data-dir <dir>', 'data directory holding the SQLite store', '.prow')
    .option('--run-once', 'run one pass, then exit')
    .option('--dry-run [bool]', 'log what would be deleted and delete nothing', parseGoBool, false)
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .option('--kubeconfig <file>', 'also delete pods (created-by-prow=true) of old and deleted ProwJobs in every context of this kubeconfig')
    .option('--kubeconfig-dir <dir>', 'as --kubeconfig, for every file in this directory')
    .option('--kubeconfig-suffix <suffix>', 'with --kubeconfig-dir: only files ending in this suffix')
    .addOption(logFormatOption())
    .action(async (flags: SinkerFlags) => {
      const { root, log } = createCommandLogger('sinker', flags);
      const agent = await loadConfigAgent({
        configPath: flags.configPath, log, watch: !flags.runOnce,
        ...(flags.jobConfigPath ? { jobConfigPath: flags.jobConfigPath } : {}),
      });
      followConfigLogLevel(root, agent);
      const store = openSqliteStore(storePath(flags.dataDir), { log });
      const informer = createProwJobInformer(store, { log });
      const registry = createMetricsRegistry();
      // Runs of the local executor are cleaned by `prow up`, which hands sinker the controller's own
      // executor: a second executor instance in this process would misread runs the controller drives.
      // Pods are another matter: they live in the build clusters, and sinker lists them there (upstream).
      const pods = flags.kubeconfig || flags.kubeconfigDir
        ? createKubernetesExecutor({
          clusters: loadClusterConfigs({
            ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
            ...(flags.kubeconfigDir ? { kubeconfigDir: flags.kubeconfigDir } : {}),
            ...(flags.kubeconfigSuffix ? { kubeconfigSuffix: flags.kubeconfigSuffix } : {}),
          }).clusters,
          podNamespace: () => agent.current().config.pod_namespace,
          log,
        })
        : undefined;
      const sinker = createSinker({
        store, informer, deliveries: store, config: () => agent.current().config, log, dryRun: flags.dryRun === true, registry,
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
          await store.close();
        }
        return;
      }
      const instrumentation = await startInstrumentation({ registry, log, healthPort: flags.healthPort, metricsPort: flags.metricsPort });
      await informer.start();
      sinker.start();
      closeOnSignal([() => sinker.stop(), async () => { await pods?.close(); }, () => informer.close(), () => instrumentation.close(), () => agent.close(), () => store.close()], { log });
    });
}

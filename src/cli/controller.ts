// `prow controller` (alias `prow plank`): runs ProwJobs over the SQLite store, as local processes, or as
// pods in build clusters when kubeconfigs are given (--kubeconfig / --kubeconfig-dir, upstream's flags).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { closeOnSignal } from './support/shutdown.js';
import { createLocalArtifactStore } from '../artifacts/local.js';
import { loadConfigAgent } from '../config/agent.js';
import { createSnowflakeBuildIdSource, createStoreBuildIdSource, createTotBuildIdSource } from '../controller/build-id.js';
import { startInstrumentation } from '../observability/instrumentation.js';
import { createControllerMetrics, startMetricsGathering } from '../controller/metrics.js';
import { createController } from '../controller/plank.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { createProwJobInformer } from '../store/informer.js';
import { openSqliteStore, storePath } from '../store/sqlite/store.js';
import { createLocalExecutor } from '../executor/local/executor.js';
import { createKubernetesExecutor } from '../executor/kubernetes/executor.js';
import type { Executor } from '../executor/types.js';
import { loadClusterConfigs } from '../kube/client/kubeconfig.js';
import { createLogger } from '../observability/logger.js';
import { parsePort } from './support/flags.js';

interface ControllerFlags extends LogFormatFlags {
  configPath: string;
  jobConfigPath?: string;
  dataDir: string;
  artifactsDir?: string;
  totUrl?: string;
  buildIds: string;
  dryRun?: boolean;
  healthPort?: number;
  metricsPort?: number;
  kubeconfig?: string;
  kubeconfigDir?: string;
  kubeconfigSuffix?: string;
}

/** The package version: the prow.k8s.io/plank-version label of the pods we create (upstream: version.Version). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return `v${pkg.version ?? '0.0.0'}`;
}

export function createControllerCommand(name: string): Command {
  return new Command(name)
    .description('run ProwJobs: triggered → pending → success/failure/error/aborted, as local processes (plank)')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <dir>', 'directory of job config files')
    .option('--data-dir <dir>', 'data directory: SQLite store (prow.db), workspaces/', '.prow')
    .option('--artifacts-dir <dir>', 'where build logs and artifacts go (default <data-dir>/artifacts)')
    .option('--tot-url <url>', 'vend build ids from tot (GET <url>/vend/<job>)')
    .option('--build-ids <source>', 'without --tot-url: "store" (per-job counters in the store) or "snowflake" (upstream default)', 'store')
    .option('--dry-run', 'log what would change; start nothing, write nothing')
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .option('--kubeconfig <file>', 'run `kubernetes`-agent jobs as pods: every context of this kubeconfig is a build cluster (its current context is `default`)')
    .option('--kubeconfig-dir <dir>', 'as --kubeconfig, for every file in this directory (a mounted Secret)')
    .option('--kubeconfig-suffix <suffix>', 'with --kubeconfig-dir: only files ending in this suffix')
    .addOption(logFormatOption())
    .action(async (flags: ControllerFlags) => {
      const { root, log } = createCommandLogger(name, flags);
      if (flags.buildIds !== 'store' && flags.buildIds !== 'snowflake') {
        throw new Error(`--build-ids ${flags.buildIds}: want "store" or "snowflake"`);
      }
      const config = await loadConfigAgent({ configPath: flags.configPath, jobConfigPath: flags.jobConfigPath, log });
      followConfigLogLevel(root, config);
      const store = openSqliteStore(storePath(flags.dataDir), { log });
      const artifacts = createLocalArtifactStore({ root: flags.artifactsDir ?? join(flags.dataDir, 'artifacts') });
      // With build clusters, `kubernetes` jobs are pods (docs/pods.md); without, local processes play them.
      const executor: Executor = flags.kubeconfig || flags.kubeconfigDir
        ? createKubernetesExecutor({
          clusters: loadClusterConfigs({
            ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
            ...(flags.kubeconfigDir ? { kubeconfigDir: flags.kubeconfigDir } : {}),
            ...(flags.kubeconfigSuffix ? { kubeconfigSuffix: flags.kubeconfigSuffix } : {}),
          }).clusters,
          podNamespace: () => config.current().config.pod_namespace,
          log,
          plankVersion: packageVersion(),
        })
        : createLocalExecutor({ dataDir: flags.dataDir, artifacts, log });
      const buildIdSource = flags.totUrl
        ? createTotBuildIdSource({ url: flags.totUrl })
        : flags.buildIds === 'snowflake' ? createSnowflakeBuildIdSource() : createStoreBuildIdSource(store);
      const metrics = createControllerMetrics({ defaultMetrics: true });
      const informer = createProwJobInformer(store, { log });
      await informer.start();
      const controller = createController({
        store, informer, executors: new Map([['kubernetes', executor]]), config: () => config.current().config, log, buildIdSource, dryRun: flags.dryRun === true,
      });
      await controller.start();
      const stopGathering = startMetricsGathering(metrics, informer, { log });
      const instrumentation = await startInstrumentation({
        healthPort: flags.healthPort, metricsPort: flags.metricsPort, registry: metrics.registry, log,
      });
      // Jobs keep running when the controller stops: the next controller re-attaches to them.
      closeOnSignal(
        [() => controller.stop(), stopGathering, () => informer.close(), () => instrumentation.close(), () => executor.close(), () => store.close(), () => config.close()],
        { log, keepAlive: true },
      );
    });
}

export function createCommand(): Command {
  return createControllerCommand('controller');
}

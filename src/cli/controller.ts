// `prow controller` (alias `prow plank`): runs ProwJobs over the SQLite store or (--store kubernetes) the
// ProwJob CRD, where one replica leads by a Lease. `kubernetes`-agent jobs run as pods in the build clusters
// when there are any (--store kubernetes, --kubeconfig, --kubeconfig-dir), else as local processes.
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
import { addStoreOptions, openProwJobBackend, type StoreFlags } from './support/store.js';
import { addLeaderElectionOptions, leadOrWait, LEASE_NAMES, type LeaderElectionFlags } from './support/store-leader.js';
import { createLocalExecutor } from '../executor/local/executor.js';
import { openPodExecutor, plankVersion } from './support/pod-executor.js';
import { createLogger } from '../observability/logger.js';
import { parseGoBool, parsePort } from './support/flags.js';
import { checkPortsFree } from './support/preflight.js';

interface ControllerFlags extends LogFormatFlags, StoreFlags, LeaderElectionFlags {
  configPath: string;
  jobConfigPath?: string;
  dataDir: string;
  artifactsDir?: string;
  totUrl?: string;
  buildIds?: string;
  dryRun?: boolean;
  healthPort?: number;
  metricsPort?: number;
}

export function createControllerCommand(name: string): Command {
  const command = new Command(name)
    .description('run ProwJobs: triggered → pending → success/failure/error/aborted, as pods in build clusters or local processes (plank)')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <dir>', 'directory of job config files')
    .option('--data-dir <dir>', 'data directory: SQLite store (prow.db), workspaces/', '.prow')
    .option('--artifacts-dir <dir>', 'where build logs and artifacts go (default <data-dir>/artifacts)')
    .option('--tot-url <url>', 'vend build ids from tot (GET <url>/vend/<job>)')
    .option('--build-ids <source>', 'without --tot-url: "store" (per-job counters in <data-dir>/prow.db; the default with --store sqlite) or "snowflake" (upstream default; the default with --store kubernetes)')
    .option('--dry-run [bool]', 'log what would change; start nothing, write nothing (--dry-run=false accepted)', parseGoBool, false)
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .addOption(logFormatOption());
  addStoreOptions(command);
  addLeaderElectionOptions(command);
  return command
    .action(async (flags: ControllerFlags) => {
      const { root, log } = createCommandLogger(name, flags);
      // Jobs start as soon as the controller does: the ports must be free before that.
      await checkPortsFree([{ flag: '--health-port', port: flags.healthPort }, { flag: '--metrics-port', port: flags.metricsPort }]);
      const buildIds = flags.buildIds ?? (flags.store === 'kubernetes' ? 'snowflake' : 'store');
      if (buildIds !== 'store' && buildIds !== 'snowflake') {
        throw new Error(`--build-ids ${buildIds}: want "store" or "snowflake"`);
      }
      if (buildIds === 'store' && flags.store === 'kubernetes' && !flags.totUrl) {
        // Counters in one replica's data directory would repeat after a takeover by another.
        throw new Error('--build-ids store keeps counters in this replica\'s <data-dir>: with --store kubernetes use --tot-url or --build-ids snowflake');
      }
      const config = await loadConfigAgent({ configPath: flags.configPath, jobConfigPath: flags.jobConfigPath, log });
      followConfigLogLevel(root, config);
      const namespace = config.current().config.prowjob_namespace;
      const backend = await openProwJobBackend(flags, { dataDir: flags.dataDir, namespace, log, buildClusters: true });
      const store = backend.prowjobs;
      const artifacts = createLocalArtifactStore({ root: flags.artifactsDir ?? join(flags.dataDir, 'artifacts') });
      const executor = await openPodExecutor(backend, { podNamespace: () => config.current().config.pod_namespace, log, plankVersion: plankVersion() })
        ?? createLocalExecutor({ dataDir: flags.dataDir, artifacts, log });
      const buildIdSource = flags.totUrl
        ? createTotBuildIdSource({ url: flags.totUrl })
        : buildIds === 'snowflake' ? createSnowflakeBuildIdSource() : createStoreBuildIdSource(backend.sqlite());
      const metrics = createControllerMetrics({ defaultMetrics: true });
      const informer = createProwJobInformer(store, { log });
      // Ready once the informer has synced; a standby replica syncs too, so it takes over warm.
      const instrumentation = await startInstrumentation({
        healthPort: flags.healthPort, metricsPort: flags.metricsPort, registry: metrics.registry, log, ready: () => informer.hasSynced(),
      });
      await informer.start();
      const leadership = await leadOrWait(backend, { lease: LEASE_NAMES.controller, namespace, log, flags, registry: metrics.registry });
      const controller = createController({
        store, informer, executors: new Map([['kubernetes', executor]]), config: () => config.current().config, log, buildIdSource, dryRun: flags.dryRun === true,
      });
      await controller.start();
      const stopGathering = startMetricsGathering(metrics, informer, { log });
      // Jobs keep running when the controller stops: the next controller re-attaches to them.
      closeOnSignal(
        [() => controller.stop(), () => leadership.release(), stopGathering, () => informer.close(), () => instrumentation.close(), () => executor.close(), () => backend.close(), () => config.close()],
        { log, keepAlive: true },
      );
    });
}

export function createCommand(): Command {
  return createControllerCommand('controller');
}

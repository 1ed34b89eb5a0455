// `prow controller` (alias `prow plank`): runs ProwJobs with the local executor over the SQLite store.
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
import { createLogger } from '../observability/logger.js';
import { parseGoBool, parsePort } from './support/flags.js';
import { checkPortsFree } from './support/preflight.js';

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
    .option('--dry-run [bool]', 'log what would change; start nothing, write nothing (--dry-run=false accepted)', parseGoBool, false)
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .addOption(logFormatOption())
    .action(async (flags: ControllerFlags) => {
      const { root, log } = createCommandLogger(name, flags);
      // Jobs start as soon as the controller does: the ports must be free before that.
      await checkPortsFree([{ flag: '--health-port', port: flags.healthPort }, { flag: '--metrics-port', port: flags.metricsPort }]);
      if (flags.buildIds !== 'store' && flags.buildIds !== 'snowflake') {
        throw new Error(`--build-ids ${flags.buildIds}: want "store" or "snowflake"`);
      }
      const config = await loadConfigAgent({ configPath: flags.configPath, jobConfigPath: flags.jobConfigPath, log });
      followConfigLogLevel(root, config);
      const store = openSqliteStore(storePath(flags.dataDir), { log });
      const artifacts = createLocalArtifactStore({ root: flags.artifactsDir ?? join(flags.dataDir, 'artifacts') });
      const executor = createLocalExecutor({ dataDir: flags.dataDir, artifacts, log });
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

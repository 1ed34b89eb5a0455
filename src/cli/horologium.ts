import { Command } from 'commander';
import { closeOnSignal } from './support/shutdown.js';
import { loadConfigAgent } from '../config/agent.js';
import { createHorologium } from '../horologium/horologium.js';
import { createMetricsRegistry, startInstrumentation } from '../observability/instrumentation.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { addStoreOptions, openProwJobBackend, type StoreFlags } from './support/store.js';
import { addLeaderElectionOptions, leadOrWait, LEASE_NAMES, type LeaderElectionFlags } from './support/store-leader.js';
import { parseGoBool, parsePort } from './support/flags.js';
import { checkPortsFree } from './support/preflight.js';

interface HorologiumFlags extends LogFormatFlags, StoreFlags, LeaderElectionFlags {
  configPath: string;
  jobConfigPath?: string;
  dataDir: string;
  dryRun: boolean;
  healthPort?: number;
  metricsPort?: number;
}

export function createCommand(): Command {
  const command = new Command('horologium')
    .description('start periodic jobs (interval, minimum_interval, cron) every horologium.tick_interval')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--data-dir <dir>', 'data directory holding the SQLite store', '.prow')
    .option('--dry-run [bool]', 'log the runs it would start and start none', parseGoBool, false)
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .addOption(logFormatOption());
  addStoreOptions(command);
  addLeaderElectionOptions(command);
  return command
    .action(async (flags: HorologiumFlags) => {
      const { root, log } = createCommandLogger('horologium', flags);
      await checkPortsFree([{ flag: '--health-port', port: flags.healthPort }, { flag: '--metrics-port', port: flags.metricsPort }]);
      const agent = await loadConfigAgent({
        configPath: flags.configPath, log,
        ...(flags.jobConfigPath ? { jobConfigPath: flags.jobConfigPath } : {}),
      });
      followConfigLogLevel(root, agent);
      const namespace = agent.current().config.prowjob_namespace;
      const backend = await openProwJobBackend(flags, { dataDir: flags.dataDir, namespace, log });
      const store = backend.prowjobs;
      const registry = createMetricsRegistry();
      const horologium = createHorologium({ store, config: () => agent.current().config, log, dryRun: flags.dryRun === true });
      const instrumentation = await startInstrumentation({ registry, log, healthPort: flags.healthPort, metricsPort: flags.metricsPort });
      const leadership = await leadOrWait(backend, { lease: LEASE_NAMES.horologium, namespace, log, flags, registry });
      horologium.start();
      closeOnSignal([() => horologium.stop(), () => leadership.release(), () => instrumentation.close(), () => agent.close(), () => backend.close()], { log });
    });
}

// `prow needs-rebase`: upstream's needs-rebase external plugin server (cmd/external-plugins/needs-rebase/main.go).
import { Command } from 'commander';
import { parseDuration } from '../go/duration.js';
import { NEEDS_REBASE_PLUGIN } from '../plugins/needs-rebase/needs-rebase.js';
import { addExternalPluginFlags, describeStartError, externalPluginBasics, type ExternalPluginFlags } from './support/external-plugin.js';
import { parseCount } from './support/flags.js';
import { runNeedsRebase } from './support/needs-rebase-runner.js';
import { checkPortsFree } from './support/preflight.js';
import { closeOnSignal } from './support/shutdown.js';

interface NeedsRebaseFlags extends ExternalPluginFlags {
  updatePeriod: string;
  cacheValidTime: number;
}

export function createCommand(): Command {
  return addExternalPluginFlags(new Command(NEEDS_REBASE_PLUGIN), 360)
    .description('the needs-rebase external plugin: label PRs GitHub reports as unmergeable, on events and periodically')
    .option('--update-period <duration>', 'period of the scan of all open PRs (Go duration)', '24h')
    .option('--cache-valid-time <seconds>', 'do not re-check PR mergeability for comment events within this time', parseCount, 0)
    .action(async (f: NeedsRebaseFlags) => {
      let basics: ReturnType<typeof externalPluginBasics>;
      let period: number;
      try {
        period = parseDuration(f.updatePeriod);
        if (!(period > 0)) throw new Error(`--update-period: ${JSON.stringify(f.updatePeriod)} must be more than 0`);
        basics = externalPluginBasics(NEEDS_REBASE_PLUGIN, f);
        await checkPortsFree([{ flag: '--port', port: f.port }, { flag: '--health-port', port: f.healthPort }, { flag: '--metrics-port', port: f.metricsPort }]);
      } catch (err) {
        process.stderr.write(`prow needs-rebase: ${describeStartError(err)}\n`);
        process.exitCode = 1;
        return;
      }
      const running = await runNeedsRebase({
        port: f.port, healthPort: f.healthPort, metricsPort: f.metricsPort,
        github: basics.github, secrets: basics.secrets, log: basics.log,
        plugins: basics.plugins, beforeScan: basics.reload,
        updatePeriodMs: period, cacheValidMs: f.cacheValidTime * 1000, usesAppsAuth: f.githubAppId !== undefined,
      });
      closeOnSignal([() => running.close()], { log: basics.log });
    });
}

// `prow needs-rebase`: upstream's needs-rebase external plugin server (cmd/external-plugins/needs-rebase/main.go).
import { Command } from 'commander';
import { parseDuration } from '../go/duration.js';
import { startExternalPluginServer } from '../hook/external-plugin-server.js';
import {
  handleAll, handleIssueCommentEvent, handlePullRequestEvent, MergeabilityCache, needsRebaseHelp, NEEDS_REBASE_PLUGIN,
} from '../plugins/needs-rebase/needs-rebase.js';
import { addExternalPluginFlags, describeStartError, externalPluginBasics, type ExternalPluginFlags } from './support/external-plugin.js';
import { parseCount } from './support/flags.js';
import { checkPortsFree } from './support/preflight.js';
import { closeOnSignal } from './support/shutdown.js';

interface NeedsRebaseFlags extends ExternalPluginFlags {
  updatePeriod: string;
  cacheValidTime: number;
}

export function createCommand(): Command {
  return addExternalPluginFlags(new Command(NEEDS_REBASE_PLUGIN))
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
      const { log, github, secrets } = basics;
      const gh = github.forPlugin(NEEDS_REBASE_PLUGIN);
      const cache = new MergeabilityCache(f.cacheValidTime * 1000);
      const server = await startExternalPluginServer({
        name: NEEDS_REBASE_PLUGIN,
        port: f.port,
        healthPort: f.healthPort,
        metricsPort: f.metricsPort,
        secrets,
        log,
        help: () => ({ Description: needsRebaseHelp.description, Config: null, Events: null, Commands: null }),
        handle: async (d) => {
          const l = log.child({ 'event-type': d.event, event_GUID: d.id });
          if (d.event === 'pull_request') await handlePullRequestEvent(gh, l, d.body);
          else if (d.event === 'issue_comment') await handleIssueCommentEvent(gh, l, d.body, cache);
          else l.debug(`received an event of type ${JSON.stringify(d.event)} but didn't ask for it`);
        },
      });
      let scanning: Promise<void> = Promise.resolve();
      const scan = () => {
        scanning = (async () => {
          const start = Date.now();
          basics.reload();
          try {
            await handleAll(gh, log, basics.plugins(), f.githubAppId !== undefined, cache);
          } catch (err) {
            log.error({ err }, 'Error during periodic update of all PRs.');
          }
          log.info({ duration: `${(Date.now() - start) / 1000}s` }, 'Periodic update complete.');
        })();
      };
      scan();
      const timer = setInterval(() => void scanning.then(scan), period);
      closeOnSignal([() => clearInterval(timer), () => scanning, () => server.close()], { log });
    });
}

// needs-rebase as a running service: the webhook server plus the periodic scan (upstream
// cmd/external-plugins/needs-rebase/main.go: the scan runs at start, then every --update-period).
// Used by `prow needs-rebase` and by `prow up` when plugins.yaml points needs-rebase at a local endpoint.
import type { PluginsConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import { startExternalPluginServer } from '../../hook/external-plugin-server.js';
import type { SecretSource } from '../../hook/secrets.js';
import type { Logger } from '../../observability/logger.js';
import {
  handleAll, handleIssueCommentEvent, handlePullRequestEvent, MergeabilityCache, needsRebaseHelp, NEEDS_REBASE_PLUGIN,
} from '../../plugins/needs-rebase/needs-rebase.js';

export interface NeedsRebaseRunOptions {
  port: number;
  hostname?: string;
  healthPort?: number;
  metricsPort?: number;
  github: GitHubClient;
  secrets: SecretSource;
  log: Logger;
  /** Read at each scan. */
  plugins: () => PluginsConfig;
  /** Called before each scan (re-read plugins.yaml). */
  beforeScan?: () => void;
  updatePeriodMs: number;
  cacheValidMs: number;
  usesAppsAuth: boolean;
}

export interface RunningExternalPlugin {
  url: string;
  close(): Promise<void>;
}

export async function runNeedsRebase(o: NeedsRebaseRunOptions): Promise<RunningExternalPlugin> {
  const { log } = o;
  const gh = o.github.forPlugin(NEEDS_REBASE_PLUGIN);
  const cache = new MergeabilityCache(o.cacheValidMs);
  const server = await startExternalPluginServer({
    name: NEEDS_REBASE_PLUGIN,
    port: o.port,
    ...(o.hostname !== undefined ? { hostname: o.hostname } : {}),
    ...(o.healthPort !== undefined ? { healthPort: o.healthPort } : {}),
    ...(o.metricsPort !== undefined ? { metricsPort: o.metricsPort } : {}),
    secrets: o.secrets,
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
      o.beforeScan?.();
      try {
        await handleAll(gh, log, o.plugins(), o.usesAppsAuth, cache);
      } catch (err) {
        log.error({ err }, 'Error during periodic update of all PRs.');
      }
      log.info({ duration: `${(Date.now() - start) / 1000}s` }, 'Periodic update complete.');
    })();
  };
  scan();
  const timer = setInterval(() => void scanning.then(scan), o.updatePeriodMs);
  timer.unref();
  return {
    url: server.url,
    async close() {
      clearInterval(timer);
      await scanning;
      await server.close();
    },
  };
}

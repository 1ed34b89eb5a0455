// `prow up` runs the external plugins this build ships (needs-rebase, cherrypicker) in its own process when plugins.yaml's
// external_plugins points them at a local endpoint: `endpoint: http://127.0.0.1:<port>` (or localhost) starts
// that plugin on that port, with the GitHub client and webhook secret of `prow up`, and hook forwards to it as
// to any external plugin. Any other endpoint is left alone (the plugin runs elsewhere); an entry without an
// endpoint means `http://<name>` (a cluster Service) and is left alone too, with a note in the log.
import type { PluginsConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import type { SecretSource } from '../../hook/secrets.js';
import type { Logger } from '../../observability/logger.js';
import { DEFAULT_LABEL_PREFIX } from '../../plugins/cherrypicker/cherrypicker.js';
import { NEEDS_REBASE_PLUGIN } from '../../plugins/needs-rebase/needs-rebase.js';
import { runCherrypicker } from './cherrypicker-runner.js';
import { runNeedsRebase, type RunningExternalPlugin } from './needs-rebase-runner.js';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Upstream deploys the cherrypicker under either name. */
const CHERRYPICKER_NAMES: readonly string[] = ['cherrypicker', 'cherrypick'];

/** The external plugins `prow up` can run itself. */
export const RUNNABLE_EXTERNAL_PLUGINS: readonly string[] = [NEEDS_REBASE_PLUGIN, ...CHERRYPICKER_NAMES];

export interface LocalExternalPluginsOptions {
  plugins: () => PluginsConfig;
  github: GitHubClient;
  secrets: SecretSource;
  log: Logger;
  usesAppsAuth: boolean;
  /** For the cherrypicker's git pushes to https remotes. */
  githubTokenPath?: string;
  /** The cherrypicker pushes and opens PRs only when false (prow up's own --dry-run). */
  dryRun?: boolean;
}

/** name → local port, from every external_plugins entry that names a runnable plugin at a local endpoint. */
export function localExternalPlugins(config: PluginsConfig, log?: Logger): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, list] of Object.entries(config.external_plugins ?? {})) {
    for (const p of list ?? []) {
      if (!p || !RUNNABLE_EXTERNAL_PLUGINS.includes(p.name)) continue;
      if (!p.endpoint) {
        log?.info({ external_plugin: p.name, key }, `external plugin ${p.name} has no endpoint (so http://${p.name}): not started here; give it endpoint: http://127.0.0.1:<port> for prow up to run it`);
        continue;
      }
      let url: URL;
      try {
        url = new URL(p.endpoint);
      } catch {
        continue; // checkconfig reports it
      }
      if (!LOCAL_HOSTS.has(url.hostname) || url.port === '') continue;
      const port = Number(url.port);
      const seen = out.get(p.name);
      if (seen !== undefined && seen !== port) {
        throw new Error(`plugins.yaml external_plugins[${JSON.stringify(key)}]: ${p.name} is at local port ${port} here and ${seen} elsewhere: prow up runs one ${p.name}, give every entry the same endpoint`);
      }
      out.set(p.name, port);
    }
  }
  return out;
}

export async function startLocalExternalPlugins(o: LocalExternalPluginsOptions): Promise<RunningExternalPlugin[]> {
  const wanted = localExternalPlugins(o.plugins(), o.log);
  const running: RunningExternalPlugin[] = [];
  try {
    for (const [name, port] of wanted) {
      const log = o.log.child({ component: name });
      if (name === NEEDS_REBASE_PLUGIN) {
        // The scan reads plugins.yaml as prow up's config agent has it now.
        running.push(await runNeedsRebase({
          port, hostname: '127.0.0.1', github: o.github, secrets: o.secrets, log, plugins: o.plugins,
          updatePeriodMs: 24 * 3600_000, cacheValidMs: 0, usesAppsAuth: o.usesAppsAuth,
        }));
      } else if (CHERRYPICKER_NAMES.includes(name)) {
        // Upstream's defaults, except that prow up is not a dry run unless it was asked to be.
        running.push(await runCherrypicker({
          port, hostname: '127.0.0.1', github: o.github, secrets: o.secrets, log,
          ...(o.githubTokenPath ? { githubTokenPath: o.githubTokenPath } : {}),
          labels: [], prowAssignments: true, allowAll: false, issueOnConflict: false, labelPrefix: DEFAULT_LABEL_PREFIX, dryRun: o.dryRun ?? false,
        }));
      }
    }
  } catch (err) {
    await Promise.allSettled(running.map((r) => r.close()));
    throw err;
  }
  return running;
}

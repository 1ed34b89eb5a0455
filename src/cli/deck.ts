import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { createLocalArtifactStore } from '../artifacts/local.js';
import { loadConfigAgent } from '../config/agent.js';
import type { HelpData } from '../deck/pages/help.js';
import { loadOAuthConfig } from '../deck/oauth.js';
import { startDeckServer } from '../deck/server.js';
import type { BucketOpener } from '../artifacts/buckets.js';
import { addBucketFlags, BucketFlagError, openBucketsFromFlags, type BucketFlags } from './support/buckets.js';
import { httpTideSource } from '../deck/tide-source.js';
import { createLocalRunLogs } from '../executor/local/run-logs.js';
import { createGitHubClient } from '../github/client.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { addStoreOptions, openProwJobBackend, type StoreFlags } from './support/store.js';
import { createLogger } from '../observability/logger.js';
import { deckLogSource, membershipChecker, pluginHelpSource } from './support/deck-server.js';
import { openPodExecutor } from './support/pod-executor.js';
import { builtinPluginSections } from '../plugins/registry.js';
import { parseGoBool } from './support/flags.js';
import { checkFilesReadable, checkPortsFree, StartupError } from './support/preflight.js';

interface DeckFlags extends LogFormatFlags, StoreFlags, BucketFlags {
  configPath: string;
  jobConfigPath?: string;
  pluginConfig?: string;
  hookUrl?: string;
  tideUrl?: string;
  dataDir: string;
  port: string;
  hostname: string;
  cookieSecretFile?: string;
  githubOauthConfigFile?: string;
  githubTokenPath?: string;
  githubEndpoint?: string;
  allowInsecure?: boolean;
  dryRun: boolean;
}

export function createCommand(): Command {
  const command = new Command('deck')
    .description('the web UI: job list, live build logs, PR history, command help, rerun and abort')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <dir>', 'job configuration directory')
    .option('--plugin-config <file>', 'plugins.yaml, for the command help page')
    .option('--hook-url <url>', "hook's base URL: command help is read from its /plugin-help instead of --plugin-config")
    .option('--data-dir <dir>', 'data directory holding the SQLite store and artifacts/', '.prow')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--hostname <host>', 'address to listen on', '0.0.0.0')
    .option('--cookie-secret-file <file>', 'key for session cookies and CSRF tokens (random per start when absent)')
    .option('--github-oauth-config-file <file>', 'GitHub OAuth app (client_id, client_secret, redirect_url) for sign-in')
    .option('--github-token-path <file>', "bot token for org/team lookups in rerun_auth_configs")
    .option('--github-endpoint <url>', 'GitHub API base URL')
    .option('--tide-url <url>', "tide's base URL: /tide and /tide-history read its / and /history")
    .option('--allow-insecure', 'do not mark cookies Secure (serving plain HTTP with OAuth)')
    .option('--dry-run [bool]', 'make no GitHub writes (deck only reads GitHub; accepted as upstream deployments pass it)', parseGoBool, false)
    .addOption(logFormatOption());
  addStoreOptions(command);
  addBucketFlags(command);
  return command
    .action(async (flags: DeckFlags) => {
      const { root, log } = createCommandLogger('deck', flags);
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StartupError(`--port ${flags.port}: not a port number`);
      checkFilesReadable([
        { flag: '--config-path', path: flags.configPath }, { flag: '--job-config-path', path: flags.jobConfigPath, directory: true },
        { flag: '--plugin-config', path: flags.pluginConfig }, { flag: '--cookie-secret-file', path: flags.cookieSecretFile },
        { flag: '--github-oauth-config-file', path: flags.githubOauthConfigFile }, { flag: '--github-token-path', path: flags.githubTokenPath },
      ]);
      await checkPortsFree([{ flag: '--port', port, host: flags.hostname }]);
      let openBucket: BucketOpener;
      try {
        openBucket = openBucketsFromFlags(flags);
      } catch (err) {
        if (err instanceof BucketFlagError) throw new StartupError(err.message);
        throw err;
      }
      const agent = await loadConfigAgent({
        configPath: flags.configPath, jobConfigPath: flags.jobConfigPath, pluginConfigPath: flags.pluginConfig, pluginSections: builtinPluginSections(), log,
      });
      followConfigLogLevel(root, agent);
      const backend = await openProwJobBackend(flags, { dataDir: flags.dataDir, namespace: agent.current().config.prowjob_namespace, log, buildClusters: true });
      // With build clusters a running job's log is its pod's (the pod log API, followed).
      const pods = await openPodExecutor(backend, { podNamespace: () => agent.current().config.pod_namespace, log });
      const store = backend.prowjobs;
      // Job lists come from an informer over the CRD: fill it before serving the first page.
      if (backend.kubernetes) await backend.kubernetes.syncQueries();
      const artifacts = createLocalArtifactStore({ root: join(flags.dataDir, 'artifacts') });
      const oauth = flags.githubOauthConfigFile ? loadOAuthConfig(flags.githubOauthConfigFile) : undefined;
      const cookieSecret = flags.cookieSecretFile ? readFileSync(flags.cookieSecretFile) : undefined;
      const github = flags.githubTokenPath
        ? createGitHubClient({ tokenPath: flags.githubTokenPath, dryRun: flags.dryRun, ...(flags.githubEndpoint ? { baseUrl: flags.githubEndpoint } : {}), log })
        : undefined;
      let pluginHelp: (() => Promise<HelpData>) | undefined;
      if (flags.hookUrl) {
        const url = `${flags.hookUrl.replace(/\/+$/, '')}/plugin-help`;
        pluginHelp = async () => {
          const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
          if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
          return (await res.json()) as HelpData;
        };
      } else if (flags.pluginConfig) {
        pluginHelp = pluginHelpSource(() => agent.current().plugins);
      }
      const server = await startDeckServer({
        port, hostname: flags.hostname, store, artifacts, openBucket, log, config: () => agent.current().config,
        // Jobs of a controller on this machine (same --data-dir) log to their workspace while they run.
        logs: deckLogSource(pods?.logs ?? createLocalRunLogs({ dataDir: flags.dataDir }), artifacts, openBucket),
        ...(pluginHelp ? { pluginHelp } : {}),
        ...(flags.tideUrl ? { tide: httpTideSource(flags.tideUrl) } : {}),
        ...(github ? { github: membershipChecker(github) } : {}),
        ...(oauth ? { oauth, secureCookies: !flags.allowInsecure } : {}),
        ...(cookieSecret ? { cookieSecret } : {}),
      });
      process.stderr.write(`deck listening on ${server.url}\n`);
      const stop = (): void => {
        void server.close().then(async () => {
          agent.close();
          await pods?.close();
          await backend.close();
        });
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}

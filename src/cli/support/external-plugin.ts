// The flags and plumbing every external-plugin command shares (upstream cmd/external-plugins/*/main.go):
// --port 8888, --dry-run (true), --hmac-secret-file /etc/webhook/hmac, --plugin-config /etc/plugins/plugins.yaml,
// the GitHub flags, --log-level, and the health and metrics ports.
import { Option, type Command } from 'commander';
import { createGitHubClient, type OctokitGitHubClient } from '../../github/client.js';
import { fileSecretSource, type SecretSource } from '../../hook/secrets.js';
import { loadPluginsConfig } from '../../config/plugins.js';
import type { PluginsConfig } from '../../config/types.js';
import type { Logger } from '../../observability/logger.js';
import { setLogLevel } from '../../observability/logger.js';
import { builtinPluginSections } from '../../plugins/registry.js';
import { addGitHubRateFlags, rateLimitsFrom, type GitHubRateFlags } from './github-rate-flags.js';
import { collect, parseGoBool, parsePort } from './flags.js';
import { createCommandLogger, logFormatOption, type LogFormatFlags } from './logging.js';
import { formatIssue, ConfigAggregateError } from '../../config/errors.js';

export interface ExternalPluginFlags extends LogFormatFlags, GitHubRateFlags {
  port: number;
  dryRun: boolean;
  hmacSecretFile: string;
  pluginConfig: string;
  githubTokenPath?: string;
  githubEndpoint: string[];
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  logLevel: string;
  healthPort: number;
  metricsPort: number;
}

/** `hourlyTokens`: upstream's per-plugin throttler default (ThrottlerDefaults(n, n)): tokens per hour and burst. */
export function addExternalPluginFlags(cmd: Command, hourlyTokens: number): Command {
  addGitHubRateFlags(cmd);
  for (const o of cmd.options) if (o.long === '--github-hourly-tokens' || o.long === '--github-allowed-burst') o.default(hourlyTokens);
  return cmd
    .option('--port <port>', 'port to listen on for webhooks from hook', parsePort, 8888)
    .addOption(new Option('--dry-run [bool]', 'log GitHub writes instead of making them (upstream default: true)').default(true).argParser(parseGoBool))
    .option('--hmac-secret-file <file>', 'the GitHub webhook HMAC secret (hook\'s file: one token or the per-org/repo YAML map)', '/etc/webhook/hmac')
    .option('--plugin-config <file>', 'plugins.yaml (external_plugins says which repos enable this plugin)', '/etc/plugins/plugins.yaml')
    .option('--github-token-path <file>', 'file holding a GitHub token')
    .option('--github-endpoint <url>', 'GitHub REST API endpoint (repeatable upstream; the first is used)', collect, [])
    .option('--github-app-id <id>', 'GitHub App id (with --github-app-private-key-path)')
    .option('--github-app-private-key-path <file>', 'GitHub App private key (PEM)')
    .option('--log-level <level>', 'trace, debug, info, warn, error or fatal', 'debug')
    .option('--health-port <port>', '/healthz and /healthz/ready port', parsePort, 8081)
    .option('--metrics-port <port>', '/metrics port', parsePort, 9090)
    .addOption(logFormatOption());
}

export interface ExternalPluginBasics {
  log: Logger;
  github: OctokitGitHubClient;
  secrets: SecretSource;
  /** plugins.yaml as last loaded; reload() re-reads it and keeps the last good one on an error. */
  plugins: () => PluginsConfig;
  reload(): void;
}

function loadPlugins(path: string): PluginsConfig {
  return loadPluginsConfig(path, { checkUnknownPlugins: false, sections: builtinPluginSections() }).plugins;
}

function describe(err: unknown): string {
  return err instanceof ConfigAggregateError ? err.errors.map(formatIssue).join('\n') : (err as Error).message;
}

/** Everything that can be wrong with the flags, the secret or plugins.yaml throws here, before serving. */
export function externalPluginBasics(name: string, f: ExternalPluginFlags): ExternalPluginBasics {
  const { root, log } = createCommandLogger(name, f);
  setLogLevel(root, f.logLevel, '--log-level');
  let secrets: SecretSource;
  try {
    secrets = fileSecretSource(f.hmacSecretFile);
  } catch (err) {
    throw new Error(`--hmac-secret-file: ${(err as Error).message}`, { cause: err });
  }
  let current = loadPlugins(f.pluginConfig);
  const github = createGitHubClient({
    baseUrl: f.githubEndpoint[0],
    tokenPath: f.githubTokenPath,
    appId: f.githubAppId,
    privateKeyPath: f.githubAppPrivateKeyPath,
    dryRun: f.dryRun,
    rateLimits: rateLimitsFrom(f, f.githubAppId !== undefined),
    log,
  });
  if (f.dryRun) log.warn('--dry-run is on (the default, as upstream): GitHub writes are logged, not made');
  return {
    log,
    github,
    secrets,
    plugins: () => current,
    reload() {
      try {
        current = loadPlugins(f.pluginConfig);
      } catch (err) {
        log.error({ err: describe(err) }, 'plugins.yaml reload failed: keeping the last good one');
      }
    },
  };
}

export function describeStartError(err: unknown): string {
  return describe(err);
}

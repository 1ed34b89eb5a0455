// `prow hook`: the webhook server and plugin dispatcher. Flags keep upstream's names (cmd/hook/main.go).
import { addGitHubRateFlags, rateLimitsFrom, type GitHubRateFlags } from './support/github-rate-flags.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfigAgent } from '../config/agent.js';
import { parseDuration } from '../go/duration.js';
import { createGitHubClient } from '../github/client.js';
import { createRepoGate } from '../hook/gate.js';
import { fileSecretSource, staticSecretSource, type SecretSource } from '../hook/secrets.js';
import { startHookServer } from '../hook/server.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { checkPortsFree } from './support/preflight.js';
import { createGitMirrorSource, createOwnersClient } from '../owners/client.js';
import { builtinPluginNames, builtinPluginSections, builtinPlugins } from '../plugins/registry.js';
import { addStoreOptions, openProwJobBackend, type StoreFlags } from './support/store.js';
import type { FakeGitHub } from '../github/fake/server.js';
import { LOCAL_HMAC_SECRET, LOCAL_TOKEN, learningDeliveryQueue, startLocalGitHub } from './support/local-github.js';
import type { DeliveryQueue } from '../store/types.js';
import { createFileConfigMapTarget } from '../plugins/config-updater/files-target.js';
import { configMapDirs } from './support/config-maps.js';
import { openExternalPluginQueue } from './support/external-queue.js';
import { createMergedTreeReader } from '../git/merged-tree.js';
import { createSlackClient, DEFAULT_SLACK_API_URL } from '../plugins/slackevents/slack-client.js';
import { addTrackerFlags, trackerClients, warnMissingTrackers, type TrackerFlags } from './support/tracker-flags.js';

interface HookFlags extends LogFormatFlags, StoreFlags, GitHubRateFlags, TrackerFlags {
  configPath: string;
  jobConfigPath?: string;
  pluginConfig?: string;
  hmacSecretFile?: string;
  githubTokenPath?: string;
  githubEndpoint: string[];
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  dryRun: boolean;
  port: string;
  healthPort?: string;
  metricsPort?: string;
  dataDir: string;
  allowSha1Signature: boolean;
  webhookPath: string;
  gracePeriod: string;
  githubEnabledOrg: string[];
  githubEnabledRepo: string[];
  githubDisabledOrg: string[];
  githubDisabledRepo: string[];
  local: boolean;
  slackTokenFile?: string;
  slackApiUrl?: string;
  slackWebhookUrl?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function parseBool(v: string | undefined): boolean {
  if (v === undefined || v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`--dry-run: expected true or false, got ${JSON.stringify(v)}`);
}

function parsePort(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name}: ${JSON.stringify(v)} is not a port number`);
  return n;
}

/** Clone URLs for OWNERS mirrors: github.com, or the GitHub Enterprise host behind `--github-endpoint`. */
function gitRemoteFor(endpoint: string | undefined): (org: string, repo: string) => string {
  let host = 'https://github.com';
  if (endpoint !== undefined && endpoint !== '') {
    const u = new URL(endpoint);
    if (u.hostname !== 'api.github.com') host = `${u.protocol}//${u.host}`;
  }
  return (org, repo) => `${host}/${org}/${repo}.git`;
}

function secretSource(f: HookFlags): SecretSource {
  const file = f.hmacSecretFile ?? process.env.HMAC_SECRET_FILE;
  if (file !== undefined && file !== '') return fileSecretSource(file);
  const literal = process.env.PROW_HMAC_SECRET;
  if (literal !== undefined && literal !== '') return staticSecretSource(literal);
  throw new Error('hook needs a webhook secret: --hmac-secret-file <file> (or HMAC_SECRET_FILE / PROW_HMAC_SECRET in the environment)');
}

export function createCommand(): Command {
  const command = addGitHubRateFlags(new Command('hook'))
    .description('receive GitHub webhooks, store them durably, and run the enabled plugins on them')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--plugin-config <file>', 'plugins.yaml')
    .option('--hmac-secret-file <file>', 'webhook HMAC secret: one token, or the per-org/repo YAML map (env HMAC_SECRET_FILE)')
    .option('--github-token-path <file>', 'file holding a GitHub token')
    .option('--github-endpoint <url>', 'GitHub REST API endpoint (repeatable upstream; the first is used)', collect, [])
    .option('--github-app-id <id>', 'GitHub App id (with --github-app-private-key-path)')
    .option('--github-app-private-key-path <file>', 'GitHub App private key (PEM)')
    .addOption(new Option('--dry-run [bool]', 'log GitHub writes instead of making them (upstream default: true)').default(true).argParser(parseBool))
    .option('--port <port>', 'webhook port', '8888')
    .option('--health-port <port>', '/healthz and /healthz/ready port (default 8081; with --local a free one)')
    .option('--metrics-port <port>', '/metrics port (default 9090; with --local a free one)')
    .option('--data-dir <dir>', 'where the SQLite store lives (<dir>/prow.db): the webhook queue in every mode, ProwJobs with --store sqlite', '.prow')
    .option('--allow-sha1-signature', 'also accept deliveries signed only with the legacy X-Hub-Signature (SHA-1)', false)
    .option('--webhook-path <path>', 'path of the webhook receiver', '/hook')
    .option('--grace-period <duration>', 'how long shutdown waits for in-flight handlers (Go duration)', '180s')
    .option('--github-enabled-org <org>', 'only handle events from this org (repeatable)', collect, [])
    .option('--github-enabled-repo <org/repo>', 'only handle events from this repo (repeatable)', collect, [])
    .option('--github-disabled-org <org>', 'ignore events from this org (repeatable)', collect, [])
    .option('--github-disabled-repo <org/repo>', 'ignore events from this repo (repeatable)', collect, [])
    .option('--local', 'run locally for testing (2017): no secret files, HMAC abcde12345, GitHub reads from an in-process fake that learns from each delivery, every GitHub write logged as one line instead of sent', false)
    .option('--slack-token-file <file>', 'Slack bot token for slackevents (chat.postMessage)')
    .option('--slack-api-url <url>', "Slack's Web API base", DEFAULT_SLACK_API_URL)
    .option('--slack-webhook-url <url>', 'post slackevents messages to this incoming webhook instead of the Web API')
    .addOption(logFormatOption());
  addStoreOptions(command);
  addTrackerFlags(command);
  return command
    .action(async (f: HookFlags) => {
      const { root, log } = createCommandLogger('hook', f);
      let secrets: SecretSource;
      let github: ReturnType<typeof createGitHubClient>;
      let agent: Awaited<ReturnType<typeof loadConfigAgent>>;
      let slack: ReturnType<typeof createSlackClient>;
      let trackers: ReturnType<typeof trackerClients>;
      let fake: FakeGitHub | undefined;
      let reposRoot = '';
      try {
        // Everything that can be wrong with flags, credentials or config fails here, before serving.
        if (f.local) {
          log.warn('running in local mode for development only');
          log.info({ hmac: LOCAL_HMAC_SECRET }, `HMAC secret: ${LOCAL_HMAC_SECRET}`);
          secrets = staticSecretSource(LOCAL_HMAC_SECRET);
          ({ fake, reposRoot } = await startLocalGitHub());
          github = createGitHubClient({ baseUrl: fake.url, token: LOCAL_TOKEN, dryRun: true, retry: { retryAfterBaseValue: 1 }, throttle: false, log });
        } else {
          secrets = secretSource(f);
          github = createGitHubClient({
            baseUrl: f.githubEndpoint[0],
            tokenPath: f.githubTokenPath,
            appId: f.githubAppId,
            privateKeyPath: f.githubAppPrivateKeyPath,
            dryRun: f.dryRun,
            rateLimits: rateLimitsFrom(f, f.githubAppId !== undefined),
            log,
          });
        }
        agent = await loadConfigAgent({ configPath: f.configPath, jobConfigPath: f.jobConfigPath, pluginConfigPath: f.pluginConfig, pluginSections: builtinPluginSections(), implementedPlugins: builtinPluginNames(), log });
        followConfigLogLevel(root, agent);
        // The dispatcher claims stored deliveries as soon as it starts: the ports must be free before that.
        await checkPortsFree([
          { flag: '--port', port: parsePort('port', f.port) }, { flag: '--health-port', port: parsePort('health-port', f.healthPort ?? (f.local ? '0' : '8081')) },
          { flag: '--metrics-port', port: parsePort('metrics-port', f.metricsPort ?? (f.local ? '0' : '9090')) },
        ]);
        slack = createSlackClient({ tokenFile: f.slackTokenFile, apiUrl: f.slackApiUrl, webhookUrl: f.slackWebhookUrl, log: log.child({ client: 'slack' }) });
        trackers = trackerClients(f, log);
        warnMissingTrackers(agent.current().plugins, trackers, log);
      } catch (err) {
        await fake?.close();
        process.stderr.write(`prow hook: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      mkdirSync(f.dataDir, { recursive: true });
      // The webhook queue stays in SQLite on hook's volume in every mode (one replica); ProwJobs go to the store chosen.
      let backend: Awaited<ReturnType<typeof openProwJobBackend>>;
      try {
        backend = await openProwJobBackend(f, { dataDir: f.dataDir, namespace: agent.current().config.prowjob_namespace, log });
      } catch (err) {
        process.stderr.write(`prow hook: ${(err as Error).message}\n`);
        process.exitCode = 1;
        agent.close();
        return;
      }
      const sqlite = backend.sqlite();
      const externalQueue = openExternalPluginQueue(f.dataDir, log);
      const store: DeliveryQueue = fake ? learningDeliveryQueue(sqlite, fake, log) : sqlite;
      const owners = createOwnersClient({
        github,
        source: createGitMirrorSource({
          cacheDir: join(f.dataDir, 'owners-mirrors'),
          remoteFor: fake ? (org, repo) => `file://${reposRoot}/${org}/${repo}.git` : gitRemoteFor(f.githubEndpoint[0]),
        }),
        pluginConfig: () => agent.current().plugins,
        config: () => agent.current().config,
        log,
      });
      const remoteFor = fake ? (org: string, repo: string) => `file://${reposRoot}/${org}/${repo}.git` : gitRemoteFor(f.githubEndpoint[0]);
      const mergedTrees = createMergedTreeReader({ cacheDir: join(f.dataDir, 'inrepoconfig-mirrors'), remoteFor });
      if (f.dryRun || f.local) log.warn('--dry-run is on (the default, as upstream): GitHub writes are logged, not made');
      const server = await startHookServer({
        port: parsePort('port', f.port),
        // --local serves next to whatever else runs on a workstation: only the webhook port is fixed.
        healthPort: parsePort('health-port', f.healthPort ?? (f.local ? '0' : '8081')),
        metricsPort: parsePort('metrics-port', f.metricsPort ?? (f.local ? '0' : '9090')),
        store,
        externalQueue: externalQueue.queue,
        mergedTrees,
        jobs: backend.prowjobs,
        snapshot: () => agent.current(),
        github,
        owners,
        configMaps: createFileConfigMapTarget({
          dirs: configMapDirs(f.configPath, f.pluginConfig, f.jobConfigPath),
          root: join(f.dataDir, 'configmaps'),
          log: log.child({ plugin: 'config-updater' }),
        }),
        ...(slack ? { slack } : {}),
        ...trackers,
        plugins: builtinPlugins,
        log,
        secrets,
        allowSha1: f.allowSha1Signature,
        webhookPath: f.webhookPath,
        gracePeriodMs: parseDuration(f.gracePeriod),
        repoEnabled: createRepoGate({
          enabledOrgs: f.githubEnabledOrg,
          enabledRepos: f.githubEnabledRepo,
          disabledOrgs: f.githubDisabledOrg,
          disabledRepos: f.githubDisabledRepo,
        }),
      });
      const stop = (signal: string) => {
        log.info({ signal }, 'shutting down');
        void server
          .close()
          .then(async () => {
            agent.close();
            await externalQueue.close();
            await backend.close();
            await fake?.close();
          })
          .catch((err: unknown) => {
            log.error({ err }, 'shutdown failed');
            process.exitCode = 1;
          });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}

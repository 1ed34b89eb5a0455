// `prow up` (what `npm start` runs): every component in one process over a data directory.
// With no GitHub credentials it runs in demo mode against the built-in fake GitHub.
import { addGitHubRateFlags, rateLimitsFrom, type GitHubRateFlags } from './support/github-rate-flags.js';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { packagedExamplesDir } from './support/package-info.js';
import { Command, Option, InvalidArgumentError } from 'commander';
import { createCommandLogger, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO } from './support/demo.js';
import { printBanner, type UpBanner } from './support/banner.js';
import { startEmbedded } from './support/embedded.js';
import { parseGoBool, parsePort } from './support/flags.js';
import { checkFilesReadable, checkPortsFree, StartupError } from './support/preflight.js';
import { addStoreOptions, type StoreFlags } from './support/store.js';
import { DEFAULT_SLACK_API_URL } from '../plugins/slackevents/slack-client.js';
import { addTrackerFlags, type TrackerFlags } from './support/tracker-flags.js';

interface UpFlags extends LogFormatFlags, StoreFlags, GitHubRateFlags, TrackerFlags {
  dataDir: string;
  configPath?: string;
  jobConfigPath?: string;
  pluginConfig?: string;
  slackTokenFile?: string;
  slackApiUrl?: string;
  slackWebhookUrl?: string;
  hookPort: number;
  deckPort: number;
  fakeGithubPort: number;
  healthPort?: number;
  metricsPort?: number;
  hmacSecretFile?: string;
  githubTokenPath?: string;
  githubEndpoint?: string;
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  dryRun: boolean;
  jenkinsUrl?: string;
  jenkinsUser: string;
  jenkinsTokenFile?: string;
  jenkinsBearerTokenFile?: string;
  csrfProtect: boolean;
  certFile?: string;
  keyFile?: string;
  caCertFile?: string;
  hostname: string;
  deckUrl?: string;
  githubOauthConfigFile?: string;
  cloneUrlRewrite: { from: string; to: string }[];
  executor: 'local' | 'kubernetes';
}

function parseRewrite(value: string, previous: { from: string; to: string }[]): { from: string; to: string }[] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('want FROM=TO, e.g. https://github.com/=file:///srv/mirrors/');
  return [...previous, { from: value.slice(0, eq), to: value.slice(eq + 1) }];
}

const optionalDefault = (path: string): string | undefined => (existsSync(path) ? path : undefined);

/** A path under the current directory is shown relative (shorter to copy), any other absolute. */
function relativeIfInside(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export function createCommand(): Command {
  const command = addGitHubRateFlags(new Command('up'))
    .description('run every component in one process (embedded mode); demo mode without GitHub credentials')
    .option('--data-dir <dir>', 'data directory: SQLite store, artifacts, workspaces', '.prow')
    .option('--config-path <file>', "Prow config.yaml (default: the package's examples/config.yaml)")
    .option('--job-config-path <path>', "job config file or directory (default with the examples' config.yaml: examples/jobs)")
    .option('--plugin-config <file>', "plugins.yaml (default with the examples' config.yaml: examples/plugins.yaml)")
    .option('--hook-port <port>', 'webhook port', parsePort, 8888)
    .option('--deck-port <port>', 'web UI port', parsePort, 8080)
    .option('--fake-github-port <port>', 'demo mode: the fake GitHub port', parsePort, 8889)
    .option('--health-port <port>', '/healthz and /healthz/ready port (off unless given)', parsePort)
    .option('--metrics-port <port>', '/metrics port (off unless given)', parsePort)
    .option('--hmac-secret-file <file>', 'webhook secret (default: generated into the data directory)')
    .option('--github-token-path <file>', 'a GitHub token: talk to real GitHub (or --github-endpoint)')
    .option('--github-endpoint <url>', 'GitHub REST API endpoint', 'https://api.github.com')
    .option('--github-app-id <id>', 'GitHub App id (with --github-app-private-key-path)')
    .option('--github-app-private-key-path <file>', 'GitHub App private key (PEM)')
    .option('--dry-run [bool]', 'log GitHub writes instead of making them (--dry-run=false as upstream deployments pass it)', parseGoBool, false)
    .option('--hostname <host>', 'address every server listens on (0.0.0.0 to be reachable from other machines, e.g. by GitHub webhooks through a tunnel)', '127.0.0.1')
    .option('--deck-url <url>', "deck's public URL, used in status links and comments (default http://<hostname>:<deck-port>)")
    .option('--github-oauth-config-file <file>', 'GitHub OAuth app (client_id, client_secret, redirect_url) for deck sign-in, as upstream deck')
    .option('--clone-url-rewrite <from=to>', 'clone URLs starting with FROM from TO instead (git insteadOf; repeatable)', parseRewrite, [])
    .option('--jenkins-url <url>', 'also run the jenkins-operator: agent jenkins jobs become builds on this Jenkins (docs/jenkins.md)')
    .option('--jenkins-user <name>', 'Jenkins user name (with --jenkins-token-file)', 'jenkins-trigger')
    .option('--jenkins-token-file <file>', 'file holding the Jenkins API token (basic auth)')
    .option('--jenkins-bearer-token-file <file>', 'file holding a Jenkins bearer token')
    .option('--csrf-protect', 'get a CSRF crumb from Jenkins and send it with every request', false)
    .option('--cert-file <file>', 'PEM client certificate for Jenkins (with --key-file)')
    .option('--key-file <file>', 'PEM client key for Jenkins')
    .option('--ca-cert-file <file>', 'PEM CA certificate that signed Jenkins\' certificate')
    .option('--slack-token-file <file>', 'Slack bot token for slackevents (chat.postMessage)')
    .option('--slack-api-url <url>', "Slack's Web API base", DEFAULT_SLACK_API_URL)
    .option('--slack-webhook-url <url>', 'post slackevents messages to this incoming webhook instead of the Web API')
    .addOption(new Option('--executor <kind>', '`kubernetes`-agent jobs as local processes, or as pods in the kubeconfig\'s build clusters (needs --kubeconfig or --store kubernetes; docs/pods.md)')
      .choices(['local', 'kubernetes']).default('local'))
    .addOption(logFormatOption());
  addStoreOptions(command);
  addTrackerFlags(command);
  return command
    .action(async (f: UpFlags) => {
      const { log, format } = createCommandLogger(undefined, f);
      // The examples ship in the package: `prow up` works from any directory, not only the checkout.
      const examples = packagedExamplesDir();
      const exampleConfig = examples ? join(examples, 'config.yaml') : undefined;
      const configPath = f.configPath ?? (exampleConfig && existsSync(exampleConfig) ? exampleConfig : undefined);
      const withExamples = configPath !== undefined && examples !== undefined && resolve(configPath) === resolve(examples, 'config.yaml');
      const jobConfigPath = f.jobConfigPath ?? (withExamples ? optionalDefault(join(examples!, 'jobs')) : undefined);
      const pluginConfigPath = f.pluginConfig ?? (withExamples ? optionalDefault(join(examples!, 'plugins.yaml')) : undefined);
      const demo = !f.githubTokenPath && !f.githubAppId;
      let system: Awaited<ReturnType<typeof startEmbedded>>;
      try {
        // Before anything starts (no periodic triggered, no job run): every file readable, every port free.
        if (configPath === undefined) {
          throw new StartupError('no config: the examples/ this package ships were not found; pass --config-path your/config.yaml (and --job-config-path, --plugin-config)');
        }
        checkFilesReadable([
          { flag: '--config-path', path: configPath }, { flag: '--job-config-path', path: jobConfigPath, directory: true },
          { flag: '--plugin-config', path: pluginConfigPath }, { flag: '--hmac-secret-file', path: f.hmacSecretFile },
          { flag: '--github-token-path', path: f.githubTokenPath }, { flag: '--github-app-private-key-path', path: f.githubAppPrivateKeyPath },
          { flag: '--github-oauth-config-file', path: f.githubOauthConfigFile },
        ]);
        if (f.deckUrl !== undefined && !/^https?:\/\/[^/]/.test(f.deckUrl)) throw new StartupError(`--deck-url ${f.deckUrl}: want an http:// or https:// URL`);
        await checkPortsFree([
          { flag: '--hook-port', port: f.hookPort, host: f.hostname }, { flag: '--deck-port', port: f.deckPort, host: f.hostname },
          { flag: '--fake-github-port', port: demo ? f.fakeGithubPort : undefined, host: f.hostname },
          { flag: '--health-port', port: f.healthPort, host: f.hostname }, { flag: '--metrics-port', port: f.metricsPort, host: f.hostname },
        ]);
        system = await startEmbedded({
          dataDir: f.dataDir,
          configPath,
          jobConfigPath,
          pluginConfigPath,
          hookPort: f.hookPort,
          deckPort: f.deckPort,
          fakeGitHubPort: f.fakeGithubPort,
          healthPort: f.healthPort,
          metricsPort: f.metricsPort,
          hmacSecretFile: f.hmacSecretFile,
          githubTokenPath: f.githubTokenPath,
          githubEndpoint: f.githubEndpoint,
          githubAppId: f.githubAppId,
          githubAppPrivateKeyPath: f.githubAppPrivateKeyPath,
          dryRun: f.dryRun,
          rateLimits: rateLimitsFrom(f, f.githubAppId !== undefined),
          hostname: f.hostname,
          ...(f.deckUrl ? { deckUrl: f.deckUrl } : {}),
          ...(f.githubOauthConfigFile ? { githubOauthConfigFile: f.githubOauthConfigFile } : {}),
          cloneUrlRewrites: f.cloneUrlRewrite,
          store: { store: f.store, kubeconfig: f.kubeconfig, kubeconfigDir: f.kubeconfigDir, kubeconfigSuffix: f.kubeconfigSuffix },
          ...(f.jenkinsUrl ? {
            jenkins: {
              jenkinsUrl: f.jenkinsUrl, jenkinsUser: f.jenkinsUser, csrfProtect: f.csrfProtect,
              ...(f.jenkinsTokenFile ? { jenkinsTokenFile: f.jenkinsTokenFile } : {}),
              ...(f.jenkinsBearerTokenFile ? { jenkinsBearerTokenFile: f.jenkinsBearerTokenFile } : {}),
              ...(f.certFile ? { certFile: f.certFile } : {}),
              ...(f.keyFile ? { keyFile: f.keyFile } : {}),
              ...(f.caCertFile ? { caCertFile: f.caCertFile } : {}),
            },
          } : {}),
          slackTokenFile: f.slackTokenFile,
          slackApiUrl: f.slackApiUrl,
          slackWebhookUrl: f.slackWebhookUrl,
          trackers: f,
          executor: f.executor,
          log,
        });
      } catch (err) {
        process.stderr.write(`prow up: ${(err as Error).message}\n`);
        if (!(err instanceof StartupError)) log.debug({ err }, 'start failed');
        process.exitCode = 1;
        return;
      }
      const launcher = existsSync('bin/prow') ? 'node bin/prow' : 'prow';
      const banner: UpBanner = {
        mode: system.demo ? 'demo mode (built-in fake GitHub)' : 'talking to GitHub',
        places: [{ key: 'hook', label: 'hook', value: `${system.hookUrl}/hook` }, { key: 'deck', label: 'deck', value: `${system.deckUrl}/` }],
        next: [],
      };
      if (f.store === 'kubernetes') banner.places.push({ key: 'prowjobs', label: 'prowjobs', value: 'the prow.k8s.io ProwJob CRD (--store kubernetes); webhook queue and build numbers in the data directory' });
      if (f.jenkinsUrl) banner.places.push({ key: 'jenkins', label: 'jenkins-operator', value: f.jenkinsUrl });
      if (system.fakeGitHubUrl) {
        banner.places.push({ key: 'fake_github', label: 'fake GitHub', value: `${system.fakeGitHubUrl}  (what Prow wrote: ${system.fakeGitHubUrl}/_fake/calls)` });
        banner.next.push(
          `Try it: run the demo presubmit on ${DEMO_ORG}/${DEMO_REPO}#${DEMO_PULL}:`,
          `  ${launcher} phony --address ${system.hookUrl}/hook --hmac-secret-file ${system.hmacSecretFile} --event issue_comment --payload ${relativeIfInside(join(examples ?? 'examples', 'payloads', 'issue_comment-test-all.json'))}`,
          `then let tide merge it: send issue_comment-lgtm.json and issue_comment-approve.json the same way and watch ${system.deckUrl}/tide`,
        );
      } else {
        banner.next.push(`Next: point your repositories' webhook (content type application/json) at ${system.hookUrl}/hook with the secret in ${system.hmacSecretFile}.`);
      }
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        void system.close().finally(() => process.exit(process.exitCode ?? 0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      // Printed once the handlers are in place: whoever reads the URLs may signal at once.
      printBanner(banner, format, log);
    });
}

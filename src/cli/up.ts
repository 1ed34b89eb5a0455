// `prow up` (what `npm start` runs): every component in one process over a data directory.
// With no GitHub credentials it runs in demo mode against the built-in fake GitHub.
import { existsSync } from 'node:fs';
import { Command, Option, InvalidArgumentError } from 'commander';
import { createCommandLogger, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO } from './support/demo.js';
import { startEmbedded } from './support/embedded.js';
import { parsePort } from './support/flags.js';
import { addStoreOptions, type StoreFlags } from './support/store.js';

interface UpFlags extends LogFormatFlags, StoreFlags {
  dataDir: string;
  configPath: string;
  jobConfigPath?: string;
  pluginConfig?: string;
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
  hostname: string;
  cloneUrlRewrite: { from: string; to: string }[];
  executor: 'local' | 'kubernetes';
}

function parseRewrite(value: string, previous: { from: string; to: string }[]): { from: string; to: string }[] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('want FROM=TO, e.g. https://github.com/=file:///srv/mirrors/');
  return [...previous, { from: value.slice(0, eq), to: value.slice(eq + 1) }];
}

const optionalDefault = (path: string): string | undefined => (existsSync(path) ? path : undefined);

export function createCommand(): Command {
  const command = new Command('up')
    .description('run every component in one process (embedded mode); demo mode without GitHub credentials')
    .option('--data-dir <dir>', 'data directory: SQLite store, artifacts, workspaces', '.prow')
    .option('--config-path <file>', 'Prow config.yaml', 'examples/config.yaml')
    .option('--job-config-path <path>', 'job config file or directory (default examples/jobs when it exists)')
    .option('--plugin-config <file>', 'plugins.yaml (default examples/plugins.yaml when it exists)')
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
    .option('--dry-run', 'log GitHub writes instead of making them', false)
    .option('--hostname <host>', 'address every server listens on', '127.0.0.1')
    .option('--clone-url-rewrite <from=to>', 'clone URLs starting with FROM from TO instead (git insteadOf; repeatable)', parseRewrite, [])
    .addOption(new Option('--executor <kind>', '`kubernetes`-agent jobs as local processes, or as pods in the kubeconfig\'s build clusters (needs --kubeconfig or --store kubernetes; docs/pods.md)')
      .choices(['local', 'kubernetes']).default('local'))
    .addOption(logFormatOption());
  addStoreOptions(command);
  return command
    .action(async (f: UpFlags) => {
      const { log } = createCommandLogger(undefined, f);
      let system: Awaited<ReturnType<typeof startEmbedded>>;
      try {
        system = await startEmbedded({
          dataDir: f.dataDir,
          configPath: f.configPath,
          jobConfigPath: f.jobConfigPath ?? optionalDefault('examples/jobs'),
          pluginConfigPath: f.pluginConfig ?? optionalDefault('examples/plugins.yaml'),
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
          hostname: f.hostname,
          cloneUrlRewrites: f.cloneUrlRewrite,
          store: { store: f.store, kubeconfig: f.kubeconfig, kubeconfigDir: f.kubeconfigDir, kubeconfigSuffix: f.kubeconfigSuffix },
          executor: f.executor,
          log,
        });
      } catch (err) {
        process.stderr.write(`prow up: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const lines = [
        `prow up: ${system.demo ? 'demo mode (built-in fake GitHub)' : 'talking to GitHub'}`,
        `  hook  ${system.hookUrl}/hook`,
        `  deck  ${system.deckUrl}/`,
      ];
      if (f.store === 'kubernetes') lines.push('  prowjobs  the prow.k8s.io ProwJob CRD (--store kubernetes); webhook queue and build numbers in the data directory');
      if (system.fakeGitHubUrl) {
        lines.push(
          `  fake GitHub  ${system.fakeGitHubUrl}  (what Prow wrote: ${system.fakeGitHubUrl}/_fake/calls)`,
          `Try it: run the demo presubmit on ${DEMO_ORG}/${DEMO_REPO}#${DEMO_PULL}:`,
          `  node bin/prow phony --address ${system.hookUrl}/hook --hmac-secret-file ${system.hmacSecretFile} --event issue_comment --payload examples/payloads/issue_comment-test-all.json`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        void system.close().finally(() => process.exit(process.exitCode ?? 0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}

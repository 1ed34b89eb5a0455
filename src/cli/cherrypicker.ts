// `prow cherrypicker`: upstream's cherrypicker external plugin server (cmd/external-plugins/cherrypicker/main.go).
import { Command, Option } from 'commander';
import { createGitHubClient } from '../github/client.js';
import { fileSecretSource } from '../hook/secrets.js';
import { setLogLevel } from '../observability/logger.js';
import { DEFAULT_LABEL_PREFIX } from '../plugins/cherrypicker/cherrypicker.js';
import { runCherrypicker } from './support/cherrypicker-runner.js';
import { describeStartError } from './support/external-plugin.js';
import { collect, parseGoBool, parsePort } from './support/flags.js';
import { addGitHubRateFlags, rateLimitsFrom, type GitHubRateFlags } from './support/github-rate-flags.js';
import { createCommandLogger, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { checkPortsFree } from './support/preflight.js';
import { closeOnSignal } from './support/shutdown.js';

interface CherrypickerFlags extends LogFormatFlags, GitHubRateFlags {
  port: number;
  dryRun: boolean;
  labels: string[];
  hmacSecretFile: string;
  logLevel: string;
  useProwAssignments: boolean;
  allowAll: boolean;
  createIssueOnConflict: boolean;
  labelPrefix: string;
  githubTokenPath?: string;
  githubEndpoint: string[];
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  healthPort: number;
  metricsPort: number;
}

const goBool = (flag: string, help: string, value: boolean): Option => new Option(`--${flag} [bool]`, help).default(value).argParser(parseGoBool);

export function createCommand(): Command {
  return addGitHubRateFlags(new Command('cherrypicker'))
    .description('the cherrypicker external plugin: /cherrypick <branch> opens the cherry-pick of a merged PR against <branch>')
    .option('--port <port>', 'port to listen on for webhooks from hook', parsePort, 8888)
    .addOption(goBool('dry-run', 'log GitHub writes and git pushes instead of making them (upstream default: true)', true))
    .option('--labels <label>', 'a label for every cherry-pick PR (repeatable)', collect, [])
    .option('--hmac-secret-file <file>', 'the GitHub webhook HMAC secret (hook\'s file: one token or the per-org/repo YAML map)', '/etc/webhook/hmac')
    .option('--log-level <level>', 'trace, debug, info, warn, error or fatal', 'debug')
    .addOption(goBool('use-prow-assignments', 'put /assign <requester> in the cherry-pick PR and assign it', true))
    .addOption(goBool('allow-all', 'let anybody request cherry-picks (no org membership check)', false))
    .addOption(goBool('create-issue-on-conflict', 'open an issue assigned to the requester when the cherry-pick does not apply', false))
    .option('--label-prefix <prefix>', 'labels <prefix><branch> ask for a cherry-pick onto <branch>', DEFAULT_LABEL_PREFIX)
    .option('--github-token-path <file>', 'file holding a GitHub token (also used for git pushes over http(s))')
    .option('--github-endpoint <url>', 'GitHub REST API endpoint (repeatable upstream; the first is used)', collect, [])
    .option('--github-app-id <id>', 'GitHub App id (with --github-app-private-key-path)')
    .option('--github-app-private-key-path <file>', 'GitHub App private key (PEM)')
    .option('--health-port <port>', '/healthz and /healthz/ready port', parsePort, 8081)
    .option('--metrics-port <port>', '/metrics port', parsePort, 9090)
    .addOption(logFormatOption())
    .action(async (f: CherrypickerFlags) => {
      const { root, log } = createCommandLogger('cherrypicker', f);
      let started: Awaited<ReturnType<typeof runCherrypicker>>;
      try {
        setLogLevel(root, f.logLevel, '--log-level');
        if (f.githubAppId !== undefined || f.githubAppPrivateKeyPath !== undefined) {
          throw new Error('--github-app-id/--github-app-private-key-path: the cherrypicker pushes with git over https and supports only --github-token-path for now');
        }
        let secrets;
        try {
          secrets = fileSecretSource(f.hmacSecretFile);
        } catch (err) {
          throw new Error(`--hmac-secret-file: ${(err as Error).message}`, { cause: err });
        }
        const github = createGitHubClient({
          baseUrl: f.githubEndpoint[0], tokenPath: f.githubTokenPath, dryRun: f.dryRun, rateLimits: rateLimitsFrom(f, false), log,
        });
        if (f.dryRun) log.warn('--dry-run is on (the default, as upstream): GitHub writes and git pushes are logged, not made');
        await checkPortsFree([{ flag: '--port', port: f.port }, { flag: '--health-port', port: f.healthPort }, { flag: '--metrics-port', port: f.metricsPort }]);
        started = await runCherrypicker({
          port: f.port, healthPort: f.healthPort, metricsPort: f.metricsPort, github, secrets, log,
          ...(f.githubTokenPath ? { githubTokenPath: f.githubTokenPath } : {}),
          labels: f.labels, prowAssignments: f.useProwAssignments, allowAll: f.allowAll, issueOnConflict: f.createIssueOnConflict,
          labelPrefix: f.labelPrefix, dryRun: f.dryRun,
        });
      } catch (err) {
        process.stderr.write(`prow cherrypicker: ${describeStartError(err)}\n`);
        process.exitCode = 1;
        return;
      }
      closeOnSignal([() => started.close()], { log });
    });
}

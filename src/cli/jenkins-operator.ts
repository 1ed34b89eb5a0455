// `prow jenkins-operator`: runs ProwJobs of agent jenkins as Jenkins builds (upstream cmd/jenkins-operator,
// same flags; docs/jenkins.md). It is plank's loop with the Jenkins executor only, over the jobs its
// --label-selector matches, configured by its `jenkins_operators` entry. With GitHub credentials and
// without --skip-report it also reports its jobs to GitHub, as upstream's operator does; otherwise
// crier (`prow crier`, `prow up`) reports them.
import { mkdirSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadConfigAgent } from '../config/agent.js';
import { LabelSelectorError, parseLabelSelector } from '../api/label-selector.js';
import { createSnowflakeBuildIdSource, createStoreBuildIdSource, createTotBuildIdSource } from '../controller/build-id.js';
import { createControllerMetrics, startMetricsGathering } from '../controller/metrics.js';
import { startCrier } from '../crier/crier.js';
import { createGitHubReporter } from '../crier/github/reporter.js';
import { createInformerJobSource } from '../crier/job-source.js';
import { createGitHubClient } from '../github/client.js';
import { startInstrumentation } from '../observability/instrumentation.js';
import { createProwJobInformer } from '../store/informer.js';
import { openSqliteStore, storePath } from '../store/sqlite/store.js';
import { collect, parseGoBool, parsePort } from './support/flags.js';
import { startJenkinsLogServer } from '../executor/jenkins/log-server.js';
import { createJenkinsClient, createJenkinsOperator, operatorConfigView, operatorEntry, type JenkinsFlags } from './support/jenkins-operator.js';
import { createCommandLogger, followConfigLogLevel, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { closeOnSignal, type CloseStep } from './support/shutdown.js';
import { checkPortsFree } from './support/preflight.js';

interface OperatorFlags extends JenkinsFlags, LogFormatFlags {
  configPath: string;
  jobConfigPath?: string;
  labelSelector: string;
  totUrl?: string;
  skipReport: boolean;
  dryRun: boolean;
  dataDir: string;
  buildIds: string;
  githubTokenPath?: string;
  githubEndpoint: string[];
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  healthPort?: number;
  metricsPort?: number;
  pollInterval: string;
  logPort: number;
}

export function createCommand(): Command {
  return new Command('jenkins-operator')
    .description('run ProwJobs of agent jenkins as Jenkins builds (upstream jenkins-operator)')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--jenkins-url <url>', 'Jenkins URL', 'http://jenkins-proxy')
    .option('--jenkins-user <name>', 'Jenkins user name (with --jenkins-token-file)', 'jenkins-trigger')
    .option('--jenkins-token-file <file>', 'file holding the Jenkins API token (basic auth)')
    .option('--jenkins-bearer-token-file <file>', 'file holding a Jenkins bearer token')
    .option('--csrf-protect', 'get a CSRF crumb from Jenkins and send it with every request', false)
    .option('--cert-file <file>', 'PEM client certificate for Jenkins (with --key-file)')
    .option('--key-file <file>', 'PEM client key for Jenkins')
    .option('--ca-cert-file <file>', 'PEM CA certificate that signed Jenkins\' certificate')
    .option('--label-selector <selector>', 'only ProwJobs whose labels match (Kubernetes selector syntax); also picks the jenkins_operators entry', '')
    .option('--tot-url <url>', 'vend build ids from tot (GET <url>/vend/<job>)')
    .option('--build-ids <source>', 'without --tot-url: "store" (per-job counters in the store) or "snowflake"', 'store')
    .option('--skip-report', 'do not report to GitHub from this operator (leave it to crier)', false)
    .addOption(new Option('--dry-run [bool]', 'log what would change; start no build, write nothing (upstream default: true)').default(true).argParser(parseGoBool))
    .option('--data-dir <dir>', 'where the SQLite store lives (<dir>/prow.db)', '.prow')
    .option('--github-token-path <file>', 'GitHub token for reporting')
    .option('--github-endpoint <url>', 'GitHub REST API endpoint (repeatable upstream; the first is used)', collect, [])
    .option('--github-app-id <id>', 'GitHub App id (with --github-app-private-key-path)')
    .option('--github-app-private-key-path <file>', 'GitHub App private key (PEM)')
    .option('--log-port <port>', 'serve /job/<job>/<number>/consoleText from Jenkins here (upstream: always :8080)', parsePort, 8080)
    .option('--poll-interval <ms>', 'how often running builds are polled, in milliseconds', '2000')
    .option('--health-port <port>', 'serve /healthz here (upstream 8081)', parsePort)
    .option('--metrics-port <port>', 'serve /metrics here (upstream 9090)', parsePort)
    .addOption(logFormatOption())
    .action(async (f: OperatorFlags) => {
      await checkPortsFree([{ flag: '--log-port', port: f.logPort }, { flag: '--health-port', port: f.healthPort }, { flag: '--metrics-port', port: f.metricsPort }]);
      const { root, log } = createCommandLogger('jenkins-operator', f);
      let agent: Awaited<ReturnType<typeof loadConfigAgent>>;
      let client: Awaited<ReturnType<typeof createJenkinsClient>>;
      let github: ReturnType<typeof createGitHubClient> | undefined;
      try {
        if (f.buildIds !== 'store' && f.buildIds !== 'snowflake') throw new Error(`--build-ids ${f.buildIds}: want "store" or "snowflake"`);
        parseLabelSelector(f.labelSelector);
        const pollMs = Number(f.pollInterval);
        if (!Number.isInteger(pollMs) || pollMs <= 0) throw new Error(`--poll-interval ${f.pollInterval}: want a positive number of milliseconds`);
        agent = await loadConfigAgent({ configPath: f.configPath, ...(f.jobConfigPath ? { jobConfigPath: f.jobConfigPath } : {}), log });
        followConfigLogLevel(root, agent);
        client = await createJenkinsClient(f, log);
        const wantsReport = !f.skipReport && (f.githubTokenPath !== undefined || f.githubAppId !== undefined);
        if (wantsReport) {
          github = createGitHubClient({
            baseUrl: f.githubEndpoint[0],
            ...(f.githubTokenPath ? { tokenPath: f.githubTokenPath } : {}),
            ...(f.githubAppId ? { appId: f.githubAppId } : {}),
            ...(f.githubAppPrivateKeyPath ? { privateKeyPath: f.githubAppPrivateKeyPath } : {}),
            dryRun: f.dryRun,
            log,
          });
        }
      } catch (err) {
        const msg = err instanceof LabelSelectorError ? `--label-selector: ${err.message}` : (err as Error).message;
        process.stderr.write(`prow jenkins-operator: ${msg}\n`);
        process.exitCode = 1;
        return;
      }
      if (!operatorEntry(agent.current().config, f.labelSelector) && (agent.current().config.jenkins_operators ?? []).length > 0) {
        log.warn({ label_selector: f.labelSelector }, 'no jenkins_operators entry has this label_selector: plank defaults apply');
      }
      if (f.dryRun) log.warn('--dry-run is on (the default, as upstream): no build is started and nothing is written; pass --dry-run=false to run jobs');
      mkdirSync(f.dataDir, { recursive: true });
      const store = openSqliteStore(storePath(f.dataDir), { log });
      const informer = createProwJobInformer(store, { log });
      await informer.start();
      const buildIdSource = f.totUrl
        ? createTotBuildIdSource({ url: f.totUrl })
        : f.buildIds === 'snowflake' ? createSnowflakeBuildIdSource() : createStoreBuildIdSource(store);
      const config = () => agent.current().config;
      const { executor, controller } = createJenkinsOperator({
        client, store, informer, config, selector: f.labelSelector, log, buildIdSource, dryRun: f.dryRun, pollMs: Number(f.pollInterval),
      });
      await controller.start();
      const steps: CloseStep[] = [() => controller.stop()];
      if (github) {
        const jobs = createInformerJobSource(informer);
        const reporter = createGitHubReporter({ github, config: () => operatorConfigView(config(), f.labelSelector), listJobs: jobs.list, reportAgent: 'jenkins' });
        const crier = startCrier({ jobs, store, log: log.child({ component: 'crier' }), reporters: [{ reporter, workers: 5 }] });
        steps.push(() => crier.close());
      } else if (!f.skipReport) {
        log.info('no GitHub credentials: crier (prow crier or prow up) reports these jobs');
      }
      let logServer: Awaited<ReturnType<typeof startJenkinsLogServer>>;
      try {
        logServer = await startJenkinsLogServer({ client, port: f.logPort, log });
      } catch (err) {
        process.stderr.write(`prow jenkins-operator: --log-port ${f.logPort}: ${(err as Error).message}\n`);
        await controller.stop();
        await executor.close();
        await informer.close();
        await store.close();
        agent.close();
        process.exitCode = 1;
        return;
      }
      steps.push(() => logServer.close());
      const metrics = createControllerMetrics({ defaultMetrics: true });
      const stopGathering = startMetricsGathering(metrics, informer, { log });
      const instrumentation = await startInstrumentation({ healthPort: f.healthPort, metricsPort: f.metricsPort, registry: metrics.registry, log });
      log.info({ jenkins_url: client.baseUrl, label_selector: f.labelSelector, dry_run: f.dryRun, reporting: github !== undefined, log_port: logServer.port }, 'jenkins-operator started');
      closeOnSignal([...steps, stopGathering, () => informer.close(), () => instrumentation.close(), () => executor.close(), () => store.close(), () => agent.close()], { log, keepAlive: true });
    });
}

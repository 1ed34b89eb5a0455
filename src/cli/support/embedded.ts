// The embedded system behind `prow up`: every component in one process over one data directory.
// Wiring only: each component is built from its own module and they meet at the Store and config.
import type { SchedulerOptions } from '../../github/scheduler/options.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createLocalArtifactStore } from '../../artifacts/local.js';
import { loadConfigAgent, type ConfigAgent } from '../../config/agent.js';
import { createStoreBuildIdSource } from '../../controller/build-id.js';
import { createController } from '../../controller/plank.js';
import { startCrier } from '../../crier/crier.js';
import { createGitHubReporter } from '../../crier/github/reporter.js';
import { createInformerJobSource } from '../../crier/job-source.js';
import { createLocalExecutor } from '../../executor/local/executor.js';
import type { Executor } from '../../executor/types.js';
import { openPodExecutor } from './pod-executor.js';
import { withDeckUrlDefaults } from '../../config/deck-url-defaults.js';
import { createControllerMetrics, startMetricsGathering } from '../../controller/metrics.js';
import { loadOAuthConfig } from '../../deck/oauth.js';
import { createGitHubClient } from '../../github/client.js';
import { createMetricsRegistry } from '../../observability/instrumentation.js';
import { startFakeGitHub, type FakeGitHub } from '../../github/fake/server.js';
import { FAKE_WEB_PREFIX } from '../../github/fake/routes/web.js';
import { fileSecretSource } from '../../hook/secrets.js';
import { createHookMetrics } from '../../hook/metrics.js';
import { startHookServer } from '../../hook/server.js';
import { createHorologium } from '../../horologium/horologium.js';
import { createGitMirrorSource, createOwnersClient } from '../../owners/client.js';
import { createFileConfigMapTarget } from '../../plugins/config-updater/files-target.js';
import { configMapDirs } from './config-maps.js';
import { openExternalPluginQueue } from './external-queue.js';
import { startLocalExternalPlugins } from './local-external-plugins.js';
import { createMergedTreeReader } from '../../git/merged-tree.js';
import { createSlackClient } from '../../plugins/slackevents/slack-client.js';
import { trackerClients, warnMissingTrackers, type TrackerFlags } from './tracker-flags.js';
import { builtinPluginNames, builtinPluginSections, builtinPlugins } from '../../plugins/registry.js';
import { sinkerCleanupFromExecutor } from '../../sinker/executor-cleanup.js';
import { createSinker } from '../../sinker/sinker.js';
import { createProwJobInformer } from '../../store/informer.js';
import { openProwJobBackend, type StoreFlags } from './store.js';
import { createGitBatchMerger } from '../../tide/batch-merge.js';
import { TideHistory } from '../../tide/history.js';
import { createTideMetrics } from '../../tide/metrics.js';
import { createTide } from '../../tide/tide.js';
import { startDeckServer, type DeckServer } from './deck-server.js';
import { DEMO_CONTRIBUTOR, DEMO_MAINTAINER, DEMO_ORG, DEMO_REPO, DEMO_TOKEN, seedDemo } from './demo.js';
import { followConfigLogLevel } from './logging.js';
import { runCloseSteps } from './shutdown.js';
import { createJenkinsClient, createJenkinsOperator, operatorEntry, type JenkinsFlags } from './jenkins-operator.js';
import { logSourceByAgent } from './agent-logs.js';
import type { LogSource } from '../../artifacts/types.js';

export interface EmbeddedOptions {
  dataDir: string;
  configPath: string;
  jobConfigPath?: string;
  pluginConfigPath?: string;
  hookPort: number;
  deckPort: number;
  fakeGitHubPort: number;
  healthPort?: number;
  metricsPort?: number;
  hmacSecretFile?: string;
  githubTokenPath?: string;
  githubEndpoint?: string;
  githubAppId?: string;
  githubAppPrivateKeyPath?: string;
  dryRun: boolean;
  /** GitHub rate-limit settings (--github-hourly-tokens, spacing…); unused in demo mode. */
  rateLimits?: SchedulerOptions;
  hostname?: string;
  /** deck's public URL (links in statuses and comments); default http://<hostname>:<deckPort>. */
  deckUrl?: string;
  /** GitHub OAuth app for deck's "Sign in with GitHub" (upstream deck --github-oauth-config-file). */
  githubOauthConfigFile?: string;
  /** Clone from elsewhere: git `url.<to>.insteadOf <from>` for every clone (e.g. a local mirror). */
  cloneUrlRewrites?: { from: string; to: string }[];
  /** Where ProwJobs live (default sqlite in the data directory); deliveries and build numbers stay in SQLite. */
  store?: StoreFlags;
  /** Also run the jenkins-operator (agent jenkins jobs as builds on this Jenkins). */
  jenkins?: JenkinsFlags;
  /** How often the jenkins-operator polls running builds (default 2 s). */
  jenkinsPollMs?: number;
  /** slackevents: a Slack bot token file (+ Web API base) or an incoming-webhook URL. */
  slackTokenFile?: string;
  slackApiUrl?: string;
  slackWebhookUrl?: string;
  /** The jira plugin's Jira (`--jira-endpoint` and its auth flags). */
  trackers?: TrackerFlags;
  /**
   * `kubernetes`-agent jobs as local processes (default) or as pods in the build clusters of the store
   * flags' kubeconfig. Pods of decorated jobs need the pod utilities' images (docs/pods.md).
   */
  executor?: 'local' | 'kubernetes';
  log: Logger;
}

export interface EmbeddedSystem {
  demo: boolean;
  hookUrl: string;
  deckUrl: string;
  /** Where links in statuses and comments point (--deck-url, else deckUrl). */
  publicDeckUrl: string;
  fakeGitHubUrl?: string;
  hmacSecretFile: string;
  close(): Promise<void>;
}

/** Git reads `url.<base>.insteadOf` from GIT_CONFIG_COUNT/KEY/VALUE, so no gitconfig file is touched. */
function gitRewriteEnv(rewrites: { from: string; to: string }[]): Record<string, string> | undefined {
  if (rewrites.length === 0) return undefined;
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(rewrites.length) };
  rewrites.forEach((r, i) => {
    env[`GIT_CONFIG_KEY_${i}`] = `url.${r.to}.insteadOf`;
    env[`GIT_CONFIG_VALUE_${i}`] = r.from;
  });
  return env;
}

/** The URL git would fetch after applying the longest matching insteadOf rewrite. */
function rewriteUrl(url: string, rewrites: { from: string; to: string }[]): string {
  const match = rewrites.filter((r) => url.startsWith(r.from)).sort((a, b) => b.from.length - a.from.length)[0];
  return match ? match.to + url.slice(match.from.length) : url;
}

/** The webhook secret: the given file, else one generated once into the data directory. */
function ensureHmacFile(dataDir: string, given: string | undefined): string {
  if (given) return given;
  const file = join(dataDir, 'hmac-secret');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  else readFileSync(file); // fail early when it is unreadable
  return file;
}

export async function startEmbedded(o: EmbeddedOptions): Promise<EmbeddedSystem> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const log = o.log;
  const host = o.hostname ?? '127.0.0.1';
  const demo = !o.githubTokenPath && !o.githubAppId;
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    await runCloseSteps([...closers].reverse(), log);
  };

  try {
    const agent: ConfigAgent = await loadConfigAgent({
      configPath: o.configPath, jobConfigPath: o.jobConfigPath, pluginConfigPath: o.pluginConfigPath, pluginSections: builtinPluginSections(), implementedPlugins: builtinPluginNames(), log: log.child({ component: 'config' }),
    });
    // `log` is the process's root logger: config.yaml's log_level applies to every component.
    followConfigLogLevel(log, agent);
    closers.push(() => agent.close());
    // Links in statuses and comments follow the deck this process serves (known once it listens when --deck-port is 0).
    let deckUrl = o.deckUrl ?? (o.deckPort ? `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${o.deckPort}` : undefined);
    const current = () => (deckUrl ? withDeckUrlDefaults(agent.current(), deckUrl) : agent.current());
    // One registry: every component's metrics, with upstream's names, on --metrics-port.
    const registry = createMetricsRegistry();
    const oauth = o.githubOauthConfigFile ? loadOAuthConfig(o.githubOauthConfigFile) : undefined;

    let fake: FakeGitHub | undefined;
    const rewrites = [...(o.cloneUrlRewrites ?? [])];
    if (demo) {
      fake = await startFakeGitHub({ port: o.fakeGitHubPort, host, dataDir: join(dataDir, 'fake-github') });
      closers.push(() => fake?.close());
      await seedDemo(fake);
      // Jobs clone https://github.com/<org>/<repo>.git; in demo mode git reads the fake's repositories instead.
      const reposRoot = dirname(dirname(await fake.repoDir(`${DEMO_ORG}/${DEMO_REPO}`)));
      rewrites.push({ from: 'https://github.com/', to: `file://${reposRoot}/` });
    }
    const gitEnv = gitRewriteEnv(rewrites);

    const github = createGitHubClient({
      baseUrl: fake ? fake.url : o.githubEndpoint,
      ...(fake ? { token: DEMO_TOKEN, retry: { retryAfterBaseValue: 1 }, throttle: false } : {}),
      ...(o.githubTokenPath ? { tokenPath: o.githubTokenPath } : {}),
      ...(o.githubAppId ? { appId: o.githubAppId } : {}),
      ...(o.githubAppPrivateKeyPath ? { privateKeyPath: o.githubAppPrivateKeyPath } : {}),
      dryRun: o.dryRun,
      registry,
      ...(o.rateLimits ? { rateLimits: o.rateLimits } : {}),
      log: log.child({ component: 'github' }),
    });

    // One process: no leader election, even with the ProwJobs in a cluster.
    const backend = await openProwJobBackend(o.store ?? { store: 'sqlite' }, {
      dataDir, namespace: agent.current().config.prowjob_namespace, log, buildClusters: o.executor === 'kubernetes',
    });
    closers.push(() => backend.close());
    const store = backend.prowjobs;
    const sqlite = backend.sqlite();
    const artifacts = createLocalArtifactStore({ root: join(dataDir, 'artifacts') });
    // --executor kubernetes: `kubernetes` jobs are pods in the kubeconfig's build clusters; else local processes (docs/pods.md).
    let pods: Executor | undefined;
    if (o.executor === 'kubernetes') {
      pods = await openPodExecutor(backend, { podNamespace: () => agent.current().config.pod_namespace, log: log.child({ component: 'executor' }) });
      if (!pods) throw new Error('--executor kubernetes needs build clusters: pass --kubeconfig or --kubeconfig-dir (or --store kubernetes in a pod)');
    }
    const executor: Executor = pods ?? createLocalExecutor({ dataDir, artifacts, log: log.child({ component: 'executor' }), ...(gitEnv ? { gitEnv } : {}) });
    closers.push(() => executor.close());

    const config = () => current().config;
    // One informer for the components here that read from a cache (controller, crier and sinker; deck
    // reads the store directly for now).
    const informer = createProwJobInformer(store, { log: log.child({ component: 'informer' }) });
    await informer.start();
    closers.push(() => informer.close());

    // plank owns the jobs of agents nothing here runs: they end as error, "no controller for agent X is running".
    const controller = createController({
      store, informer, executors: new Map([['kubernetes', executor]]), config, log: log.child({ component: 'controller' }), buildIdSource: createStoreBuildIdSource(sqlite),
      unhandledAgents: { except: o.jenkins ? ['jenkins'] : [] },
    });
    await controller.start();
    closers.push(() => controller.stop());
    // Each component's first pass over a big store runs its first slice as it starts: one turn of the
    // event loop each, not all of them in one continuation. A plain setImmediate, not time-slice.ts's
    // nextTurn: start-up must not queue behind the passes it has just started.
    await yieldToLoop();
    closers.push(startMetricsGathering(createControllerMetrics({ registry }), informer, { log: log.child({ component: 'controller' }) }));

    let liveLogs: LogSource = executor.logs;
    if (o.jenkins) {
      const jlog = log.child({ component: 'jenkins-operator' });
      const client = await createJenkinsClient(o.jenkins, jlog);
      const operator = createJenkinsOperator({
        client, store, informer, config, selector: '', log: jlog, buildIdSource: createStoreBuildIdSource(sqlite),
        ...(o.jenkinsPollMs ? { pollMs: o.jenkinsPollMs } : {}),
      });
      await operator.controller.start();
      closers.push(() => operator.controller.stop(), () => operator.executor.close());
      liveLogs = logSourceByAgent({ jenkins: operator.executor.logs }, executor.logs);
      if (Object.keys(operatorEntry(config(), '')?.report_templates ?? {}).length > 0) {
        jlog.warn('jenkins_operators report_templates are not used by prow up: its one crier uses plank.report_templates for every job (run prow jenkins-operator with GitHub credentials for per-operator templates)');
      }
    }

    const crierJobs = createInformerJobSource(informer);
    const crier = startCrier({
      jobs: crierJobs, store, log: log.child({ component: 'crier' }), registry,
      reporters: [{ reporter: createGitHubReporter({ github, config, listJobs: crierJobs.list }), workers: 5 }],
    });
    closers.push(() => crier.close());
    await yieldToLoop();

    const sinker = createSinker({
      store, informer, config, log: log.child({ component: 'sinker' }), executor: sinkerCleanupFromExecutor(executor), registry,
    });
    sinker.start();
    closers.push(() => sinker.stop());
    await yieldToLoop();

    const horologium = createHorologium({ store, config, log: log.child({ component: 'horologium' }) });
    horologium.start();
    closers.push(() => horologium.stop());
    await yieldToLoop();

    // In-repo config (.prow.yaml) is read from bare mirrors by trigger and tide alike: one reader, one cache.
    const mergedTrees = createMergedTreeReader({ cacheDir: join(dataDir, 'inrepoconfig'), remoteFor: (org, repo) => rewriteUrl(`https://github.com/${org}/${repo}.git`, rewrites) });
    // Tide test-merges batches in bare mirrors cloned through the same URL rewrites as jobs.
    const tideHistory = new TideHistory(1000, join(dataDir, 'tide-history.json'), log.child({ component: 'tide' }));
    const tide = createTide({
      store, informer, github, config, log: log.child({ component: 'tide' }), history: tideHistory, dryRun: o.dryRun, metrics: createTideMetrics(registry),
      batchMerger: createGitBatchMerger({ cacheDir: join(dataDir, 'tide-git'), remoteFor: (org, repo) => rewriteUrl(`https://github.com/${org}/${repo}.git`, rewrites) }),
      trees: mergedTrees,
      ...(demo ? { betweenMergesMs: 500 } : {}),
    });
    tide.start();
    closers.push(() => tide.stop());

    // OWNERS come from a bare mirror of each repository, cloned through the same URL rewrites as jobs.
    const owners = createOwnersClient({
      github,
      source: createGitMirrorSource({
        cacheDir: join(dataDir, 'owners'),
        remoteFor: (org, repo) => rewriteUrl(`https://github.com/${org}/${repo}.git`, rewrites),
      }),
      pluginConfig: () => agent.current().plugins,
      config,
      log: log.child({ component: 'owners' }),
    });

    const hmacSecretFile = ensureHmacFile(dataDir, o.hmacSecretFile);
    const slack = createSlackClient({ tokenFile: o.slackTokenFile, apiUrl: o.slackApiUrl, webhookUrl: o.slackWebhookUrl, log: log.child({ component: 'hook', client: 'slack' }) });
    const trackers = trackerClients({ ...o.trackers, dryRun: o.dryRun }, log.child({ component: 'hook' }));
    warnMissingTrackers(agent.current().plugins, trackers, log.child({ component: 'hook' }));
    const externalQueue = openExternalPluginQueue(dataDir, log.child({ component: 'hook' }));
    closers.push(() => externalQueue.close());
    const hook = await startHookServer({
      port: o.hookPort,
      hostname: host,
      ...(o.healthPort !== undefined ? { healthPort: o.healthPort } : {}),
      ...(o.metricsPort !== undefined ? { metricsPort: o.metricsPort } : {}),
      store: sqlite,
      externalQueue: externalQueue.queue,
      mergedTrees,
      jobs: store,
      snapshot: current,
      github,
      plugins: builtinPlugins,
      ...(slack ? { slack } : {}),
      ...trackers,
      metrics: createHookMetrics({ registry }),
      owners,
      configMaps: createFileConfigMapTarget({
        dirs: configMapDirs(o.configPath, o.pluginConfigPath, o.jobConfigPath),
        root: join(dataDir, 'configmaps'),
        log: log.child({ component: 'hook', plugin: 'config-updater' }),
      }),
      log: log.child({ component: 'hook' }),
      secrets: fileSecretSource(hmacSecretFile),
    });
    closers.push(() => hook.close());
    for (const ext of await startLocalExternalPlugins({
      plugins: () => current().plugins, github, secrets: fileSecretSource(hmacSecretFile), log, usesAppsAuth: Boolean(o.githubAppId),
      ...(o.githubTokenPath ? { githubTokenPath: o.githubTokenPath } : {}), dryRun: o.dryRun,
    })) closers.push(() => ext.close());

    const deck: DeckServer = await startDeckServer({
      port: o.deckPort, hostname: host, store, artifacts, liveLogs, log: log.child({ component: 'deck' }),
      snapshot: current, github, dataDir, registry, tide: { pools: async () => tide.pools(), history: async () => tideHistory.all() }, ...(demo ? { demoUsers: [DEMO_MAINTAINER, DEMO_CONTRIBUTOR] } : {}),
      ...(oauth ? { oauth, secureCookies: (deckUrl ?? '').startsWith('https:') } : {}),
      ...(fake ? { githubLinkUrl: `${fake.url}${FAKE_WEB_PREFIX}` } : {}),
    });
    closers.push(() => deck.close());
    deckUrl ??= deck.url;

    return {
      demo,
      hookUrl: `${hook.url}`,
      deckUrl: deck.url,
      publicDeckUrl: deckUrl,
      ...(fake ? { fakeGitHubUrl: fake.url } : {}),
      hmacSecretFile,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

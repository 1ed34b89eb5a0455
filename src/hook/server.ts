// startHookServer: the webhook app on --port, /healthz and /healthz/ready on --health-port, /metrics on
// --metrics-port, and the dispatcher that runs plugins on stored deliveries. close() stops accepting,
// then waits (up to the grace period) for in-flight handlers and external-plugin forwards.
import { performance } from 'node:perf_hooks';
import type { GitHubClient } from '../github/types.js';
import { listen } from '../observability/http.js';
import { startInstrumentation } from '../observability/instrumentation.js';
import type { Logger } from '../observability/logger.js';
import type { DeliveryQueue, ProwJobStore } from '../store/types.js';
import { demuxExternal, matchExternalPlugins, type ExternalDispatchOptions } from './external-plugins.js';
import { createExternalForwarder, type ExternalForwarder, type ExternalForwarderDeps } from './external-forwarder.js';
import { externalPluginsOf, generatePluginHelp } from './plugin-help.js';
import type { ConfigMapTarget, Plugin, SlackClient, JiraClient, BugzillaClient } from '../plugins/types.js';
import type { Clock } from '../api/clock.js';
import type { GitClient, MergedTreeReader } from '../git/types.js';
import type { OwnersClient } from '../owners/types.js';
import { createHookApp } from './app.js';
import { createWebhookIntake, webhookFront } from './intake.js';
import { createDispatcher, type Dispatcher } from './dispatcher.js';
import type { ConfigSnapshot } from '../config/types.js';
import { createHookMetrics, type HookMetrics } from './metrics.js';
import type { SecretSource } from './secrets.js';
import { payloadScope, type VerifiedDelivery } from './verify.js';

export interface HookServerDeps {
  /** Webhook port (upstream --port, 8888); 0 picks a free one. */
  port: number;
  /** /healthz and /healthz/ready (upstream --health-port, 8081); undefined: not served. */
  healthPort?: number;
  /** /metrics (upstream --metrics-port, 9090); undefined: not served. */
  metricsPort?: number;
  hostname?: string;
  /** The webhook queue: a delivery is stored here before GitHub hears 200. */
  store: DeliveryQueue;
  /** Where plugins create ProwJobs. */
  jobs: ProwJobStore;
  /** The current config; read once per delivery (e.g. `() => agent.current()` adapted). */
  snapshot: () => ConfigSnapshot;
  github: GitHubClient;
  plugins: readonly Plugin[];
  log: Logger;
  secrets: SecretSource;
  owners?: OwnersClient;
  git?: GitClient;
  /** For in-repo config (`.prow.yaml`): src/cli hands a reader over git mirrors in the data directory. */
  mergedTrees?: MergedTreeReader;
  /** Where config-updater writes ConfigMaps (files in embedded mode). */
  configMaps?: ConfigMapTarget;
  /** Where slackevents posts. */
  slack?: SlackClient;
  /** Where the jira plugin reads issues and writes remote links. */
  jira?: JiraClient;
  /** Where the bugzilla plugin reads and moves bugs. */
  bugzilla?: BugzillaClient;
  clock?: Clock;
  metrics?: HookMetrics;
  allowSha1?: boolean;
  webhookPath?: string;
  repoEnabled?: (org: string, repo: string) => boolean;
  /**
   * Acks first: for this long after a delivery arrives, the dispatcher handles at most `busyConcurrency`
   * deliveries at once (default 50 ms and 2; 0 turns it off).
   */
  busyWindowMs?: number;
  busyConcurrency?: number;
  /** How long close() waits for in-flight work (upstream --grace-period, 180 s). */
  gracePeriodMs?: number;
  concurrency?: number;
  pollIntervalMs?: number;
  retryBaseMs?: number;
  external?: ExternalDispatchOptions;
  /**
   * The durable queue for external-plugin forwards (src/cli opens `<data-dir>/external-plugins.db`). Without
   * it hook forwards in memory as upstream does: retried briefly, lost on a restart.
   */
  externalQueue?: DeliveryQueue;
  /** Tuning for the durable forwarder (tests). */
  externalForwarder?: Pick<ExternalForwarderDeps, 'pollIntervalMs' | 'retryBaseMs' | 'retryMaxMs' | 'timeoutMs' | 'fetch'>;
}

export interface HookServer {
  port: number;
  healthPort?: number;
  metricsPort?: number;
  url: string;
  metrics: HookMetrics;
  dispatcher: Dispatcher;
  /** Present when HookServerDeps.externalQueue is. */
  externalForwarder?: ExternalForwarder;
  close(): Promise<void>;
}

export async function startHookServer(deps: HookServerDeps): Promise<HookServer> {
  const log = deps.log;
  const metrics = deps.metrics ?? createHookMetrics({ defaultMetrics: true });
  const repoEnabled = deps.repoEnabled ?? (() => true);
  const busyWindowMs = deps.busyWindowMs ?? 50;
  let lastIntakeAt = -Infinity;
  const dispatcher = createDispatcher({
    isBusy: () => performance.now() - lastIntakeAt < busyWindowMs,
    busyConcurrency: deps.busyConcurrency,
    store: deps.store,
    jobs: deps.jobs,
    snapshot: deps.snapshot,
    github: deps.github,
    plugins: deps.plugins,
    log,
    metrics,
    owners: deps.owners,
    git: deps.git,
    ...(deps.mergedTrees ? { mergedTrees: deps.mergedTrees } : {}),
    configMaps: deps.configMaps,
    slack: deps.slack,
    jira: deps.jira,
    bugzilla: deps.bugzilla,
    clock: deps.clock,
    repoEnabled,
    concurrency: deps.concurrency,
    pollIntervalMs: deps.pollIntervalMs,
    retryBaseMs: deps.retryBaseMs,
  });
  const forwards = new Set<Promise<void>>();
  let ready = false;
  const externalForwarder = deps.externalQueue === undefined ? undefined : createExternalForwarder({
    queue: deps.externalQueue,
    externalPlugins: () => externalPluginsOf(deps.snapshot().plugins),
    secrets: deps.secrets,
    log,
    counter: metrics.externalForwards,
    ...deps.externalForwarder,
  });

  const intake = createWebhookIntake({
    store: deps.store,
    secrets: deps.secrets,
    log,
    metrics,
    allowSha1: deps.allowSha1,
    ...(externalForwarder === undefined ? {} : {
      beforeStore: async (delivery: VerifiedDelivery) => {
        const fullName = payloadScope(delivery.body);
        const [org = '', repo = ''] = fullName.split('/');
        if (!fullName.includes('/') || !repoEnabled(org, repo)) return;
        await externalForwarder.enqueue(delivery, fullName);
      },
    }),
    onAccepted: (delivery, headers) => {
      lastIntakeAt = performance.now();
      dispatcher.wake();
      if (externalForwarder !== undefined) return; // queued before the delivery was stored
      // External plugins get the original bytes and headers (they re-check the HMAC), as upstream does:
      // in memory, right after the answer. Durable handling is for in-process plugins.
      const fullName = payloadScope(delivery.body);
      const [org = '', repo = ''] = fullName.split('/');
      if (!fullName.includes('/') || !repoEnabled(org, repo)) return;
      const matching = matchExternalPlugins(externalPluginsOf(deps.snapshot().plugins), delivery.event, fullName);
      if (matching.length === 0) return;
      const p = demuxExternal(matching, delivery.payload, headers(), log.child({ delivery: delivery.id, event: delivery.event }), deps.external)
        .finally(() => forwards.delete(p));
      forwards.add(p);
    },
  });
  const webhookPath = deps.webhookPath ?? '/hook';
  const app = createHookApp({
    store: deps.store,
    secrets: deps.secrets,
    log,
    metrics,
    intake,
    webhookPath,
    pluginHelp: () =>
      generatePluginHelp(deps.plugins, deps.snapshot().plugins, {
        onExternalError: (plugin, err) => log.warn({ err, external_plugin: plugin }, 'external plugin help failed'),
      }),
  });

  await dispatcher.start();
  await externalForwarder?.start();
  // POST <webhook path> is served on the node:http objects (no web Request/Response per delivery); Hono
  // serves everything else.
  const main = await listen(app, { port: deps.port, host: deps.hostname, log, name: 'hook', front: webhookFront(intake, webhookPath) });

  const instrumentation = await startInstrumentation({
    healthPort: deps.healthPort,
    metricsPort: deps.metricsPort,
    hostname: deps.hostname,
    registry: metrics.registry,
    ready: () => ready,
    log,
  });
  const { healthPort, metricsPort } = instrumentation;
  ready = true;
  log.info({ port: main.port, health_port: healthPort, metrics_port: metricsPort, plugins: deps.plugins.length }, 'hook serving');

  let closing: Promise<void> | undefined;
  return {
    port: main.port,
    healthPort,
    metricsPort,
    url: main.url,
    metrics,
    dispatcher,
    ...(externalForwarder ? { externalForwarder } : {}),
    close() {
      closing ??= (async () => {
        ready = false;
        await main.close();
        const drained = Promise.all([dispatcher.close(), Promise.allSettled([...forwards]), externalForwarder?.close()]);
        const grace = deps.gracePeriodMs ?? 180_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          drained.then(() => false),
          new Promise<boolean>((r) => {
            timer = setTimeout(() => r(true), grace);
            timer.unref();
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) log.warn({ grace_period_ms: grace }, 'grace period over: in-flight deliveries stay claimed and are requeued at the next start');
        await instrumentation.close();
      })();
      return closing;
    },
  };
}

// Wiring shared by `prow jenkins-operator` and `prow up --jenkins-url`: the Jenkins client from upstream's
// flags (cmd/jenkins-operator/main.go), the Jenkins executor, and plank's loop over jobs of agent jenkins
// that match the operator's label selector, configured by its `jenkins_operators` entry.
import { readFileSync } from 'node:fs';
import type { ProwJob } from '../../api/prowjob.js';
import type { Config, JenkinsOperator, Plank } from '../../config/types.js';
import { parseLabelSelector } from '../../api/label-selector.js';
import type { BuildIdSource } from '../../controller/build-id.js';
import { createController, type Controller } from '../../controller/plank.js';
import { JenkinsClient } from '../../executor/jenkins/client.js';
import { createJenkinsExecutor } from '../../executor/jenkins/executor.js';
import type { Executor } from '../../executor/types.js';
import type { Logger } from '../../observability/logger.js';
import type { ProwJobInformer } from '../../store/informer.js';
import type { ProwJobStore } from '../../store/types.js';

export interface JenkinsFlags {
  jenkinsUrl: string;
  jenkinsUser: string;
  jenkinsTokenFile?: string;
  jenkinsBearerTokenFile?: string;
  csrfProtect?: boolean;
  certFile?: string;
  keyFile?: string;
  caCertFile?: string;
}

/** A secret file re-read on every use (upstream's secret agent reloads them), trimmed. */
function secretFile(path: string, what: string): () => string {
  const read = (): string => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new Error(`${what}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  read(); // fail at start-up, not at the first build
  return read;
}

export async function createJenkinsClient(f: JenkinsFlags, log: Logger): Promise<JenkinsClient> {
  let url: URL;
  try {
    url = new URL(f.jenkinsUrl);
  } catch {
    throw new Error(`--jenkins-url: ${JSON.stringify(f.jenkinsUrl)} is not a URL`);
  }
  if (f.jenkinsTokenFile && f.jenkinsBearerTokenFile) throw new Error('--jenkins-token-file and --jenkins-bearer-token-file are mutually exclusive');
  if ((f.certFile === undefined) !== (f.keyFile === undefined)) throw new Error('--cert-file and --key-file go together');
  const auth = f.jenkinsTokenFile
    ? { basic: { user: f.jenkinsUser, token: secretFile(f.jenkinsTokenFile, '--jenkins-token-file') } }
    : f.jenkinsBearerTokenFile ? { bearer: secretFile(f.jenkinsBearerTokenFile, '--jenkins-bearer-token-file') } : undefined;
  const pem = (p: string | undefined, flag: string): string | undefined => (p === undefined ? undefined : secretFile(p, flag)());
  const tls = { cert: pem(f.certFile, '--cert-file'), key: pem(f.keyFile, '--key-file'), ca: pem(f.caCertFile, '--ca-cert-file') };
  const client = new JenkinsClient({
    baseUrl: url.toString(),
    ...(auth ? { auth } : {}),
    csrfProtect: f.csrfProtect === true,
    ...(tls.cert || tls.ca ? { tls: { ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}), ...(tls.ca ? { ca: tls.ca } : {}) } } : {}),
    log,
  });
  await client.init();
  return client;
}

/**
 * This operator's `jenkins_operators` entry (upstream: the one whose label_selector is the operator's
 * --label-selector; a single entry has none), or undefined when the config has none for it.
 */
export function operatorEntry(config: Pick<Config, 'jenkins_operators'>, selector: string): JenkinsOperator | undefined {
  const ops = config.jenkins_operators ?? [];
  if (ops.length === 1 && !ops[0]?.label_selector) return ops[0];
  return ops.find((op) => (op.label_selector ?? '') === selector);
}

const views = new WeakMap<object, WeakMap<object, Config>>();

/**
 * The config plank's loop reads when it runs Jenkins jobs: the operator's job_url_template,
 * max_concurrency and max_goroutines in place of plank's; queue time counts against the running timeout
 * (Jenkins queues have no pending deadline upstream), and the operator's report templates.
 */
export function operatorConfigView(config: Config, selector: string): Config {
  const op = operatorEntry(config, selector);
  const key = op ?? config;
  let byOp = views.get(config);
  if (!byOp) {
    byOp = new WeakMap();
    views.set(config, byOp);
  }
  const cached = byOp.get(key);
  if (cached) return cached;
  const plank: Plank = {
    ...config.plank,
    job_url_template: op?.job_url_template ?? '',
    job_url_prefix_config: {},
    max_concurrency: op?.max_concurrency ?? 0,
    max_goroutines: op?.max_goroutines || 20,
    pod_pending_timeout: config.plank.pod_running_timeout,
    report_templates: op?.report_templates ?? {},
  };
  delete plank.report_template;
  const view = { ...config, plank };
  byOp.set(key, view);
  return view;
}

export interface JenkinsOperatorParts {
  executor: Executor;
  controller: Controller;
}

export function createJenkinsOperator(deps: {
  client: JenkinsClient;
  store: ProwJobStore;
  informer: ProwJobInformer;
  config: () => Config;
  selector: string;
  log: Logger;
  buildIdSource?: BuildIdSource;
  dryRun?: boolean;
  pollMs?: number;
}): JenkinsOperatorParts {
  const selector = parseLabelSelector(deps.selector); // throws LabelSelectorError naming the bad part
  const executor = createJenkinsExecutor({ client: deps.client, log: deps.log.child({ component: 'jenkins' }), ...(deps.pollMs ? { pollMs: deps.pollMs } : {}) });
  const controller = createController({
    store: deps.store,
    informer: deps.informer,
    executors: new Map([['jenkins', executor]]),
    accepts: (pj: ProwJob) => selector.matches(pj.metadata.labels),
    config: () => operatorConfigView(deps.config(), deps.selector),
    log: deps.log,
    ...(deps.buildIdSource ? { buildIdSource: deps.buildIdSource } : {}),
    dryRun: deps.dryRun === true,
  });
  return { executor, controller };
}

// Cluster access as upstream's pkg/kube/config.go LoadClusterConfigs and pkg/flagutil/kubernetes_cluster_clients.go:
// every context of every kubeconfig (--kubeconfig, plus each file of --kubeconfig-dir) becomes one client config
// named after the context (a build cluster's name), the in-cluster service account joins when running in a pod,
// and `default` aliases the infrastructure cluster unless a context already carries that name.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Upstream's kube.InClusterContext: the key of the pod's own service account config. */
export const IN_CLUSTER_CONTEXT = '';
/** Upstream's kube.DefaultClusterAlias: what a ProwJob without `cluster:` runs on. */
export const DEFAULT_CLUSTER_ALIAS = 'default';

export interface ClusterConfigOptions {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --kubeconfig-dir: every regular file in it (not starting with `..`, ending in the suffix) */
  kubeconfigDir?: string;
  /** --kubeconfig-suffix (needs --kubeconfig-dir) */
  kubeconfigSuffix?: string;
  /**
   * Use the pod's service account for the infrastructure cluster. Absent: when neither file nor directory is
   * given and KUBERNETES_SERVICE_HOST is set (running in a pod).
   */
  inCluster?: boolean;
}

export interface ClusterConfigs {
  /** Context name → a KubeConfig whose current context is that context. */
  clusters: Map<string, KubeConfig>;
  /** The context of the infrastructure cluster (where ProwJobs live): the kubeconfig's current-context, or `` in a pod. */
  defaultContext: string;
}

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

/** Loads the cluster configs; throws KubeconfigError naming the flag or file at fault. */
export function loadClusterConfigs(opts: ClusterConfigOptions): ClusterConfigs {
  validateOptions(opts);
  const candidates: string[] = [];
  if (opts.kubeconfig) candidates.push(opts.kubeconfig);
  if (opts.kubeconfigDir) candidates.push(...kubeconfigDirFiles(opts.kubeconfigDir, opts.kubeconfigSuffix ?? ''));

  const clusters = new Map<string, KubeConfig>();
  let currentContext = '';
  if (candidates.length > 0) {
    for (const file of candidates) {
      const loaded = loadKubeconfigFile(file);
      if (loaded.getCurrentContext()) currentContext = loaded.getCurrentContext();
      for (const [name, kc] of splitContexts(loaded, file)) {
        if (clusters.has(name)) {
          throw new KubeconfigError(`${file}: context ${JSON.stringify(name)} occurred more than once in the kubeconfigs`);
        }
        clusters.set(name, kc);
      }
    }
  }

  const inCluster = opts.inCluster ?? (candidates.length === 0 && Boolean(process.env['KUBERNETES_SERVICE_HOST']));
  if (!inCluster && candidates.length === 0) {
    // Upstream falls back to client-go's default loading rules: $KUBECONFIG, then ~/.kube/config.
    const loaded = loadDefaultKubeconfig();
    currentContext = loaded.kc.getCurrentContext();
    for (const [name, kc] of splitContexts(loaded.kc, loaded.source)) clusters.set(name, kc);
  }

  let defaultContext: string;
  if (inCluster) {
    if (!process.env['KUBERNETES_SERVICE_HOST'] || !process.env['KUBERNETES_SERVICE_PORT']) {
      throw new KubeconfigError('in-cluster config: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT are not set');
    }
    const local = new KubeConfig();
    local.loadFromCluster();
    clusters.set(IN_CLUSTER_CONTEXT, local);
    defaultContext = IN_CLUSTER_CONTEXT;
  } else {
    if (!currentContext) {
      throw new KubeconfigError('no prow cluster access: the kubeconfig has no current-context (set one, or run in a pod)');
    }
    if (!clusters.has(currentContext)) {
      throw new KubeconfigError(`current-context ${JSON.stringify(currentContext)} names no context in the kubeconfigs`);
    }
    defaultContext = currentContext;
  }
  if (!clusters.has(DEFAULT_CLUSTER_ALIAS)) clusters.set(DEFAULT_CLUSTER_ALIAS, clusters.get(defaultContext)!);
  return { clusters, defaultContext };
}

/** The config of one build cluster (a ProwJob's `cluster:`; empty means `default`). */
export function clusterKubeConfig(clusters: Map<string, KubeConfig>, name: string): KubeConfig {
  const key = name || DEFAULT_CLUSTER_ALIAS;
  const kc = clusters.get(key);
  if (!kc) {
    const known = [...clusters.keys()].filter((k) => k !== IN_CLUSTER_CONTEXT).sort();
    throw new KubeconfigError(`cluster ${JSON.stringify(key)} has no kubeconfig context (known: ${known.join(', ') || 'none'})`);
  }
  return kc;
}

function validateOptions(opts: ClusterConfigOptions): void {
  if (opts.kubeconfig !== undefined && opts.kubeconfig !== '' && !existsSync(opts.kubeconfig)) {
    throw new KubeconfigError(`--kubeconfig ${opts.kubeconfig}: no such file`);
  }
  if (opts.kubeconfigDir) {
    if (!existsSync(opts.kubeconfigDir)) throw new KubeconfigError(`--kubeconfig-dir ${opts.kubeconfigDir}: no such directory`);
    if (!statSync(opts.kubeconfigDir).isDirectory()) {
      throw new KubeconfigError(`--kubeconfig-dir ${opts.kubeconfigDir}: must be a directory`);
    }
  }
  if (opts.kubeconfigSuffix && !opts.kubeconfigDir) {
    throw new KubeconfigError('--kubeconfig-dir must be set if --kubeconfig-suffix is set');
  }
}

function kubeconfigDirFiles(dir: string, suffix: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // A mounted Secret keeps its data under `..data` symlinks: skip those, as upstream does.
    if (entry.name.startsWith('..')) continue;
    const path = join(dir, entry.name);
    if (!statSync(path).isFile()) continue;
    if (!entry.name.endsWith(suffix)) continue;
    files.push(path);
  }
  return files;
}

function loadKubeconfigFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new KubeconfigError(`${file}: cannot load kubeconfig: ${(err as Error).message}`, { cause: err });
  }
  return kc;
}

function loadDefaultKubeconfig(): { kc: KubeConfig; source: string } {
  const env = process.env['KUBECONFIG'];
  const files = env ? env.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) {
    throw new KubeconfigError(
      'no prow cluster access: pass --kubeconfig or --kubeconfig-dir, set KUBECONFIG, or run in a pod (KUBERNETES_SERVICE_HOST)',
    );
  }
  const kc = new KubeConfig();
  for (const file of present) {
    const one = loadKubeconfigFile(file);
    if (kc.getContexts().length === 0 && !kc.getCurrentContext()) kc.loadFromOptions(optionsOf(one, one.getCurrentContext()));
    else kc.mergeConfig(one, true);
  }
  return { kc, source: present.join(delimiter) };
}

function splitContexts(kc: KubeConfig, source: string): Map<string, KubeConfig> {
  const out = new Map<string, KubeConfig>();
  for (const ctx of kc.getContexts()) {
    if (!kc.getCluster(ctx.cluster)) {
      throw new KubeconfigError(`${source}: context ${JSON.stringify(ctx.name)} names unknown cluster ${JSON.stringify(ctx.cluster)}`);
    }
    const one = new KubeConfig();
    one.loadFromOptions(optionsOf(kc, ctx.name));
    out.set(ctx.name, one);
  }
  return out;
}

function optionsOf(kc: KubeConfig, currentContext: string): object {
  return { clusters: kc.getClusters().map(allowPlainHttp), users: kc.getUsers(), contexts: kc.getContexts(), currentContext };
}

/**
 * @kubernetes/client-node refuses an `http://` server unless the cluster says insecure-skip-tls-verify; kubectl
 * (client-go) just talks plain HTTP to it. There is no TLS to verify, so the flag changes nothing else.
 */
function allowPlainHttp<C extends { server: string; skipTLSVerify?: boolean }>(cluster: C): C {
  return cluster.server.startsWith('http:') && !cluster.skipTLSVerify ? { ...cluster, skipTLSVerify: true } : cluster;
}

/** A KubeConfig from kubeconfig YAML text, current context as written (plain-HTTP servers allowed, as kubectl). */
export function kubeConfigFromString(text: string): KubeConfig {
  const raw = new KubeConfig();
  raw.loadFromString(text);
  const kc = new KubeConfig();
  kc.loadFromOptions(optionsOf(raw, raw.getCurrentContext()));
  return kc;
}

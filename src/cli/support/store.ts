// `--store sqlite|kubernetes` and upstream's kubeconfig flags (pkg/flagutil/kubernetes_cluster_clients.go),
// one way for every component: where ProwJobs live, and the clusters a kubeconfig names. The webhook queue and
// tot's counters stay in SQLite in every mode (`<data-dir>/prow.db`); only ProwJobs move to the CRD.
import { Command, Option } from 'commander';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterConfigs } from '../../kube/client/kubeconfig.js';
import type { Logger } from '../../observability/logger.js';
import type { KubernetesProwJobStore } from '../../store/kubernetes/store.js';
import { openSqliteStore, storePath, type SqliteStore } from '../../store/sqlite/store.js';
import type { ProwJobStore } from '../../store/types.js';

export type StoreKind = 'sqlite' | 'kubernetes';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'kubernetes'];

/** A store or kubeconfig flag combination that cannot work: `prow` prints the message and exits 1. */
export class StoreFlagError extends Error {
  override readonly name = 'StoreFlagError';
}

export interface StoreFlags {
  store: StoreKind;
  kubeconfig?: string;
  kubeconfigDir?: string;
  kubeconfigSuffix?: string;
}

/** Adds --store, --kubeconfig, --kubeconfig-dir and --kubeconfig-suffix to a component's command. */
export function addStoreOptions(command: Command): Command {
  return command
    .addOption(new Option('--store <kind>', 'where ProwJobs live: sqlite (<data-dir>/prow.db) or kubernetes (the prow.k8s.io ProwJob CRD in prowjob_namespace)')
      .choices(STORE_KINDS).default('sqlite'))
    .option('--kubeconfig <file>', 'kubeconfig: its current context is the cluster ProwJobs live in (--store kubernetes); every context is a build cluster. Neither this nor --kubeconfig-dir: the in-cluster service account')
    .option('--kubeconfig-dir <dir>', 'directory of kubeconfig files, all contexts merged (upstream layout: one Secret per build cluster)')
    .option('--kubeconfig-suffix <suffix>', 'with --kubeconfig-dir: only files ending in this');
}

export interface ProwJobBackend {
  kind: StoreKind;
  prowjobs: ProwJobStore;
  /** The SQLite file in the data directory: ProwJobs in sqlite mode; the webhook queue and counters in both. */
  sqlite(): SqliteStore;
  /** kubernetes mode: the ProwJob CRD store. */
  kubernetes?: KubernetesProwJobStore;
  /** kubernetes mode (or kubeconfig flags given): every context, and the infrastructure cluster's config. */
  clusters?: ClusterConfigs;
  infrastructure?: KubeConfig;
  close(): Promise<void>;
}

export interface OpenBackendOptions {
  dataDir: string;
  /** config.yaml's prowjob_namespace (the CRD store's namespace, and the leases'). */
  namespace: string;
  log: Logger;
  /** This component also uses the kubeconfig for build clusters (so kubeconfig flags make sense with sqlite). */
  buildClusters?: boolean;
}

/** Checks the flag combination; throws a StoreFlagError naming the flag. */
export function validateStoreFlags(flags: StoreFlags, options: { buildClusters?: boolean } = {}): void {
  if (!STORE_KINDS.includes(flags.store)) throw new StoreFlagError(`--store ${String(flags.store)}: want sqlite or kubernetes`);
  const kubeFlag = flags.kubeconfig ? '--kubeconfig' : flags.kubeconfigDir ? '--kubeconfig-dir' : flags.kubeconfigSuffix ? '--kubeconfig-suffix' : undefined;
  if (flags.store === 'sqlite' && kubeFlag && !options.buildClusters) {
    throw new StoreFlagError(`${kubeFlag} is only used with --store kubernetes (this component talks to no build cluster)`);
  }
}

/**
 * Opens the chosen ProwJob store (and the SQLite file lazily: a kubernetes-mode component may never need it).
 * The Kubernetes client is loaded only when used: it costs every other `prow` command half a CPU-second.
 */
export async function openProwJobBackend(flags: StoreFlags, options: OpenBackendOptions): Promise<ProwJobBackend> {
  validateStoreFlags(flags, options);
  const { log } = options;
  let sqlite: SqliteStore | undefined;
  const openSqlite = (): SqliteStore => (sqlite ??= openSqliteStore(storePath(options.dataDir), { log }));
  const wantsClusters = flags.store === 'kubernetes' || Boolean(flags.kubeconfig || flags.kubeconfigDir);
  let clusters: ClusterConfigs | undefined;
  if (wantsClusters) {
    const { KubeconfigError, loadClusterConfigs } = await import('../../kube/client/kubeconfig.js');
    try {
      clusters = loadClusterConfigs({
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        ...(flags.kubeconfigDir ? { kubeconfigDir: flags.kubeconfigDir } : {}),
        ...(flags.kubeconfigSuffix ? { kubeconfigSuffix: flags.kubeconfigSuffix } : {}),
      });
    } catch (err) {
      if (err instanceof KubeconfigError) throw new StoreFlagError(err.message, { cause: err });
      throw err;
    }
  }
  const infrastructure = clusters ? clusters.clusters.get(clusters.defaultContext) : undefined;
  if (flags.store === 'kubernetes') {
    const { openKubernetesStore } = await import('../../store/kubernetes/store.js');
    const kube = openKubernetesStore({ kubeconfig: infrastructure!, namespace: options.namespace, log: log.child({ store: 'kubernetes' }) });
    log.info({ store: 'kubernetes', namespace: options.namespace, server: infrastructure!.getCurrentCluster()?.server }, 'prowjob store');
    return {
      kind: 'kubernetes',
      prowjobs: kube,
      sqlite: openSqlite,
      kubernetes: kube,
      ...(clusters ? { clusters } : {}),
      ...(infrastructure ? { infrastructure } : {}),
      async close() {
        await kube.close();
        await sqlite?.close();
      },
    };
  }
  const store = openSqlite();
  return {
    kind: 'sqlite',
    prowjobs: store,
    sqlite: openSqlite,
    ...(clusters ? { clusters } : {}),
    ...(infrastructure ? { infrastructure } : {}),
    close: () => store.close(),
  };
}

// The Kubernetes executor (agent `kubernetes`): a ProwJob runs as the pod pod-spec.ts builds, named after
// the ProwJob, in `pod_namespace` of its build cluster (`spec.cluster`, a kubeconfig context; `default`
// when unset). Status comes from one pod watch per build cluster (pod-cache.ts), mapped as upstream's
// plank reads pods (pod-status.ts); abort and cleanup delete the pod; the live log is the pod log API.
import type { KubeConfig } from '@kubernetes/client-node';
import { PLANK_VERSION_LABEL } from '../../api/labels.js';
import type { ProwJob } from '../../api/prowjob.js';
import { TerminalError } from '../../api/terminal-error.js';
import type { Logger } from '../../observability/logger.js';
import type { Executor, ExecutorStatus, RunInfo, RunRef, StartContext } from '../types.js';
import { isAlreadyExists, isNotFound, isRequestError, kubeJson } from './kube-http.js';
import { startPodCache, type CachedPod, type PodCache } from './pod-cache.js';
import { createPodLogs } from './pod-logs.js';
import { PodSpecError, prowJobToPod, TEST_CONTAINER_NAME } from './pod-spec.js';
import { podProwJobName, podToStatus, rfc3339 } from './pod-status.js';

export const DEFAULT_CLUSTER = 'default';

export interface KubernetesExecutorOptions {
  /** Build clusters by name (kubeconfig contexts, `default` among them): src/kube/client/kubeconfig.ts. */
  clusters: ReadonlyMap<string, KubeConfig>;
  /** config.pod_namespace of the current snapshot. */
  podNamespace: () => string;
  log: Logger;
  /** Value of the prow.k8s.io/plank-version label on created pods; no label when absent. */
  plankVersion?: string;
}

/** The container whose log and exit code are the job's: `test` for one container, else the first one's name. */
function testContainerOf(pj: ProwJob): string {
  const containers = pj.spec.pod_spec?.containers ?? [];
  return containers.length === 1 ? TEST_CONTAINER_NAME : (containers[0]?.name ?? TEST_CONTAINER_NAME);
}

function clusterAlias(pj: ProwJob): string {
  return pj.spec.cluster || DEFAULT_CLUSTER;
}

export function createKubernetesExecutor(o: KubernetesExecutorOptions): Executor {
  const log = o.log.child({ executor: 'kubernetes' });
  const caches = new Map<string, PodCache>();
  const listeners = new Set<(name: string) => void>();
  /** `cluster/namespace/pod` of pods this process asked to delete, until the watch sees them go. */
  const deletedByUs = new Set<string>();
  let closed = false;

  const podsPath = (ns: string): string => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
  const podPath = (ns: string, name: string): string => `${podsPath(ns)}/${encodeURIComponent(name)}`;
  const key = (cluster: string, ns: string, name: string): string => `${cluster}/${ns}/${name}`;

  function kubeConfigFor(cluster: string): KubeConfig | undefined {
    return o.clusters.get(cluster);
  }

  function cacheFor(cluster: string, kc: KubeConfig, ns: string): PodCache {
    const k = `${cluster}/${ns}`;
    let cache = caches.get(k);
    if (!cache) {
      cache = startPodCache({
        kc, cluster, namespace: ns, log,
        onEvent(event, pod) {
          if (event === 'delete') {
            deletedByUs.delete(key(cluster, ns, pod.metadata.name));
            logs.forget(pod.metadata.name);
          }
          const name = podProwJobName(pod);
          for (const l of listeners) l(name);
        },
      });
      caches.set(k, cache);
    }
    return cache;
  }

  async function syncedCache(cluster: string, kc: KubeConfig, ns: string): Promise<PodCache> {
    const cache = cacheFor(cluster, kc, ns);
    try {
      await cache.synced();
    } catch (err) {
      throw new Error(`cannot list pods in namespace ${ns} of build cluster ${cluster}: ${(err as Error).message}`, { cause: err });
    }
    return cache;
  }

  const logs = createPodLogs({
    log,
    async target(pj) {
      const cluster = clusterAlias(pj);
      const kc = kubeConfigFor(cluster);
      if (!kc) return undefined;
      const ns = o.podNamespace();
      let pod: CachedPod | undefined;
      try {
        pod = (await syncedCache(cluster, kc, ns)).get(pj.metadata.name);
      } catch (err) {
        log.debug({ err, prowjob: pj.metadata.name }, 'no pod cache for the live log');
        return undefined;
      }
      // Only pods of this run: a log of an earlier build of the same ProwJob (a revived pod) is not this one's.
      if (!pod || (pj.status.build_id && pod.metadata.labels?.['prow.k8s.io/build-id'] && pod.metadata.labels['prow.k8s.io/build-id'] !== pj.status.build_id)) return undefined;
      return { kc, namespace: ns, pod: pj.metadata.name, container: testContainerOf(pj) };
    },
  });

  async function deletePod(cluster: string, name: string): Promise<void> {
    const kc = kubeConfigFor(cluster);
    if (!kc) throw new Error(`no build client found for cluster ${JSON.stringify(cluster)}`);
    const ns = o.podNamespace();
    deletedByUs.add(key(cluster, ns, name));
    try {
      await kubeJson(kc, { method: 'DELETE', path: podPath(ns, name) });
      log.info({ cluster, namespace: ns, pod: name }, 'deleted pod');
    } catch (err) {
      if (!isNotFound(err)) {
        deletedByUs.delete(key(cluster, ns, name));
        throw err;
      }
    }
    logs.forget(name);
  }

  return {
    async start(pj: ProwJob, ctx: StartContext): Promise<void> {
      const cluster = clusterAlias(pj);
      const kc = kubeConfigFor(cluster);
      if (!kc) throw new TerminalError(pj.metadata.name, `unknown cluster alias ${JSON.stringify(cluster)}`);
      const ns = o.podNamespace();
      const withBuild: ProwJob = { ...pj, status: { ...pj.status, build_id: ctx.buildId } };
      let pod;
      try {
        pod = prowJobToPod(withBuild);
      } catch (err) {
        if (err instanceof PodSpecError) throw new TerminalError(pj.metadata.name, err.message, { cause: err });
        throw err;
      }
      if (o.plankVersion) pod.metadata.labels[PLANK_VERSION_LABEL] = o.plankVersion;
      const body = { apiVersion: 'v1', kind: 'Pod', ...pod, metadata: { ...pod.metadata, namespace: ns } };
      const cache = cacheFor(cluster, kc, ns);
      const k = key(cluster, ns, pj.metadata.name);
      try {
        const created = await kubeJson<CachedPod>(kc, { method: 'POST', path: podsPath(ns), body });
        deletedByUs.delete(k);
        cache.noteCreated(created);
        log.info({ prowjob: pj.metadata.name, cluster, namespace: ns, build_id: ctx.buildId }, 'created pod');
      } catch (err) {
        if (isAlreadyExists(err)) {
          // Started before (a crash between create and the status write): the pod is the run, unless it is on its way out.
          if (deletedByUs.has(k)) throw new Error(`pod ${ns}/${pj.metadata.name} in cluster ${cluster} is still being deleted; starting again later`, { cause: err });
          const existing = await kubeJson<CachedPod>(kc, { path: podPath(ns, pj.metadata.name) });
          if (rfc3339(existing.metadata.deletionTimestamp)) {
            throw new Error(`pod ${ns}/${pj.metadata.name} in cluster ${cluster} is still terminating; starting again later`, { cause: err });
          }
          cache.noteCreated(existing);
          return;
        }
        if (isRequestError(err)) {
          throw new TerminalError(pj.metadata.name, `create pod ${ns}/${pj.metadata.name} in cluster ${cluster}: ${(err as Error).message}`, { cause: err });
        }
        throw err;
      }
    },

    async status(pj: ProwJob): Promise<ExecutorStatus> {
      const cluster = clusterAlias(pj);
      const kc = kubeConfigFor(cluster);
      if (!kc) throw new TerminalError(pj.metadata.name, `no build client found for cluster ${JSON.stringify(cluster)}`);
      const ns = o.podNamespace();
      const cache = await syncedCache(cluster, kc, ns);
      const pod = cache.get(pj.metadata.name);
      if (!pod) return { phase: 'missing' };
      // A pod we asked to delete (a revival) is as good as gone, even before its deletion shows in the watch:
      // reading it again would count the same eviction twice. The next run starts once it has left.
      if (deletedByUs.has(key(cluster, ns, pj.metadata.name))) return { phase: 'missing' };
      return podToStatus(pod, { testContainer: testContainerOf(pj) });
    },

    async abort(pj: ProwJob): Promise<void> {
      const cluster = clusterAlias(pj);
      if (!kubeConfigFor(cluster)) throw new TerminalError(pj.metadata.name, `no build client available for cluster ${cluster}`);
      await deletePod(cluster, pj.metadata.name);
    },

    logs,

    async cleanup(run: RunRef): Promise<void> {
      await deletePod(run.cluster || DEFAULT_CLUSTER, run.name);
    },

    async listRuns(): Promise<RunInfo[]> {
      const ns = o.podNamespace();
      const seen = new Set<KubeConfig>();
      const names = [...o.clusters.keys()].sort((a, b) => (a === DEFAULT_CLUSTER ? -1 : b === DEFAULT_CLUSTER ? 1 : a.localeCompare(b)));
      const runs: RunInfo[] = [];
      for (const cluster of names) {
        const kc = o.clusters.get(cluster)!;
        if (seen.has(kc)) continue; // `default` aliases another context: one cluster, listed once
        seen.add(kc);
        const cache = await syncedCache(cluster, kc, ns);
        for (const pod of cache.list()) {
          runs.push({ ...podToStatus(pod), name: podProwJobName(pod), cluster, externalId: pod.metadata.name });
        }
      }
      return runs;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      logs.close();
      await Promise.all([...caches.values()].map((c) => c.close()));
      caches.clear();
    },
  };
}

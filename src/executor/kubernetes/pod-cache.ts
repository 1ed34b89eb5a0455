// One list+watch of the pods Prow created (label created-by-prow=true) in one namespace of one build
// cluster: what the executor reads instead of a GET per job per sync (upstream plank reads pods through
// controller-runtime's cache the same way). Relists after 410 Gone (client-node's ListWatch) and starts
// again with back-off after any other watch error. A pod we just created is visible at once, before its
// watch event arrives, so the next sync never takes it for missing.
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { CREATED_BY_PROW_LABEL } from '../../api/labels.js';
import type { Logger } from '../../observability/logger.js';
import { kubeJson } from './kube-http.js';
import type { PodLike } from './pod-status.js';

export type CachedPod = PodLike & KubernetesObject & { metadata: { name: string; namespace?: string; resourceVersion?: string } };

export type PodEvent = 'add' | 'update' | 'delete';

const SELECTOR = `${CREATED_BY_PROW_LABEL}=true`;
const RESTART_DELAYS_MS = [500, 1000, 2000, 5000, 10_000, 30_000];
const JUST_CREATED_TTL_MS = 60_000;

export interface PodCache {
  /** Resolves once a list has landed; until then rejects with the error of the next failed attempt (the cache keeps retrying). */
  synced(): Promise<void>;
  get(name: string): CachedPod | undefined;
  list(): CachedPod[];
  /** A pod this process created (or found) a moment ago, until the watch reports it. */
  noteCreated(pod: CachedPod): void;
  close(): Promise<void>;
}

export interface PodCacheOptions {
  kc: KubeConfig;
  cluster: string;
  namespace: string;
  log: Logger;
  onEvent: (event: PodEvent, pod: CachedPod) => void;
}

export function startPodCache(o: PodCacheOptions): PodCache {
  const path = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods`;
  const justCreated = new Map<string, { pod: CachedPod; at: number }>();
  let closed = false;
  let failures = 0;
  /** Callers waiting for the first list: resolved when one lands, rejected when an attempt fails (they retry later). */
  let waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let syncedOnce = false;
  const settleWaiters = (err?: unknown): void => {
    const now = waiters;
    waiters = [];
    for (const w of now) if (err === undefined) w.resolve(); else w.reject(err);
  };

  const listFn = async () => {
    const list = await kubeJson<{ items: CachedPod[]; metadata?: { resourceVersion?: string } }>(o.kc, { path, query: { labelSelector: SELECTOR } });
    for (const pod of list.items ?? []) {
      pod.apiVersion ??= 'v1';
      pod.kind ??= 'Pod';
    }
    return { apiVersion: 'v1', kind: 'PodList', items: list.items ?? [], metadata: list.metadata ?? {} };
  };
  const informer = new ListWatch<CachedPod>(path, new Watch(o.kc), async () => {
    try {
      const list = await listFn();
      failures = 0;
      syncedOnce = true;
      settleWaiters();
      return list;
    } catch (err) {
      settleWaiters(err);
      throw err;
    }
  }, false, SELECTOR);

  const forget = (pod: CachedPod): void => { justCreated.delete(pod.metadata.name); };
  informer.on('add', (pod) => { forget(pod); o.onEvent('add', pod); });
  informer.on('update', (pod) => { forget(pod); o.onEvent('update', pod); });
  informer.on('delete', (pod) => { forget(pod); o.onEvent('delete', pod); });
  informer.on('error', (err: unknown) => {
    if (closed) return;
    const delay = RESTART_DELAYS_MS[Math.min(failures, RESTART_DELAYS_MS.length - 1)]!;
    failures += 1;
    o.log.warn({ err, cluster: o.cluster, namespace: o.namespace, retry_ms: delay }, 'pod watch failed, starting again');
    setTimeout(() => { if (!closed) starting = informer.start(); }, delay).unref();
  });
  // client-node's ListWatch assigns its watch request only once start() has connected: a stop() before that
  // would leave the watch running, so close() waits for the start in flight.
  let starting: Promise<void> = informer.start();

  function fresh(name: string): CachedPod | undefined {
    const entry = justCreated.get(name);
    if (!entry) return undefined;
    if (Date.now() - entry.at > JUST_CREATED_TTL_MS) {
      justCreated.delete(name);
      return undefined;
    }
    return entry.pod;
  }

  return {
    synced: () => (syncedOnce ? Promise.resolve() : new Promise<void>((resolve, reject) => { waiters.push({ resolve, reject }); })),
    get: (name) => informer.get(name, o.namespace) ?? fresh(name),
    list() {
      const seen = informer.list(o.namespace);
      const names = new Set(seen.map((p) => p.metadata.name));
      return [...seen, ...[...justCreated.keys()].filter((n) => !names.has(n)).map((n) => fresh(n)).filter((p): p is CachedPod => p !== undefined)];
    },
    noteCreated(pod) {
      if (!informer.get(pod.metadata.name, o.namespace)) justCreated.set(pod.metadata.name, { pod, at: Date.now() });
    },
    async close() {
      closed = true;
      settleWaiters(new Error(`pod cache of ${o.cluster}/${o.namespace} closed`));
      await starting.catch(() => undefined);
      await informer.stop();
    },
  };
}

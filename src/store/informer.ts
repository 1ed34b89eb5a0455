// The informer every controller reads ProwJobs from (client-go's shared informer, tools/cache/shared_informer.go):
// list, then watch from the list's resourceVersion; when the watch says `expired`, list again and carry on;
// every resync period hand every cached job to the handlers again, so level-based consumers re-check what
// no event touched. Its cache may lag the store: read a job from the store (getProwJob) before writing it.
import type { ProwJob } from '../api/prowjob.js';
import type { Logger } from '../observability/logger.js';
import { matchesLabels } from './prowjob-fields.js';
import { indexKey, PROWJOB_INDEXES, type ProwJobIndex } from './prowjob-indexes.js';
import type { LabelSelector, ProwJobStore, Watch, WatchEvent } from './types.js';

export interface InformerHandler {
  onAdd?(pj: ProwJob): void;
  /** Also called with old === new on every resync. */
  onUpdate?(old: ProwJob, pj: ProwJob): void;
  /** The last state the informer knew. */
  onDelete?(pj: ProwJob): void;
}

export interface ProwJobInformerOptions {
  log: Logger;
  /** Re-deliver every cached job as an update this often (default 0: never). */
  resyncPeriodMs?: number;
  /** Only jobs with these labels. */
  labels?: LabelSelector;
  /** First wait before listing again after a failed list (doubles up to 30 s; default 500 ms). */
  relistBackoffMs?: number;
}

/**
 * Jobs handed out are the cache's own objects: read them, never change them (structuredClone first), as
 * with client-go's listers.
 */
export interface ProwJobInformer {
  /** Lists, starts watching, and resolves once the cache holds the first list (rejects if that list fails). */
  start(): Promise<void>;
  hasSynced(): boolean;
  /** The resourceVersion of the last list, event or bookmark it has read (opaque: compare for equality only). */
  resourceVersion(): string | undefined;
  get(name: string): ProwJob | undefined;
  /** Every cached job (sorted by name), or those with these labels. */
  list(selector?: LabelSelector): ProwJob[];
  /** Live (not complete) jobs with this key in the index, sorted by name. */
  byIndex(index: ProwJobIndex, key: string): ProwJob[];
  /** A handler added after start first gets onAdd for every cached job. Returns the unsubscribe. */
  addHandler(handler: InformerHandler): () => void;
  close(): void;
}

const MAX_BACKOFF_MS = 30_000;

export function createProwJobInformer(store: ProwJobStore, options: ProwJobInformerOptions): ProwJobInformer {
  const log = options.log;
  const cache = new Map<string, ProwJob>();
  const indexes = new Map<ProwJobIndex, Map<string, Set<string>>>(PROWJOB_INDEXES.map((i) => [i, new Map()]));
  const handlers = new Set<InformerHandler>();
  let synced = false;
  let closed = false;
  let rv: string | undefined;
  let watch: Watch | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let relistTimer: NodeJS.Timeout | undefined;
  let starting: Promise<void> | undefined;

  function notify(call: (h: InformerHandler) => void, pj: ProwJob, what: string): void {
    for (const h of [...handlers]) {
      try {
        call(h);
      } catch (err) {
        log.error({ err, prowjob: pj.metadata.name, event: what }, 'informer handler threw');
      }
    }
  }

  function setIndexes(pj: ProwJob, add: boolean): void {
    const name = pj.metadata.name;
    for (const [index, keys] of indexes) {
      const key = indexKey(index, pj);
      if (key === undefined) continue;
      let names = keys.get(key);
      if (add) {
        if (!names) keys.set(key, (names = new Set()));
        names.add(name);
      } else if (names) {
        names.delete(name);
        if (names.size === 0) keys.delete(key);
      }
    }
  }

  function put(pj: ProwJob): ProwJob | undefined {
    const name = pj.metadata.name;
    const old = cache.get(name);
    if (old) setIndexes(old, false);
    cache.set(name, pj);
    setIndexes(pj, true);
    return old;
  }

  function remove(name: string): ProwJob | undefined {
    const old = cache.get(name);
    if (!old) return undefined;
    setIndexes(old, false);
    cache.delete(name);
    return old;
  }

  function upsert(pj: ProwJob): void {
    const old = put(pj);
    if (old) notify((h) => h.onUpdate?.(old, pj), pj, 'update');
    else notify((h) => h.onAdd?.(pj), pj, 'add');
  }

  function onEvent(event: WatchEvent): void {
    if (closed) return;
    switch (event.type) {
      case 'added':
      case 'modified':
        rv = event.prowjob.metadata.resourceVersion ?? rv;
        upsert(event.prowjob);
        return;
      case 'deleted': {
        rv = event.prowjob.metadata.resourceVersion ?? rv;
        const old = remove(event.prowjob.metadata.name);
        notify((h) => h.onDelete?.(old ?? event.prowjob), event.prowjob, 'delete');
        return;
      }
      case 'bookmark':
        rv = event.resourceVersion;
        return;
      case 'expired':
        log.info({ resource_version: rv }, 'watch expired: listing again');
        watch?.close();
        watch = undefined;
        void relist(options.relistBackoffMs ?? 500);
        return;
    }
  }

  /** Replaces the cache with a fresh list, telling handlers what changed, and watches from there. */
  async function listAndWatch(): Promise<void> {
    const list = await store.listProwJobs(options.labels ? { labels: options.labels } : {});
    if (closed) return;
    const seen = new Set<string>();
    for (const pj of list.items) {
      seen.add(pj.metadata.name);
      const old = cache.get(pj.metadata.name);
      if (old && old.metadata.resourceVersion === pj.metadata.resourceVersion) continue;
      upsert(pj);
    }
    for (const name of [...cache.keys()]) {
      if (seen.has(name)) continue;
      const old = remove(name)!;
      notify((h) => h.onDelete?.(old), old, 'delete');
    }
    rv = list.resourceVersion;
    synced = true;
    watch = store.watchProwJobs({ resourceVersion: list.resourceVersion, allowBookmarks: true, ...(options.labels ? { labels: options.labels } : {}) }, onEvent);
  }

  async function relist(backoffMs: number): Promise<void> {
    if (closed) return;
    try {
      await listAndWatch();
    } catch (err) {
      if (closed) return;
      log.warn({ err, retry_ms: backoffMs }, 'informer list failed');
      relistTimer = setTimeout(() => {
        relistTimer = undefined;
        void relist(Math.min(backoffMs * 2, MAX_BACKOFF_MS));
      }, backoffMs);
      relistTimer.unref();
    }
  }

  function resync(): void {
    for (const pj of [...cache.values()]) {
      if (cache.get(pj.metadata.name) !== pj) continue; // changed by a handler's doing meanwhile
      notify((h) => h.onUpdate?.(pj, pj), pj, 'resync');
    }
  }

  const sortByName = (jobs: ProwJob[]): ProwJob[] => jobs.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));

  return {
    start() {
      starting ??= listAndWatch().then(() => {
        const period = options.resyncPeriodMs ?? 0;
        if (period > 0 && !closed) {
          resyncTimer = setInterval(resync, period);
          resyncTimer.unref();
        }
      });
      return starting;
    },
    hasSynced: () => synced,
    resourceVersion: () => rv,
    get: (name) => cache.get(name),
    list(selector) {
      const all = [...cache.values()];
      return sortByName(selector ? all.filter((pj) => matchesLabels(pj, selector)) : all);
    },
    byIndex(index, key) {
      const names = indexes.get(index)?.get(key);
      return names ? sortByName([...names].map((n) => cache.get(n)!)) : [];
    },
    addHandler(handler) {
      handlers.add(handler);
      for (const pj of [...cache.values()]) {
        try {
          handler.onAdd?.(pj);
        } catch (err) {
          log.error({ err, prowjob: pj.metadata.name, event: 'add' }, 'informer handler threw');
        }
      }
      return () => {
        handlers.delete(handler);
      };
    },
    close() {
      closed = true;
      watch?.close();
      watch = undefined;
      if (resyncTimer) clearInterval(resyncTimer);
      if (relistTimer) clearTimeout(relistTimer);
      handlers.clear();
    },
  };
}

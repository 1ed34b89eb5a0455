// The informer every controller reads ProwJobs from (client-go's shared informer, tools/cache/shared_informer.go):
// list, then watch from the list's resourceVersion; when the watch says `expired`, list again and carry on;
// every resync period hand every cached job to the handlers again, so level-based consumers re-check what
// no event touched. Its cache may lag the store: a write from a cached copy carries that copy's resourceVersion
// and fails with a conflict when someone else wrote since (then read the store and apply the change again).
// Passes over every cached job (the first list, a relist, a resync, a handler added late) run in slices of
// a few milliseconds, letting the event loop serve other work between them: with 50,000 jobs one
// synchronous pass would stall a process for hundreds of milliseconds.
import type { ProwJob } from '../api/prowjob.js';
import { timeSliced } from '../api/time-slice.js';
import type { Logger } from '../observability/logger.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import { matchesLabels } from './query-columns.js';
import { indexKey, PROWJOB_INDEXES, type ProwJobIndex } from './prowjob-indexes.js';
import type { LabelSelector, ProwJobStore, Watch, WatchEvent } from './types.js';

export interface InformerHandler {
  onAdd?(pj: ProwJob): void;
  /**
   * Also called with old === new on every resync. `ownWrite`: this is the watch's echo of a version handed
   * to recordWrite (a controller that already acted on that version may skip it).
   */
  onUpdate?(old: ProwJob, pj: ProwJob, info: { ownWrite: boolean }): void;
  /** The last state the watch gave. */
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
  /** How long a recorded write is shown without its watch echo (default 60 s). */
  assumeTtlMs?: number;
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
  /**
   * A job this process has just written or read from the store (call it as soon as the write or read
   * resolves: the store is never behind the watch): reads (get, list, byIndex)
   * show it at once, until the watch delivers that resourceVersion. The watch is in commit order, so every
   * event for the job before that one is older and leaves the reads alone. Handlers still hear exactly the
   * watch's events. client-go's MutationCache, without ordering resourceVersions; a write whose echo never
   * comes is forgotten after `assumeTtlMs` or at the next relist.
   */
  recordWrite(pj: ProwJob): void;
  /** A handler added after start first gets onAdd for every cached job. Returns the unsubscribe. */
  addHandler(handler: InformerHandler): () => void;
  close(): void;
}

const MAX_BACKOFF_MS = 30_000;
export function createProwJobInformer(store: ProwJobStore, options: ProwJobInformerOptions): ProwJobInformer {
  const log = options.log;
  /** What the watch (and the lists) said: what handlers hear about. */
  const watched = new Map<string, ProwJob>();
  /** Recorded writes the watch has not echoed yet: what reads show instead. */
  const assumed = new Map<string, { pj: ProwJob; at: number }>();
  /** Over what reads show. */
  const indexes = new Map<ProwJobIndex, Map<string, Set<string>>>(PROWJOB_INDEXES.map((i) => [i, new Map()]));
  const handlers = new Set<InformerHandler>();
  /**
   * Handlers added after start whose onAdd pass is still running: the names already handed to them. A watch
   * event for a name not handed yet is delivered as that onAdd (with the newer object), so a handler never
   * hears of a job's update before its add, and never of a job it was not added. The pass walks the cache's
   * live key order and grows this set as it goes: copying 50,000 names up front was one long stall.
   */
  const catchingUp = new Map<InformerHandler, Set<string>>();
  const assumeTtlMs = options.assumeTtlMs ?? 60_000;
  let synced = false;
  let closed = false;
  let rv: string | undefined;
  let watch: Watch | undefined;
  let resyncTimer: NodeJS.Timeout | undefined;
  let relistTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let starting: Promise<void> | undefined;

  const view = (name: string): ProwJob | undefined => assumed.get(name)?.pj ?? watched.get(name);

  function notify(call: (h: InformerHandler) => void, pj: ProwJob, what: string): void {
    for (const h of [...handlers]) {
      const handed = catchingUp.get(h);
      if (handed && !handed.has(pj.metadata.name)) {
        handed.add(pj.metadata.name);
        if (what !== 'delete') safely(() => h.onAdd?.(pj), pj, 'add');
        continue;
      }
      safely(() => call(h), pj, what);
    }
  }

  function safely(call: () => void, pj: ProwJob, what: string): void {
    try {
      call();
    } catch (err) {
      log.error({ err, ...prowJobFields(pj), watch_event: what }, 'informer handler threw');
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

  /** Runs `change` and moves the job's index entries from what reads showed before to what they show after. */
  function changing(name: string, change: () => void): void {
    const before = view(name);
    change();
    const after = view(name);
    if (before === after) return;
    if (before) setIndexes(before, false);
    if (after) setIndexes(after, true);
  }

  function upsert(pj: ProwJob): void {
    const name = pj.metadata.name;
    const old = watched.get(name);
    const ownWrite = assumed.get(name)?.pj.metadata.resourceVersion === pj.metadata.resourceVersion;
    changing(name, () => {
      watched.set(name, pj);
      if (ownWrite) assumed.delete(name);
    });
    if (old) notify((h) => h.onUpdate?.(old, pj, { ownWrite }), pj, 'update');
    else notify((h) => h.onAdd?.(pj), pj, 'add');
  }

  function remove(name: string, last: ProwJob): void {
    const old = watched.get(name);
    changing(name, () => {
      watched.delete(name);
      assumed.delete(name);
    });
    const gone = old ?? last;
    notify((h) => h.onDelete?.(gone), gone, 'delete');
  }

  function forgetAssumed(olderThan: number): void {
    for (const [name, { at }] of [...assumed]) if (at < olderThan) changing(name, () => assumed.delete(name));
  }

  function onEvent(event: WatchEvent): void {
    if (closed) return;
    switch (event.type) {
      case 'added':
      case 'modified':
        rv = event.prowjob.metadata.resourceVersion ?? rv;
        upsert(event.prowjob);
        return;
      case 'deleted':
        rv = event.prowjob.metadata.resourceVersion ?? rv;
        remove(event.prowjob.metadata.name, event.prowjob);
        return;
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
    // The list is newer than every write recorded before it: nothing is awaited any more.
    forgetAssumed(Infinity);
    const seen = new Set<string>();
    await timeSliced(list.items, (pj) => {
      seen.add(pj.metadata.name);
      const old = watched.get(pj.metadata.name);
      if (old && old.metadata.resourceVersion === pj.metadata.resourceVersion) return;
      upsert(pj);
    }, () => closed);
    if (closed) return;
    await timeSliced([...watched], ([name, old]) => { if (!seen.has(name)) remove(name, old); }, () => closed);
    if (closed) return;
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

  let resyncing = false;
  async function resync(): Promise<void> {
    if (resyncing) return; // the last pass is still running
    resyncing = true;
    try {
      await timeSliced([...watched.values()], (pj) => {
        if (watched.get(pj.metadata.name) !== pj) return; // changed meanwhile: its handlers heard of it
        notify((h) => h.onUpdate?.(pj, pj, { ownWrite: false }), pj, 'resync');
      }, () => closed);
    } finally {
      resyncing = false;
    }
  }

  const sortByName = (jobs: ProwJob[]): ProwJob[] => jobs.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));

  return {
    start() {
      starting ??= listAndWatch().then(() => {
        const period = options.resyncPeriodMs ?? 0;
        if (period > 0 && !closed) {
          resyncTimer = setInterval(() => void resync(), period);
          resyncTimer.unref();
        }
        if (!closed) {
          sweepTimer = setInterval(() => forgetAssumed(Date.now() - assumeTtlMs), Math.max(1000, assumeTtlMs / 2));
          sweepTimer.unref();
        }
      });
      return starting;
    },
    hasSynced: () => synced,
    resourceVersion: () => rv,
    get: view,
    list(selector) {
      const all = [...watched.values()].map((pj) => assumed.get(pj.metadata.name)?.pj ?? pj);
      for (const [name, { pj }] of assumed) if (!watched.has(name)) all.push(pj);
      return sortByName(selector ? all.filter((pj) => matchesLabels(pj, selector)) : all);
    },
    byIndex(index, key) {
      const names = indexes.get(index)?.get(key);
      return names ? sortByName([...names].map((n) => view(n)!)) : [];
    },
    recordWrite(pj) {
      const name = pj.metadata.name;
      if (closed || view(name)?.metadata.resourceVersion === pj.metadata.resourceVersion) return;
      if (options.labels && !matchesLabels(pj, options.labels)) return; // its echo would never come
      changing(name, () => assumed.set(name, { pj, at: Date.now() }));
    },
    addHandler(handler) {
      handlers.add(handler);
      if (watched.size > 0) {
        const handed = new Set<string>();
        catchingUp.set(handler, handed);
        const gone = (): boolean => closed || !handlers.has(handler);
        void timeSliced(watched.keys(), (name) => {
          if (handed.has(name)) return; // a watch event delivered it meanwhile
          handed.add(name);
          const pj = watched.get(name);
          if (pj) safely(() => handler.onAdd?.(pj), pj, 'add');
        }, gone).finally(() => catchingUp.delete(handler));
      }
      return () => {
        handlers.delete(handler);
        catchingUp.delete(handler);
      };
    },
    close() {
      closed = true;
      watch?.close();
      watch = undefined;
      if (resyncTimer) clearInterval(resyncTimer);
      if (relistTimer) clearTimeout(relistTimer);
      if (sweepTimer) clearInterval(sweepTimer);
      handlers.clear();
      catchingUp.clear();
    },
  };
}

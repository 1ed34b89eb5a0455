// Watches over the change log: every ProwJob write appends a row numbered by its resourceVersion, in the
// same transaction, so a watcher in any process reads the changes after its resourceVersion in commit
// order. Rows older than the retention are trimmed; a watch that needs a trimmed row gets `expired`
// (Kubernetes' 410 Gone) and its consumer lists again.
//
// resourceVersions are opaque to everyone else; this store reads its own as the integers it wrote.
import type { Database as Db, Statement } from 'better-sqlite3';
import type { ProwJob } from '../../api/prowjob.js';
import type { Logger } from '../../observability/logger.js';
import { prowJobFields } from '../../observability/prowjob-fields.js';
import { matchesLabels } from '../query-columns.js';
import type { LabelSelector, Watch, WatchEvent, WatchOptions } from '../types.js';
import { TRIMMED_COUNTER } from './schema.js';
import { nextTurn } from '../../api/time-slice.js';

const PAGE = 1000;

interface ChangeRow {
  seq: number;
  type: 'added' | 'modified' | 'deleted';
  doc: string;
}

interface Watcher {
  /** The resourceVersion of the last change this watcher has read (delivered or filtered out). */
  lastRv: number;
  labels: LabelSelector | undefined;
  bookmarks: boolean;
  onEvent: (event: WatchEvent) => void;
  closed: boolean;
}

/** Change rows deleted in one transaction by the timer's trim. */
const TRIM_BATCH = 1000;

export interface ChangeLogOptions {
  log: Logger;
  now: () => Date;
  /** How often watchers look for changes made by other processes. */
  pollIntervalMs: number;
  /** How long rows are kept for watchers. */
  retentionMs: number;
  /** The resourceVersion of the newest committed write. */
  currentResourceVersion: () => number;
}

export class ChangeLog {
  private readonly watchers = new Set<Watcher>();
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly trimTimer: NodeJS.Timeout;
  private notifyScheduled = false;
  private closed = false;
  private readonly stmt: {
    changesAfter: Statement<[number], ChangeRow>;
    trimmedThrough: Statement<[], { value: number }>;
  };
  private readonly trim: (cutoffMs: number, batch: number) => number;
  private trimming = false;

  constructor(db: Db, private readonly options: ChangeLogOptions) {
    this.stmt = {
      changesAfter: db.prepare(`SELECT seq, type, doc FROM prowjob_changes WHERE seq > ? ORDER BY seq LIMIT ${PAGE}`),
      trimmedThrough: db.prepare(`SELECT value FROM counters WHERE name = '${TRIMMED_COUNTER}'`),
    };
    const newestOlderThan = db.prepare<[number], { seq: number | null }>('SELECT max(seq) AS seq FROM prowjob_changes WHERE at_ms < ?');
    const raiseTrimmed = db.prepare<[number]>(`UPDATE counters SET value = max(value, ?) WHERE name = '${TRIMMED_COUNTER}'`);
    const deleteThrough = db.prepare<[number]>('DELETE FROM prowjob_changes WHERE seq <= ?');
    const oldest = db.prepare<[], { seq: number | null }>('SELECT min(seq) AS seq FROM prowjob_changes');
    // Trims a prefix: rows written by a process whose clock lags stay until the rows after them go. At most
    // `batch` sequence numbers a transaction: after a burst (or a restart over a long log) one DELETE of
    // every old row, documents included, held the process for hundreds of milliseconds.
    this.trim = db.transaction((cutoffMs: number, batch: number) => {
      const through = newestOlderThan.get(cutoffMs)?.seq;
      if (through === null || through === undefined) return 0;
      const upTo = Math.min(through, (oldest.get()?.seq ?? through) + batch - 1);
      raiseTrimmed.run(upTo);
      return deleteThrough.run(upTo).changes;
    }).immediate;
    this.trimTimer = setInterval(() => void this.trimInSlices(), Math.min(60_000, Math.max(1000, options.retentionMs / 4)));
    this.trimTimer.unref();
  }

  watch(options: WatchOptions, onEvent: (event: WatchEvent) => void): Watch {
    const current = this.options.currentResourceVersion();
    let from = current;
    let expired = false;
    if (options.resourceVersion !== undefined && options.resourceVersion !== '') {
      const rv = options.resourceVersion;
      if (!/^\d{1,15}$/.test(rv)) throw new Error(`watchProwJobs: ${JSON.stringify(rv)} is not a resourceVersion of this store`);
      from = Number(rv);
      // Older than the log keeps, or from a future this store has not written (another store's): list again.
      expired = from < this.stmt.trimmedThrough.get()!.value || from > current;
    }
    const watcher: Watcher = { lastRv: from, labels: options.labels, bookmarks: options.allowBookmarks === true, onEvent, closed: false };
    const close = (): void => {
      watcher.closed = true;
      this.watchers.delete(watcher);
      if (this.watchers.size === 0 && this.pollTimer) {
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
      }
    };
    if (expired) {
      setImmediate(() => this.deliver(watcher, { type: 'expired' }, true));
      return { close };
    }
    this.watchers.add(watcher);
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => this.poll(), this.options.pollIntervalMs);
      this.pollTimer.unref();
    }
    // Changes already in the log after `from` are delivered now, not at the next tick.
    if (from < current) this.notify();
    return { close };
  }

  /**
   * Wakes this process's watchers after the writers' own continuations have run (setImmediate, not a
   * microtask): a writer that records what it wrote, as plank's cache does, then recognises the echo of its
   * write instead of reconciling the job a second time.
   */
  notify(): void {
    if (this.notifyScheduled || this.watchers.size === 0) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      this.poll();
    });
  }

  /** Drops every row older than the retention at once; exposed for tests. */
  trimOld(): number {
    if (this.closed) return 0;
    try {
      return this.trim(this.options.now().getTime() - this.options.retentionMs, Number.MAX_SAFE_INTEGER);
    } catch (err) {
      this.options.log.warn({ err }, 'change log trim failed');
      return 0;
    }
  }

  /** What the timer runs: the same trim, TRIM_BATCH rows a transaction, yielding to the event loop between. */
  private async trimInSlices(): Promise<void> {
    if (this.trimming) return;
    this.trimming = true;
    try {
      const cutoff = this.options.now().getTime() - this.options.retentionMs;
      while (!this.closed && this.trim(cutoff, TRIM_BATCH) >= TRIM_BATCH) await nextTurn();
    } catch (err) {
      this.options.log.warn({ err }, 'change log trim failed');
    } finally {
      this.trimming = false;
    }
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers) watcher.closed = true;
    this.watchers.clear();
    if (this.pollTimer) clearInterval(this.pollTimer);
    clearInterval(this.trimTimer);
    this.pollTimer = undefined;
  }

  private poll(): void {
    if (this.closed) return;
    for (const watcher of [...this.watchers]) {
      let skipped = false;
      for (;;) {
        if (watcher.closed) break;
        let rows: ChangeRow[];
        try {
          rows = this.stmt.changesAfter.all(watcher.lastRv);
        } catch (err) {
          this.options.log.warn({ err }, 'watch poll failed');
          break;
        }
        // resourceVersions have no holes, so a hole is trimmed history: this watcher missed changes.
        if (rows[0] && rows[0].seq > watcher.lastRv + 1) {
          this.options.log.warn({ from: watcher.lastRv, to: rows[0].seq }, 'watch fell behind the change log: expired, list again');
          this.watchers.delete(watcher);
          this.deliver(watcher, { type: 'expired' }, true);
          break;
        }
        for (const row of rows) {
          if (watcher.closed) break;
          watcher.lastRv = row.seq;
          const prowjob = JSON.parse(row.doc) as ProwJob;
          if (!matchesLabels(prowjob, watcher.labels)) {
            skipped = true;
            continue;
          }
          skipped = false;
          // As Kubernetes: the deleted object carries the deletion's resourceVersion.
          if (row.type === 'deleted') prowjob.metadata.resourceVersion = String(row.seq);
          this.deliver(watcher, { type: row.type, prowjob });
        }
        if (rows.length < PAGE) break;
      }
      // The selector left the newest changes out: tell the consumer how far it has read.
      if (skipped && watcher.bookmarks && !watcher.closed) this.deliver(watcher, { type: 'bookmark', resourceVersion: String(watcher.lastRv) });
    }
  }

  /** `last`: the watch ends with this event. */
  private deliver(watcher: Watcher, event: WatchEvent, last = false): void {
    if (watcher.closed) return;
    if (last) watcher.closed = true;
    try {
      watcher.onEvent(event);
    } catch (err) {
      this.options.log.error({ err, watch_event: event.type, ...('prowjob' in event ? prowJobFields(event.prowjob) : {}) }, 'watch handler threw');
    }
  }
}

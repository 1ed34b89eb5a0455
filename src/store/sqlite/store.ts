// The embedded Store: one SQLite file (better-sqlite3, WAL) shared by every process of an installation.
// ProwJobs (sqlite/prowjobs.ts) with a change log that watches read across processes (sqlite/change-log.ts),
// deck's paged queries (sqlite/query.ts), the webhook queue (sqlite/deliveries.ts) and tot's build numbers
// (sqlite/build-numbers.ts).
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import type { ProwJob } from '../../api/prowjob.js';
import type { Logger } from '../../observability/logger.js';
import { createSilentLogger } from '../../observability/logger.js';
import type {
  BuildNumberStore,
  Delivery,
  ListOptions,
  ProwJobDocumentBatch,
  ProwJobList,
  ProwJobPage,
  ProwJobQuery,
  Store,
  StoredDelivery,
  Watch,
  WatchEvent,
  WatchOptions,
} from '../types.js';
import { BuildNumberTable } from './build-numbers.js';
import { ChangeLog } from './change-log.js';
import { DeliveryTable } from './deliveries.js';
import { GroupCommit } from './group-commit.js';
import { ProwJobTable } from './prowjobs.js';
import { ProwJobQueries } from './query.js';
import { SnapshotLister } from './snapshot-list.js';
import { migrateSchema } from './schema.js';
import { StatementCache } from './statement-cache.js';

/** The store file inside a data directory: `<data-dir>/prow.db`. */
export const STORE_FILENAME = 'prow.db';

export function storePath(dataDir: string): string {
  return join(dataDir, STORE_FILENAME);
}

const DEFAULT_NAMESPACE = 'default';

export interface SqliteStoreOptions {
  log?: Logger;
  /** How often watchers look for changes made by other processes (default 75 ms). */
  pollIntervalMs?: number;
  /** A retried delivery is marked failed once it has been claimed this many times (default 5). */
  maxDeliveryAttempts?: number;
  /** How long change-log rows are kept for watchers (default 10 minutes); a watch from before gets `expired`. */
  changeLogRetentionMs?: number;
  /** Milliseconds to wait on a locked database before SQLITE_BUSY (default 5000). */
  busyTimeoutMs?: number;
  /** Injected clock: creationTimestamp, delivery notBefore checks, change-log trimming. */
  now?: () => Date;
  /**
   * SQLite `synchronous`: NORMAL (default) survives a process crash with nothing lost, and a power loss
   * with the database intact but the last commits possibly gone; FULL also keeps those, at one fsync per write.
   */
  synchronous?: 'NORMAL' | 'FULL';
}

/** RFC 3339 with second precision, as Kubernetes writes metadata timestamps. */
function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class SqliteStore implements Store, BuildNumberStore {
  readonly path: string;
  private readonly db: Db;
  private readonly now: () => Date;
  private closed = false;
  private readonly prowjobs: ProwJobTable;
  private readonly queries: ProwJobQueries;
  private readonly changes: ChangeLog;
  private readonly deliveries: DeliveryTable;
  private readonly buildNumbers: BuildNumberTable;
  private readonly writes: GroupCommit;
  /** Full lists read on a second connection, a page at a time (not for an in-memory database). */
  private readonly lister: SnapshotLister | undefined;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    const log = options.log ?? createSilentLogger();
    this.now = options.now ?? (() => new Date());
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
    } catch (err) {
      throw new Error(`cannot open the SQLite store ${path}: ${(err as Error).message}`, { cause: err });
    }
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    // Checkpoints (each an fsync of the database) every ~40 MB of WAL rather than 4 MB: 1.7x the write rate.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.pragma('foreign_keys = ON');
    migrateSchema(this.db);
    const statements = new StatementCache(this.db);
    this.prowjobs = new ProwJobTable(this.db, statements, this.now);
    this.queries = new ProwJobQueries(this.db, statements);
    this.changes = new ChangeLog(this.db, {
      log,
      now: this.now,
      pollIntervalMs: options.pollIntervalMs ?? 75,
      retentionMs: options.changeLogRetentionMs ?? 10 * 60_000,
      currentResourceVersion: () => this.prowjobs.currentResourceVersion(),
    });
    this.deliveries = new DeliveryTable(this.db, log, options.maxDeliveryAttempts ?? 5);
    this.buildNumbers = new BuildNumberTable(this.db);
    this.writes = new GroupCommit(this.db, () => this.changes.notify());
    this.lister = path === ':memory:' ? undefined : new SnapshotLister(path, options.busyTimeoutMs ?? 5000);
  }

  // ---- ProwJobs ----------------------------------------------------------------------------------

  async getProwJob(name: string): Promise<ProwJob | undefined> {
    this.assertOpen();
    return this.prowjobs.get(name);
  }

  /** Sorted by name, as a Kubernetes list is; the resourceVersion is the newest write the snapshot holds. */
  async listProwJobs(options: ListOptions = {}): Promise<ProwJobList> {
    this.assertOpen();
    return this.lister ? this.lister.list(options.labels) : this.prowjobs.listAll(options.labels);
  }

  /** Newest first, paged, through the indexed columns. */
  async queryProwJobs(query: ProwJobQuery = {}): Promise<ProwJobPage> {
    this.assertOpen();
    return this.queries.query(query);
  }

  /** queryProwJobs as stored JSON, in batches: deck's /prowjobs.js streams these without parsing them. */
  async *streamProwJobDocuments(query: ProwJobQuery = {}): AsyncGenerator<ProwJobDocumentBatch> {
    const batches = this.queries.documentBatches(query);
    for (;;) {
      // Checked before each batch: a store closed mid-answer ends the stream with its error.
      this.assertOpen();
      const { done, value } = batches.next();
      if (done) return;
      yield value;
    }
  }

  async createProwJob(pj: ProwJob): Promise<ProwJob> {
    this.assertOpen(false);
    const name = pj.metadata?.name;
    if (!name) throw new Error('createProwJob: metadata.name is required');
    const stored: ProwJob = structuredClone(pj);
    stored.metadata.namespace ||= DEFAULT_NAMESPACE;
    stored.metadata.creationTimestamp ||= rfc3339Seconds(this.now());
    stored.metadata.uid ||= randomUUID();
    await this.writes.write(() => this.prowjobs.create(stored));
    return stored;
  }

  /**
   * Replaces the stored job. With metadata.resourceVersion set it must be the stored one (else
   * ConflictError); without it the update is unconditional, as a Kubernetes PUT is. creationTimestamp,
   * uid and namespace are kept from the stored object.
   */
  async updateProwJob(pj: ProwJob): Promise<ProwJob> {
    this.assertOpen(false);
    const name = pj.metadata?.name;
    if (!name) throw new Error('updateProwJob: metadata.name is required');
    const stored: ProwJob = structuredClone(pj);
    const given = pj.metadata.resourceVersion;
    await this.writes.write(() => this.prowjobs.update(stored, given));
    return stored;
  }

  /** Throws NotFoundError when no such job exists (as Kubernetes answers 404); callers racing a delete catch it. */
  async deleteProwJob(name: string): Promise<void> {
    this.assertOpen(false);
    await this.writes.write(() => this.prowjobs.delete(name));
  }

  watchProwJobs(options: WatchOptions, onEvent: (event: WatchEvent) => void): Watch {
    this.assertOpen();
    return this.changes.watch(options, onEvent);
  }

  /** Drops change-log rows older than the retention; runs on a timer, exposed for tests. */
  trimChangeLog(): number {
    if (this.closed) return 0;
    return this.changes.trimOld();
  }

  // ---- Deliveries --------------------------------------------------------------------------------

  /** Resolves once the delivery is committed; deliveries enqueued in the same event-loop turn share a commit. */
  async enqueueDelivery(delivery: Delivery): Promise<boolean> {
    this.assertOpen(false);
    return this.writes.writeSoon(() => this.deliveries.enqueue(delivery));
  }

  /**
   * Oldest first. A delivery is skipped while another with the same order key is claimed or an older one
   * with that key is still queued (even if that one waits for its notBefore), so each key is handled in order.
   * `attempts` counts claims, so a delivery that keeps killing its process is noticed by requeueClaimedDeliveries.
   */
  async claimDeliveries(limit: number): Promise<StoredDelivery[]> {
    this.assertOpen();
    return this.deliveries.claim(this.now().getTime(), limit);
  }

  async completeDelivery(id: string): Promise<void> {
    this.assertOpen();
    this.deliveries.complete(id);
  }

  async retryDelivery(id: string, error: string, notBefore: string | undefined): Promise<void> {
    this.assertOpen();
    this.deliveries.retry(id, error, notBefore);
  }

  /** Claimed deliveries go back to queued; one already claimed maxDeliveryAttempts times is marked failed. */
  async requeueClaimedDeliveries(): Promise<number> {
    this.assertOpen();
    return this.deliveries.requeueClaimed();
  }

  async getDelivery(id: string): Promise<StoredDelivery | undefined> {
    this.assertOpen();
    return this.deliveries.get(id);
  }

  /** Deletes done and failed deliveries received before `before`; returns how many went. */
  pruneDeliveries(before: Date): number {
    this.assertOpen();
    return this.deliveries.prune(before);
  }

  // ---- Build numbers (tot) -----------------------------------------------------------------------

  async nextBuildNumber(job: string): Promise<number> {
    this.assertOpen(false);
    return this.writes.write(() => this.buildNumbers.next(job));
  }

  async currentBuildNumber(job: string): Promise<number> {
    this.assertOpen();
    return this.buildNumbers.current(job);
  }

  async setBuildNumber(job: string, value: number): Promise<void> {
    this.assertOpen();
    this.buildNumbers.set(job, value);
  }

  // ---- Lifecycle ---------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.writes.close();
    this.closed = true;
    this.changes.close();
    await this.lister?.close();
    this.db.close();
  }

  /**
   * Every call but the batched writes first commits the writes this process has queued, so reads see
   * them and other writes keep their issue order.
   */
  private assertOpen(flush = true): void {
    if (this.closed) throw new Error(`the SQLite store ${this.path} is closed`);
    if (flush && this.writes.pending) this.writes.flush();
  }
}

export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path, options);
}

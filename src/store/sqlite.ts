// The embedded Store: one SQLite file (better-sqlite3, WAL) shared by every process of an installation.
// ProwJobs are JSON documents with indexed columns beside them; every change is also appended to a
// change log in the same transaction, which is how watches work across processes.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { ProwJob } from '../api/prowjob.js';
import { isComplete } from '../api/prowjob.js';
import { ORG_LABEL, PROWJOB_JOB_LABEL, PULL_LABEL, REPO_LABEL } from '../api/labels.js';
import type { Logger } from '../observability/logger.js';
import { createSilentLogger } from '../observability/logger.js';
import { prowJobFields } from '../observability/prowjob-fields.js';
import {
  AlreadyExistsError,
  ConflictError,
  NotFoundError,
} from './types.js';
import type {
  BuildNumberStore,
  Delivery,
  DeliveryStatus,
  LabelSelector,
  ListOptions,
  PagedProwJobStore,
  ProwJobPage,
  ProwJobQuery,
  Store,
  StoredDelivery,
  Watch,
  WatchEvent,
  WatchEventType,
} from './types.js';

/** The store file inside a data directory: `<data-dir>/prow.db`. */
export const STORE_FILENAME = 'prow.db';

export function storePath(dataDir: string): string {
  return join(dataDir, STORE_FILENAME);
}

export const DEFAULT_NAMESPACE = 'default';
const PROWJOB_KIND = 'ProwJob';
const DELIVERY_KIND = 'Delivery';

export interface SqliteStoreOptions {
  log?: Logger;
  /** How often watchers look for changes made by other processes (default 75 ms). */
  pollIntervalMs?: number;
  /** A retried delivery is marked failed once it has been claimed this many times (default 5). */
  maxDeliveryAttempts?: number;
  /** How long change-log rows are kept for watchers (default 10 minutes). */
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

/** Up to this many jobs matching a job pattern's literal prefix are read through the job index and sorted. */
const JOB_PATTERN_RANGE_MAX = 2000;
const AUTHOR_EXPR = "json_extract(doc, '$.spec.refs.pulls[0].author')";

// Each order key has one head: its claimed delivery if it has one (that blocks the rest), else its oldest
// queued one. A delivery without a key is always its own head. Only a queued head can be claimed, so
// claiming reads the small partial index deliveries_ready and never walks the deliveries waiting behind a
// head. The trigger moves a key's head whenever one of its deliveries changes status (other than the head
// being claimed), inside the same statement: a few index seeks, whatever the queue length.
const NEXT_HEAD = (key: string) => `SELECT coalesce(
    (SELECT min(h.seq) FROM deliveries h WHERE h.order_key = ${key} AND h.status = 'claimed'),
    (SELECT min(h.seq) FROM deliveries h WHERE h.order_key = ${key} AND h.status = 'queued'))`;
const DELIVERY_HEADS = `
CREATE INDEX IF NOT EXISTS deliveries_ready ON deliveries (seq) WHERE head = 1 AND status = 'queued';
CREATE INDEX IF NOT EXISTS deliveries_heads ON deliveries (order_key) WHERE head = 1;
CREATE TRIGGER IF NOT EXISTS deliveries_move_head AFTER UPDATE OF status ON deliveries
  WHEN NEW.order_key IS NOT NULL AND OLD.status IS NOT NEW.status AND NOT (OLD.status = 'queued' AND NEW.status = 'claimed')
BEGIN
  UPDATE deliveries SET head = 0 WHERE order_key = NEW.order_key AND head = 1;
  UPDATE deliveries SET head = 1 WHERE seq = (${NEXT_HEAD('NEW.order_key')});
END;
`;
const HEAD_BACKFILL = `UPDATE deliveries SET head = CASE WHEN order_key IS NULL THEN 1
  WHEN status NOT IN ('queued', 'claimed') THEN 0 ELSE seq = (${NEXT_HEAD('deliveries.order_key')}) END`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS prowjobs (
  name TEXT PRIMARY KEY,
  resource_version INTEGER NOT NULL,
  job TEXT NOT NULL,
  type TEXT NOT NULL,
  state TEXT NOT NULL,
  cluster TEXT,
  org TEXT,
  repo TEXT,
  pull INTEGER,
  created_at TEXT NOT NULL,
  start_time TEXT NOT NULL,
  complete INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS prowjobs_start ON prowjobs (start_time DESC, name DESC);
CREATE INDEX IF NOT EXISTS prowjobs_job ON prowjobs (job, start_time DESC);
CREATE INDEX IF NOT EXISTS prowjobs_type ON prowjobs (type, start_time DESC);
CREATE INDEX IF NOT EXISTS prowjobs_state ON prowjobs (state, start_time DESC);
CREATE INDEX IF NOT EXISTS prowjobs_repo ON prowjobs (org, repo, pull, start_time DESC);
CREATE INDEX IF NOT EXISTS prowjobs_complete ON prowjobs (complete, start_time);
CREATE INDEX IF NOT EXISTS prowjobs_org_repo ON prowjobs (org, repo, start_time DESC);
CREATE INDEX IF NOT EXISTS prowjobs_author ON prowjobs (${AUTHOR_EXPR}, start_time DESC);
CREATE TABLE IF NOT EXISTS prowjob_labels (
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (key, value, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS prowjob_labels_name ON prowjob_labels (name);
CREATE TABLE IF NOT EXISTS prowjob_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  resource_version INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at TEXT NOT NULL,
  order_key TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  not_before TEXT,
  not_before_ms INTEGER,
  claimed_at_ms INTEGER,
  head INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, seq);
CREATE INDEX IF NOT EXISTS deliveries_key ON deliveries (order_key, status, seq);
CREATE TABLE IF NOT EXISTS build_numbers (
  job TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

interface ProwJobRow {
  name: string;
  doc: string;
  start_time: string;
}

/** Indexed columns an update may change (name, created_at and resource_version are handled apart). */
const UPDATABLE_COLUMNS = ['job', 'type', 'state', 'cluster', 'org', 'repo', 'pull', 'start_time', 'complete'] as const;
type UpdatableColumn = (typeof UPDATABLE_COLUMNS)[number];
type CurrentRow = { doc: string } & Record<UpdatableColumn, string | number | null>;
const DYNAMIC_STATEMENT_CACHE = 500;

interface ChangeRow {
  seq: number;
  type: WatchEventType;
  doc: string;
}

interface DeliveryRow {
  id: string;
  event: string;
  payload: string;
  received_at: string;
  order_key: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  not_before: string | null;
}

interface Watcher {
  lastSeq: number;
  labels: LabelSelector | undefined;
  onEvent: (event: WatchEvent) => void;
  closed: boolean;
}

/** RFC 3339 with second precision, as Kubernetes writes metadata timestamps. */
function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function matchesLabels(pj: ProwJob, selector: LabelSelector | undefined): boolean {
  if (!selector) return true;
  const labels = pj.metadata.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  if (ka.length !== kb.length) return false;
  return ka.every((key) => b !== undefined && Object.hasOwn(b, key) && String(a![key]) === String(b[key]));
}

function pullNumber(pj: ProwJob): number | null {
  const fromRefs = pj.spec.refs?.pulls?.[0]?.number;
  if (typeof fromRefs === 'number') return fromRefs;
  const fromLabel = pj.metadata.labels?.[PULL_LABEL];
  if (fromLabel && /^\d+$/.test(fromLabel)) return Number(fromLabel);
  return null;
}

function encodeCursor(startTime: string, name: string): string {
  return Buffer.from(JSON.stringify([startTime, name])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch (err) {
    throw new Error(`queryProwJobs: invalid "before" cursor ${JSON.stringify(cursor)}`, { cause: err });
  }
  throw new Error(`queryProwJobs: invalid "before" cursor ${JSON.stringify(cursor)}`);
}

function toDelivery(row: DeliveryRow): StoredDelivery {
  const out: StoredDelivery = {
    id: row.id,
    event: row.event,
    payload: row.payload,
    receivedAt: row.received_at,
    status: row.status,
    attempts: row.attempts,
  };
  if (row.order_key !== null) out.orderKey = row.order_key;
  if (row.last_error !== null) out.lastError = row.last_error;
  if (row.not_before !== null) out.notBefore = row.not_before;
  return out;
}

export class SqliteStore implements Store, BuildNumberStore, PagedProwJobStore {
  readonly path: string;
  private readonly db: Db;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly maxDeliveryAttempts: number;
  private readonly retentionMs: number;
  private readonly watchers = new Set<Watcher>();
  private pollTimer: NodeJS.Timeout | undefined;
  private trimTimer: NodeJS.Timeout | undefined;
  private notifyScheduled = false;
  private queue: { run: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void }[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Statements whose SQL is built at run time (label selectors, deck queries, UPDATE column sets), prepared once each. */
  private readonly dynamic = new Map<string, Statement>();
  private readonly tx: {
    create: (stored: ProwJob) => void;
    update: (stored: ProwJob, given: string | undefined) => void;
    delete: (name: string) => void;
    nextBuildNumber: (job: string) => number;
    claim: (nowMs: number, limit: number) => StoredDelivery[];
    retry: (id: string, error: string, notBefore: string | null, notBeforeMs: number | null) => void;
    requeue: () => number;
  };
  private readonly stmt: {
    get: Statement<[string], ProwJobRow>;
    current: Statement<[string], CurrentRow>;
    rv: Statement<[string], { resource_version: number }>;
    nextRv: Statement<[], { value: number }>;
    insert: Statement;
    delete: Statement<[string]>;
    insertLabel: Statement<[string, string, string]>;
    deleteLabels: Statement<[string]>;
    logChange: Statement;
    changesAfter: Statement<[number], ChangeRow>;
    maxSeq: Statement<[], { seq: number | null }>;
    getDelivery: Statement<[string], DeliveryRow>;
    begin: Statement<[]>;
    commit: Statement<[]>;
    rollback: Statement<[]>;
    enqueueDelivery: Statement<[{ id: string; event: string; payload: string; receivedAt: string; key: string | null }]>;
    claimable: Statement<[{ now: number; limit: number }], DeliveryRow>;
    claim: Statement<[number, string]>;
    completeDelivery: Statement<[string]>;
    retryDelivery: Statement<[string, string, string | null, number | null, string]>;
    failStuckClaims: Statement<[number]>;
    requeueClaims: Statement<[]>;
    pruneDeliveries: Statement<[string]>;
    nextBuildNumber: Statement<[string], { value: number }>;
    currentBuildNumber: Statement<[string], { value: number }>;
    setBuildNumber: Statement<[string, number]>;
    trimChanges: Statement<[number]>;
    patternCount: Statement<[string, string, number], { n: number }>;
  };

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.log = options.log ?? createSilentLogger();
    this.now = options.now ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 75;
    this.maxDeliveryAttempts = options.maxDeliveryAttempts ?? 5;
    this.retentionMs = options.changeLogRetentionMs ?? 10 * 60_000;
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
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(deliveries)').all();
      if (!columns.some((c) => c.name === 'head')) {
        // A store written before heads existed: add the column and work out every key's head once.
        this.db.exec('ALTER TABLE deliveries ADD COLUMN head INTEGER NOT NULL DEFAULT 0');
        this.db.exec(HEAD_BACKFILL);
      }
      this.db.exec(DELIVERY_HEADS);
      this.db.prepare(`INSERT OR IGNORE INTO counters (name, value) VALUES ('resource_version', 0)`).run();
    }).immediate();
    this.stmt = {
      get: this.db.prepare('SELECT name, doc, start_time FROM prowjobs WHERE name = ?'),
      current: this.db.prepare(`SELECT doc, ${UPDATABLE_COLUMNS.join(', ')} FROM prowjobs WHERE name = ?`),
      rv: this.db.prepare('SELECT resource_version FROM prowjobs WHERE name = ?'),
      nextRv: this.db.prepare(`UPDATE counters SET value = value + 1 WHERE name = 'resource_version' RETURNING value`),
      insert: this.db.prepare(`INSERT INTO prowjobs
        (name, resource_version, job, type, state, cluster, org, repo, pull, created_at, start_time, complete, doc)
        VALUES (@name, @resource_version, @job, @type, @state, @cluster, @org, @repo, @pull, @created_at, @start_time, @complete, @doc)`),
      delete: this.db.prepare('DELETE FROM prowjobs WHERE name = ?'),
      insertLabel: this.db.prepare('INSERT OR REPLACE INTO prowjob_labels (key, value, name) VALUES (?, ?, ?)'),
      deleteLabels: this.db.prepare('DELETE FROM prowjob_labels WHERE name = ?'),
      logChange: this.db.prepare(`INSERT INTO prowjob_changes (name, type, resource_version, at_ms, doc)
        VALUES (?, ?, ?, ?, ?)`),
      changesAfter: this.db.prepare('SELECT seq, type, doc FROM prowjob_changes WHERE seq > ? ORDER BY seq LIMIT 1000'),
      maxSeq: this.db.prepare(`SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'prowjob_changes'), 0) AS seq`),
      getDelivery: this.db.prepare('SELECT * FROM deliveries WHERE id = ?'),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      // One statement, so the head check and the insert are atomic against other processes.
      enqueueDelivery: this.db.prepare(`INSERT OR IGNORE INTO deliveries
        (id, event, payload, received_at, order_key, status, attempts, head)
        SELECT @id, @event, @payload, @receivedAt, @key, 'queued', 0, (@key IS NULL OR NOT EXISTS (
          SELECT 1 FROM deliveries WHERE order_key = @key AND status IN ('queued', 'claimed')))`),
      claimable: this.db.prepare(`SELECT * FROM deliveries INDEXED BY deliveries_ready
        WHERE head = 1 AND status = 'queued' AND (not_before_ms IS NULL OR not_before_ms <= @now)
        ORDER BY seq LIMIT @limit`),
      claim: this.db.prepare(`UPDATE deliveries SET status = 'claimed', attempts = attempts + 1, claimed_at_ms = ? WHERE id = ?`),
      completeDelivery: this.db.prepare(`UPDATE deliveries SET status = 'done', not_before = NULL, not_before_ms = NULL
        WHERE id = ?`),
      retryDelivery: this.db.prepare(`UPDATE deliveries SET status = ?, last_error = ?, not_before = ?, not_before_ms = ?
        WHERE id = ?`),
      failStuckClaims: this.db.prepare(`UPDATE deliveries SET status = 'failed',
          last_error = COALESCE(last_error, 'claimed ' || attempts || ' times by processes that stopped')
        WHERE status = 'claimed' AND attempts >= ?`),
      requeueClaims: this.db.prepare(`UPDATE deliveries SET status = 'queued' WHERE status = 'claimed'`),
      pruneDeliveries: this.db.prepare(`DELETE FROM deliveries WHERE status IN ('done', 'failed') AND received_at < ?`),
      nextBuildNumber: this.db.prepare(`INSERT INTO build_numbers (job, value) VALUES (?, 1)
        ON CONFLICT (job) DO UPDATE SET value = value + 1 RETURNING value`),
      currentBuildNumber: this.db.prepare('SELECT value FROM build_numbers WHERE job = ?'),
      setBuildNumber: this.db.prepare(`INSERT INTO build_numbers (job, value) VALUES (?, ?)
        ON CONFLICT (job) DO UPDATE SET value = excluded.value`),
      trimChanges: this.db.prepare('DELETE FROM prowjob_changes WHERE at_ms < ?'),
      patternCount: this.db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM prowjobs WHERE job >= ? AND job < ? LIMIT ?)'),
    };
    // Each transaction function is built once: better-sqlite3 wraps BEGIN IMMEDIATE / COMMIT around it.
    this.tx = {
      create: this.db.transaction((stored: ProwJob) => this.insertProwJob(stored)).immediate,
      update: this.db.transaction((stored: ProwJob, given: string | undefined) => this.replaceProwJob(stored, given)).immediate,
      delete: this.db.transaction((name: string) => this.removeProwJob(name)).immediate,
      // One statement, atomic on its own; IMMEDIATE takes the write lock up front so a busy store waits (busy_timeout).
      nextBuildNumber: this.db.transaction((job: string) => this.stmt.nextBuildNumber.get(job)!.value).immediate,
      claim: this.db.transaction((nowMs: number, limit: number) => this.stmt.claimable.all({ now: nowMs, limit }).map((row) => {
        this.stmt.claim.run(nowMs, row.id);
        return toDelivery({ ...row, status: 'claimed', attempts: row.attempts + 1 });
      })).immediate,
      retry: this.db.transaction((id: string, error: string, notBefore: string | null, notBeforeMs: number | null) => {
        const row = this.stmt.getDelivery.get(id);
        if (!row) throw new NotFoundError(DELIVERY_KIND, id);
        const failed = row.attempts >= this.maxDeliveryAttempts;
        this.stmt.retryDelivery.run(failed ? 'failed' : 'queued', error, failed ? null : notBefore, failed ? null : notBeforeMs, id);
        if (failed) this.log.warn({ delivery: id, attempts: row.attempts, err: error }, 'delivery failed for good');
      }).immediate,
      requeue: this.db.transaction(() => {
        this.stmt.failStuckClaims.run(this.maxDeliveryAttempts);
        return this.stmt.requeueClaims.run().changes;
      }).immediate,
    };
    this.trimTimer = setInterval(() => this.trimChangeLog(), Math.min(60_000, Math.max(1000, this.retentionMs / 4)));
    this.trimTimer.unref();
  }

  // ---- ProwJobs ----------------------------------------------------------------------------------

  async getProwJob(name: string): Promise<ProwJob | undefined> {
    this.assertOpen();
    const row = this.stmt.get.get(name);
    return row ? (JSON.parse(row.doc) as ProwJob) : undefined;
  }

  /** Sorted by name, as a Kubernetes list is. */
  async listProwJobs(options: ListOptions = {}): Promise<ProwJob[]> {
    this.assertOpen();
    const { clause, params } = this.labelClause(options.labels);
    const rows = this.prepared(`SELECT doc FROM prowjobs${clause ? ` WHERE ${clause}` : ''} ORDER BY name`)
      .all(...params) as { doc: string }[];
    return rows.map((row) => JSON.parse(row.doc) as ProwJob);
  }

  /** Newest first, paged. For deck-style listings over many jobs; not part of the Store seam. */
  queryProwJobs(query: ProwJobQuery = {}): ProwJobPage {
    this.assertOpen();
    const where: string[] = [];
    const params: unknown[] = [];
    const columns: [keyof ProwJobQuery, string][] = [
      ['job', 'job'], ['type', 'type'], ['state', 'state'], ['org', 'org'], ['repo', 'repo'], ['pull', 'pull'],
      ['cluster', 'cluster'],
    ];
    for (const [field, column] of columns) {
      const value = query[field];
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    if (query.author !== undefined) {
      where.push(`${AUTHOR_EXPR} = ?`);
      params.push(query.author);
    }
    let table = 'prowjobs';
    if (query.jobPattern !== undefined) {
      // A pattern with a literal prefix that few jobs share reads those jobs through the job index; a broad
      // one (`pull-*`) or a leading `*` walks the newest-first index instead and stops at the page size.
      const prefix = query.jobPattern.split('*')[0] ?? '';
      const high = `${prefix}\u{10FFFF}`;
      const narrow = prefix !== ''
        && this.stmt.patternCount.get(prefix, high, JOB_PATTERN_RANGE_MAX + 1)!.n <= JOB_PATTERN_RANGE_MAX;
      if (narrow) {
        table = 'prowjobs INDEXED BY prowjobs_job';
        where.push('job >= ? AND job < ?');
        params.push(prefix, high);
      }
      where.push(narrow ? 'job GLOB ?' : '+job GLOB ?');
      params.push(query.jobPattern.replace(/[[\]?]/g, (c) => `[${c}]`));
    }
    if (query.complete !== undefined) {
      where.push('complete = ?');
      params.push(query.complete ? 1 : 0);
    }
    const labels = this.labelClause(query.labels);
    if (labels.clause) {
      where.push(labels.clause);
      params.push(...labels.params);
    }
    if (query.before !== undefined) {
      const [startTime, name] = decodeCursor(query.before);
      where.push('(start_time < ? OR (start_time = ? AND name < ?))');
      params.push(startTime, startTime, name);
    }
    const limit = Math.max(1, Math.min(10_000, Math.floor(query.limit ?? 500)));
    const rows = this
      .prepared(`SELECT name, doc, start_time FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
        ORDER BY start_time DESC, name DESC LIMIT ?`)
      .all(...params, limit + 1) as ProwJobRow[];
    const page: ProwJobPage = { prowjobs: rows.slice(0, limit).map((row) => JSON.parse(row.doc) as ProwJob) };
    const last = rows[limit - 1];
    if (rows.length > limit && last) page.next = encodeCursor(last.start_time, last.name);
    return page;
  }

  async createProwJob(pj: ProwJob): Promise<ProwJob> {
    this.assertOpen(false);
    const name = pj.metadata?.name;
    if (!name) throw new Error('createProwJob: metadata.name is required');
    const stored: ProwJob = structuredClone(pj);
    stored.metadata.namespace ||= DEFAULT_NAMESPACE;
    stored.metadata.creationTimestamp ||= rfc3339Seconds(this.now());
    stored.metadata.uid ||= randomUUID();
    await this.write(() => this.tx.create(stored));
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
    await this.write(() => this.tx.update(stored, given));
    return stored;
  }

  /** Throws NotFoundError when no such job exists (as Kubernetes answers 404); callers racing a delete catch it. */
  async deleteProwJob(name: string): Promise<void> {
    this.assertOpen(false);
    await this.write(() => this.tx.delete(name));
  }

  watchProwJobs(onEvent: (event: WatchEvent) => void, options: ListOptions = {}): Watch {
    this.assertOpen();
    const watcher: Watcher = { lastSeq: this.stmt.maxSeq.get()!.seq ?? 0, labels: options.labels, onEvent, closed: false };
    this.watchers.add(watcher);
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => this.pollWatchers(), this.pollIntervalMs);
      this.pollTimer.unref();
    }
    return {
      close: () => {
        watcher.closed = true;
        this.watchers.delete(watcher);
        if (this.watchers.size === 0 && this.pollTimer) {
          clearInterval(this.pollTimer);
          this.pollTimer = undefined;
        }
      },
    };
  }

  // ---- Deliveries --------------------------------------------------------------------------------

  async enqueueDelivery(delivery: Delivery): Promise<boolean> {
    this.assertOpen();
    if (!delivery.id) throw new Error('enqueueDelivery: delivery id is required');
    const result = this.stmt.enqueueDelivery.run({
      id: delivery.id, event: delivery.event, payload: delivery.payload, receivedAt: delivery.receivedAt, key: delivery.orderKey ?? null,
    });
    return result.changes === 1;
  }

  /**
   * Oldest first. A delivery is skipped while another with the same order key is claimed or an older one
   * with that key is still queued (even if that one waits for its notBefore), so each key is handled in order.
   * `attempts` counts claims, so a delivery that keeps killing its process is noticed by requeueClaimedDeliveries.
   */
  async claimDeliveries(limit: number): Promise<StoredDelivery[]> {
    this.assertOpen();
    const nowMs = this.now().getTime();
    return this.tx.claim(nowMs, Math.max(0, Math.floor(limit)));
  }

  async completeDelivery(id: string): Promise<void> {
    this.assertOpen();
    const result = this.stmt.completeDelivery.run(id);
    if (result.changes === 0) throw new NotFoundError(DELIVERY_KIND, id);
  }

  async retryDelivery(id: string, error: string, notBefore: string | undefined): Promise<void> {
    this.assertOpen();
    let notBeforeMs: number | null = null;
    if (notBefore !== undefined) {
      notBeforeMs = Date.parse(notBefore);
      if (Number.isNaN(notBeforeMs)) throw new Error(`retryDelivery ${id}: notBefore ${JSON.stringify(notBefore)} is not RFC 3339`);
    }
    this.tx.retry(id, error, notBefore ?? null, notBeforeMs);
  }

  /** Claimed deliveries go back to queued; one already claimed maxDeliveryAttempts times is marked failed. */
  async requeueClaimedDeliveries(): Promise<number> {
    this.assertOpen();
    return this.tx.requeue();
  }

  async getDelivery(id: string): Promise<StoredDelivery | undefined> {
    this.assertOpen();
    const row = this.stmt.getDelivery.get(id);
    return row ? toDelivery(row) : undefined;
  }

  /** Deletes done and failed deliveries received before `before`; returns how many went. */
  pruneDeliveries(before: Date): number {
    this.assertOpen();
    return this.stmt.pruneDeliveries.run(before.toISOString()).changes;
  }

  // ---- Build numbers (tot) -----------------------------------------------------------------------

  async nextBuildNumber(job: string): Promise<number> {
    this.assertOpen(false);
    return this.write(() => this.tx.nextBuildNumber(job));
  }

  async currentBuildNumber(job: string): Promise<number> {
    this.assertOpen();
    const row = this.stmt.currentBuildNumber.get(job);
    return row?.value ?? 0;
  }

  async setBuildNumber(job: string, value: number): Promise<void> {
    this.assertOpen();
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`setBuildNumber ${job}: ${value} is not a non-negative integer`);
    this.stmt.setBuildNumber.run(job, value);
  }

  // ---- Lifecycle ---------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const watcher of this.watchers) watcher.closed = true;
    this.watchers.clear();
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.trimTimer) clearInterval(this.trimTimer);
    this.pollTimer = undefined;
    this.trimTimer = undefined;
    this.db.close();
  }

  /** Drops change-log rows older than the retention; runs on a timer, exposed for tests. */
  trimChangeLog(): number {
    if (this.closed) return 0;
    try {
      return this.stmt.trimChanges.run(this.now().getTime() - this.retentionMs).changes;
    } catch (err) {
      this.log.warn({ err }, 'change log trim failed');
      return 0;
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  /**
   * Every call but the batched writes first commits the writes this process has queued, so reads see
   * them and other writes keep their issue order.
   */
  private assertOpen(flush = true): void {
    if (this.closed) throw new Error(`the SQLite store ${this.path} is closed`);
    if (flush && this.queue.length > 0) this.flush();
  }

  /**
   * Group commit: ProwJob writes and build-number vends issued in the same tick share one BEGIN IMMEDIATE
   * transaction, each in its own savepoint, so one failing (a conflict, a taken name) leaves the others alone.
   * Each promise settles only after the commit, so a resolved write is as durable as one committed alone;
   * what a batch saves is the per-commit cost (WAL frames for pages several writes share).
   */
  private write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(() => {
          this.flushScheduled = false;
          if (!this.closed) this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    if (batch.length === 1) {
      const op = batch[0]!;
      try {
        op.resolve(op.run()); // its own BEGIN IMMEDIATE transaction
        this.notifyLocal();
      } catch (err) {
        op.reject(err);
      }
      return;
    }
    const results: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    let failure: { err: unknown } | undefined;
    try {
      this.stmt.begin.run();
    } catch (err) {
      failure = { err };
    }
    if (!failure) {
      for (const op of batch) {
        try {
          results.push({ ok: true, value: op.run() });
        } catch (err) {
          results.push({ ok: false, err });
          // An error that rolled back the whole transaction (disk full, I/O) takes the batch with it.
          if (!this.db.inTransaction) {
            failure = { err };
            break;
          }
        }
      }
    }
    if (!failure) {
      try {
        this.stmt.commit.run();
      } catch (err) {
        failure = { err };
      }
    }
    if (failure) {
      if (this.db.inTransaction) this.stmt.rollback.run();
      for (const op of batch) op.reject(failure.err);
      return;
    }
    batch.forEach((op, i) => {
      const result = results[i]!;
      if (result.ok) op.resolve(result.value);
      else op.reject(result.err);
    });
    this.notifyLocal();
  }

  private insertProwJob(stored: ProwJob): void {
    const name = stored.metadata.name;
    if (this.stmt.rv.get(name)) throw new AlreadyExistsError(PROWJOB_KIND, name);
    const rv = this.stmt.nextRv.get()!.value;
    stored.metadata.resourceVersion = String(rv);
    const doc = JSON.stringify(stored);
    this.stmt.insert.run({ ...this.columns(stored), resource_version: rv, created_at: stored.metadata.creationTimestamp, doc });
    this.writeLabels(stored);
    this.stmt.logChange.run(name, 'added', rv, this.now().getTime(), doc);
  }

  private replaceProwJob(stored: ProwJob, given: string | undefined): void {
    const name = stored.metadata.name;
    const current = this.stmt.current.get(name);
    if (!current) throw new NotFoundError(PROWJOB_KIND, name);
    const old = JSON.parse(current.doc) as ProwJob;
    if (given !== undefined && given !== '' && given !== old.metadata.resourceVersion) {
      throw new ConflictError(PROWJOB_KIND, name, given);
    }
    const rv = this.stmt.nextRv.get()!.value;
    stored.metadata.resourceVersion = String(rv);
    stored.metadata.creationTimestamp = old.metadata.creationTimestamp;
    stored.metadata.uid = old.metadata.uid;
    stored.metadata.namespace = old.metadata.namespace;
    const doc = JSON.stringify(stored);
    // Only the columns whose value changed are SET: SQLite then leaves the indexes on the others untouched,
    // which is most of the pages a commit would otherwise write (a state change touches one index, not seven).
    const columns = this.columns(stored);
    const params: Record<string, unknown> = { name, resource_version: rv, doc };
    const changed: string[] = [];
    for (const column of UPDATABLE_COLUMNS) {
      if (columns[column] !== current[column]) {
        changed.push(column);
        params[column] = columns[column];
      }
    }
    this.updateStatement(changed).run(params);
    if (!sameLabels(old.metadata.labels, stored.metadata.labels)) {
      this.stmt.deleteLabels.run(name);
      this.writeLabels(stored);
    }
    this.stmt.logChange.run(name, 'modified', rv, this.now().getTime(), doc);
  }

  private removeProwJob(name: string): void {
    const current = this.stmt.get.get(name);
    if (!current) throw new NotFoundError(PROWJOB_KIND, name);
    const rv = this.stmt.nextRv.get()!.value;
    this.stmt.delete.run(name);
    this.stmt.deleteLabels.run(name);
    // The deleted event carries the last stored object.
    this.stmt.logChange.run(name, 'deleted', rv, this.now().getTime(), current.doc);
  }

  private updateStatement(changed: string[]): Statement {
    const sets = ['resource_version = @resource_version', ...changed.map((c) => `${c} = @${c}`), 'doc = @doc'];
    return this.prepared(`UPDATE prowjobs SET ${sets.join(', ')} WHERE name = @name`);
  }

  /** Prepares a statement built at run time once; the cache is bounded in case callers vary SQL without end. */
  private prepared(sql: string): Statement {
    let stmt = this.dynamic.get(sql);
    if (!stmt) {
      if (this.dynamic.size >= DYNAMIC_STATEMENT_CACHE) this.dynamic.clear();
      stmt = this.db.prepare(sql);
      this.dynamic.set(sql, stmt);
    }
    return stmt;
  }

  private columns(pj: ProwJob) {
    const labels = pj.metadata.labels ?? {};
    return {
      name: pj.metadata.name,
      job: pj.spec?.job ?? labels[PROWJOB_JOB_LABEL] ?? '',
      type: pj.spec?.type ?? '',
      state: pj.status?.state ?? '',
      cluster: pj.spec?.cluster ?? null,
      org: pj.spec?.refs?.org ?? labels[ORG_LABEL] ?? null,
      repo: pj.spec?.refs?.repo ?? labels[REPO_LABEL] ?? null,
      pull: pullNumber(pj),
      start_time: pj.status?.startTime ?? pj.metadata.creationTimestamp ?? '',
      complete: pj.status && isComplete(pj) ? 1 : 0,
    };
  }

  private writeLabels(pj: ProwJob): void {
    for (const [key, value] of Object.entries(pj.metadata.labels ?? {})) {
      this.stmt.insertLabel.run(key, String(value), pj.metadata.name);
    }
  }

  private labelClause(selector: LabelSelector | undefined): { clause: string; params: string[] } {
    const entries = Object.entries(selector ?? {});
    if (entries.length === 0) return { clause: '', params: [] };
    const clause = entries
      .map(() => 'name IN (SELECT name FROM prowjob_labels WHERE key = ? AND value = ?)')
      .join(' AND ');
    return { clause, params: entries.flat() };
  }

  /**
   * Wakes this process's watchers after the writers' own continuations have run (setImmediate, not a
   * microtask): a writer that records what it wrote, as plank's cache does, then recognises the echo of
   * its write instead of reconciling the job a second time.
   */
  private notifyLocal(): void {
    if (this.notifyScheduled || this.watchers.size === 0) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      this.pollWatchers();
    });
  }

  private pollWatchers(): void {
    if (this.closed) return;
    for (const watcher of [...this.watchers]) {
      for (;;) {
        if (watcher.closed) break;
        let rows: ChangeRow[];
        try {
          rows = this.stmt.changesAfter.all(watcher.lastSeq);
        } catch (err) {
          this.log.warn({ err }, 'watch poll failed');
          break;
        }
        // seq has no holes (AUTOINCREMENT, rolled back with its transaction), so a hole is trimmed history.
        if (rows[0] && rows[0].seq > watcher.lastSeq + 1) {
          this.log.warn({ from: watcher.lastSeq, to: rows[0].seq }, 'watch fell behind the change log: events were lost, list again');
        }
        for (const row of rows) {
          if (watcher.closed) break;
          watcher.lastSeq = row.seq;
          const prowjob = JSON.parse(row.doc) as ProwJob;
          if (!matchesLabels(prowjob, watcher.labels)) continue;
          try {
            watcher.onEvent({ type: row.type, prowjob });
          } catch (err) {
            this.log.error({ err, ...prowJobFields(prowjob), watch_event: row.type }, 'watch handler threw');
          }
        }
        if (rows.length < 1000) break;
      }
    }
  }
}

export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(path, options);
}

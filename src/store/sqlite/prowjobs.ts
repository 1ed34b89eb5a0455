// ProwJob rows: JSON documents with indexed columns beside them and a label table for selectors. Every write
// takes the next resourceVersion and appends the change to prowjob_changes in the same transaction (the
// change log watches read, sqlite/change-log.ts).
import type { Database as Db, Statement } from 'better-sqlite3';
import { PROWJOB_KIND, type ProwJob } from '../../api/prowjob.js';
import { queryColumnsOf, type QueryColumns } from '../query-columns.js';
import { AlreadyExistsError, ConflictError, NotFoundError } from '../types.js';
import type { LabelSelector, ProwJobList } from '../types.js';
import { RESOURCE_VERSION_COUNTER } from './schema.js';
import type { StatementCache } from './statement-cache.js';

/** Indexed columns an update may change (name, created_at and resource_version are handled apart). */
const UPDATABLE_COLUMNS = ['job', 'type', 'state', 'cluster', 'org', 'repo', 'pull', 'start_time', 'complete'] as const;
type UpdatableColumn = (typeof UPDATABLE_COLUMNS)[number];
type CurrentRow = { doc: string } & Record<UpdatableColumn, string | number | null>;

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  if (ka.length !== kb.length) return false;
  return ka.every((key) => b !== undefined && Object.hasOwn(b, key) && String(a![key]) === String(b[key]));
}

/** `name IN (…)` per selector entry: a label selector through the label table's primary key. */
export function labelClause(selector: LabelSelector | undefined): { clause: string; params: string[] } {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return { clause: '', params: [] };
  const clause = entries
    .map(() => 'name IN (SELECT name FROM prowjob_labels WHERE key = ? AND value = ?)')
    .join(' AND ');
  return { clause, params: entries.flat() };
}

export class ProwJobTable {
  /** Transaction functions, built once: better-sqlite3 wraps BEGIN IMMEDIATE / COMMIT (or a savepoint) around each. */
  readonly create: (stored: ProwJob) => void;
  readonly update: (stored: ProwJob, given: string | undefined) => void;
  readonly delete: (name: string) => void;
  private readonly list: (selector: LabelSelector | undefined) => ProwJobList;
  private readonly stmt: {
    get: Statement<[string], { doc: string }>;
    current: Statement<[string], CurrentRow>;
    exists: Statement<[string], { resource_version: number }>;
    nextRv: Statement<[], { value: number }>;
    currentRv: Statement<[], { value: number }>;
    insert: Statement;
    delete: Statement<[string]>;
    insertLabel: Statement<[string, string, string]>;
    deleteLabels: Statement<[string]>;
    logChange: Statement<[number, string, string, number, number, string]>;
  };

  constructor(db: Db, private readonly statements: StatementCache, private readonly now: () => Date) {
    this.stmt = {
      get: db.prepare('SELECT doc FROM prowjobs WHERE name = ?'),
      current: db.prepare(`SELECT doc, ${UPDATABLE_COLUMNS.join(', ')} FROM prowjobs WHERE name = ?`),
      exists: db.prepare('SELECT resource_version FROM prowjobs WHERE name = ?'),
      nextRv: db.prepare(`UPDATE counters SET value = value + 1 WHERE name = '${RESOURCE_VERSION_COUNTER}' RETURNING value`),
      currentRv: db.prepare(`SELECT value FROM counters WHERE name = '${RESOURCE_VERSION_COUNTER}'`),
      insert: db.prepare(`INSERT INTO prowjobs
        (name, resource_version, job, type, state, cluster, org, repo, pull, created_at, start_time, complete, doc)
        VALUES (@name, @resource_version, @job, @type, @state, @cluster, @org, @repo, @pull, @created_at, @start_time, @complete, @doc)`),
      delete: db.prepare('DELETE FROM prowjobs WHERE name = ?'),
      insertLabel: db.prepare('INSERT OR REPLACE INTO prowjob_labels (key, value, name) VALUES (?, ?, ?)'),
      deleteLabels: db.prepare('DELETE FROM prowjob_labels WHERE name = ?'),
      logChange: db.prepare(`INSERT INTO prowjob_changes (seq, name, type, resource_version, at_ms, doc)
        VALUES (?, ?, ?, ?, ?, ?)`),
    };
    this.create = db.transaction((stored: ProwJob) => this.insertRow(stored)).immediate;
    this.update = db.transaction((stored: ProwJob, given: string | undefined) => this.replaceRow(stored, given)).immediate;
    this.delete = db.transaction((name: string) => this.removeRow(name)).immediate;
    // A read transaction: the rows and the counter come from one snapshot, even while other processes write.
    this.list = db.transaction((selector: LabelSelector | undefined) => {
      const { clause, params } = labelClause(selector);
      const rows = this.statements.get(`SELECT doc FROM prowjobs${clause ? ` WHERE ${clause}` : ''} ORDER BY name`)
        .all(...params) as { doc: string }[];
      return { items: rows.map((row) => JSON.parse(row.doc) as ProwJob), resourceVersion: String(this.stmt.currentRv.get()!.value) };
    }).deferred;
  }

  get(name: string): ProwJob | undefined {
    const row = this.stmt.get.get(name);
    return row ? (JSON.parse(row.doc) as ProwJob) : undefined;
  }

  listAll(selector: LabelSelector | undefined): ProwJobList {
    return this.list(selector);
  }

  /** The resourceVersion of the newest committed write. */
  currentResourceVersion(): number {
    return this.stmt.currentRv.get()!.value;
  }

  private insertRow(stored: ProwJob): void {
    const name = stored.metadata.name;
    if (this.stmt.exists.get(name)) throw new AlreadyExistsError(PROWJOB_KIND, name);
    const rv = this.stmt.nextRv.get()!.value;
    stored.metadata.resourceVersion = String(rv);
    const doc = JSON.stringify(stored);
    this.stmt.insert.run({ ...queryColumnsOf(stored), resource_version: rv, created_at: stored.metadata.creationTimestamp, doc });
    this.writeLabels(stored);
    this.stmt.logChange.run(rv, name, 'added', rv, this.now().getTime(), doc);
  }

  private replaceRow(stored: ProwJob, given: string | undefined): void {
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
    const columns: QueryColumns = queryColumnsOf(stored);
    const params: Record<string, unknown> = { name, resource_version: rv, doc };
    const changed: string[] = [];
    for (const column of UPDATABLE_COLUMNS) {
      if (columns[column] !== current[column]) {
        changed.push(column);
        params[column] = columns[column];
      }
    }
    const sets = ['resource_version = @resource_version', ...changed.map((c) => `${c} = @${c}`), 'doc = @doc'];
    this.statements.get(`UPDATE prowjobs SET ${sets.join(', ')} WHERE name = @name`).run(params);
    if (!sameLabels(old.metadata.labels, stored.metadata.labels)) {
      this.stmt.deleteLabels.run(name);
      this.writeLabels(stored);
    }
    this.stmt.logChange.run(rv, name, 'modified', rv, this.now().getTime(), doc);
  }

  private removeRow(name: string): void {
    const current = this.stmt.get.get(name);
    if (!current) throw new NotFoundError(PROWJOB_KIND, name);
    const rv = this.stmt.nextRv.get()!.value;
    this.stmt.delete.run(name);
    this.stmt.deleteLabels.run(name);
    // The deleted event carries the last stored object (the change log gives it the deletion's resourceVersion).
    this.stmt.logChange.run(rv, name, 'deleted', rv, this.now().getTime(), current.doc);
  }

  private writeLabels(pj: ProwJob): void {
    for (const [key, value] of Object.entries(pj.metadata.labels ?? {})) {
      this.stmt.insertLabel.run(key, String(value), pj.metadata.name);
    }
  }
}

// The SQLite store's tables and the migrations an older store file gets when it is opened.
import type { Database as Db } from 'better-sqlite3';

export const AUTHOR_EXPR = "json_extract(doc, '$.spec.refs.pulls[0].author')";

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

// prowjob_changes.seq is the change's resourceVersion: both come from the resource_version counter, one
// per write, gapless (a rolled-back write takes its number with it).
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

/** The counter every ProwJob write takes its resourceVersion from. */
export const RESOURCE_VERSION_COUNTER = 'resource_version';
/** The newest resourceVersion trimmed from the change log: a watch from before it has missed changes. */
export const TRIMMED_COUNTER = 'changes_trimmed_through';

/** Creates what is missing and brings an older store file up to date, in one write transaction. */
export function migrateSchema(db: Db): void {
  db.transaction(() => {
    db.exec(SCHEMA);
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(deliveries)').all();
    if (!columns.some((c) => c.name === 'head')) {
      // A store written before heads existed: add the column and work out every key's head once.
      db.exec('ALTER TABLE deliveries ADD COLUMN head INTEGER NOT NULL DEFAULT 0');
      db.exec(HEAD_BACKFILL);
    }
    db.exec(DELIVERY_HEADS);
    db.prepare(`INSERT OR IGNORE INTO counters (name, value) VALUES ('${RESOURCE_VERSION_COUNTER}', 0)`).run();
    const trimmed = db.prepare<[], { value: number }>(`SELECT value FROM counters WHERE name = '${TRIMMED_COUNTER}'`).get();
    if (!trimmed) {
      // A store from before change-log rows were numbered by resourceVersion: keep only the rows that are.
      db.exec('DELETE FROM prowjob_changes WHERE seq <> resource_version');
      db.prepare(`INSERT INTO counters (name, value) SELECT '${TRIMMED_COUNTER}', coalesce(
        (SELECT min(seq) - 1 FROM prowjob_changes),
        (SELECT value FROM counters WHERE name = '${RESOURCE_VERSION_COUNTER}'))`).run();
    }
  }).immediate();
}

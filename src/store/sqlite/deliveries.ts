// The webhook delivery queue (DeliveryQueue): deduplicated by delivery id, claimed one head per order key
// at a time (the heads and their trigger are in sqlite/schema.ts), retried with a notBefore, failed after
// maxDeliveryAttempts claims.
import type { Database as Db, Statement } from 'better-sqlite3';
import type { Logger } from '../../observability/logger.js';
import { NotFoundError } from '../types.js';
import type { Delivery, DeliveryStatus, StoredDelivery } from '../types.js';

const DELIVERY_KIND = 'Delivery';

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

/** Synchronous: the store wraps each call (closed check, pending ProwJob writes committed first). */
export class DeliveryTable {
  private readonly stmt: {
    get: Statement<[string], DeliveryRow>;
    enqueue: Statement<[{ id: string; event: string; payload: string; receivedAt: string; key: string | null }]>;
    complete: Statement<[string]>;
    prune: Statement<[string]>;
  };
  private readonly tx: {
    claim: (nowMs: number, limit: number) => StoredDelivery[];
    retry: (id: string, error: string, notBefore: string | null, notBeforeMs: number | null) => void;
    requeue: () => number;
  };

  constructor(db: Db, log: Logger, maxAttempts: number) {
    this.stmt = {
      get: db.prepare('SELECT * FROM deliveries WHERE id = ?'),
      // One statement, so the head check and the insert are atomic against other processes.
      enqueue: db.prepare(`INSERT OR IGNORE INTO deliveries
        (id, event, payload, received_at, order_key, status, attempts, head)
        SELECT @id, @event, @payload, @receivedAt, @key, 'queued', 0, (@key IS NULL OR NOT EXISTS (
          SELECT 1 FROM deliveries WHERE order_key = @key AND status IN ('queued', 'claimed')))`),
      complete: db.prepare(`UPDATE deliveries SET status = 'done', not_before = NULL, not_before_ms = NULL
        WHERE id = ?`),
      prune: db.prepare(`DELETE FROM deliveries WHERE status IN ('done', 'failed') AND received_at < ?`),
    };
    const claimable = db.prepare<[{ now: number; limit: number }], DeliveryRow>(`SELECT * FROM deliveries INDEXED BY deliveries_ready
        WHERE head = 1 AND status = 'queued' AND (not_before_ms IS NULL OR not_before_ms <= @now)
        ORDER BY seq LIMIT @limit`);
    const claim = db.prepare<[number, string]>(`UPDATE deliveries SET status = 'claimed', attempts = attempts + 1, claimed_at_ms = ? WHERE id = ?`);
    const retry = db.prepare<[string, string, string | null, number | null, string]>(`UPDATE deliveries
        SET status = ?, last_error = ?, not_before = ?, not_before_ms = ? WHERE id = ?`);
    const failStuckClaims = db.prepare<[number]>(`UPDATE deliveries SET status = 'failed',
          last_error = COALESCE(last_error, 'claimed ' || attempts || ' times by processes that stopped')
        WHERE status = 'claimed' AND attempts >= ?`);
    const requeueClaims = db.prepare<[]>(`UPDATE deliveries SET status = 'queued' WHERE status = 'claimed'`);
    this.tx = {
      claim: db.transaction((nowMs: number, limit: number) => claimable.all({ now: nowMs, limit }).map((row) => {
        claim.run(nowMs, row.id);
        return toDelivery({ ...row, status: 'claimed', attempts: row.attempts + 1 });
      })).immediate,
      retry: db.transaction((id: string, error: string, notBefore: string | null, notBeforeMs: number | null) => {
        const row = this.stmt.get.get(id);
        if (!row) throw new NotFoundError(DELIVERY_KIND, id);
        const failed = row.attempts >= maxAttempts;
        retry.run(failed ? 'failed' : 'queued', error, failed ? null : notBefore, failed ? null : notBeforeMs, id);
        if (failed) log.warn({ delivery: id, attempts: row.attempts, err: error }, 'delivery failed for good');
      }).immediate,
      requeue: db.transaction(() => {
        failStuckClaims.run(maxAttempts);
        return requeueClaims.run().changes;
      }).immediate,
    };
  }

  enqueue(delivery: Delivery): boolean {
    if (!delivery.id) throw new Error('enqueueDelivery: delivery id is required');
    const result = this.stmt.enqueue.run({
      id: delivery.id, event: delivery.event, payload: delivery.payload, receivedAt: delivery.receivedAt, key: delivery.orderKey ?? null,
    });
    return result.changes === 1;
  }

  claim(nowMs: number, limit: number): StoredDelivery[] {
    return this.tx.claim(nowMs, Math.max(0, Math.floor(limit)));
  }

  complete(id: string): void {
    if (this.stmt.complete.run(id).changes === 0) throw new NotFoundError(DELIVERY_KIND, id);
  }

  retry(id: string, error: string, notBefore: string | undefined): void {
    let notBeforeMs: number | null = null;
    if (notBefore !== undefined) {
      notBeforeMs = Date.parse(notBefore);
      if (Number.isNaN(notBeforeMs)) throw new Error(`retryDelivery ${id}: notBefore ${JSON.stringify(notBefore)} is not RFC 3339`);
    }
    this.tx.retry(id, error, notBefore ?? null, notBeforeMs);
  }

  requeueClaimed(): number {
    return this.tx.requeue();
  }

  get(id: string): StoredDelivery | undefined {
    const row = this.stmt.get.get(id);
    return row ? toDelivery(row) : undefined;
  }

  prune(before: Date): number {
    return this.stmt.prune.run(before.toISOString()).changes;
  }
}

// Group commit for the SQLite store's writes: ProwJob writes and build-number vends issued in the same tick
// share one BEGIN IMMEDIATE transaction; webhook deliveries (writeSoon) wait for the end of the event-loop
// turn, so the deliveries whose bodies arrived in one turn share one.
import type { Database as Db, Statement } from 'better-sqlite3';

interface QueuedWrite {
  run: () => unknown;
  /** Tell the change log (ProwJob writes); deliveries are not in it. */
  notify: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Each write runs in its own savepoint (a better-sqlite3 transaction function nested in the batch), so one
 * failing (a conflict, a taken name) leaves the others alone. Each promise settles only after the commit, so a
 * resolved write is as durable as one committed alone; what a batch saves is the per-commit cost (WAL frames
 * for pages several writes share).
 */
export class GroupCommit {
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;
  private immediate: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly begin: Statement<[]>;
  private readonly commit: Statement<[]>;
  private readonly rollback: Statement<[]>;

  constructor(private readonly db: Db, private readonly onCommitted: () => void) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, notify: true, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(() => {
          this.flushScheduled = false;
          if (!this.closed) this.flush();
        });
      }
    });
  }

  /**
   * Commits in the check phase of this event-loop turn (setImmediate), with every other write queued by
   * then: requests whose bodies arrived in the same poll share one commit. Settles after the commit, as write() does.
   */
  writeSoon<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, notify: false, resolve: resolve as (value: unknown) => void, reject });
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        if (!this.closed) this.flush();
      });
    });
  }

  /** Commits the queued writes now (before a read, so that it sees them; and before closing). */
  flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    if (batch.length === 1) {
      const op = batch[0]!;
      try {
        op.resolve(op.run()); // its own BEGIN IMMEDIATE transaction (or a single statement)
        if (op.notify) this.onCommitted();
      } catch (err) {
        op.reject(err);
      }
      return;
    }
    const results: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    let failure: { err: unknown } | undefined;
    try {
      this.begin.run();
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
        this.commit.run();
      } catch (err) {
        failure = { err };
      }
    }
    if (failure) {
      if (this.db.inTransaction) this.rollback.run();
      for (const op of batch) op.reject(failure.err);
      return;
    }
    batch.forEach((op, i) => {
      const result = results[i]!;
      if (result.ok) op.resolve(result.value);
      else op.reject(result.err);
    });
    if (batch.some((op) => op.notify)) this.onCommitted();
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}

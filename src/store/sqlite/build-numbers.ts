// tot's build numbers: one increasing counter per job name (BuildNumberStore).
import type { Database as Db, Statement } from 'better-sqlite3';

export class BuildNumberTable {
  /** One statement, atomic on its own; IMMEDIATE takes the write lock up front so a busy store waits (busy_timeout). */
  readonly next: (job: string) => number;
  private readonly stmt: {
    current: Statement<[string], { value: number }>;
    set: Statement<[string, number]>;
  };

  constructor(db: Db) {
    const next = db.prepare<[string], { value: number }>(`INSERT INTO build_numbers (job, value) VALUES (?, 1)
        ON CONFLICT (job) DO UPDATE SET value = value + 1 RETURNING value`);
    this.next = db.transaction((job: string) => next.get(job)!.value).immediate;
    this.stmt = {
      current: db.prepare('SELECT value FROM build_numbers WHERE job = ?'),
      set: db.prepare(`INSERT INTO build_numbers (job, value) VALUES (?, ?)
        ON CONFLICT (job) DO UPDATE SET value = excluded.value`),
    };
  }

  current(job: string): number {
    return this.stmt.current.get(job)?.value ?? 0;
  }

  set(job: string, value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`setBuildNumber ${job}: ${value} is not a non-negative integer`);
    this.stmt.set.run(job, value);
  }
}

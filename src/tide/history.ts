// Tide's action history (upstream pkg/tide/history/history.go): a ring buffer of records per pool,
// newest first in JSON, loaded from and flushed to a local file (--history-uri).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { TideHistoryRecordJSON } from '../api/tide-json.js';
import type { Logger } from '../observability/logger.js';

/** One action as deck's /tide-history.js shows it (src/api/tide-json.ts). */
export type HistoryRecord = TideHistoryRecordJSON;

export class TideHistory {
  private readonly pools = new Map<string, HistoryRecord[]>();

  constructor(private readonly maxRecordsPerPool: number, private readonly path: string | undefined, private readonly log: Logger) {
    if (path && existsSync(path)) {
      try {
        const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, HistoryRecord[]>;
        for (const [k, recs] of Object.entries(data)) this.pools.set(k, [...recs].reverse().slice(-maxRecordsPerPool));
      } catch (err) {
        log.warn({ err, path }, 'tide history unreadable: starting empty');
      }
    }
  }

  record(pool: string, rec: HistoryRecord): void {
    const list = this.pools.get(pool) ?? [];
    list.push(rec);
    if (list.length > this.maxRecordsPerPool) list.splice(0, list.length - this.maxRecordsPerPool);
    this.pools.set(pool, list);
  }

  /** `{pool: [records, newest first]}`, as upstream's /history. */
  all(): Record<string, HistoryRecord[]> {
    const out: Record<string, HistoryRecord[]> = {};
    for (const [k, v] of [...this.pools].sort(([a], [b]) => a.localeCompare(b))) out[k] = [...v].reverse();
    return out;
  }

  flush(): void {
    if (!this.path) return;
    try {
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.all()));
      renameSync(tmp, this.path);
    } catch (err) {
      this.log.error({ err, path: this.path }, 'writing tide history failed');
    }
  }
}

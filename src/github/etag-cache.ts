// Conditional GETs: GitHub answers 304 Not Modified for an unchanged resource when sent its ETag, and a
// 304 costs no rate limit (docs/github.md "ETag cache"; upstream's ghproxy does the same in front of Prow).

export interface CachedResponse {
  etag: string;
  status: number;
  url: string;
  headers: Record<string, unknown>;
  data: unknown;
}

/** Least-recently-used responses by key (credential scope, accept header, URL). */
export class EtagCache {
  private readonly entries = new Map<string, CachedResponse>();
  readonly stats = { hits: 0, misses: 0 };

  constructor(readonly capacity: number) {}

  get enabled(): boolean {
    return this.capacity > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  remember(key: string, entry: CachedResponse): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

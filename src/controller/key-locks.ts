// Reconciles that count the same limit run one at a time (upstream pkg/plank/reconciler.go locks per
// job name and per queue), so two triggered jobs never both see the last free slot.

interface KeyLocks {
  /** Runs `fn` holding every lock in `keys` (taken in sorted order, so two callers never deadlock). */
  with<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T>;
}

export function createKeyLocks(): KeyLocks {
  const locks = new Map<string, Promise<void>>();
  return {
    async with(keys, fn) {
      const releases: Array<() => void> = [];
      try {
        for (const key of [...new Set(keys)].sort()) {
          while (locks.has(key)) await locks.get(key);
          let release!: () => void;
          locks.set(key, new Promise<void>((r) => { release = r; }));
          releases.push(() => { locks.delete(key); release(); });
        }
        return await fn();
      } finally {
        for (const r of releases.reverse()) r();
      }
    },
  };
}

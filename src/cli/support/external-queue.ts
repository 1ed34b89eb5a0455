// The durable queue of external-plugin forwards (src/hook/external-forwarder.ts): its own SQLite file next to
// the webhook queue, so the dispatcher never claims a forward and a forward never waits behind a plugin.
import { join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/store.js';

const EXTERNAL_QUEUE_FILENAME = 'external-plugins.db';

/**
 * With backoff doubling from 1 s up to 5 min, 40 attempts keep a forward for about 2.5 hours of plugin
 * downtime; after that the row is marked failed (kept in the file, logged) rather than retried forever.
 */
const EXTERNAL_FORWARD_ATTEMPTS = 40;

/** Delivered and failed rows are kept this long (sinker's default max_prowjob_age for the webhook queue). */
const KEEP_DONE_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

export interface ExternalPluginQueue {
  queue: SqliteStore;
  close(): Promise<void>;
}

export function openExternalPluginQueue(dataDir: string, log: Logger): ExternalPluginQueue {
  const queue = openSqliteStore(join(dataDir, EXTERNAL_QUEUE_FILENAME), { log, maxDeliveryAttempts: EXTERNAL_FORWARD_ATTEMPTS });
  const prune = () => {
    try {
      const deleted = queue.pruneDeliveries(new Date(Date.now() - KEEP_DONE_MS));
      if (deleted > 0) log.info({ deleted }, 'pruned old external plugin forwards');
    } catch (err) {
      log.warn({ err }, 'pruning external plugin forwards failed');
    }
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  return {
    queue,
    async close() {
      clearInterval(timer);
      await queue.close();
    },
  };
}

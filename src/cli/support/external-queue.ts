// The durable queue of external-plugin forwards (src/hook/external-forwarder.ts): its own SQLite file next to
// the webhook queue, so the dispatcher never claims a forward and a forward never waits behind a plugin.
import { join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/store.js';

export const EXTERNAL_QUEUE_FILENAME = 'external-plugins.db';

/**
 * With backoff doubling from 1 s up to 5 min, 40 attempts keep a forward for about 2.5 hours of plugin
 * downtime; after that the row is marked failed (kept in the file, logged) rather than retried forever.
 */
const EXTERNAL_FORWARD_ATTEMPTS = 40;

export function openExternalPluginQueue(dataDir: string, log: Logger): SqliteStore {
  return openSqliteStore(join(dataDir, EXTERNAL_QUEUE_FILENAME), { log, maxDeliveryAttempts: EXTERNAL_FORWARD_ATTEMPTS });
}

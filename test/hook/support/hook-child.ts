// A hook process for the crash test: `node --import tsx hook-child.ts <store.db> <effects.db>`.
// Its one plugin records each handled delivery id in effects.db idempotently (INSERT OR IGNORE), and
// counts every invocation separately, so the test can tell "handled twice" from "effect applied twice".
// Prints {"port": N} on stdout once serving. With HANG_AFTER=n, invocations after the n-th hang.
import Database from 'better-sqlite3';
import { startHookServer } from '../../../src/hook/server.js';
import { staticSecretSource } from '../../../src/hook/secrets.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import type { Plugin } from '../../../src/plugins/types.js';
import { openSqliteStore } from '../../../src/store/sqlite/store.js';
import { noGitHub, snapshotFor } from './helpers.js';

const [storePath, effectsPath] = process.argv.slice(2) as [string, string];
const effects = new Database(effectsPath);
effects.pragma('journal_mode = WAL');
effects.exec(`CREATE TABLE IF NOT EXISTS handled (id TEXT PRIMARY KEY);
  CREATE TABLE IF NOT EXISTS invocations (n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL);`);
const insertHandled = effects.prepare('INSERT OR IGNORE INTO handled (id) VALUES (?)');
const insertInvocation = effects.prepare('INSERT INTO invocations (id) VALUES (?)');

const hangAfter = Number(process.env.HANG_AFTER ?? 'Infinity');
let invocations = 0;

const recorder: Plugin = {
  name: 'recorder',
  help: { description: 'records handled deliveries' },
  handlers: {
    genericComment: async (e) => {
      insertInvocation.run(e.deliveryId);
      // HANG_AFTER=n: every invocation after the n-th never finishes, so a kill always finds work in
      // flight and queued, however fast or slow the machine is.
      if (++invocations > hangAfter) await new Promise<never>(() => undefined);
      await new Promise((r) => setTimeout(r, 5));
      insertHandled.run(e.deliveryId);
    },
  },
};

const store = openSqliteStore(storePath);
const server = await startHookServer({
  port: 0,
  hostname: '127.0.0.1',
  store,
  jobs: store,
  snapshot: () => snapshotFor({ org: ['recorder'] }),
  github: noGitHub(),
  plugins: [recorder],
  log: createSilentLogger(),
  secrets: staticSecretSource('crash-secret'),
  pollIntervalMs: 20,
  concurrency: 4,
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.once('SIGTERM', () => {
  void server.close().then(async () => {
    await store.close();
    effects.close();
    process.exit(0);
  });
});

import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { closeOnSignal } from './support/shutdown.js';
import { createCommandLogger, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { openSqliteStore, storePath } from '../store/sqlite/store.js';
import { createUrlFallback, importTotJson, startTotServer } from '../tot/server.js';
import { parsePort } from './support/flags.js';
import { checkPortsFree } from './support/preflight.js';

interface TotFlags extends LogFormatFlags {
  port: number;
  dataDir: string;
  storage?: string;
  fallback?: boolean;
  fallbackUrlTemplate: string;
}

export function createCommand(): Command {
  return new Command('tot')
    .description('vend increasing build numbers per job over HTTP (GET/HEAD/POST /vend/<job>)')
    .option('--port <port>', 'port to listen on', parsePort, 8888)
    .option('--data-dir <dir>', 'data directory holding the SQLite store', '.prow')
    .option('--storage <file>', "upstream tot's JSON storage to import at start (counters are only raised)")
    .option('--fallback', 'seed jobs without a number from --fallback-url-template')
    .option('--fallback-url-template <url>', 'URL of the latest build number, %s is the job',
      'https://storage.googleapis.com/kubernetes-jenkins/logs/%s/latest-build.txt')
    .addOption(logFormatOption())
    .action(async (flags: TotFlags) => {
      const { log } = createCommandLogger('tot', flags);
      await checkPortsFree([{ flag: '--port', port: flags.port }]);
      const store = openSqliteStore(storePath(flags.dataDir), { log });
      if (flags.storage && existsSync(flags.storage)) {
        const changed = await importTotJson(store, flags.storage);
        log.info({ file: flags.storage, changed }, 'imported tot storage');
      }
      const fallback = flags.fallback ? createUrlFallback({ template: flags.fallbackUrlTemplate, log }) : undefined;
      // Handlers before the "listening" line: whoever reads it may signal at once (closing waits for the start).
      const started = startTotServer({ store, port: flags.port, log, ...(fallback ? { fallback } : {}) });
      closeOnSignal([async () => (await started).close(), () => store.close()], { log });
      await started;
    });
}

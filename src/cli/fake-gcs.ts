// `prow fake-gcs`: the fake Google Cloud Storage JSON API (src/artifacts/fake-gcs) on a port, for trying
// gs:// buckets without Google: point a command at it with --gcs-endpoint (docs/artifacts.md).
import { Command } from 'commander';
import { collect, parsePort } from './support/flags.js';
import { createCommandLogger, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { closeOnSignal } from './support/shutdown.js';

interface FakeGcsFlags extends LogFormatFlags {
  port: number;
  hostname: string;
  bucket: string[];
}

export function createCommand(): Command {
  return new Command('fake-gcs')
    .description('a fake of the GCS JSON API that @google-cloud/storage accepts; objects live in memory (docs/artifacts.md)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 4443)
    .option('--hostname <host>', 'address to bind', '127.0.0.1')
    .option('--bucket <name>', 'a bucket that exists (repeatable)', collect, [])
    .addOption(logFormatOption())
    .action(async (flags: FakeGcsFlags) => {
      const { log } = createCommandLogger('fake-gcs', flags);
      if (flags.bucket.length === 0) {
        process.stderr.write('prow fake-gcs: give at least one --bucket\n');
        process.exitCode = 1;
        return;
      }
      const { startFakeGcs } = await import('../artifacts/fake-gcs/server.js');
      const fake = await startFakeGcs({ port: flags.port, hostname: flags.hostname, buckets: flags.bucket });
      log.info({ url: fake.url, buckets: flags.bucket }, 'fake gcs serving');
      process.stdout.write(`${fake.url}\n`);
      closeOnSignal([() => fake.close()], { log });
    });
}

import { Command } from 'commander';

export function createCommand(): Command {
  return new Command('up')
    .description('run every component in one process (embedded mode)')
    .option('--data-dir <dir>', 'data directory: SQLite store, artifacts, workspaces', '.prow')
    .action(() => {
      process.stdout.write('prow up: the embedded system is not assembled yet (see the open issues).\n');
    });
}

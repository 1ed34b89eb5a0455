import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/load.js';
import { mkpj, prowJobToYaml } from '../api/mkpj.js';
import { openSqliteStore, storePath } from '../store/sqlite/store.js';
import { checkFilesReadable } from './support/preflight.js';

interface MkpjFlags {
  configPath: string;
  jobConfigPath?: string;
  job: string;
  baseRef?: string;
  baseSha?: string;
  pullNumber?: number;
  pullSha?: string;
  pullAuthor?: string;
  pullHeadRef?: string;
  githubUrl?: string;
  create?: boolean;
  dataDir: string;
}

function parsePullNumber(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('must be a positive integer');
  return Number(value);
}

export function createCommand(): Command {
  return new Command('mkpj')
    .description('print a ProwJob for a configured job as YAML (pipe it to `kubectl apply -f -`)')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .requiredOption('--job <name>', 'job to run')
    .option('--base-ref <ref>', 'git base ref under test')
    .option('--base-sha <sha>', 'git base SHA under test')
    .option('--pull-number <n>', 'pull request number under test', parsePullNumber)
    .option('--pull-sha <sha>', 'pull request head SHA under test')
    .option('--pull-author <login>', 'pull request author')
    .option('--pull-head-ref <branch>', 'pull request branch name')
    .option('--github-url <url>', 'GitHub web URL; fills repo, commit and pull links (e.g. https://github.com)')
    .option('--create', "create the ProwJob in the embedded store (--data-dir) instead of printing it: `prow up`'s controller starts it")
    .option('--data-dir <dir>', 'with --create: the data directory of `prow up` / `prow controller`', '.prow')
    .action(async (flags: MkpjFlags) => {
      try {
        checkFilesReadable([{ flag: '--config-path', path: flags.configPath }, { flag: '--job-config-path', path: flags.jobConfigPath, directory: true }]);
        const { config, warnings } = loadConfig({ configPath: flags.configPath, ...(flags.jobConfigPath ? { jobConfigPath: flags.jobConfigPath } : {}) });
        void warnings;
        const pj = mkpj(config, {
          job: flags.job,
          ...(flags.baseRef !== undefined ? { baseRef: flags.baseRef } : {}),
          ...(flags.baseSha !== undefined ? { baseSha: flags.baseSha } : {}),
          ...(flags.pullNumber !== undefined ? { pullNumber: flags.pullNumber } : {}),
          ...(flags.pullSha !== undefined ? { pullSha: flags.pullSha } : {}),
          ...(flags.pullAuthor !== undefined ? { pullAuthor: flags.pullAuthor } : {}),
          ...(flags.pullHeadRef !== undefined ? { pullHeadRef: flags.pullHeadRef } : {}),
          ...(flags.githubUrl !== undefined ? { githubUrl: flags.githubUrl } : {}),
        });
        if (!flags.create) {
          process.stdout.write(prowJobToYaml(pj));
          return;
        }
        const path = storePath(flags.dataDir);
        checkFilesReadable([{ flag: '--data-dir', path }]); // a store `prow up` made, not a new empty one
        const store = openSqliteStore(path);
        try {
          const created = await store.createProwJob(pj);
          process.stdout.write(`created ProwJob ${created.metadata.name} (${created.spec.type} ${created.spec.job}) in ${path}\n`);
        } finally {
          await store.close();
        }
      } catch (err) {
        process.stderr.write(`mkpj: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}

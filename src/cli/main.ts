// `prow <component>`: every file in this folder (but this one) is one subcommand and exports
// `createCommand()`. Discovering them keeps this file free of a list that every component edits.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { LogLevelError } from '../observability/log-level.js';
import { describeStartupError } from './support/preflight.js';
import { packageVersion } from './support/version.js';

interface SubcommandModule {
  createCommand(): Command;
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('prow')
    .description('Prow in TypeScript: CI and merge automation for GitHub')
    .version(packageVersion(), '--version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  const here = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'main.ts')
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as Partial<SubcommandModule>;
    if (typeof mod.createCommand !== 'function') continue;
    const sub = mod.createCommand();
    sub.exitOverride();
    program.addCommand(sub);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof LogLevelError) {
      process.stderr.write(`prow: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    const line = describeStartupError(err);
    if (line !== undefined) {
      const sub = argv.slice(2).find((a) => !a.startsWith('-'));
      process.stderr.write(`prow${sub ? ` ${sub}` : ''}: ${line}\n`);
      // Whatever had started before the failure (a dispatcher loop, a watcher) must not keep the process up.
      process.exit(1);
    }
    throw err;
  }
}

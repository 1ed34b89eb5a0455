// `prow <component>`: every file in this folder (but this one) is one subcommand and exports
// `createCommand()`. Discovering them keeps this file free of a list that every component edits: the
// built command (scripts/build.mjs) lists the folder at build time and hands the modules in; run from
// the sources (tests), the folder is listed here.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { LogLevelError } from '../observability/log-level.js';
import { StoreFlagError } from './support/store.js';
import { describeStartupError } from './support/preflight.js';
import { packageVersion } from './support/package-info.js';

interface SubcommandModule {
  createCommand(): Command;
}

/** Subcommand module files in `dir`: `.ts` from the sources, `.js` from a tsc-style build. */
function subcommandFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.js'))
    .filter((f) => f !== 'main.ts' && f !== 'main.js')
    .sort();
}

export async function buildProgram(modules?: readonly Partial<SubcommandModule>[]): Promise<Command> {
  const program = new Command('prow')
    .description('Prow in TypeScript: CI and merge automation for GitHub')
    .version(packageVersion(), '--version', 'print the version and exit')
    .showHelpAfterError()
    .enablePositionalOptions() // lets `prow entrypoint [flags] command --its-flags` pass the command's flags through
    .exitOverride();
  let mods = modules;
  if (mods === undefined) {
    const here = dirname(fileURLToPath(import.meta.url));
    const found: Partial<SubcommandModule>[] = [];
    for (const file of subcommandFiles(here)) found.push((await import(pathToFileURL(join(here, file)).href)) as Partial<SubcommandModule>);
    mods = found;
  }
  for (const mod of mods) {
    if (typeof mod.createCommand !== 'function') continue;
    const sub = mod.createCommand();
    sub.exitOverride();
    program.addCommand(sub);
  }
  return program;
}

/**
 * Our one image runs every pod utility: a decorated pod starts the utility containers without a command
 * (upstream's images each have their own entrypoint), so with no subcommand the options variable present
 * picks one (docs/pod-utilities.md).
 */
export function podUtilityArgv(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const rest = argv.slice(2);
  if (rest.length > 0 && !rest[0]!.startsWith('-')) return [...argv];
  if (rest.includes('--help') || rest.includes('-h') || rest.includes('--version')) return [...argv];
  let utility: string | undefined;
  if (rest.includes('--copy-mode-only')) utility = 'entrypoint';
  else if (env['CLONEREFS_OPTIONS'] !== undefined) utility = 'clonerefs';
  else if (env['INITUPLOAD_OPTIONS'] !== undefined) utility = 'initupload';
  else if (env['SIDECAR_OPTIONS'] !== undefined) utility = 'sidecar';
  else if (env['ENTRYPOINT_OPTIONS'] !== undefined) utility = 'entrypoint';
  return utility === undefined ? [...argv] : [...argv.slice(0, 2), utility, ...rest];
}

/** Runs `prow`; `modules` are the subcommands when the caller already has them (the built bundle). */
export async function main(argv: string[], modules?: readonly Partial<SubcommandModule>[]): Promise<void> {
  const program = await buildProgram(modules);
  try {
    await program.parseAsync(podUtilityArgv(argv, process.env));
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof LogLevelError || err instanceof StoreFlagError) {
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

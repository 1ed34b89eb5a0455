import { Command } from 'commander';
import { checkConfig, formatCounts } from '../config/check.js';
import { formatIssue } from '../config/errors.js';
import { builtinPluginNames, builtinPluginSections } from '../plugins/registry.js';

interface CheckConfigFlags {
  configPath: string;
  jobConfigPath?: string;
  pluginConfig?: string;
  strict?: boolean;
}

export function createCommand(): Command {
  return new Command('checkconfig')
    .description('validate config.yaml, job config and plugins.yaml; list every problem as file:line: field: message')
    .requiredOption('--config-path <file>', 'Prow config.yaml')
    .option('--job-config-path <path>', 'job config file or directory')
    .option('--plugin-config <file>', 'plugins.yaml')
    .option('--strict', 'unknown fields are errors, not warnings', false)
    .action((flags: CheckConfigFlags) => {
      const result = checkConfig({
        configPath: flags.configPath,
        jobConfigPath: flags.jobConfigPath,
        pluginConfigPath: flags.pluginConfig,
        pluginSections: builtinPluginSections(),
        implementedPlugins: builtinPluginNames(),
        strict: flags.strict,
      });
      for (const w of result.warnings) process.stderr.write(`warning: ${formatIssue(w)}\n`);
      if (result.errors.length > 0) {
        for (const e of result.errors) process.stderr.write(`${formatIssue(e)}\n`);
        process.stderr.write(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'} found\n`);
        process.exitCode = 1;
        return;
      }
      if (result.counts) process.stdout.write(`${formatCounts(result.counts)}\n`);
    });
}

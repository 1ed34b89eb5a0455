// Configuration for tests, built through the real loader from YAML text (decoder, defaults, validation),
// never as hand-made objects: a test then sees what an operator's file would give.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue, IssueList } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { parsePluginsConfig } from '../../src/config/plugins.js';
import type { Config, ConfigSnapshot, PluginsConfig } from '../../src/config/types.js';
import { builtinPluginSections } from '../../src/plugins/registry.js';

/** plugins.yaml text through the real decoder, defaults and validation (with the registry's sections); throws on any error. */
export function pluginsConfigFrom(yaml = '{}', { checkUnknownPlugins = false } = {}): PluginsConfig {
  const issues = new IssueList(false);
  const pc = parsePluginsConfig('plugins.yaml', yaml, issues, { checkUnknownPlugins, sections: builtinPluginSections() });
  if (issues.errors.length > 0) throw new Error(issues.errors.map(formatIssue).join('\n'));
  return pc;
}

/** config.yaml text (and, optionally, one job config file) through the real loader; throws on any error. */
export function configFrom(configYaml = '{}', jobsYaml?: string): Config {
  const dir = mkdtempSync(join(tmpdir(), 'test-config-'));
  try {
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, configYaml);
    let jobConfigPath: string | undefined;
    if (jobsYaml !== undefined) {
      jobConfigPath = join(dir, 'jobs.yaml');
      writeFileSync(jobConfigPath, jobsYaml);
    }
    return loadConfig({ configPath, jobConfigPath }).config;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One snapshot as the ConfigAgent hands it out. */
export function snapshotOf(config: Config, plugins: PluginsConfig): ConfigSnapshot {
  return { config, plugins, warnings: [], loadedAt: new Date(0) };
}

/** A snapshot from YAML text: config.yaml, plugins.yaml and optional job config, all through the real loader. */
export function snapshotFrom(o: { config?: string; plugins?: string; jobs?: string } = {}): ConfigSnapshot {
  return snapshotOf(configFrom(o.config, o.jobs), pluginsConfigFrom(o.plugins));
}

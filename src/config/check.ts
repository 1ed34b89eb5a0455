// What `prow checkconfig` does: load everything, collect every error and warning, and summarize.
import { lineOf, sourceOf } from './decode.js';
import { ConfigAggregateError, type ConfigIssue } from './errors.js';
import { allPeriodics, allPostsubmits, allPresubmits, loadConfig } from './load.js';
import { loadPluginsConfig, pluginsFor } from './plugins.js';
import type { Config, JobBase, PluginsConfig } from './types.js';
import { noControllerDescription } from '../api/unhandled-agent.js';
import type { PluginConfigSection } from './plugin-sections.js';

export interface CheckConfigOptions {
  configPath: string;
  jobConfigPath?: string;
  pluginConfigPath?: string;
  /** The plugins.yaml sections built-in plugins own (the registry's, from src/cli). */
  pluginSections?: readonly PluginConfigSection[];
  /** The registry's plugin names: an upstream plugin this build lacks is an error, as hook refuses it. */
  implementedPlugins?: readonly string[];
  strict?: boolean;
}

export interface JobCounts {
  presubmits: number;
  postsubmits: number;
  periodics: number;
  /** Distinct org/repo keys that have presubmits or postsubmits. */
  repos: number;
}

export interface CheckConfigResult {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  config?: Config;
  plugins?: PluginsConfig;
  counts?: JobCounts;
}

export function countJobs(config: Config): JobCounts {
  const repos = new Set<string>();
  for (const [repo, jobs] of Object.entries(config.presubmits)) if (jobs.length > 0) repos.add(repo);
  for (const [repo, jobs] of Object.entries(config.postsubmits)) if (jobs.length > 0) repos.add(repo);
  return {
    presubmits: allPresubmits(config).length,
    postsubmits: allPostsubmits(config).length,
    periodics: allPeriodics(config).length,
    repos: repos.size,
  };
}

export function formatCounts(c: JobCounts): string {
  return `${c.presubmits} presubmits, ${c.postsubmits} postsubmits, ${c.periodics} periodics in ${c.repos} repos`;
}

export function checkConfig(opts: CheckConfigOptions): CheckConfigResult {
  const result: CheckConfigResult = { errors: [], warnings: [] };
  const collect = (err: unknown): void => {
    if (err instanceof ConfigAggregateError) {
      result.errors.push(...err.errors);
      result.warnings.push(...err.warnings);
    } else throw err;
  };
  try {
    const loaded = loadConfig({ configPath: opts.configPath, jobConfigPath: opts.jobConfigPath, strict: opts.strict });
    result.config = loaded.config;
    result.warnings.push(...loaded.warnings);
    result.counts = countJobs(loaded.config);
  } catch (err) {
    collect(err);
  }
  if (opts.pluginConfigPath) {
    try {
      const loaded = loadPluginsConfig(opts.pluginConfigPath, { strict: opts.strict, checkUnknownPlugins: true, implementedPlugins: opts.implementedPlugins, sections: opts.pluginSections });
      result.plugins = loaded.plugins;
      result.warnings.push(...loaded.warnings);
    } catch (err) {
      collect(err);
    }
  }
  if (result.config) result.warnings.push(...jobWarnings(result.config), ...agentWarnings(result.config));
  if (result.config && result.plugins) result.warnings.push(...missingTriggerWarnings(result.config, result.plugins, opts.pluginConfigPath!));
  // Stable sort by file, then line: problems of one file read top to bottom.
  const byPlace = (a: ConfigIssue, b: ConfigIssue): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  result.errors.sort(byPlace);
  result.warnings.sort(byPlace);
  return result;
}

/** checkconfig's `missing-trigger`: repos with presubmits or postsubmits but no trigger plugin. */
export function missingTriggerWarnings(config: Config, plugins: PluginsConfig, pluginPath: string): ConfigIssue[] {
  const repos = new Set([...Object.keys(config.presubmits), ...Object.keys(config.postsubmits)]);
  const missing: string[] = [];
  for (const key of [...repos].sort()) {
    const [org, repo] = key.split('/');
    if (!org || !repo) continue; // Gerrit keys (https://host/repo) have no GitHub plugins
    if (!pluginsFor(plugins, org, repo).includes('trigger')) missing.push(key);
  }
  if (missing.length === 0) return [];
  return [{
    file: pluginPath, line: 0, field: 'plugins', severity: 'warning',
    message: `the following repos have jobs configured but do not have the trigger plugin enabled: ${missing.join(', ')}`,
  }];
}

/**
 * checkconfig's `duplicate-job-refs` (a presubmit's extra_refs repeat its own repo or each other) and
 * `periodic-default-clone-config` (clone_depth/clone_uri/path_alias do nothing on periodics).
 */
export function jobWarnings(config: Config): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const warn = (job: object, key: string, message: string): void => {
    const src = sourceOf(job);
    out.push({ file: src?.file ?? '', line: lineOf(job, key), field: key, message, severity: 'warning' });
  };
  for (const { repo, job } of allPresubmits(config)) {
    const seen = new Map<string, number>([[repo, 1]]);
    for (const r of job.extra_refs ?? []) {
      const k = `${r.org}/${r.repo}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    const dupes = [...seen].filter(([, n]) => n > 1).map(([k]) => k).sort();
    if (dupes.length > 0) {
      warn(job, 'extra_refs', `invalid job ${job.name} on repo ${repo}: the following refs specified more than once: ${dupes.join(',')}`);
    }
  }
  for (const job of allPeriodics(config)) {
    if (job.clone_depth || job.clone_uri || job.path_alias) {
      const key = job.path_alias ? 'path_alias' : job.clone_uri ? 'clone_uri' : 'clone_depth';
      warn(job, key, `periodic jobs might clone 0, 1, or more repos, top level \`clone_depth\`, \`clone_uri\`, and \`path_alias\` don't have any effect. Name: ${JSON.stringify(job.name)}`);
    }
  }
  return out;
}

/**
 * Jobs whose agent needs a component beyond plank: agent jenkins runs only while a jenkins-operator runs
 * (`prow jenkins-operator`, or `prow up --jenkins-url`); any other agent but kubernetes has no controller
 * here at all. Without one such jobs end as error with noControllerDescription's words. One warning per
 * agent, at its first job.
 */
export function agentWarnings(config: Config): ConfigIssue[] {
  const byAgent = new Map<string, { first: JobBase; count: number }>();
  const jobs: JobBase[] = [...allPresubmits(config).map((j) => j.job), ...allPostsubmits(config).map((j) => j.job), ...allPeriodics(config)];
  for (const job of jobs) {
    const agent = job.agent || 'kubernetes';
    if (agent === 'kubernetes') continue;
    const entry = byAgent.get(agent);
    if (entry) entry.count++;
    else byAgent.set(agent, { first: job, count: 1 });
  }
  const out: ConfigIssue[] = [];
  for (const [agent, { first, count }] of byAgent) {
    const runs = agent === 'jenkins'
      ? 'they run only while a jenkins-operator runs (prow jenkins-operator, or prow up --jenkins-url)'
      : `no component of this Prow runs agent ${agent}`;
    out.push({
      file: sourceOf(first)?.file ?? '', line: lineOf(first, 'agent'), field: 'agent', severity: 'warning',
      message: `${count} job${count === 1 ? '' : 's'} use agent ${agent} (first: ${first.name}): ${runs}; otherwise they end as error: "${noControllerDescription(agent)}"`,
    });
  }
  return out;
}

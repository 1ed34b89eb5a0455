// Loading config.yaml, the --job-config-path tree and plugins.yaml into typed, defaulted, validated objects.
// Every problem is reported at once, each with file:line and field path (ConfigAggregateError).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decode, lineOf, setSource, sourceOf, type Schema } from './decode.js';
import { defaultJob, defaultProwConfig, periodicRepo, applyPresets, type JobKind } from './defaults.js';
import { requireContent } from './empty-file.js';
import { ConfigAggregateError, IssueList, type ConfigIssue } from './errors.js';
import { listJobConfigFiles } from './files.js';
import { configSchema, jobConfigSchema } from './schema.js';
import type { Config, JobBase, JobConfig, Periodic, Postsubmit, Presubmit, Preset } from './types.js';
import { validateJobs, type JobRecord } from './validate.js';
import { parseYaml, readFileMaybeGzip, type YNode } from './yaml.js';


export interface LoadConfigOptions {
  configPath: string;
  /** A job config file or a directory of them. */
  jobConfigPath?: string;
  /** Unknown fields become errors (upstream LoadStrict / checkconfig --strict). */
  strict?: boolean;
}

export interface LoadConfigResult {
  config: Config;
  warnings: ConfigIssue[];
}

/** Reads and decodes one YAML file. Returns undefined when the file is empty or unreadable (issues recorded). */
export function readYamlFile(
  path: string, schema: Schema, issues: IssueList, opts: { gzip: boolean; mustHoldContent?: 'config.yaml' },
): Record<string, unknown> | undefined {
  let src: string;
  try {
    src = opts.gzip ? readFileMaybeGzip(path) : readFileSync(path, 'utf8');
  } catch (err) {
    issues.error(path, 0, '', `cannot read file: ${(err as Error).message}`);
    return undefined;
  }
  if (opts.mustHoldContent) requireContent(path, src, opts.mustHoldContent, issues);
  return decodeYamlText(path, src, schema, issues);
}

export function decodeYamlText(path: string, src: string, schema: Schema, issues: IssueList): Record<string, unknown> | undefined {
  const parsed = parseYaml(src);
  for (const e of parsed.errors) issues.error(path, e.line, '', `invalid YAML: ${e.message}`);
  if (parsed.errors.length > 0 || !parsed.root) return undefined;
  return decodeRoot(path, parsed.root, schema, issues);
}

function decodeRoot(path: string, root: YNode, schema: Schema, issues: IssueList): Record<string, unknown> | undefined {
  if (root.kind === 'scalar' && root.value === null) return undefined;
  const v = decode({ file: path, issues }, root, schema, '');
  return v as Record<string, unknown> | undefined;
}

function emptyJobConfig(): JobConfig {
  return { presets: [], presubmits: {}, postsubmits: {}, periodics: [] };
}

/**
 * Loads config.yaml plus job config and returns the finalized configuration. Throws ConfigAggregateError
 * listing every error (with the warnings) when anything is wrong.
 */
export function loadConfig(opts: LoadConfigOptions): LoadConfigResult {
  const issues = new IssueList(opts.strict ?? false);
  const raw = readYamlFile(opts.configPath, configSchema, issues, { gzip: true, mustHoldContent: 'config.yaml' }) ?? {};
  if (!sourceOf(raw)) setSource(raw, { file: opts.configPath, line: 1, keys: {} });
  defaultProwConfig(raw, opts.configPath, issues);
  const config = raw as unknown as Config;
  config.presets ??= [];
  config.presubmits ??= {};
  config.postsubmits ??= {};
  config.periodics ??= [];

  const records: JobRecord[] = [];
  const presetOrigins: Array<{ preset: Preset; file: string; path: string }> = [];
  collect(config, opts.configPath, records, presetOrigins);

  if (opts.jobConfigPath) {
    let files: string[] = [];
    try {
      files = listJobConfigFiles(opts.jobConfigPath);
    } catch (err) {
      issues.error(opts.jobConfigPath, 0, '', `cannot read job config: ${(err as Error).message}`);
    }
    const basenames = new Map<string, string>();
    const merged = emptyJobConfig();
    for (const file of files) {
      const base = basename(file);
      const prev = basenames.get(base);
      if (prev !== undefined) {
        issues.error(file, 0, '', `duplicated basename ${JSON.stringify(base)}: also used by ${prev} (job config files must have unique basenames)`);
        continue;
      }
      basenames.set(base, file);
      const jc = readYamlFile(file, jobConfigSchema, issues, { gzip: true }) as Partial<JobConfig> | undefined;
      if (!jc) continue;
      if (jc.decorate_all_jobs !== undefined) {
        issues.warn(file, lineOf(jc, 'decorate_all_jobs'), 'decorate_all_jobs', 'decorate_all_jobs is only read from config.yaml; ignored here');
      }
      const part: JobConfig = {
        presets: jc.presets ?? [],
        presubmits: jc.presubmits ?? {},
        postsubmits: jc.postsubmits ?? {},
        periodics: jc.periodics ?? [],
      };
      collect(part, file, records, presetOrigins);
      merged.presets.push(...part.presets);
      for (const [repo, jobs] of Object.entries(part.presubmits)) (merged.presubmits[repo] ??= []).push(...(jobs ?? []));
      for (const [repo, jobs] of Object.entries(part.postsubmits)) (merged.postsubmits[repo] ??= []).push(...(jobs ?? []));
      merged.periodics.push(...part.periodics);
    }
    config.presets.push(...merged.presets);
    for (const [repo, jobs] of Object.entries(merged.presubmits)) (config.presubmits[repo] ??= []).push(...jobs);
    for (const [repo, jobs] of Object.entries(merged.postsubmits)) (config.postsubmits[repo] ??= []).push(...jobs);
    config.periodics.push(...merged.periodics);
  }

  checkPresetLabels(presetOrigins, issues);
  config.presets = config.presets.filter(Boolean);
  for (const rec of records) {
    defaultLegacyJenkinsAgent(rec, issues);
    defaultJob(config, rec.job, rec.kind, rec.repo);
    for (const msg of applyPresets(rec.job, config.presets)) {
      issues.error(rec.file, lineOf(rec.job, 'spec'), `${rec.path}.spec`, `job ${rec.job.name} failed to merge presets for podspec: ${msg}`);
    }
  }
  validateJobs(config, records, issues);
  if (issues.errors.length > 0) throw new ConfigAggregateError(issues.errors, issues.warnings);
  return { config, warnings: issues.warnings };
}

/** Records every job (run_after_success children included) with its file, path and repo; drops null items. */
function collect(jc: JobConfig, file: string, out: JobRecord[], presets: Array<{ preset: Preset; file: string; path: string }>): void {
  jc.presets = (jc.presets ?? []).filter((p, i) => {
    if (p) presets.push({ preset: p, file, path: `presets[${i}]` });
    return !!p;
  });
  const add = (job: JobBase | undefined, kind: JobKind, repo: string, path: string, child = false): boolean => {
    if (!job) return false;
    out.push({ job, kind, repo: kind === 'periodic' ? periodicRepo(job as Periodic) : repo, file, path, child });
    const children = job.run_after_success as JobBase[] | undefined;
    if (children) {
      job.run_after_success = children.filter((c, i) => add(c, kind, repo, `${path}.run_after_success[${i}]`, true));
    }
    return true;
  };
  for (const [repo, jobs] of Object.entries(jc.presubmits ?? {})) {
    jc.presubmits[repo] = (jobs ?? []).filter((j, i) => add(j, 'presubmit', repo, `presubmits[${JSON.stringify(repo)}][${i}]`)) as Presubmit[];
  }
  for (const [repo, jobs] of Object.entries(jc.postsubmits ?? {})) {
    jc.postsubmits[repo] = (jobs ?? []).filter((j, i) => add(j, 'postsubmit', repo, `postsubmits[${JSON.stringify(repo)}][${i}]`)) as Postsubmit[];
  }
  jc.periodics = (jc.periodics ?? []).filter((j, i) => add(j, 'periodic', '', `periodics[${i}]`));
}

/**
 * Before jobs carried an `agent` (test-infra, Aug 2017), a job without a pod spec was a Jenkins job
 * (prow/plank/plank.go of that time: `if p.Spec == nil { Agent = JenkinsAgent }`). Later loaders default
 * every job to kubernetes and then reject it for having no spec; a job with no agent and nothing that
 * only another agent can run keeps its 2017 meaning here, with a warning asking for an explicit agent.
 */
function defaultLegacyJenkinsAgent(rec: JobRecord, issues: IssueList): void {
  const j = rec.job;
  if (j.agent || j.spec || j.decorate || j.decoration_config || j.pipeline_run_spec || j.tekton_pipeline_run_spec) return;
  j.agent = 'jenkins';
  issues.warn(rec.file, lineOf(j, 'name', lineOf(j)), `${rec.path}.agent`,
    `job ${j.name ?? ''} has no agent and no spec: it is a Jenkins job, as Prow read such jobs in 2017; set agent: jenkins (or a spec) explicitly`);
}

function checkPresetLabels(presets: Array<{ preset: Preset; file: string; path: string }>, issues: IssueList): void {
  const seen = new Map<string, string>();
  for (const { preset, file, path } of presets) {
    for (const [k, v] of Object.entries(preset.labels ?? {})) {
      const key = `${k}:${v}`;
      const prev = seen.get(key);
      if (prev) {
        issues.error(file, lineOf(preset.labels, k), `${path}.labels[${JSON.stringify(k)}]`, `duplicated preset label ${key} (also in ${prev})`);
      } else seen.set(key, `${file}:${lineOf(preset.labels, k)}`);
    }
  }
}

/** Every presubmit, flattened over repos (run_after_success children included). */
export function allPresubmits(config: Pick<Config, 'presubmits'>): Array<{ repo: string; job: Presubmit }> {
  const out: Array<{ repo: string; job: Presubmit }> = [];
  const add = (repo: string, j: Presubmit): void => {
    out.push({ repo, job: j });
    for (const c of j.run_after_success ?? []) add(repo, c);
  };
  for (const [repo, jobs] of Object.entries(config.presubmits)) for (const j of jobs) add(repo, j);
  return out;
}

export function allPostsubmits(config: Pick<Config, 'postsubmits'>): Array<{ repo: string; job: Postsubmit }> {
  const out: Array<{ repo: string; job: Postsubmit }> = [];
  const add = (repo: string, j: Postsubmit): void => {
    out.push({ repo, job: j });
    for (const c of j.run_after_success ?? []) add(repo, c);
  };
  for (const [repo, jobs] of Object.entries(config.postsubmits)) for (const j of jobs) add(repo, j);
  return out;
}

export function allPeriodics(config: Pick<Config, 'periodics'>): Periodic[] {
  const out: Periodic[] = [];
  const add = (j: Periodic): void => {
    out.push(j);
    for (const c of j.run_after_success ?? []) add(c);
  };
  for (const j of config.periodics) add(j);
  return out;
}


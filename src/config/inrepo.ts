// In-repo job configuration (upstream inrepoconfig.go): `.prow.yaml`, or every *.yaml/*.yml under `.prow/`
// (which wins when present), holding lists of presubmits, postsubmits and presets for that one repo.
// Fetching the files at the right SHA is the caller's job; this module defaults and validates them.
import { decode, lineOf, S, sourceOf } from './decode.js';
import { applyPresets, defaultJob } from './defaults.js';
import { ConfigAggregateError, IssueList, type ConfigIssue } from './errors.js';
import { postsubmitSchema, presetSchema, presubmitSchema } from './schema.js';
import type { Config, Postsubmit, Presubmit, Preset } from './types.js';
import { validateJobs, type JobRecord } from './validate.js';
import { parseYaml } from './yaml.js';

const prowYAMLSchema = S.obj('ProwYAML', {
  presets: S.list(presetSchema),
  presubmits: S.list(presubmitSchema),
  postsubmits: S.list(postsubmitSchema),
  prow_ignored: S.any,
});

export interface ProwYAML {
  presets: Preset[];
  presubmits: Presubmit[];
  postsubmits: Postsubmit[];
}

export interface InRepoConfigFile {
  /** Path relative to the repository root, with `/` separators: `.prow.yaml` or `.prow/…`. */
  path: string;
  content: string;
}

/** in_repo_config.enabled: the narrowest of `org/repo`, `org`, `*` decides; off by default. */
export function inRepoConfigEnabled(config: Pick<Config, 'in_repo_config'>, org: string, repo: string): boolean {
  const enabled = config.in_repo_config?.enabled ?? {};
  for (const key of [`${org}/${repo}`, org, '*']) {
    const v = enabled[key];
    if (v !== undefined) return v;
  }
  return false;
}

/** in_repo_config.allowed_clusters: the union over `org/repo`, `org` and `*`. */
export function inRepoConfigAllowedClusters(config: Pick<Config, 'in_repo_config'>, org: string, repo: string): string[] {
  const allowed = config.in_repo_config?.allowed_clusters ?? {};
  const out = new Set<string>();
  for (const key of [`${org}/${repo}`, org, '*']) for (const c of allowed[key] ?? []) out.add(c);
  return [...out];
}

/** Which of the given files upstream would read: `.prow/**` when any exists, else `.prow.yaml`. */
export function selectInRepoConfigFiles(files: readonly InRepoConfigFile[]): InRepoConfigFile[] {
  const dir = files.filter((f) => f.path.startsWith('.prow/') && (f.path.endsWith('.yaml') || f.path.endsWith('.yml')));
  if (dir.length > 0) return [...dir].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files.filter((f) => f.path === '.prow.yaml');
}

/**
 * Decodes, defaults (global presets, then the repo's) and validates in-repo jobs for org/repo, together
 * with the repo's static jobs for duplicate checks. Throws ConfigAggregateError listing every problem.
 */
export function parseProwYAML(
  config: Config, org: string, repo: string, files: readonly InRepoConfigFile[], opts: { strict?: boolean } = {},
): { prowYAML: ProwYAML; warnings: ConfigIssue[] } {
  const issues = new IssueList(opts.strict ?? false);
  const identifier = `${org}/${repo}`;
  const out: ProwYAML = { presets: [], presubmits: [], postsubmits: [] };
  const records: JobRecord[] = [];
  for (const file of selectInRepoConfigFiles(files)) {
    const parsed = parseYaml(file.content);
    for (const e of parsed.errors) issues.error(file.path, e.line, '', `invalid YAML: ${e.message}`);
    if (!parsed.root) continue;
    const py = decode({ file: file.path, issues }, parsed.root, prowYAMLSchema, '') as Partial<ProwYAML> | undefined;
    if (!py) continue;
    out.presets.push(...(py.presets ?? []).filter(Boolean));
    (py.presubmits ?? []).forEach((j, i) => {
      if (!j) return;
      out.presubmits.push(j);
      records.push({ job: j, kind: 'presubmit', repo: identifier, file: file.path, path: `presubmits[${i}]` });
    });
    (py.postsubmits ?? []).forEach((j, i) => {
      if (!j) return;
      out.postsubmits.push(j);
      records.push({ job: j, kind: 'postsubmit', repo: identifier, file: file.path, path: `postsubmits[${i}]` });
    });
  }
  const presets = [...config.presets, ...out.presets];
  for (const rec of records) {
    defaultJob(config, rec.job, rec.kind, rec.repo);
    for (const msg of applyPresets(rec.job, presets)) {
      issues.error(rec.file, lineOf(rec.job, 'spec'), `${rec.path}.spec`, `job ${rec.job.name} failed to merge presets for podspec: ${msg}`);
    }
  }
  const allowed = new Set(inRepoConfigAllowedClusters(config, org, repo));
  for (const rec of records) {
    if (!allowed.has(rec.job.cluster)) {
      issues.error(rec.file, lineOf(rec.job, 'cluster'), `${rec.path}.cluster`, `cluster ${JSON.stringify(rec.job.cluster)} is not allowed for repository ${JSON.stringify(identifier)}`);
    }
  }
  // Duplicates are checked against the repo's static jobs too; those are already valid, so only clashes can add errors.
  const staticRecords: JobRecord[] = [];
  (config.presubmits[identifier] ?? []).forEach((j, i) => staticRecords.push({
    job: j, kind: 'presubmit', repo: identifier, file: sourceOf(j)?.file ?? '<config>', path: `presubmits[${JSON.stringify(identifier)}][${i}]`,
  }));
  (config.postsubmits[identifier] ?? []).forEach((j, i) => staticRecords.push({
    job: j, kind: 'postsubmit', repo: identifier, file: sourceOf(j)?.file ?? '<config>', path: `postsubmits[${JSON.stringify(identifier)}][${i}]`,
  }));
  validateJobs(config, records, issues, staticRecords);
  if (issues.errors.length > 0) throw new ConfigAggregateError(issues.errors, issues.warnings);
  return { prowYAML: out, warnings: issues.warnings };
}

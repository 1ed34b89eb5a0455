// Defaulting of config.yaml and of jobs (docs/configuration.md), as upstream pkg/config/config.go does at load.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DecorationConfig, ProwJobDefault } from '../api/prowjob.js';
import { lineOf, setSource, sourceOf } from './decode.js';
import { parseTideQueryString, TideQueryStringError } from './tide-query-string.js';
import { LabelSelectorError, parseLabelSelector } from '../api/label-selector.js';
import type { IssueList } from './errors.js';
import { compileGoTemplate, type GoTemplate } from '../go/template/template.js';
import { PROWJOB_GO_TYPE } from '../api/prowjob-go-type.js';
import { reportTemplateField, setCompiledReportTemplates } from './report-templates.js';
import { compileRegex, RegexError } from '../go/regex.js';
import { defaultRerunCommandFor, defaultTriggerFor } from './match.js';
import type {
  Config, DefaultDecorationConfigEntry, JobBase, TideQuery, Periodic, Postsubmit, Presubmit, Preset, ProwConfig, ProwJobDefaultEntry,
} from './types.js';

export const DEFAULT_TENANT_ID = 'GlobalDefaultID';
export const DEFAULT_CLUSTER_ALIAS = 'default';
export const DEFAULT_SLACK_REPORT_TEMPLATE =
  'Job {{.Spec.Job}} of type {{.Spec.Type}} ended with state {{.Status.State}}. <{{.Status.URL}}|View logs>';
const LOG_LEVELS = ['panic', 'fatal', 'error', 'warn', 'warning', 'info', 'debug', 'trace'];

type Obj = Record<string, unknown>;

function sub<T extends object>(parent: Obj, key: string): T {
  let v = parent[key];
  if (v === undefined || v === null) {
    v = {};
    parent[key] = v;
  }
  return v as T;
}

/** Fills config.yaml defaults in place and reports errors in the top-level (non-job) settings. */
export function defaultProwConfig(raw: Obj, file: string, issues: IssueList): void {
  const err = (obj: object | undefined, key: string | undefined, field: string, msg: string): void =>
    issues.error(file, lineOf(obj, key), field, msg);
  raw.prowjob_namespace ||= 'default';
  raw.pod_namespace ||= 'default';
  raw.log_level ||= 'info';
  if (!LOG_LEVELS.includes(String(raw.log_level).toLowerCase())) {
    err(raw, 'log_level', 'log_level', `not a valid logrus Level: ${JSON.stringify(raw.log_level)}`);
  }
  const plank = sub<Obj>(raw, 'plank');
  plank.job_url_template ??= '';
  plank.max_concurrency ??= 0;
  if ((plank.max_concurrency as number) < 0) {
    err(plank, 'max_concurrency', 'plank.max_concurrency', `controller has invalid max_concurrency (${String(plank.max_concurrency)}), it needs to be a non-negative number`);
  }
  if (!plank.max_goroutines) plank.max_goroutines = 20;
  if ((plank.max_goroutines as number) <= 0) {
    err(plank, 'max_goroutines', 'plank.max_goroutines', `controller has invalid max_goroutines (${String(plank.max_goroutines)}), it needs to be a positive number`);
  }
  plank.pod_pending_timeout ||= '10m';
  plank.pod_running_timeout ||= '48h';
  plank.pod_unscheduled_timeout ||= '5m';
  plank.max_revivals ??= 3;
  if (plank.report_template) {
    const existing = plank.report_templates as Record<string, string> | undefined;
    if (existing && Object.keys(existing).length > 0) {
      err(plank, 'report_template', 'plank.report_template', 'both report_template and report_templates are specified');
    } else {
      plank.report_templates = { '*': plank.report_template as string };
    }
  }
  const oldDefaults = plank.default_decoration_configs as Record<string, DecorationConfig> | undefined;
  const entries = plank.default_decoration_config_entries as DefaultDecorationConfigEntry[] | undefined;
  if (oldDefaults && Object.keys(oldDefaults).length > 0 && entries && entries.length > 0) {
    err(plank, 'default_decoration_configs', 'plank.default_decoration_configs',
      'default_decoration_configs and default_decoration_config_entries are mutually exclusive');
  }
  if (!entries || entries.length === 0) plank.default_decoration_config_entries = decorationMapToEntries(oldDefaults ?? {});
  for (const [key, url] of Object.entries((plank.job_url_prefix_config as Record<string, string>) ?? {})) {
    try {
      new URL(url);
    } catch {
      err(plank.job_url_prefix_config as object, key, `plank.job_url_prefix_config[${JSON.stringify(key)}]`, `invalid URL ${JSON.stringify(url)}`);
    }
  }

  const sinker = sub<Obj>(raw, 'sinker');
  sinker.resync_period ||= '1h';
  sinker.max_prowjob_age ||= '168h';
  sinker.max_pod_age ||= '24h';
  sinker.terminated_pod_ttl ||= sinker.max_pod_age;

  const deck = sub<Obj>(raw, 'deck');
  const spyglass = sub<Obj>(deck, 'spyglass');
  if (spyglass.size_limit === undefined || spyglass.size_limit === 0) spyglass.size_limit = 100_000_000;
  if ((spyglass.size_limit as number) <= 0) {
    err(spyglass, 'size_limit', 'deck.spyglass.size_limit', `invalid value for deck.spyglass.size_limit, must be >=0`);
  }
  if (spyglass.gcs_browser_prefix && (spyglass.gcs_browser_prefixes as Obj | undefined)?.['*'] !== undefined) {
    err(spyglass, 'gcs_browser_prefix', 'deck.spyglass.gcs_browser_prefix', 'both gcs_browser_prefix and gcs_browser_prefixes["*"] are specified');
  }
  migrateSpyglassViewers(spyglass, file, issues);
  deck.tide_update_period ||= '10s';
  if (deck.rerun_auth_configs && deck.default_rerun_auth_configs) {
    err(deck, 'default_rerun_auth_configs', 'deck.default_rerun_auth_configs', 'rerun_auth_configs and default_rerun_auth_configs are mutually exclusive');
  }
  if (deck.skip_storage_path_validation && (deck.additional_allowed_buckets as unknown[] | undefined)?.length) {
    err(deck, 'additional_allowed_buckets', 'deck.additional_allowed_buckets', 'additional_allowed_buckets is invalid when skip_storage_path_validation is true');
  }

  const tide = sub<Obj>(raw, 'tide');
  tide.sync_period ||= '1m';
  tide.status_update_period ||= tide.sync_period;
  if (!tide.max_goroutines) tide.max_goroutines = 20;
  tide.queries ??= [];
  convertTideQueryStrings(tide.queries as unknown[], file, issues);
  validateTide(tide, file, issues);
  tide.queries = deduplicateTideQueries(tide.queries as TideQuery[]);

  sub<Obj>(raw, 'branch-protection');
  const bp = raw['branch-protection'] as Obj;
  if ((bp.include as unknown[] | undefined)?.length && (bp.exclude as unknown[] | undefined)?.length) {
    err(bp, 'include', 'branch-protection.include', 'include and exclude are mutually exclusive');
  }

  const gr = sub<Obj>(raw, 'github_reporter');
  const types = gr.job_types_to_report as string[] | undefined;
  if (!types || types.length === 0) gr.job_types_to_report = ['presubmit', 'postsubmit'];
  else {
    types.forEach((t, i) => {
      if (t !== 'presubmit' && t !== 'postsubmit') {
        issues.error(file, lineOf(types, i), `github_reporter.job_types_to_report[${i}]`, `the github reporter only reports presubmit and postsubmit jobs, not ${JSON.stringify(t)}`);
      }
    });
  }
  const slack = raw.slack_reporter_configs as Record<string, Obj> | undefined;
  for (const [key, sc] of Object.entries(slack ?? {})) {
    if (!sc) continue;
    sc.report_template ||= DEFAULT_SLACK_REPORT_TEMPLATE;
    if (!sc.channel) err(sc, undefined, `slack_reporter_configs[${JSON.stringify(key)}].channel`, 'channel is required');
  }

  sub<Obj>(raw, 'horologium');
  const irc = sub<Obj>(raw, 'in_repo_config');
  const allowed = (irc.allowed_clusters ??= {}) as Record<string, string[]>;
  if (!('*' in allowed)) allowed['*'] = [DEFAULT_CLUSTER_ALIAS];
  raw.status_error_link ||= 'https://github.com/kubernetes/test-infra/issues';
  raw.default_job_timeout ||= '24h';
  const gh = sub<Obj>(raw, 'github');
  gh.link_url ||= 'https://github.com';
  const pg = sub<Obj>(raw, 'push_gateway');
  pg.interval ||= '1m';
  const gerrit = sub<Obj>(raw, 'gerrit');
  gerrit.tick_interval ||= '1m';
  if (!gerrit.ratelimit) gerrit.ratelimit = 5;
  const moon = sub<Obj>(raw, 'moonraker');
  moon.client_timeout ||= '10m';
  if (raw.pubsub_subscriptions && raw.pubsub_triggers) {
    err(raw, 'pubsub_triggers', 'pubsub_triggers', 'pubsub_subscriptions and pubsub_triggers are mutually exclusive');
  }
  const ops = defaultJenkinsOperators(raw, file, issues);
  if (ops && ops.length > 1) {
    ops.forEach((op, i) => {
      if (!op.label_selector) err(op, undefined, `jenkins_operators[${i}].label_selector`, 'a label selector is required when several jenkins operators are configured');
    });
  } else if (ops && ops.length === 1 && ops[0]?.label_selector) {
    err(ops[0], 'label_selector', 'jenkins_operators[0].label_selector', 'a single jenkins operator must not have a label selector');
  }
  const mw = raw.managed_webhooks as { org_repo_config?: Record<string, { token_created_after?: string }> } | undefined;
  for (const [key, info] of Object.entries(mw?.org_repo_config ?? {})) {
    const t = info?.token_created_after;
    if (t && (Number.isNaN(Date.parse(t)) || Date.parse(t) > Date.now())) {
      err(info, 'token_created_after', `managed_webhooks.org_repo_config[${JSON.stringify(key)}].token_created_after`,
        Number.isNaN(Date.parse(t)) ? `invalid time ${JSON.stringify(t)}` : 'token_created_after may not be in the future');
    }
  }
  validateTemplates(raw, file, issues);
  validateConfigRegexes(raw, file, issues);
  if (!raw.config_version_sha) {
    const versionFile = join(dirname(file), 'VERSION');
    if (existsSync(versionFile)) raw.config_version_sha = readFileSync(versionFile, 'utf8').trim();
  }
}

/**
 * 2017's single `jenkins_operator` becomes `jenkins_operators[0]` (upstream later made it a list); each
 * operator gets upstream ValidateController's defaults: report_template folded into report_templates['*'],
 * max_goroutines 20, and its label_selector must parse.
 */
function defaultJenkinsOperators(raw: Obj, file: string, issues: IssueList): Obj[] | undefined {
  const single = raw.jenkins_operator as Obj | undefined;
  if (single) {
    if (raw.jenkins_operators) {
      issues.error(file, lineOf(raw, 'jenkins_operator'), 'jenkins_operator', 'jenkins_operator (2017) and jenkins_operators are mutually exclusive');
    } else {
      issues.warn(file, lineOf(raw, 'jenkins_operator'), 'jenkins_operator', 'jenkins_operator is the 2017 spelling: read as jenkins_operators[0]');
      raw.jenkins_operators = [single];
    }
    delete raw.jenkins_operator;
  }
  const ops = raw.jenkins_operators as Obj[] | undefined;
  (ops ?? []).forEach((op, i) => {
    if (!op) return;
    const p = `jenkins_operators[${i}]`;
    if (op.report_template) {
      if (op.report_templates && Object.keys(op.report_templates as Obj).length > 0) {
        issues.error(file, lineOf(op, 'report_template'), `${p}.report_template`, 'both report_template and report_templates are specified');
      } else op.report_templates = { '*': op.report_template };
    }
    if (!op.max_goroutines) op.max_goroutines = 20;
    if ((op.max_goroutines as number) <= 0) {
      issues.error(file, lineOf(op, 'max_goroutines'), `${p}.max_goroutines`, `controller has invalid max_goroutines (${String(op.max_goroutines)}), it needs to be a positive number`);
    }
    op.max_concurrency ??= 0;
    if ((op.max_concurrency as number) < 0) {
      issues.error(file, lineOf(op, 'max_concurrency'), `${p}.max_concurrency`, `controller has invalid max_concurrency (${String(op.max_concurrency)}), it needs to be a non-negative number`);
    }
    if (typeof op.label_selector === 'string') {
      try {
        parseLabelSelector(op.label_selector);
      } catch (err) {
        if (!(err instanceof LabelSelectorError)) throw err;
        issues.error(file, lineOf(op, 'label_selector'), `${p}.label_selector`, `invalid jenkins_operators.label_selector option: ${err.message}`);
      }
    }
  });
  return ops;
}

/** 2017's string queries become structured ones in place; each keeps its line for later messages. */
function convertTideQueryStrings(queries: unknown[], file: string, issues: IssueList): void {
  queries.forEach((q, i) => {
    if (typeof q !== 'string') return;
    const line = lineOf(queries, i);
    try {
      const parsed = parseTideQueryString(q);
      setSource(parsed, { file, line, keys: {} });
      queries[i] = parsed;
    } catch (err) {
      if (!(err instanceof TideQueryStringError)) throw err;
      issues.error(file, line, `tide.queries[${i}]`, err.message);
      queries[i] = undefined;
    }
  });
}

function validateTide(tide: Obj, file: string, issues: IssueList): void {
  const queries = tide.queries as Obj[];
  queries.forEach((q, i) => {
    if (!q) return;
    const p = `tide.queries[${i}]`;
    const e = (key: string | undefined, msg: string): void => issues.error(file, lineOf(q, key), key ? `${p}.${key}` : p, msg);
    const orgs = (q.orgs as string[] | undefined) ?? [];
    const repos = (q.repos as string[] | undefined) ?? [];
    const excluded = (q.excludedRepos as string[] | undefined) ?? [];
    for (const o of orgs) if (o.includes('/')) e('orgs', `orgs[] entry ${JSON.stringify(o)} contains a '/' which is not valid`);
    for (const r of repos) {
      const parts = r.split('/');
      if (parts.length !== 2 || !parts[0] || !parts[1]) e('repos', `repos[] entry ${JSON.stringify(r)} is not in org/repo format`);
      else if (orgs.includes(parts[0])) e('repos', `repos[] entry ${JSON.stringify(r)} is already included via org ${JSON.stringify(parts[0])}`);
    }
    if (orgs.length === 0 && repos.length === 0) e(undefined, "'orgs' and 'repos' cannot both be empty");
    for (const r of excluded) {
      if (!orgs.includes(r.split('/')[0] ?? '')) e('excludedRepos', `excludedRepos[] entry ${JSON.stringify(r)} is not in one of the listed orgs`);
    }
    for (const key of ['orgs', 'repos', 'excludedRepos', 'labels', 'missingLabels', 'excludedBranches', 'includedBranches']) {
      const list = (q[key] as string[] | undefined) ?? [];
      const seen = new Set<string>();
      for (const v of list) {
        if (seen.has(v)) e(key, `${key} contains duplicate ${JSON.stringify(v)}`);
        seen.add(v);
      }
    }
    const missing = new Set((q.missingLabels as string[] | undefined) ?? []);
    for (const l of (q.labels as string[] | undefined) ?? []) {
      if (missing.has(l)) e('labels', `the label ${JSON.stringify(l)} is both required and forbidden`);
    }
    if ((q.excludedBranches as unknown[] | undefined)?.length && (q.includedBranches as unknown[] | undefined)?.length) {
      e('includedBranches', 'both excludedBranches and includedBranches are set');
    }
  });
  const methods = ['merge', 'rebase', 'squash'];
  const checkMethod = (obj: Obj, key: string, path: string, v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      if (!methods.includes(v)) issues.error(file, lineOf(obj, key), path, `merge type ${JSON.stringify(v)} is not supported: use merge, rebase or squash`);
    } else if (v && typeof v === 'object' && depth < 3) {
      for (const [k, vv] of Object.entries(v as Obj)) checkMethod(v as Obj, k, `${path}[${JSON.stringify(k)}]`, vv, depth + 1);
    }
  };
  const mm = tide.merge_method as Obj | undefined;
  if (mm) for (const [k, v] of Object.entries(mm)) checkMethod(mm, k, `tide.merge_method[${JSON.stringify(k)}]`, v, 0);
  const improvements = tide.improvements as Obj | undefined;
  const speculative = improvements?.speculative_batches;
  if (typeof speculative === 'number' && speculative < 0) {
    issues.error(file, lineOf(improvements!, 'speculative_batches'), 'tide.improvements.speculative_batches', 'must be 0 (off) or the number of batch prefixes to test at once');
  }
}

/** The old map form in upstream's order: `*`, then orgs, then org/repos. */
function decorationMapToEntries(m: Record<string, DecorationConfig>): DefaultDecorationConfigEntry[] {
  const out: DefaultDecorationConfigEntry[] = [];
  const keys = Object.keys(m);
  if (m['*']) out.push({ repo: '*', cluster: '', config: m['*'] });
  for (const k of keys) if (k !== '*' && !k.includes('/')) out.push({ repo: k, cluster: '', config: m[k]! });
  for (const k of keys) if (k.includes('/')) out.push({ repo: k, cluster: '', config: m[k]! });
  return out;
}

function entryMatches(entry: { repo?: string; cluster?: string }, repo: string, cluster: string): boolean {
  const c = entry.cluster ?? '';
  if (c !== '' && c !== '*' && c !== cluster) return false;
  const r = entry.repo ?? '';
  if (r === '' || r === '*') return true;
  const org = repo.split('/')[0] ?? '';
  return r === repo || r === org;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

const NESTED = new Set(['utility_images', 'resources', 'gcs_configuration', 'censoring_options', 'scheduling_options']);

/** Upstream DecorationConfig.ApplyDefault: job values win; nil/empty falls back; nested structs field by field. */
export function applyDecorationDefault(job: DecorationConfig | undefined, def: DecorationConfig | undefined): DecorationConfig {
  if (!def) return { ...(job ?? {}) };
  if (!job) return clonePlain(def);
  const out: Obj = { ...(job as Obj) };
  for (const [k, dv] of Object.entries(def as Obj)) {
    const jv = out[k];
    if (NESTED.has(k) && jv && typeof jv === 'object' && dv && typeof dv === 'object') {
      const merged: Obj = { ...(jv as Obj) };
      for (const [nk, ndv] of Object.entries(dv as Obj)) {
        if (k === 'gcs_configuration' && nk === 'mediaTypes') {
          // Upstream: maps.Copy(merged, def): the union, and default keys win.
          merged[nk] = { ...((merged[nk] as Obj | undefined) ?? {}), ...((ndv as Obj | undefined) ?? {}) };
        } else if (isEmpty(merged[nk])) merged[nk] = ndv;
      }
      out[k] = merged;
    } else if (isEmpty(jv)) out[k] = clonePlain(dv);
  }
  return out as DecorationConfig;
}

/** Every matching default entry folded in order (later wins), then the job's own config on top. */
export function mergeDefaultDecorationConfig(
  entries: readonly DefaultDecorationConfigEntry[], repo: string, cluster: string, job: DecorationConfig | undefined,
): DecorationConfig {
  let merged: DecorationConfig | undefined;
  for (const e of entries) {
    if (!entryMatches(e, repo, cluster)) continue;
    merged = applyDecorationDefault(e.config, merged);
  }
  return applyDecorationDefault(job, merged);
}

function mergeProwJobDefaults(entries: readonly ProwJobDefaultEntry[], repo: string, cluster: string, job: ProwJobDefault | undefined): ProwJobDefault {
  let merged: ProwJobDefault = {};
  for (const e of entries) {
    if (!entryMatches(e, repo, cluster) || !e.config) continue;
    merged = {
      ...merged,
      ...(e.config.tenant_id ? { tenant_id: e.config.tenant_id } : {}),
      ...(e.config.resultstore_config?.project_id ? { resultstore_config: { ...e.config.resultstore_config } } : {}),
    };
  }
  const out: ProwJobDefault = { ...merged, ...(job ?? {}) };
  if (job?.resultstore_config?.project_id === undefined && merged.resultstore_config) out.resultstore_config = merged.resultstore_config;
  if (!out.tenant_id) out.tenant_id = DEFAULT_TENANT_ID;
  return out;
}

export type JobKind = 'presubmit' | 'postsubmit' | 'periodic';

/** Upstream finalizeJobConfig for one job, before presets. `repo` is the presubmits/postsubmits key, or extra_refs[0] for periodics. */
export function defaultJob(config: ProwConfig & { decorate_all_jobs?: boolean }, job: JobBase, kind: JobKind, repo: string): void {
  if (!job.agent) job.agent = 'kubernetes';
  if (!job.namespace) job.namespace = config.pod_namespace;
  if (!job.cluster) job.cluster = DEFAULT_CLUSTER_ALIAS;
  if (kind !== 'periodic') {
    const j = job as Presubmit | Postsubmit;
    if (!j.context) j.context = j.name;
  }
  if (kind === 'presubmit') {
    const p = job as Presubmit;
    if (!p.trigger && !p.rerun_command) {
      p.trigger = defaultTriggerFor(p.name);
      p.rerun_command = defaultRerunCommandFor(p.name);
    }
  }
  if (job.decorate === undefined) job.decorate = config.decorate_all_jobs ?? false;
  if (job.decorate) {
    job.decoration_config = mergeDefaultDecorationConfig(config.plank.default_decoration_config_entries, repo, job.cluster, job.decoration_config);
  }
  job.prowjob_defaults = mergeProwJobDefaults(config.prowjob_default_entries ?? [], repo, job.cluster, job.prowjob_defaults);
}

export function periodicRepo(job: Periodic): string {
  const r = job.extra_refs?.[0];
  return r ? `${r.org}/${r.repo}` : '';
}

/** Upstream mergePreset (pkg/config/jobs.go): applies matching presets to the pod spec; conflicts are returned as messages. */
export function applyPresets(job: JobBase, presets: readonly Preset[]): string[] {
  const problems: string[] = [];
  const spec = job.spec;
  if (!spec) return problems;
  const labels = job.labels ?? {};
  for (const preset of presets) {
    const pl = preset.labels;
    let applies = true;
    if (pl) {
      for (const k in pl) {
        if (labels[k] !== pl[k]) {
          applies = false;
          break;
        }
      }
    }
    if (!applies) continue;
    for (const c of spec.containers ?? []) {
      if (!c) continue;
      for (const ev of preset.env ?? []) {
        c.env ??= [];
        if (c.env.some((x) => x?.name === ev.name)) problems.push(`env var duplicated in pod spec: ${ev.name}`);
        else c.env.push(clonePlain(ev));
      }
      for (const vm of preset.volumeMounts ?? []) {
        const mounts = ((c.volumeMounts as Array<{ name: string }> | undefined) ??= []);
        if (mounts.some((x) => x?.name === vm.name)) problems.push(`volume mount duplicated in pod spec: ${vm.name}`);
        else mounts.push(clonePlain(vm));
      }
    }
    for (const v of preset.volumes ?? []) {
      spec.volumes ??= [];
      if ((spec.volumes as Array<{ name?: string }>).some((x) => x?.name === v.name)) problems.push(`volume duplicated in pod spec: ${v.name}`);
      else spec.volumes.push(clonePlain(v));
    }
    for (const t of preset.tolerations ?? []) {
      const tols = ((spec.tolerations as unknown[] | undefined) ??= []);
      const key = JSON.stringify(t);
      if (tols.some((x) => JSON.stringify(x) === key)) problems.push(`toleration duplicated in pod spec: ${key}`);
      else tols.push(clonePlain(t));
    }
  }
  return problems;
}

const EMPTY_PROWJOB = {
  apiVersion: 'prow.k8s.io/v1',
  kind: 'ProwJob',
  metadata: { name: '' },
  spec: { type: '', job: '' },
  status: { state: '', startTime: '' },
};

/** Go templates in config.yaml parse at load time (upstream parses them in ValidateController and friends). */
function validateTemplates(raw: Obj, file: string, issues: IssueList): void {
  const check = (obj: object | undefined, key: string, field: string, src: unknown, execute = false, allowEmpty = false): GoTemplate | undefined => {
    if (typeof src !== 'string' || (src === '' && !allowEmpty)) return undefined;
    try {
      const t = compileGoTemplate(src, field);
      if (execute) t.render(EMPTY_PROWJOB, { type: PROWJOB_GO_TYPE });
      return t;
    } catch (err) {
      issues.error(file, lineOf(obj, key), field, `invalid template: ${(err as Error).message}`);
      return undefined;
    }
  };
  const plank = raw.plank as Obj;
  check(plank, 'job_url_template', 'plank.job_url_template', plank.job_url_template);
  const rt = plank.report_templates as Record<string, string> | undefined;
  const reportTemplates = new Map<string, GoTemplate>();
  for (const [k, v] of Object.entries(rt ?? {})) {
    const t = check(plank.report_template ? plank : rt, plank.report_template ? 'report_template' : k, reportTemplateField(k), v, false, true);
    if (t) reportTemplates.set(k, t);
  }
  setCompiledReportTemplates(plank, reportTemplates); // crier renders these (report-templates.ts)
  const slack = raw.slack_reporter_configs as Record<string, Obj | undefined> | undefined;
  for (const [k, sc] of Object.entries(slack ?? {})) {
    if (sc) check(sc, 'report_template', `slack_reporter_configs[${JSON.stringify(k)}].report_template`, sc.report_template, true);
  }
  ((raw.jenkins_operators as Obj[] | undefined) ?? []).forEach((op, i) => {
    if (!op) return;
    check(op, 'job_url_template', `jenkins_operators[${i}].job_url_template`, op.job_url_template);
    check(op, 'report_template', `jenkins_operators[${i}].report_template`, op.report_template);
    for (const [k, v] of Object.entries((op.report_templates as Record<string, string> | undefined) ?? {})) {
      if (k === '*' && op.report_template) continue; // folded from report_template, checked above
      check(op.report_templates as object, k, `jenkins_operators[${i}].report_templates[${JSON.stringify(k)}]`, v);
    }
  });
  const deck = raw.deck as Obj;
  ((deck.external_agent_logs as Obj[] | undefined) ?? []).forEach((e, i) => {
    if (e) check(e, 'url_template', `deck.external_agent_logs[${i}].url_template`, e.url_template);
  });
}

/** Deep copy of decoded YAML data (plain objects, arrays, scalars): much cheaper than structuredClone. */
export function clonePlain<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clonePlain) as T;
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = clonePlain((v as Record<string, unknown>)[k]);
  return out as T;
}

const QUERY_KEYS = ['orgs', 'repos', 'excludedRepos', 'author', 'labels', 'missingLabels', 'excludedBranches', 'includedBranches', 'milestone', 'reviewApprovedRequired'] as const;

function goQueryJSON(q: TideQuery): string {
  const out: Record<string, unknown> = {};
  for (const k of QUERY_KEYS) {
    const v = q[k];
    if (v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return JSON.stringify(out);
}

/**
 * Upstream deduplicateTideQueries: queries that differ only in orgs/repos/excludedRepos become one, and the
 * result is sorted by its JSON form (so label lists come out sorted). Tenant IDs, which upstream also
 * keys on, are not considered: every job here has the default tenant unless prowjob_default_entries say otherwise.
 */
export function deduplicateTideQueries(queries: readonly TideQuery[]): TideQuery[] {
  const merged = new Map<string, TideQuery>();
  for (const q of queries) {
    if (!q) continue;
    const sorted = (l: string[] | undefined): string[] | undefined => (l ? [...l].sort() : undefined);
    const base: TideQuery = {
      author: q.author,
      excludedBranches: sorted(q.excludedBranches),
      includedBranches: sorted(q.includedBranches),
      labels: sorted(q.labels),
      missingLabels: sorted(q.missingLabels),
      milestone: q.milestone,
      reviewApprovedRequired: q.reviewApprovedRequired,
    };
    const key = JSON.stringify([base.author ?? '', base.excludedBranches ?? [], base.includedBranches ?? [], base.labels ?? [], base.missingLabels ?? [], base.milestone ?? '', base.reviewApprovedRequired ?? false]);
    let target = merged.get(key);
    if (!target) {
      target = { ...base };
      merged.set(key, target);
    }
    if (q.orgs?.length) target.orgs = [...(target.orgs ?? []), ...q.orgs];
    if (q.repos?.length) target.repos = [...(target.repos ?? []), ...q.repos];
    if (q.excludedRepos?.length) target.excludedRepos = [...(target.excludedRepos ?? []), ...q.excludedRepos];
  }
  const out = [...merged.values()].map((q) => {
    const clean: TideQuery = {};
    for (const k of QUERY_KEYS) if (q[k] !== undefined) (clean as Record<string, unknown>)[k] = q[k];
    return clean;
  });
  return out
    .map((q) => ({ q, json: goQueryJSON(q) }))
    .sort((a, b) => (a.json < b.json ? -1 : a.json > b.json ? 1 : 0))
    .map((x) => x.q);
}

const OLD_VIEWER_NAMES: Record<string, string> = {
  'build-log-viewer': 'buildlog',
  'metadata-viewer': 'metadata',
  'junit-viewer': 'junit',
};

/**
 * The deprecated `spyglass.viewers` map ({regex: [viewer]}) becomes lenses appended after the configured ones,
 * sorted by name as upstream does. Unlike upstream, whose lens entries keep the old viewer names, the old
 * names are mapped (build-log-viewer → buildlog, …) so that the lenses resolve. Every file regex must compile.
 */
function migrateSpyglassViewers(spyglass: Obj, file: string, issues: IssueList): void {
  const viewers = spyglass.viewers as Record<string, string[]> | undefined;
  const lenses = ((spyglass.lenses as Obj[] | undefined) ?? []).filter(Boolean);
  const old: Obj[] = [];
  for (const [re, names] of Object.entries(viewers ?? {})) {
    for (const name of names ?? []) old.push({ lens: { name: OLD_VIEWER_NAMES[name] ?? name }, required_files: [re] });
  }
  old.sort((a, b) => ((a.lens as Obj).name as string).localeCompare((b.lens as Obj).name as string));
  if (old.length > 0 || spyglass.lenses) spyglass.lenses = [...lenses, ...old];
  lenses.forEach((l, i) => {
    for (const key of ['required_files', 'optional_files']) {
      const list = (l[key] as string[] | undefined) ?? [];
      list.forEach((re, j) => {
        try {
          compileRegex(re);
        } catch (err) {
          if (!(err instanceof RegexError)) throw err;
          issues.error(file, lineOf(list, j), `deck.spyglass.lenses[${i}].${key}[${j}]`, `cannot compile regexp: ${err.message}`);
        }
      });
    }
  });
  for (const re of Object.keys(viewers ?? {})) {
    try {
      compileRegex(re);
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
      issues.error(file, lineOf(viewers, re), `deck.spyglass.viewers[${JSON.stringify(re)}]`, `cannot compile regexp: ${err.message}`);
    }
  }
}

/** Regex-valued settings outside jobs compile at load (owners_dir_denylist, branch-protection include/exclude, gerrit). */
function validateConfigRegexes(raw: Obj, file: string, issues: IssueList): void {
  const check = (list: unknown, path: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((re, i) => {
      if (typeof re !== 'string') return;
      try {
        compileRegex(re);
      } catch (err) {
        if (!(err instanceof RegexError)) throw err;
        issues.error(file, lineOf(list, i), `${path}[${i}]`, err.message);
      }
    });
  };
  const od = raw.owners_dir_denylist as { default?: string[]; repos?: Record<string, string[]> } | undefined;
  check(od?.default, 'owners_dir_denylist.default');
  for (const [k, v] of Object.entries(od?.repos ?? {})) check(v, `owners_dir_denylist.repos[${JSON.stringify(k)}]`);
  const policy = (p: Obj | undefined, path: string): void => {
    if (!p) return;
    check(p.include, `${path}.include`);
    check(p.exclude, `${path}.exclude`);
  };
  const bp = raw['branch-protection'] as Obj;
  policy(bp, 'branch-protection');
  for (const [org, o] of Object.entries((bp.orgs as Record<string, Obj | undefined>) ?? {})) {
    const op = `branch-protection.orgs[${JSON.stringify(org)}]`;
    policy(o, op);
    for (const [repo, r] of Object.entries((o?.repos as Record<string, Obj | undefined>) ?? {})) {
      const rp = `${op}.repos[${JSON.stringify(repo)}]`;
      policy(r, rp);
      for (const [br, b] of Object.entries((r?.branches as Record<string, Obj | undefined>) ?? {})) policy(b, `${rp}.branches[${JSON.stringify(br)}]`);
    }
  }
  const gerrit = raw.gerrit as Obj;
  if (typeof gerrit.allowed_presubmit_trigger_re === 'string' && gerrit.allowed_presubmit_trigger_re) {
    try {
      compileRegex(gerrit.allowed_presubmit_trigger_re);
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
      issues.error(file, lineOf(gerrit, 'allowed_presubmit_trigger_re'), 'gerrit.allowed_presubmit_trigger_re', err.message);
    }
  }
}

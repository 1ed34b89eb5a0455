// plugins.yaml (upstream pkg/plugins/config.go, docs/configuration.md): both syntaxes, org and org/repo
// keys, external plugins, the per-plugin sections with upstream's defaults, and the lookups plugins use.
import { readFileSync } from 'node:fs';
import { decode, lineOf } from './decode.js';
import { requireContent } from './empty-file.js';
import { ConfigAggregateError, IssueList, type ConfigIssue } from './errors.js';
import { compileGoTemplate } from '../go/template/template.js';
import { compileRegex, RegexError } from '../go/regex.js';
import { pluginsConfigCoreFields } from './schema.js';
import { S, type Schema } from './decode.js';
import type { PluginConfigSection } from './plugin-sections.js';
import { APPROVED, LGTM } from '../api/labels.js';
import type {
  ApproveConfig, ExternalPlugin, LgtmConfig, OrgPlugins, PluginsConfig, TriggerConfig, WelcomeConfig,
} from './types.js';
import { parseYaml } from './yaml.js';

/** Upstream's built-in plugin names (pkg/plugins/*). checkconfig rejects any other name. */
export const KNOWN_PLUGIN_NAMES: readonly string[] = [
  'approve', 'assign', 'blockade', 'blunderbuss', 'branchcleaner', 'bugzilla', 'buildifier', 'cat', 'cherry-pick-approved',
  'cherry-pick-unapproved', 'cla', 'config-updater', 'dco', 'dog', 'golint', 'goose', 'heart', 'help', 'hold', 'invalidcommitmsg',
  'issue-management', 'jira', 'label', 'lgtm', 'lifecycle', 'merge-method-comment', 'mergecommitblocker', 'milestone',
  'milestoneapplier', 'milestonestatus', 'override', 'owners-label', 'pony', 'project', 'project-manager', 'release-note',
  'require-matching-label', 'retitle', 'reward-owners', 'rifle', 'shrug', 'sigmention', 'size', 'skip', 'slackevents', 'stage',
  'testfreeze', 'trick-or-treat', 'trigger', 'verify-owners', 'welcome', 'wip', 'yuks',
];

export const DEFAULT_APPROVE_COMMAND_HELP_LINK = 'https://go.k8s.io/bot-commands';
export const DEFAULT_APPROVE_PR_PROCESS_LINK = 'https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process';
export const DEFAULT_HELP_GUIDELINES_URL = 'https://git.k8s.io/community/contributors/guide/help-wanted.md';
export const DEFAULT_WELCOME_MESSAGE =
  'Welcome @{{.AuthorLogin}}! It looks like this is your first PR to {{.Org}}/{{.Repo}} 🎉';
export const DEFAULT_SIGMENTION_REGEXP =
  '(?m)@kubernetes/sig-([\\w-]*)-(misc|test-failures|bugs|feature-requests|proposals|pr-reviews|api-reviews)';
export const DEFAULT_CHERRY_PICK_BRANCH_REGEXP = '^release-.*$';

export interface LoadPluginsOptions {
  /** Unknown fields become errors. */
  strict?: boolean;
  /** Unknown plugin names are errors (checkconfig does this). Default true. */
  checkUnknownPlugins?: boolean;
  /** Extra names accepted besides KNOWN_PLUGIN_NAMES (e.g. plugins of our own registry). */
  extraPluginNames?: readonly string[];
  /**
   * The plugins this build runs (the registry's names, from src/cli). When given, a name upstream knows but
   * this build does not implement is an error too: enabling it would otherwise do nothing, silently.
   */
  implementedPlugins?: readonly string[];
  /**
   * The sections built-in plugins own (the registry's, handed in by src/cli): each is decoded, defaulted
   * and validated by its descriptor. Without them those keys are unknown fields and their lookups
   * (lgtmFor, approveFor, ...) give upstream's defaults.
   */
  sections?: readonly PluginConfigSection[];
}

const schemas = new WeakMap<readonly PluginConfigSection[], Schema>();
const coreSchema = S.obj('Configuration', pluginsConfigCoreFields);

/** The whole plugins.yaml schema: the loader's own fields plus every plugin's section. */
function pluginsSchema(sections: readonly PluginConfigSection[] | undefined): Schema {
  if (sections === undefined || sections.length === 0) return coreSchema;
  const cached = schemas.get(sections);
  if (cached !== undefined) return cached;
  const schema: Schema = S.obj('Configuration', { ...pluginsConfigCoreFields, ...Object.fromEntries(sections.map((s) => [s.section, s.schema])) });
  schemas.set(sections, schema);
  return schema;
}

export interface LoadPluginsResult {
  plugins: PluginsConfig;
  warnings: ConfigIssue[];
}

/** Loads plugins.yaml (no gzip sniffing, as upstream). Throws ConfigAggregateError listing every error. */
export function loadPluginsConfig(path: string, opts: LoadPluginsOptions = {}): LoadPluginsResult {
  const issues = new IssueList(opts.strict ?? false);
  let src = '';
  try {
    src = readFileSync(path, 'utf8');
  } catch (err) {
    issues.error(path, 0, '', `cannot read file: ${(err as Error).message}`);
    throw new ConfigAggregateError(issues.errors, issues.warnings);
  }
  requireContent(path, src, 'plugins.yaml', issues);
  const plugins = parsePluginsConfig(path, src, issues, opts);
  if (issues.errors.length > 0) throw new ConfigAggregateError(issues.errors, issues.warnings);
  return { plugins, warnings: issues.warnings };
}

/** Decodes, defaults and validates plugins.yaml text; problems go to `issues`. */
export function parsePluginsConfig(path: string, src: string, issues: IssueList, opts: LoadPluginsOptions = {}): PluginsConfig {
  const parsed = parseYaml(src);
  for (const e of parsed.errors) issues.error(path, e.line, '', `invalid YAML: ${e.message}`);
  let raw: Record<string, unknown> = {};
  if (parsed.root && parsed.errors.length === 0) {
    raw = (decode({ file: path, issues }, parsed.root, pluginsSchema(opts.sections), '') as Record<string, unknown> | undefined) ?? {};
  }
  const rawPlugins = (raw.plugins ?? {}) as Record<string, string[] | OrgPlugins | undefined>;
  const plugins: Record<string, OrgPlugins> = {};
  let legacy = false;
  for (const [k, v] of Object.entries(rawPlugins)) {
    if (Array.isArray(v)) {
      legacy = true;
      plugins[k] = { plugins: v };
    } else plugins[k] = { plugins: v?.plugins ?? [], ...(v?.excluded_repos ? { excluded_repos: v.excluded_repos } : {}) };
  }
  if (legacy) issues.warn(path, lineOf(raw, 'plugins'), 'plugins', 'the list form of plugins is deprecated: use {plugins: [...], excluded_repos: [...]} per org or repo');
  renameMergedPlugins(path, rawPlugins, plugins, issues);
  const external = (raw.external_plugins ?? {}) as Record<string, ExternalPlugin[]>;
  for (const list of Object.values(external)) {
    for (const ep of list ?? []) if (ep && !ep.endpoint) ep.endpoint = `http://${ep.name}`;
  }
  const cfg: PluginsConfig = {
    ...(raw as Partial<PluginsConfig>),
    plugins,
    external_plugins: external,
    welcome: (raw.welcome as WelcomeConfig[] | undefined) ?? [],
    blunderbuss: (raw.blunderbuss as PluginsConfig['blunderbuss'] | undefined) ?? {},
    owners: (raw.owners as PluginsConfig['owners'] | undefined) ?? {},
    require_matching_label: (raw.require_matching_label as PluginsConfig['require_matching_label'] | undefined) ?? [],
    cherry_pick_unapproved: {
      ...((raw.cherry_pick_unapproved as object | undefined) ?? {}),
    } as PluginsConfig['cherry_pick_unapproved'],
    sigmention: { ...((raw.sigmention as object | undefined) ?? {}) } as PluginsConfig['sigmention'],
  };
  cfg.cherry_pick_unapproved.branchregexp ||= DEFAULT_CHERRY_PICK_BRANCH_REGEXP;
  cfg.sigmention.regexp ||= DEFAULT_SIGMENTION_REGEXP;
  for (const w of cfg.welcome) if (w && !w.message_template) w.message_template = DEFAULT_WELCOME_MESSAGE;
  if (cfg.blunderbuss.request_count === undefined || cfg.blunderbuss.request_count === 0) cfg.blunderbuss.request_count = 2;
  cfg.owners.labels_denylist ??= [APPROVED, LGTM];
  for (const r of cfg.require_matching_label) if (r && !r.grace_period) r.grace_period = '5s';

  const sectionValues = cfg as unknown as Record<string, unknown>;
  for (const s of opts.sections ?? []) sectionValues[s.section] = s.defaults(raw[s.section]);

  validatePlugins(path, raw, cfg, issues, opts);
  for (const s of opts.sections ?? []) {
    s.validate?.(sectionValues[s.section], raw[s.section], { error: (line, field, message) => issues.error(path, line, field, message) });
  }
  return cfg;
}

/** 2017 plugins that upstream later folded into another one (pkg/plugins/lifecycle took close and reopen). */
const MERGED_PLUGINS: Readonly<Record<string, string>> = { close: 'lifecycle', reopen: 'lifecycle' };

/** Enables the successor of each merged plugin name in its place (once per list), with a deprecation warning. */
function renameMergedPlugins(path: string, rawPlugins: Record<string, unknown>, plugins: Record<string, OrgPlugins>, issues: IssueList): void {
  for (const [key, op] of Object.entries(plugins)) {
    if (!op.plugins.some((n) => MERGED_PLUGINS[n] !== undefined)) continue;
    const entry = rawPlugins[key];
    const list = Array.isArray(entry) ? entry : ((entry as OrgPlugins | undefined)?.plugins ?? []);
    const out: string[] = [];
    op.plugins.forEach((name, i) => {
      const successor = MERGED_PLUGINS[name];
      if (successor !== undefined) {
        issues.warn(path, lineOf(list, i, lineOf(rawPlugins, key)), `plugins[${JSON.stringify(key)}].plugins[${i}]`,
          `plugin ${JSON.stringify(name)} is deprecated: its commands are handled by ${JSON.stringify(successor)}, which is enabled in its place`);
      }
      const effective = successor ?? name;
      if (!out.includes(effective)) out.push(effective);
    });
    op.plugins = out;
  }
}

/** Upstream plugins that cannot work against GitHub any more, with the reason the refusal gives. */
const UNIMPLEMENTABLE_PLUGINS: Record<string, string> = {
  'project-manager': "it uses GitHub's Projects (classic) REST API, which GitHub removed on 2025-04-01 (docs/plugins-more.md)",
};

function validatePlugins(path: string, raw: Record<string, unknown>, cfg: PluginsConfig, issues: IssueList, opts: LoadPluginsOptions): void {
  const rawPlugins = (raw.plugins ?? {}) as Record<string, unknown>;
  const known = new Set([...KNOWN_PLUGIN_NAMES, ...(opts.extraPluginNames ?? [])]);
  const implemented = opts.implementedPlugins === undefined ? undefined : new Set([...opts.implementedPlugins, ...(opts.extraPluginNames ?? [])]);
  for (const [key, op] of Object.entries(cfg.plugins)) {
    const entry = rawPlugins[key];
    const list = Array.isArray(entry) ? entry : ((entry as OrgPlugins | undefined)?.plugins ?? []);
    op.plugins.forEach((name, i) => {
      const line = lineOf(list, i, lineOf(rawPlugins, key));
      if ((opts.checkUnknownPlugins ?? true) && !known.has(name)) {
        issues.error(path, line, `plugins[${JSON.stringify(key)}].plugins[${i}]`, `unknown plugin ${JSON.stringify(name)}`);
      } else if (implemented !== undefined && !implemented.has(name)) {
        const why = UNIMPLEMENTABLE_PLUGINS[name];
        issues.error(path, line, `plugins[${JSON.stringify(key)}].plugins[${i}]`, `plugin ${JSON.stringify(name)} is an upstream plugin this Prow does not implement yet${why === undefined ? ' (docs/commands.md lists the implemented ones)' : `: ${why}`}`);
      }
    });
    if (key.includes('/')) {
      const [org, repo] = key.split('/') as [string, string];
      const orgCfg = cfg.plugins[org];
      if (orgCfg && !(orgCfg.excluded_repos ?? []).includes(repo)) {
        for (const [i, name] of op.plugins.entries()) {
          if (orgCfg.plugins.includes(name)) {
            issues.error(path, lineOf(list, i, lineOf(rawPlugins, key)), `plugins[${JSON.stringify(key)}].plugins[${i}]`,
              `plugin ${JSON.stringify(name)} is enabled for both ${org} and ${key}`);
          }
        }
      }
    }
  }
  // blunderbuss and rifle are mutually exclusive, across org and org/repo.
  for (const key of Object.keys(cfg.plugins)) {
    const [org, repo] = key.split('/') as [string, string | undefined];
    const effective = repo ? pluginsFor(cfg, org, repo) : cfg.plugins[key]!.plugins;
    if (effective.includes('blunderbuss') && effective.includes('rifle')) {
      issues.error(path, lineOf(rawPlugins, key), `plugins[${JSON.stringify(key)}]`, 'blunderbuss and rifle are mutually exclusive');
    }
  }
  for (const [key, list] of Object.entries(cfg.external_plugins)) {
    const names = new Set<string>();
    (list ?? []).forEach((ep, i) => {
      if (!ep) return;
      if (!ep.name) issues.error(path, lineOf(list, i), `external_plugins[${JSON.stringify(key)}][${i}].name`, 'external plugin needs a name');
      if (names.has(ep.name)) issues.error(path, lineOf(list, i), `external_plugins[${JSON.stringify(key)}][${i}].name`, `external plugin ${ep.name} is listed twice`);
      names.add(ep.name);
    });
    if (key.includes('/')) {
      const org = key.split('/')[0]!;
      (list ?? []).forEach((ep, i) => {
        if (ep && (cfg.external_plugins[org] ?? []).some((o) => o?.name === ep.name)) {
          issues.error(path, lineOf(list, i), `external_plugins[${JSON.stringify(key)}][${i}]`, `external plugin ${ep.name} is enabled for both ${org} and ${key}`);
        }
      });
    }
  }
  const report = { error: (line: number, field: string, message: string) => issues.error(path, line, field, message) };
  validateUniqueRepos('welcome', cfg.welcome, report);
  validateUniqueRepos('invalid_commit_msg', cfg.invalid_commit_msg, report);
  if (cfg.blunderbuss.request_count !== undefined && cfg.blunderbuss.request_count < 1) {
    issues.error(path, lineOf(raw.blunderbuss as object | undefined, 'request_count'), 'blunderbuss.request_count', 'request_count must be at least 1');
  }
  const checkRe = (obj: object | undefined, key: string, field: string, src: string | undefined): void => {
    if (!src) return;
    try {
      compileRegex(src);
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
      issues.error(path, lineOf(obj, key), field, err.message);
    }
  };
  // upstream compiles blunderbuss.wait_for_status.description when the file loads (pkg/plugins/config.go)
  checkRe(cfg.blunderbuss.wait_for_status, 'description', 'blunderbuss.wait_for_status.description', cfg.blunderbuss.wait_for_status?.description);
  cfg.require_matching_label.forEach((r, i) => {
    if (!r) return;
    const p = `require_matching_label[${i}]`;
    if (!r.org) issues.error(path, lineOf(r), `${p}.org`, 'org is required');
    if (r.repo?.includes('/')) issues.error(path, lineOf(r, 'repo'), `${p}.repo`, 'repo must not contain a /');
    if (r.branch && !r.prs) issues.error(path, lineOf(r, 'branch'), `${p}.branch`, 'branch is only valid with prs: true');
    if (!r.prs && !r.issues) issues.error(path, lineOf(r), p, 'at least one of prs or issues must be true');
    if (!r.missing_label) issues.error(path, lineOf(r), `${p}.missing_label`, 'missing_label is required');
    if (!r.regexp) issues.error(path, lineOf(r), `${p}.regexp`, 'regexp is required');
    else {
      checkRe(r, 'regexp', `${p}.regexp`, r.regexp);
      try {
        if (r.missing_label && compileRegex(r.regexp).test(r.missing_label)) {
          issues.error(path, lineOf(r, 'regexp'), `${p}.regexp`, `regexp must not match missing_label ${JSON.stringify(r.missing_label)}`);
        }
      } catch (err) {
        if (!(err instanceof RegexError)) throw err;
      }
    }
  });
  (cfg.blockades ?? []).forEach((b, i) => {
    if (!b) return;
    checkRe(b, 'branchregexp', `blockades[${i}].branchregexp`, b.branchregexp);
    (b.blockregexps ?? []).forEach((re, j) => checkRe(b.blockregexps, j as unknown as string, `blockades[${i}].blockregexps[${j}]`, re));
    (b.exceptionregexps ?? []).forEach((re, j) => checkRe(b.exceptionregexps, j as unknown as string, `blockades[${i}].exceptionregexps[${j}]`, re));
  });
  cfg.welcome.forEach((w, i) => {
    if (!w?.message_template) return;
    try {
      compileGoTemplate(w.message_template, `welcome[${i}].message_template`);
    } catch (err) {
      issues.error(path, lineOf(w, 'message_template'), `welcome[${i}].message_template`, `invalid template: ${(err as Error).message}`);
    }
  });
  checkRe(raw.sigmention as object | undefined, 'regexp', 'sigmention.regexp', cfg.sigmention.regexp);
  checkRe(raw.cherry_pick_unapproved as object | undefined, 'branchregexp', 'cherry_pick_unapproved.branchregexp', cfg.cherry_pick_unapproved.branchregexp);
}

/** Upstream's rule for `repos` lists (approve, welcome, invalid_commit_msg): a repo is named by one entry only. */
export function validateUniqueRepos(
  section: string,
  list: readonly ({ repos?: string[] } | undefined)[] | undefined,
  report: { error(line: number, field: string, message: string): void },
): void {
  const seen = new Map<string, number>();
  (list ?? []).forEach((e, i) => {
    for (const r of e?.repos ?? []) {
      if (seen.has(r)) report.error(lineOf(e, 'repos'), `${section}[${i}].repos`, `the repo ${JSON.stringify(r)} is configured in more than one ${section} entry (also entry ${seen.get(r)})`);
      else seen.set(r, i);
    }
  });
}

/** A regex field checked as RE2 (Go syntax); a bad pattern is reported at its line. */
export function validateRegexField(
  obj: object | undefined,
  key: string,
  field: string,
  src: string | undefined,
  report: { error(line: number, field: string, message: string): void },
): void {
  if (!src) return;
  try {
    compileRegex(src);
  } catch (err) {
    if (!(err instanceof RegexError)) throw err;
    report.error(lineOf(obj, key), field, err.message);
  }
}

// ------------------------------------------------------------------------------------------ lookups

/** Effective plugins for org/repo: the org's (unless the repo is excluded) followed by the repo's. No `*` key. */
export function pluginsFor(cfg: PluginsConfig, org: string, repo: string): string[] {
  const out: string[] = [];
  const orgCfg = cfg.plugins[org];
  if (orgCfg && !(orgCfg.excluded_repos ?? []).includes(repo)) out.push(...orgCfg.plugins);
  const repoCfg = cfg.plugins[`${org}/${repo}`];
  if (repoCfg) out.push(...repoCfg.plugins);
  return out;
}

/** External plugins for org/repo: every entry under org and org/repo (excluded_repos does not apply). */
export function externalPluginsFor(cfg: PluginsConfig, org: string, repo: string): ExternalPlugin[] {
  return [...(cfg.external_plugins[org] ?? []), ...(cfg.external_plugins[`${org}/${repo}`] ?? [])].filter(Boolean);
}

function firstFor<T extends { repos?: string[] }>(list: readonly (T | undefined)[], org: string, repo: string): T | undefined {
  const full = `${org}/${repo}`;
  return list.find((e) => e?.repos?.includes(full)) ?? list.find((e) => e?.repos?.includes(org)) ?? undefined;
}

/** The trigger section for org/repo: the entry naming org/repo, else the org, else defaults. */
export function triggerFor(cfg: PluginsConfig, org: string, repo: string): TriggerConfig {
  const t = firstFor(cfg.triggers ?? [], org, repo);
  return t ? { ...t } : {};
}

export function lgtmFor(cfg: PluginsConfig, org: string, repo: string): LgtmConfig {
  const l = firstFor(cfg.lgtm ?? [], org, repo);
  return l ? { ...l } : {};
}

export function approveFor(cfg: PluginsConfig, org: string, repo: string): ApproveConfig {
  const a = firstFor(cfg.approve ?? [], org, repo);
  return {
    commandHelpLink: DEFAULT_APPROVE_COMMAND_HELP_LINK,
    pr_process_link: DEFAULT_APPROVE_PR_PROCESS_LINK,
    require_self_approval: false,
    ignore_review_state: false,
    ...(a ?? {}),
  };
}

export function welcomeFor(cfg: PluginsConfig, org: string, repo: string): WelcomeConfig {
  const w = firstFor(cfg.welcome, org, repo);
  return { message_template: DEFAULT_WELCOME_MESSAGE, ...(w ?? {}) };
}

/** Restricted labels from `*`, org and org/repo merged (users, teams and assign_on unioned per label). */
export function restrictedLabelsFor(cfg: PluginsConfig, org: string, repo: string): NonNullable<NonNullable<PluginsConfig['label']>['restricted_labels']>[string] {
  const rl = cfg.label?.restricted_labels ?? {};
  const merged = new Map<string, { label: string; allowed_teams: string[]; allowed_users: string[]; assign_on: Array<{ label: string }> }>();
  for (const key of ['*', org, `${org}/${repo}`]) {
    for (const l of rl[key] ?? []) {
      if (!l) continue;
      const k = l.label.toLowerCase();
      const cur = merged.get(k) ?? { label: l.label, allowed_teams: [], allowed_users: [], assign_on: [] };
      const union = (a: string[], b: string[] | undefined): string[] => {
        const seen = new Set(a.map((x) => x.toLowerCase()));
        return [...a, ...(b ?? []).filter((x) => !seen.has(x.toLowerCase()))];
      };
      cur.allowed_teams = union(cur.allowed_teams, l.allowed_teams);
      cur.allowed_users = union(cur.allowed_users, l.allowed_users);
      const ao = new Set(cur.assign_on.map((x) => x.label.toLowerCase()));
      for (const a of l.assign_on ?? []) if (!ao.has(a.label.toLowerCase())) cur.assign_on.push(a);
      merged.set(k, cur);
    }
  }
  return [...merged.values()];
}

/** OWNERS file names for org/repo (org/repo > org > OWNERS/OWNERS_ALIASES). */
export function ownersFilenamesFor(cfg: PluginsConfig, org: string, repo: string): { owners: string; owners_aliases: string } {
  const f = cfg.owners.filenames ?? {};
  const e = f[`${org}/${repo}`] ?? f[org];
  return { owners: e?.owners || 'OWNERS', owners_aliases: e?.owners_aliases || 'OWNERS_ALIASES' };
}

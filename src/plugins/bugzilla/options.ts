// plugins.yaml `bugzilla:` (upstream pkg/plugins/config.go Bugzilla*): branch options in a defaulting
// hierarchy (`default` → `orgs.<org>.default` → `orgs.<org>.repos.<repo>.branches`, each keyed by branch with
// `*` as the wildcard), resolved per branch by optionsForBranch as upstream OptionsForBranch does. The
// older `*status*` fields are folded into their `*state*` counterparts while resolving.
import { S, type Schema } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { BugzillaBug } from '../types.js';

export interface BugState {
  status?: string;
  resolution?: string;
}

export interface BugzillaBranchOptions {
  exclude_defaults?: boolean;
  enable_backporting?: boolean;
  validate_by_default?: boolean;
  is_open?: boolean;
  target_release?: string;
  statuses?: string[];
  valid_states?: BugState[];
  dependent_bug_statuses?: string[];
  dependent_bug_states?: BugState[];
  dependent_bug_target_releases?: string[];
  dependent_bug_target_release?: string;
  status_after_validation?: string;
  state_after_validation?: BugState;
  add_external_link?: boolean;
  status_after_merge?: string;
  state_after_merge?: BugState;
  state_after_close?: BugState;
  allowed_groups?: string[];
}

export interface BugzillaConfig {
  default?: Record<string, BugzillaBranchOptions>;
  orgs?: Record<string, { default?: Record<string, BugzillaBranchOptions>; repos?: Record<string, { branches?: Record<string, BugzillaBranchOptions> }> }>;
}

const stateSchema = S.obj('BugzillaBugState', { status: S.str, resolution: S.str });
const branchSchema: Schema = S.obj('BugzillaBranchOptions', {
  exclude_defaults: S.bool, enable_backporting: S.bool, validate_by_default: S.bool, is_open: S.bool, target_release: S.str,
  statuses: strList, valid_states: S.list(stateSchema), dependent_bug_statuses: strList, dependent_bug_states: S.list(stateSchema),
  dependent_bug_target_releases: strList, dependent_bug_target_release: S.str, status_after_validation: S.str,
  state_after_validation: stateSchema, add_external_link: S.bool, status_after_merge: S.str, state_after_merge: stateSchema,
  state_after_close: stateSchema, allowed_groups: strList,
});
const branchMap = S.map(branchSchema);

export const bugzillaConfigSection: PluginConfigSection<BugzillaConfig> = {
  section: 'bugzilla',
  schema: S.obj('Bugzilla', {
    default: branchMap,
    orgs: S.map(S.obj('BugzillaOrgOptions', { default: branchMap, repos: S.map(S.obj('BugzillaRepoOptions', { branches: branchMap })) })),
  }),
  defaults: (raw) => (raw as BugzillaConfig | undefined) ?? {},
};

export const WILDCARD = '*';

/** upstream bugzilla.PrettyStatus */
export function prettyStatus(status = '', resolution = ''): string {
  if (resolution === '') return status;
  if (status === '') return `any status with resolution ${resolution}`;
  return `${status} (${resolution})`;
}

export const prettyState = (s: BugState): string => prettyStatus(s.status, s.resolution);

/** upstream BugzillaBugState.Matches */
export function stateMatches(s: BugState, bug: BugzillaBug): boolean {
  if ((s.status ?? '') !== '' && s.status !== bug.status) return false;
  if ((s.resolution ?? '') !== '' && s.resolution !== (bug.resolution ?? '')) return false;
  return true;
}

/** upstream BugzillaBugState.AsBugUpdate: only the fields that differ from `bug` (all set ones without a bug); undefined when none. */
export function asBugUpdate(s: BugState | undefined, bug?: BugzillaBug): { status?: string; resolution?: string } | undefined {
  if (s === undefined) return undefined;
  const update: { status?: string; resolution?: string } = {};
  if ((s.status ?? '') !== '' && (bug === undefined || s.status !== bug.status)) update.status = s.status;
  if ((s.resolution ?? '') !== '' && (bug === undefined || s.resolution !== (bug.resolution ?? ''))) update.resolution = s.resolution;
  return Object.keys(update).length > 0 ? update : undefined;
}

const stateKey = (s: BugState): string => `${s.status ?? ''}\u0000${s.resolution ?? ''}`;

/** upstream mergeStatusesIntoStates: the union, sorted by status then resolution; undefined when empty. */
function mergeStatusesIntoStates(states: BugState[] | undefined, statuses: string[] | undefined): BugState[] | undefined {
  const set = new Map<string, BugState>();
  for (const s of states ?? []) set.set(stateKey(s), { status: s.status ?? '', resolution: s.resolution ?? '' });
  for (const status of statuses ?? []) set.set(stateKey({ status }), { status, resolution: '' });
  if (set.size === 0) return undefined;
  return [...set.values()].sort((a, b) => (a.status! < b.status! ? -1 : a.status! > b.status! ? 1 : a.resolution! < b.resolution! ? -1 : a.resolution! > b.resolution! ? 1 : 0));
}

function withDeprecatedTarget(list: string[] | undefined, single: string): string[] {
  if (list === undefined) return [single];
  return list.includes(single) ? list : [...list, single];
}

/** upstream ResolveBugzillaOptions: the child's fields win; `exclude_defaults` on the child drops the parent. */
export function resolveBugzillaOptions(parent: BugzillaBranchOptions, child: BugzillaBranchOptions): BugzillaBranchOptions {
  const out: BugzillaBranchOptions = {};
  if (child.exclude_defaults !== true) {
    const p = parent;
    if (p.exclude_defaults !== undefined) out.exclude_defaults = p.exclude_defaults;
    if (p.validate_by_default !== undefined) out.validate_by_default = p.validate_by_default;
    if (p.enable_backporting !== undefined) out.enable_backporting = p.enable_backporting;
    if (p.is_open !== undefined) out.is_open = p.is_open;
    if (p.target_release !== undefined) out.target_release = p.target_release;
    if (p.valid_states !== undefined) out.valid_states = p.valid_states;
    if (p.statuses !== undefined) out.valid_states = mergeStatusesIntoStates(out.valid_states, p.statuses);
    if (p.dependent_bug_states !== undefined) out.dependent_bug_states = p.dependent_bug_states;
    if (p.dependent_bug_statuses !== undefined) out.dependent_bug_states = mergeStatusesIntoStates(out.dependent_bug_states, p.dependent_bug_statuses);
    if (p.dependent_bug_target_releases !== undefined) out.dependent_bug_target_releases = p.dependent_bug_target_releases;
    if (p.dependent_bug_target_release !== undefined) out.dependent_bug_target_releases = withDeprecatedTarget(p.dependent_bug_target_releases, p.dependent_bug_target_release);
    if (p.status_after_validation !== undefined) out.state_after_validation = { status: p.status_after_validation };
    if (p.state_after_validation !== undefined) out.state_after_validation = p.state_after_validation;
    if (p.add_external_link !== undefined) out.add_external_link = p.add_external_link;
    if (p.status_after_merge !== undefined) out.state_after_merge = { status: p.status_after_merge };
    if (p.state_after_merge !== undefined) out.state_after_merge = p.state_after_merge;
    if (p.state_after_close !== undefined) out.state_after_close = p.state_after_close;
    if (p.allowed_groups !== undefined) out.allowed_groups = [...new Set([...(out.allowed_groups ?? []), ...p.allowed_groups])].sort();
  }
  const c = child;
  if (c.exclude_defaults !== undefined) out.exclude_defaults = c.exclude_defaults;
  if (c.validate_by_default !== undefined) out.validate_by_default = c.validate_by_default;
  if (c.enable_backporting !== undefined) out.enable_backporting = c.enable_backporting;
  if (c.is_open !== undefined) out.is_open = c.is_open;
  if (c.target_release !== undefined) out.target_release = c.target_release;
  if (c.valid_states !== undefined) out.valid_states = c.valid_states;
  if (c.statuses !== undefined) out.valid_states = mergeStatusesIntoStates(c.valid_states, c.statuses);
  if (c.dependent_bug_states !== undefined) out.dependent_bug_states = c.dependent_bug_states;
  if (c.dependent_bug_statuses !== undefined) out.dependent_bug_states = mergeStatusesIntoStates(c.dependent_bug_states, c.dependent_bug_statuses);
  if (c.dependent_bug_target_releases !== undefined) out.dependent_bug_target_releases = c.dependent_bug_target_releases;
  if (c.dependent_bug_target_release !== undefined) out.dependent_bug_target_releases = withDeprecatedTarget(c.dependent_bug_target_releases, c.dependent_bug_target_release);
  if (c.status_after_validation !== undefined && c.state_after_validation === undefined) out.state_after_validation = { status: c.status_after_validation };
  if (c.state_after_validation !== undefined) out.state_after_validation = c.state_after_validation;
  if (c.add_external_link !== undefined) out.add_external_link = c.add_external_link;
  if (c.status_after_merge !== undefined && c.state_after_merge === undefined) out.state_after_merge = { status: c.status_after_merge };
  if (c.state_after_merge !== undefined) out.state_after_merge = c.state_after_merge;
  if (c.state_after_close !== undefined) out.state_after_close = c.state_after_close;
  if (c.allowed_groups !== undefined) out.allowed_groups = [...new Set([...(out.allowed_groups ?? []), ...c.allowed_groups])].sort();
  return out;
}

/** upstream OptionsForItem: the `*` entry, overridden by the item's own. */
export function optionsForItem(item: string, m: Record<string, BugzillaBranchOptions> | undefined): BugzillaBranchOptions {
  return resolveBugzillaOptions(m?.[WILDCARD] ?? {}, m?.[item] ?? {});
}

/** upstream Bugzilla.OptionsForBranch: global, then org, then repo, each with its `*` and branch entries. */
export function optionsForBranch(cfg: BugzillaConfig | undefined, org: string, repo: string, branch: string): BugzillaBranchOptions {
  let options = optionsForItem(branch, cfg?.default);
  const orgOptions = cfg?.orgs?.[org];
  if (orgOptions === undefined) return options;
  options = resolveBugzillaOptions(options, optionsForItem(branch, orgOptions.default));
  const repoOptions = orgOptions.repos?.[repo];
  if (repoOptions === undefined) return options;
  return resolveBugzillaOptions(options, optionsForItem(branch, repoOptions.branches));
}

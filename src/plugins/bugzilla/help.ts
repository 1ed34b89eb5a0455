// /plugin-help's per-repo text for bugzilla (upstream pkg/plugins/bugzilla/bugzilla.go helpProvider and
// pkg/plugins/config.go OptionsForRepo): what a valid bug must be on each configured branch, and what
// happens to it, with branches that say the same as `*` left out.
import { optionsForBranch, prettyState, WILDCARD, type BugState, type BugzillaBranchOptions, type BugzillaConfig } from './options.js';

const sameState = (a: BugState | undefined, b: BugState | undefined): boolean =>
  (a === undefined && b === undefined) || (a !== undefined && b !== undefined && (a.status ?? '') === (b.status ?? '') && (a.resolution ?? '') === (b.resolution ?? ''));

const sameStates = (a: BugState[] | undefined, b: BugState[] | undefined): boolean => {
  if (a === undefined || b === undefined) return a === b;
  const key = (s: BugState): string => `${s.status ?? ''}\u0000${s.resolution ?? ''}`;
  const bs = new Set(b.map(key));
  return a.length === b.length && a.every((s) => bs.has(key(s)));
};

/** upstream BugzillaBranchOptions.matches */
function sameOptions(a: BugzillaBranchOptions, b: BugzillaBranchOptions): boolean {
  return a.validate_by_default === b.validate_by_default && a.is_open === b.is_open && a.target_release === b.target_release
    && sameStates(a.valid_states, b.valid_states) && sameStates(a.dependent_bug_states, b.dependent_bug_states)
    && sameState(a.state_after_validation, b.state_after_validation) && a.add_external_link === b.add_external_link
    && sameState(a.state_after_merge, b.state_after_merge);
}

/** upstream Bugzilla.OptionsForRepo */
export function optionsForRepo(cfg: BugzillaConfig | undefined, org: string, repo: string): Map<string, BugzillaBranchOptions> {
  const out = new Map<string, BugzillaBranchOptions>();
  const orgOptions = cfg?.orgs?.[org];
  const branches = [...Object.keys(cfg?.default ?? {}), ...Object.keys(orgOptions?.default ?? {}), ...Object.keys(orgOptions?.repos?.[repo]?.branches ?? {})];
  for (const b of branches) out.set(b, optionsForBranch(cfg, org, repo, b));
  const wildcard = out.get(WILDCARD) ?? {};
  for (const [b, o] of out) if (b !== WILDCARD && sameOptions(o, wildcard)) out.delete(b);
  return out;
}

/** "a", "a and b", "a, b, and c", as upstream joins conditions. */
function joinAll(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

function describeBranch(branch: string, o: BugzillaBranchOptions): string {
  const conditions: string[] = [];
  if (o.is_open !== undefined) conditions.push(o.is_open ? 'be open' : 'be closed');
  if (o.target_release !== undefined) conditions.push(`target the ${JSON.stringify(o.target_release)} release`);
  if (o.valid_states !== undefined && o.valid_states.length > 0) conditions.push(`be in one of the following states: ${o.valid_states.map(prettyState).join(', ')}`);
  if (o.dependent_bug_states !== undefined || o.dependent_bug_target_releases !== undefined) conditions.push('depend on at least one other bug');
  if (o.dependent_bug_states !== undefined) conditions.push(`have all dependent bugs in one of the following states: ${o.dependent_bug_states.map(prettyState).join(', ')}`);
  if (o.dependent_bug_target_releases !== undefined) conditions.push(`have all dependent bugs in one of the following target releases: ${o.dependent_bug_target_releases.join(', ')}`);
  let message = `${branch === WILDCARD ? 'by default, ' : `on the ${JSON.stringify(branch)} branch, `}valid bugs must ${conditions.length === 0 ? 'exist' : joinAll(conditions)}`;
  const updates: string[] = [];
  if (o.state_after_validation !== undefined) updates.push(`moved to the ${prettyState(o.state_after_validation)} state`);
  if (o.add_external_link === true) updates.push('updated to refer to the pull request using the external bug tracker');
  if (o.state_after_merge !== undefined) updates.push(`moved to the ${prettyState(o.state_after_merge)} state when all linked pull requests are merged`);
  if (updates.length > 0) message += `. After being linked to a pull request, bugs will be ${joinAll(updates)}`;
  return `<li>${message}.</li>`;
}

/** The per-repo help for the repos (`org` or `org/repo`) bugzilla is enabled in. */
export function bugzillaConfigHelp(cfg: BugzillaConfig | undefined, enabledRepos: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of enabledRepos) {
    const [org = '', repo = ''] = key.split('/');
    const options = optionsForRepo(cfg, org, repo);
    if (options.size === 0) continue;
    const lines = ['The plugin has the following configuration:<ul>'];
    for (const branch of [...options.keys()].sort()) lines.push(describeBranch(branch, options.get(branch)!));
    lines.push('</ul>');
    out[key] = lines.join('\n');
  }
  return out;
}

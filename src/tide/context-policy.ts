// Which status contexts gate a merge (upstream pkg/config/tide.go GetTideContextPolicy, IsOptional,
// MissingRequiredContexts; BranchRequirements in pkg/config/branch_protection.go).
import { compileRegex, type GoRegexp } from '../go/regex.js';
import { contextRequired, hasChangeFilter, needsExplicitTrigger, runsAgainstBranch } from '../config/match.js';
import type { Config, Presubmit, TideContextPolicy } from '../config/types.js';

export interface ContextChecker {
  isOptional(context: string): boolean;
  /** Required contexts absent from `present`. */
  missingRequiredContexts(present: readonly string[]): string[];
  /** Required or required-if-present. */
  isRequired(context: string): boolean;
  readonly required: readonly string[];
}

/** Lists are unioned, booleans taken from the more specific level when it sets them. */
function mergePolicy(a: TideContextPolicy, b: TideContextPolicy | undefined): TideContextPolicy {
  if (!b) return a;
  const union = (x?: string[], y?: string[]): string[] | undefined => {
    const s = [...new Set([...(x ?? []), ...(y ?? [])])].sort();
    return s.length > 0 ? s : undefined;
  };
  return {
    'from-branch-protection': b['from-branch-protection'] ?? a['from-branch-protection'],
    'skip-unknown-contexts': b['skip-unknown-contexts'] ?? a['skip-unknown-contexts'],
    'overwrite-pending-contexts': b['overwrite-pending-contexts'] ?? a['overwrite-pending-contexts'],
    'required-contexts': union(a['required-contexts'], b['required-contexts']),
    'required-if-present-contexts': union(a['required-if-present-contexts'], b['required-if-present-contexts']),
    'optional-contexts': union(a['optional-contexts'], b['optional-contexts']),
    'optional-regex-contexts': union(a['optional-regex-contexts'], b['optional-regex-contexts']),
  };
}

/** context_options merged global → org → repo → branch (upstream ParseTideContextPolicyOptions). */
export function contextOptionsFor(config: Pick<Config, 'tide'>, org: string, repo: string, branch: string): TideContextPolicy {
  const options = config.tide.context_options ?? {};
  const { orgs, ...global } = options;
  let policy: TideContextPolicy = mergePolicy({}, global);
  const o = orgs?.[org];
  if (o) {
    const { repos, ...orgPolicy } = o;
    policy = mergePolicy(policy, orgPolicy);
    const r = repos?.[repo];
    if (r) {
      const { branches, ...repoPolicy } = r;
      policy = mergePolicy(policy, repoPolicy);
      policy = mergePolicy(policy, branches?.[branch]);
    }
  }
  return policy;
}

/** Required contexts of the config's branch-protection policy for this branch, when it protects it. */
function branchProtectionContexts(config: Pick<Config, 'branch-protection'>, org: string, repo: string, branch: string): string[] {
  const bp = config['branch-protection'] ?? {};
  const levels: { protect?: boolean; required_status_checks?: { contexts?: string[] } }[] = [bp];
  const o = bp.orgs?.[org];
  if (o) {
    levels.push(o);
    const r = o.repos?.[repo];
    if (r) {
      levels.push(r);
      const b = r.branches?.[branch];
      if (b) levels.push(b);
    }
  }
  let protect = false;
  const contexts: string[] = [];
  for (const level of levels) {
    if (level.protect !== undefined) protect = level.protect;
    contexts.push(...(level.required_status_checks?.contexts ?? []));
  }
  return protect ? contexts : [];
}

/** Upstream BranchRequirements: required, required-if-present and optional contexts of the presubmits. */
export function branchRequirements(branch: string, presubmits: readonly Presubmit[]): { required: string[]; requiredIfPresent: string[]; optional: string[] } {
  const required: string[] = [];
  const requiredIfPresent: string[] = [];
  const optional: string[] = [];
  for (const ps of presubmits) {
    if (!runsAgainstBranch(ps, branch)) continue;
    if (!contextRequired(ps)) optional.push(ps.context);
    else if (needsExplicitTrigger(ps) || hasChangeFilter(ps)) requiredIfPresent.push(ps.context);
    else required.push(ps.context);
  }
  return { required, requiredIfPresent, optional };
}

export function presubmitsFor(config: Pick<Config, 'presubmits'>, org: string, repo: string): Presubmit[] {
  return config.presubmits?.[`${org}/${repo}`] ?? [];
}

/**
 * `presubmits`: the repo's jobs to derive contexts from; the static ones when absent. With in-repo config
 * they are those at the merge of the base and the PR head(s), as upstream GetTideContextPolicy reads them.
 */
export function createContextChecker(
  config: Pick<Config, 'tide' | 'presubmits' | 'branch-protection'>, org: string, repo: string, branch: string, presubmits?: readonly Presubmit[],
): ContextChecker {
  const options = contextOptionsFor(config, org, repo, branch);
  const required = new Set(options['required-contexts'] ?? []);
  const requiredIfPresent = new Set(options['required-if-present-contexts'] ?? []);
  const optional = new Set(options['optional-contexts'] ?? []);
  if (options['from-branch-protection']) for (const c of branchProtectionContexts(config, org, repo, branch)) required.add(c);
  const reqs = branchRequirements(branch, presubmits ?? presubmitsFor(config, org, repo));
  for (const c of reqs.required) required.add(c);
  for (const c of reqs.requiredIfPresent) requiredIfPresent.add(c);
  for (const c of reqs.optional) optional.add(c);
  const optionalRes: GoRegexp[] = (options['optional-regex-contexts'] ?? []).map((p) => compileRegex(p));
  const skipUnknown = options['skip-unknown-contexts'] === true;
  const requiredList = [...required].sort();
  return {
    required: requiredList,
    isOptional(c) {
      if (optional.has(c)) return true;
      if (optionalRes.some((re) => re.test(c))) return true;
      if (required.has(c) || requiredIfPresent.has(c)) return false;
      return skipUnknown;
    },
    isRequired: (c) => required.has(c) || requiredIfPresent.has(c),
    missingRequiredContexts(present) {
      const have = new Set(present);
      return requiredList.filter((c) => !have.has(c));
    },
  };
}

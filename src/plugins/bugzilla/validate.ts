// Whether a bug satisfies a branch's options, with the reasons and the checks that passed, worded as
// upstream pkg/plugins/bugzilla/bugzilla.go validateBug words them (users and tooling read these comments).
import type { BugzillaBug } from '../types.js';
import { prettyState, prettyStatus, stateMatches, type BugState, type BugzillaBranchOptions } from './options.js';

export const VALID_BUG = 'bugzilla/valid-bug';
export const INVALID_BUG = 'bugzilla/invalid-bug';
const SEVERITY_LABELS: Record<string, string> = {
  urgent: 'bugzilla/severity-urgent',
  high: 'bugzilla/severity-high',
  medium: 'bugzilla/severity-medium',
  low: 'bugzilla/severity-low',
  unspecified: 'bugzilla/severity-unspecified',
};
export const ALL_SEVERITY_LABELS: readonly string[] = Object.values(SEVERITY_LABELS);

/** The label for a severity; "" for one Bugzilla has that we do not know (upstream sets none, and does not fail). */
export const severityLabel = (severity: string | undefined): string => SEVERITY_LABELS[severity ?? ''] ?? '';

export const bugLink = (id: number, endpoint: string): string => `[Bugzilla bug ${id}](${endpoint}/show_bug.cgi?id=${id})`;

const prettyStates = (states: readonly BugState[]): string => states.map(prettyState).join(', ');
const matchesAny = (bug: BugzillaBug, states: readonly BugState[]): boolean => states.some((s) => stateMatches(s, bug));

export interface Validation {
  valid: boolean;
  passed: string[];
  errors: string[];
}

export function validateBug(bug: BugzillaBug, dependents: readonly BugzillaBug[], o: BugzillaBranchOptions, endpoint: string): Validation {
  let valid = true;
  const errors: string[] = [];
  const passed: string[] = [];
  const isOpen = bug.is_open === true;
  if (o.is_open !== undefined && o.is_open !== isOpen) {
    valid = false;
    errors.push(`expected the bug to ${o.is_open ? '' : 'not '}be open, but it ${o.is_open ? "isn't" : 'is'}`);
  } else if (o.is_open !== undefined) {
    passed.push(`bug ${isOpen ? 'is' : "isn't"} open, matching expected state (${o.is_open ? 'open' : 'not open'})`);
  }

  if (o.target_release !== undefined) {
    const first = bug.target_release?.[0];
    if (first === undefined) {
      valid = false;
      errors.push(`expected the bug to target the ${JSON.stringify(o.target_release)} release, but no target release was set`);
    } else if (first !== o.target_release) {
      // Bugzilla's UI shows one target release; the REST API gives a list, of which only the first counts.
      valid = false;
      errors.push(`expected the bug to target the ${JSON.stringify(o.target_release)} release, but it targets ${JSON.stringify(first)} instead`);
    } else {
      passed.push(`bug target release (${first}) matches configured target release for branch (${o.target_release})`);
    }
  }

  if (o.valid_states !== undefined) {
    const allowed = [...o.valid_states, ...(o.state_after_validation ? [o.state_after_validation] : [])];
    const now = prettyStatus(bug.status, bug.resolution);
    if (!matchesAny(bug, allowed)) {
      valid = false;
      errors.push(`expected the bug to be in one of the following states: ${prettyStates(allowed)}, but it is ${now} instead`);
    } else {
      passed.push(`bug is in the state ${now}, which is one of the valid states (${prettyStates(allowed)})`);
    }
  }

  if (o.dependent_bug_states !== undefined) {
    const expected = prettyStates(o.dependent_bug_states);
    for (const d of dependents) {
      const now = prettyStatus(d.status, d.resolution);
      if (!matchesAny(d, o.dependent_bug_states)) {
        valid = false;
        errors.push(`expected dependent ${bugLink(d.id, endpoint)} to be in one of the following states: ${expected}, but it is ${now} instead`);
      } else {
        passed.push(`dependent bug ${bugLink(d.id, endpoint)} is in the state ${now}, which is one of the valid states (${expected})`);
      }
    }
  }

  if (o.dependent_bug_target_releases !== undefined) {
    const releases = o.dependent_bug_target_releases.join(', ');
    for (const d of dependents) {
      const first = d.target_release?.[0];
      if (first === undefined) {
        valid = false;
        errors.push(`expected dependent ${bugLink(d.id, endpoint)} to target a release in ${releases}, but no target release was set`);
      } else if (o.dependent_bug_target_releases.includes(first)) {
        passed.push(`dependent ${bugLink(d.id, endpoint)} targets the ${JSON.stringify(first)} release, which is one of the valid target releases: ${releases}`);
      } else {
        valid = false;
        errors.push(`expected dependent ${bugLink(d.id, endpoint)} to target a release in ${releases}, but it targets ${JSON.stringify(first)} instead`);
      }
    }
  }

  if (dependents.length === 0) {
    const link = bugLink(bug.id, endpoint);
    if (o.dependent_bug_states !== undefined && o.dependent_bug_target_releases !== undefined) {
      valid = false;
      errors.push(`expected ${link} to depend on a bug targeting a release in ${o.dependent_bug_target_releases.join(', ')} and in one of the following states: ${prettyStates(o.dependent_bug_states)}, but no dependents were found`);
    } else if (o.dependent_bug_states !== undefined) {
      valid = false;
      errors.push(`expected ${link} to depend on a bug in one of the following states: ${prettyStates(o.dependent_bug_states)}, but no dependents were found`);
    } else if (o.dependent_bug_target_releases !== undefined) {
      valid = false;
      errors.push(`expected ${link} to depend on a bug targeting a release in ${o.dependent_bug_target_releases.join(', ')}, but no dependents were found`);
    }
  } else {
    passed.push('bug has dependents');
  }
  return { valid, passed, errors };
}

/** upstream isBugAllowed: every group the bug is in must be allowed (no allow-list: all are). */
export function isBugAllowed(bug: BugzillaBug, allowedGroups: readonly string[] | undefined): boolean {
  if (allowedGroups === undefined || allowedGroups.length === 0) return true;
  return (bug.groups ?? []).every((g) => allowedGroups.includes(g));
}

/** upstream formatError: the comment for a failed Bugzilla call. */
export function formatError(action: string, endpoint: string, bugId: number, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const digest = message.includes('There was an error reported for a GitHub REST call')
    ? 'We were able to detect the following conditions from the error:\n\n- The Bugzilla server failed to load data from GitHub when creating the bug. This is usually caused by rate-limiting, please try again later.\n'
    : 'No known errors were detected, please see the full error message for details.';
  return `An error was encountered ${action} for bug ${bugId} on the Bugzilla server at ${endpoint}. ${digest}

<details><summary>Full error message.</summary>

<code>
${message}
</code>

</details>

Please contact an administrator to resolve this issue, then request a bug refresh with <code>/bugzilla refresh</code>.`;
}

// When does a job run? Branch filters, change filters and comment triggers with Go/RE2 semantics
// (unanchored search), following upstream's Brancher, RegexpChangeMatcher and ShouldRun (pkg/config/jobs.go).
import { compileAlternation, compileRegex, type GoRegexp } from '../go/regex.js';
import type { Brancher, Postsubmit, Presubmit, RegexpChangeMatcher } from './types.js';

interface Compiled {
  branches?: GoRegexp;
  skipBranches?: GoRegexp;
  changes?: GoRegexp;
  trigger?: GoRegexp;
}

// Compiled patterns live beside the job, not in it, so jobs stay plain JSON-able data. Loading fills this
// table once; a job built by hand is compiled on first use.
const compiled = new WeakMap<object, Compiled>();

function compiledFor(job: Brancher & RegexpChangeMatcher & { trigger?: string }): Compiled {
  let c = compiled.get(job);
  if (!c) {
    c = compileJobRegexes(job);
    compiled.set(job, c);
  }
  return c;
}

/** Compiles a job's patterns (throws RegexError on bad syntax). Used by loading, which reports errors per field. */
export function compileJobRegexes(job: Brancher & RegexpChangeMatcher & { trigger?: string }): Compiled {
  const c: Compiled = {};
  if (job.branches && job.branches.length > 0) c.branches = compileAlternation(job.branches);
  if (job.skip_branches && job.skip_branches.length > 0) c.skipBranches = compileAlternation(job.skip_branches);
  if (job.run_if_changed) c.changes = compileRegex(job.run_if_changed);
  else if (job.skip_if_only_changed) c.changes = compileRegex(job.skip_if_only_changed);
  if (job.trigger) c.trigger = compileRegex(job.trigger);
  return c;
}

/** Loading registers the regexes it already compiled, so nothing is compiled twice. */
export function setCompiledRegexes(job: object, c: Compiled): void {
  compiled.set(job, c);
}

function triggerRe(job: Presubmit): GoRegexp | undefined {
  const c = compiledFor(job);
  if (!c.trigger && job.trigger) c.trigger = compileRegex(job.trigger); // default triggers are compiled on first use
  return c.trigger;
}

export function runsAgainstAllBranches(b: Brancher): boolean {
  return (b.branches?.length ?? 0) === 0 && (b.skip_branches?.length ?? 0) === 0;
}

/**
 * Upstream Brancher.ShouldRun: skip_branches wins; then an empty `branches` or a match runs. Both lists are
 * joined with `|` and searched unanchored, so `master` also matches `release-master` and tag names are
 * matched the same way for postsubmits on tag pushes.
 */
export function runsAgainstBranch(job: Brancher, branch: string): boolean {
  if (runsAgainstAllBranches(job)) return true;
  const c = compiledFor(job);
  if (c.skipBranches && c.skipBranches.test(branch)) return false;
  if (!c.branches || c.branches.test(branch)) return true;
  return false;
}

/** Upstream Brancher.Intersects: could two jobs run on the same branch? (Duplicate detection.) */
export function branchersIntersect(a: Brancher, b: Brancher): boolean {
  if (runsAgainstAllBranches(a) || runsAgainstAllBranches(b)) return true;
  const aBranches = a.branches ?? [];
  const bBranches = b.branches ?? [];
  if (aBranches.length > 0) {
    if (bBranches.length > 0) {
      const set = new Set(aBranches);
      return bBranches.some((x) => set.has(x));
    }
    return [...new Set(aBranches)].sort().some((br) => runsAgainstBranch(b, br));
  }
  if (bBranches.length === 0) return true;
  return branchersIntersect(b, a);
}

export function hasChangeFilter(job: RegexpChangeMatcher): boolean {
  return !!job.run_if_changed || !!job.skip_if_only_changed;
}

/** run_if_changed: any file matches. skip_if_only_changed: some file does not match. No files: false. */
export function runsAgainstChanges(job: RegexpChangeMatcher, changedFiles: readonly string[]): boolean {
  const re = compiledFor(job).changes;
  if (!re) return false;
  for (const f of changedFiles) {
    if (job.run_if_changed) {
      if (re.test(f)) return true;
    } else if (!re.test(f)) return true;
  }
  return false;
}

export type ChangedFiles = readonly string[] | (() => readonly string[]);

export interface PresubmitRunInput {
  branch: string;
  /** The PR's changed files, or a function that fetches them (called at most once, only when needed). */
  changedFiles?: ChangedFiles;
  /** `/test <name>`: run regardless of change filters. */
  forced?: boolean;
  /** What a job with no automatic rule should do (upstream's `defaults`; `/test all` passes false). */
  defaults?: boolean;
}

function files(c: ChangedFiles | undefined): readonly string[] {
  if (c === undefined) return [];
  return typeof c === 'function' ? c() : c;
}

/** Upstream Presubmit.ShouldRun(baseRef, changes, forced, defaults). */
export function presubmitShouldRun(job: Presubmit, input: PresubmitRunInput): boolean {
  if (!runsAgainstBranch(job, input.branch)) return false;
  if (job.always_run) return true;
  if (input.forced) return true;
  const determined = hasChangeFilter(job);
  const shouldRun = determined && runsAgainstChanges(job, files(input.changedFiles));
  return (determined && shouldRun) || (input.defaults ?? false);
}

export interface PresubmitRunInputAsync extends Omit<PresubmitRunInput, 'changedFiles'> {
  changedFiles?: readonly string[] | (() => Promise<readonly string[]>);
}

/** presubmitShouldRun with a lazily fetched (async) change list, e.g. GET /pulls/N/files. */
export async function presubmitShouldRunAsync(job: Presubmit, input: PresubmitRunInputAsync): Promise<boolean> {
  if (!runsAgainstBranch(job, input.branch)) return false;
  if (job.always_run || input.forced) return true;
  if (hasChangeFilter(job)) {
    const list = typeof input.changedFiles === 'function' ? await input.changedFiles() : (input.changedFiles ?? []);
    if (runsAgainstChanges(job, list)) return true;
  }
  return input.defaults ?? false;
}

export interface PostsubmitRunInput {
  /** Branch or tag name (refs/heads/ and refs/tags/ stripped). */
  branch: string;
  changedFiles?: ChangedFiles;
}

/** Upstream Postsubmit.ShouldRun: branch filter, then change filter, then always_run (unset = true). */
export function postsubmitShouldRun(job: Postsubmit, input: PostsubmitRunInput): boolean {
  if (!runsAgainstBranch(job, input.branch)) return false;
  if (hasChangeFilter(job)) return runsAgainstChanges(job, files(input.changedFiles));
  return job.always_run ?? true;
}

/** Does this comment body ask for the job (its `trigger` regex, searched unanchored)? */
export function triggerMatches(job: Presubmit, body: string): boolean {
  const re = triggerRe(job);
  return re ? re.test(body) : false;
}

/** Upstream NeedsExplicitTrigger: neither always_run nor a change filter. */
export function needsExplicitTrigger(job: Presubmit): boolean {
  return !job.always_run && !hasChangeFilter(job);
}

/** Upstream ContextRequired: the status must be green for merging. */
export function contextRequired(job: Presubmit): boolean {
  return !job.optional && !job.skip_report;
}

/** Upstream DefaultTriggerFor: the name is inserted unescaped, as upstream does. */
export function defaultTriggerFor(name: string): string {
  return `(?m)^/test( | .* )${name},?($|\\s.*)`;
}

export function defaultRerunCommandFor(name: string): string {
  return `/test ${name}`;
}


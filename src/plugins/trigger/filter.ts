// Which presubmits a comment or event asks for (upstream pkg/pjutil/filter.go and help.go;
// docs/plugins-core.md "trigger"). Patterns are upstream's, in RE2.
import RE2 from 're2';
import { needsExplicitTrigger, presubmitShouldRunAsync, triggerMatches } from '../../config/match.js';
import type { Presubmit } from '../../config/types.js';

export const testAllRe = new RE2('(?m)^/test all,?($|\\s.*)');
export const retestRe = new RE2('(?m)^/retest\\s*$');
export const retestRequiredRe = new RE2('(?m)^/retest-required\\s*$');
export const testManualRequiredRe = new RE2('(?m)^/test-manual-required\\s*$');
export const okToTestRe = new RE2('(?m)^/ok-to-test\\s*$');
export const okToTestCancelRe = new RE2('(?m)^/ok-to-test\\s+cancel\\s*$');
export const testHelpRe = new RE2('(?m)^/test[ \\t]*\\?\\s*$');
export const emptyTestRe = new RE2('(?m)^/test\\s*$');
export const retestWithTargetRe = new RE2('(?m)^/retest[ \\t]+\\S+');
export const testWithAnyTargetRe = new RE2('(?m)^/test[ \\t]+\\S+');
const anyTestRe = new RE2('(?m)^/(?:re)?test\\b');

export const TEST_WITHOUT_TARGET_NOTE = 'The `/test` command needs one or more targets.\n';
export const RETEST_WITH_TARGET_NOTE = 'The `/retest` command does not accept any targets.\n';
export const TARGET_NOT_FOUND_NOTE = 'The specified target(s) for `/test` were not found.\n';
export const NO_TEST_ALL_JOBS_NOTE = 'No jobs can be run with `/test all`.\n';
const AVAILABLE_REQUIRED_NOTE = 'The following commands are available to trigger required jobs:';
const AVAILABLE_OPTIONAL_NOTE = 'The following commands are available to trigger optional jobs:';

/** (matches, forced, default) as upstream's Filter.ShouldRun. */
export type Filter = (p: Presubmit) => [boolean, boolean, boolean];

export const testAllFilter: Filter = (p) => [!needsExplicitTrigger(p), false, false];

export function commandFilter(body: string): Filter {
  return (p) => {
    const m = triggerMatches(p, body);
    return [m, m, true];
  };
}

export function retestFilter(failed: Set<string>, all: Set<string>): Filter {
  return (p) => {
    const f = failed.has(p.context);
    return [f || (!needsExplicitTrigger(p) && !all.has(p.context)), false, f];
  };
}

export function retestRequiredFilter(failed: Set<string>, all: Set<string>): Filter {
  const inner = retestFilter(failed, all);
  return (p) => (p.optional ? [false, false, false] : inner(p));
}

export const testManualRequiredFilter: Filter = (p) =>
  p.optional || !needsExplicitTrigger(p) || p.run_if_changed || p.skip_if_only_changed ? [false, false, false] : [true, true, false];

export function aggregateFilter(filters: Filter[]): Filter {
  return (p) => {
    for (const f of filters) {
      const r = f(p);
      if (r[0]) return r;
    }
    return [false, false, false];
  };
}

export type ContextGetter = () => Promise<{ failed: Set<string>; all: Set<string> }>;

/** Upstream PresubmitFilter: Command, then Retest, RetestRequired, TestManualRequired, then TestAll. */
export async function presubmitFilter(honorOkToTest: boolean, contexts: ContextGetter, body: string): Promise<Filter> {
  const filters: Filter[] = [commandFilter(body)];
  if (retestRe.test(body)) {
    const c = await contexts();
    filters.push(retestFilter(c.failed, c.all));
  }
  if (retestRequiredRe.test(body)) {
    const c = await contexts();
    filters.push(retestRequiredFilter(c.failed, c.all));
  }
  if (testManualRequiredRe.test(body)) filters.push(testManualRequiredFilter);
  if ((honorOkToTest && okToTestRe.test(body)) || testAllRe.test(body)) filters.push(testAllFilter);
  return aggregateFilter(filters);
}

/** A lazily fetched, memoised changed-file list (fetched at most once, only when a job needs it). */
export function lazyChanges(fetch: () => Promise<readonly string[]>): () => Promise<readonly string[]> {
  let p: Promise<readonly string[]> | undefined;
  return () => (p ??= fetch());
}

/** Upstream pjutil.FilterPresubmits. */
export async function filterPresubmits(
  filter: Filter,
  changes: () => Promise<readonly string[]>,
  branch: string,
  presubmits: readonly Presubmit[],
): Promise<Presubmit[]> {
  const out: Presubmit[] = [];
  for (const p of presubmits) {
    const [matches, forced, defaults] = filter(p);
    if (!matches) continue;
    if (await presubmitShouldRunAsync(p, { branch, changedFiles: changes, forced, defaults })) out.push(p);
  }
  return out;
}

/** Does the (code-block-free) text concern trigger at all? (upstream commentMatchesTrigger) */
export function commentMatchesTrigger(text: string, presubmits: readonly Presubmit[]): boolean {
  if (
    retestRe.test(text) || retestRequiredRe.test(text) || testManualRequiredRe.test(text) || okToTestRe.test(text) ||
    okToTestCancelRe.test(text) || testAllRe.test(text) || mayNeedHelpComment(text)
  ) return true;
  return presubmits.some((p) => triggerMatches(p, text));
}

export function mayNeedHelpComment(body: string): boolean {
  return emptyTestRe.test(body) || retestWithTargetRe.test(body) || testWithAnyTargetRe.test(body) || testHelpRe.test(body);
}

/** Upstream ShouldRespondWithHelp: [respond, note]. */
export function shouldRespondWithHelp(body: string, toRun: number): [boolean, string] {
  if (testHelpRe.test(body)) return [true, ''];
  if (emptyTestRe.test(body)) return [true, TEST_WITHOUT_TARGET_NOTE];
  if (retestWithTargetRe.test(body)) return [true, RETEST_WITH_TARGET_NOTE];
  if (toRun === 0 && testAllRe.test(body)) return [true, NO_TEST_ALL_JOBS_NOTE];
  if (toRun === 0 && testWithAnyTargetRe.test(body)) return [true, TARGET_NOT_FOUND_NOTE];
  return [false, ''];
}

export function shouldPruneHelp(body: string): boolean {
  return anyTestRe.test(body);
}

export function isHelpComment(body: string): boolean {
  return [TEST_WITHOUT_TARGET_NOTE, RETEST_WITH_TARGET_NOTE, TARGET_NOT_FOUND_NOTE, NO_TEST_ALL_JOBS_NOTE, AVAILABLE_REQUIRED_NOTE, AVAILABLE_OPTIONAL_NOTE]
    .some((n) => body.includes(n));
}

/** Upstream AvailablePresubmits: names run by /test all, and the rerun commands of optional and required jobs. */
export async function availablePresubmits(
  changes: () => Promise<readonly string[]>,
  branch: string,
  presubmits: readonly Presubmit[],
): Promise<{ testAll: Set<string>; optional: Set<string>; required: Set<string> }> {
  const testAll = new Set((await filterPresubmits(testAllFilter, changes, branch, presubmits)).map((p) => p.name));
  const byCommand = aggregateFilter(presubmits.map((p) => commandFilter(p.rerun_command)));
  const optional = new Set<string>();
  const required = new Set<string>();
  for (const p of await filterPresubmits(byCommand, changes, branch, presubmits)) {
    (p.optional ? optional : required).add(p.rerun_command);
  }
  return { testAll, optional, required };
}

/** Upstream HelpMessage. */
export function helpMessage(org: string, repo: string, branch: string, note: string, a: { testAll: Set<string>; optional: Set<string>; required: Set<string> }): string {
  if (a.testAll.size + a.optional.size + a.required.size === 0) return `No presubmit jobs available for ${org}/${repo}@${branch}`;
  const list = (names: Set<string>): string => [...names].sort().map((n) => `\n\`\`\`\n${n}\n\`\`\``).join('');
  let resp = note;
  if (a.required.size > 0) resp += `${AVAILABLE_REQUIRED_NOTE}${list(a.required)}\n\n`;
  if (a.optional.size > 0) resp += `${AVAILABLE_OPTIONAL_NOTE}${list(a.optional)}\n\n`;
  if (a.testAll.size === a.optional.size + a.required.size) resp += 'Use `/test all` to run all jobs.\n';
  else if (a.testAll.size > 0) resp += `Use \`/test all\` to run the following jobs that were automatically triggered:${list(a.testAll)}\n\n`;
  return resp;
}

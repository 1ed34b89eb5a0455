// Go/RE2 regular expressions via the native `re2` binding: Go syntax ((?m), (?i), \z, (?P<n>…)),
// linear time, and Go's unanchored MatchString semantics. Compile once, match many times.
import RE2 from 're2';

export type GoRegexp = InstanceType<typeof RE2>;

export class RegexError extends Error {
  override readonly name = 'RegexError';
}

/** Compiles a Go regexp; throws RegexError with RE2's message (e.g. "missing ): (") on bad syntax. */
export function compileRegex(pattern: string): GoRegexp {
  try {
    return new RE2(pattern);
  } catch (err) {
    throw new RegexError(`error parsing regexp ${JSON.stringify(pattern)}: ${(err as Error).message}`, { cause: err });
  }
}

/** Go's regexp.MatchString: true when the pattern matches anywhere in s. */
export function matchString(re: GoRegexp, s: string): boolean {
  return re.test(s);
}

/** Joins patterns with `|` as upstream does for branches/skip_branches, then compiles once. */
export function compileAlternation(patterns: readonly string[]): GoRegexp {
  return compileRegex(patterns.join('|'));
}

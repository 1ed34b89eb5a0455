// Go/RE2 regular expressions via the native `re2` binding: Go syntax ((?m), (?i), \z, (?P<n>…)),
// linear time, and Go's unanchored MatchString semantics. Compile once, match many times.
import RE2 from 're2';

export type GoRegexp = InstanceType<typeof RE2>;

export class RegexError extends Error {
  override readonly name = 'RegexError';
}

// Compiled patterns are shared: many jobs carry the same branch and file patterns, and an RE2 without
// the `g` flag keeps no matching state. Bounded so that a long-running agent does not grow without limit.
const cache = new Map<string, GoRegexp>();
const CACHE_LIMIT = 50_000;

/** Compiles a Go regexp; throws RegexError with RE2's message (e.g. "missing ): (") on bad syntax. */
export function compileRegex(pattern: string): GoRegexp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let re: GoRegexp;
  try {
    re = new RE2(pattern);
  } catch (err) {
    throw new RegexError(`error parsing regexp ${JSON.stringify(pattern)}: ${(err as Error).message}`, { cause: err });
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** Joins patterns with `|` as upstream does for branches/skip_branches, then compiles once. */
export function compileAlternation(patterns: readonly string[]): GoRegexp {
  return compileRegex(patterns.join('|'));
}

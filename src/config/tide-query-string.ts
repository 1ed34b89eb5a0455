// 2017's tide took `tide.queries` as GitHub search strings (prow/config/config.go of Sept 2017:
// `Queries []string`); later upstream made each query a structured object (pkg/config/tide.go TideQuery).
// A string query is translated here into that object, so everything past the loader sees one shape.
import type { TideQuery } from './types.js';

export class TideQueryStringError extends Error {
  override readonly name = 'TideQueryStringError';
}

/** Splits a search string into terms, keeping `label:"a b"` (quotes removed) as one term. */
function splitTerms(query: string): string[] {
  const terms: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (const ch of query) {
    if (ch === '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (any) terms.push(cur);
      cur = '';
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (quoted) throw new TideQueryStringError(`unbalanced quote in ${JSON.stringify(query)}`);
  if (any) terms.push(cur);
  return terms;
}

const push = (list: string[] | undefined, v: string): string[] => [...(list ?? []), v];

/**
 * Parses a GitHub search string ("is:pr state:open repo:o/r label:lgtm -label:hold base:main") into a
 * TideQuery. Tide only ever merges open pull requests, so `is:pr`, `type:pr`, `is:open` and `state:open`
 * are accepted and implied; anything that would select something else, and any term tide cannot express,
 * is an error naming the term.
 */
export function parseTideQueryString(query: string): TideQuery {
  const q: TideQuery = {};
  for (const term of splitTerms(query)) {
    const negated = term.startsWith('-');
    const body = negated ? term.slice(1) : term;
    const colon = body.indexOf(':');
    if (colon <= 0) throw new TideQueryStringError(`term ${JSON.stringify(term)} is not a qualifier:value pair (free text cannot be expressed as a tide query)`);
    const key = body.slice(0, colon).toLowerCase();
    const value = body.slice(colon + 1);
    if (value === '') throw new TideQueryStringError(`term ${JSON.stringify(term)} has no value`);
    const unsupported = (): never => {
      throw new TideQueryStringError(`term ${JSON.stringify(term)} is not supported in a tide query`);
    };
    switch (key) {
      case 'is':
      case 'type':
      case 'state':
        if (negated || !['pr', 'open'].includes(value.toLowerCase())) {
          throw new TideQueryStringError(`term ${JSON.stringify(term)}: tide queries select open pull requests only`);
        }
        break;
      case 'repo':
        if (negated) q.excludedRepos = push(q.excludedRepos, value);
        else q.repos = push(q.repos, value);
        break;
      case 'org':
      case 'user':
        if (negated) unsupported();
        q.orgs = push(q.orgs, value);
        break;
      case 'label':
        if (negated) q.missingLabels = push(q.missingLabels, value);
        else q.labels = push(q.labels, value);
        break;
      case 'base':
        if (negated) q.excludedBranches = push(q.excludedBranches, value);
        else q.includedBranches = push(q.includedBranches, value);
        break;
      case 'author':
        if (negated || q.author !== undefined) unsupported();
        q.author = value;
        break;
      case 'milestone':
        if (negated || q.milestone !== undefined) unsupported();
        q.milestone = value;
        break;
      case 'review':
        if (negated || value !== 'approved') unsupported();
        q.reviewApprovedRequired = true;
        break;
      default:
        unsupported();
    }
  }
  return q;
}

// Tide queries as GitHub search strings (upstream pkg/config/tide.go TideQuery.constructQuery and
// pkg/tide/tide.go orgRepoQueryStrings): the criteria once, then one string per org so that each org
// can be searched on its own (App installations are per org).
import type { TideQuery } from './types.js';

export function queryCriteria(q: TideQuery): string {
  const toks = ['is:pr', 'state:open', 'archived:false'];
  if (q.author) toks.push(`author:"${q.author}"`);
  for (const b of q.excludedBranches ?? []) toks.push(`-base:"${b}"`);
  for (const b of q.includedBranches ?? []) toks.push(`base:"${b}"`);
  for (const l of q.labels ?? []) toks.push(`label:${l.split(',').map((alt) => `"${alt}"`).join(',')}`);
  for (const l of q.missingLabels ?? []) toks.push(`-label:"${l}"`);
  if (q.milestone) toks.push(`milestone:"${q.milestone}"`);
  if (q.reviewApprovedRequired) toks.push('review:approved');
  return toks.join(' ');
}

/** org → its scope tokens: `org:"o" -repo:"o/x"` and `repo:"o/r"`. */
export function orgScopes(q: TideQuery): Map<string, string> {
  const byOrg = new Map<string, string[]>();
  const add = (org: string, tok: string): void => {
    const list = byOrg.get(org) ?? [];
    list.push(tok);
    byOrg.set(org, list);
  };
  for (const o of q.orgs ?? []) add(o, `org:"${o}"`);
  for (const r of q.excludedRepos ?? []) add(r.split('/')[0] ?? '', `-repo:"${r}"`);
  for (const r of q.repos ?? []) add(r.split('/')[0] ?? '', `repo:"${r}"`);
  return new Map([...byOrg].map(([org, toks]) => [org, toks.join(' ')]));
}

/** The whole query in one string, as upstream's TideQuery.Query. */
export function queryString(q: TideQuery): string {
  return [queryCriteria(q), ...orgScopes(q).values()].join(' ');
}

/** Does this query cover org/repo (for the status controller's per-repo query list)? */
export function queryCoversRepo(q: TideQuery, org: string, repo: string): boolean {
  const full = `${org}/${repo}`;
  if ((q.repos ?? []).includes(full)) return true;
  return (q.orgs ?? []).includes(org) && !(q.excludedRepos ?? []).includes(full);
}

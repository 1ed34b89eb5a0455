// Issues with the blocker label block merges (upstream pkg/tide/blockers/blockers.go): the whole repo,
// or only the branches named as `branch:<name>` in the issue title.
import type { GitHubClient } from '../github/types.js';
import type { Blocker } from './types.js';

const branchRe = /(?:^|\W)branch:([^\s]+)/g;

export function parseBranches(title: string): string[] {
  return [...title.matchAll(branchRe)].map((m) => m[1]!.replace(/[.,;:!?)]+$/, ''));
}

/** Open issues with the label in these orgs/repos (`scopes`: `org:"o"` / `repo:"o/r"` tokens). */
export async function findBlockers(github: Pick<GitHubClient, 'searchIssues'>, label: string, scopes: string): Promise<Blocker[]> {
  const issues = await github.searchIssues(`is:issue state:open label:"${label}" ${scopes}`);
  return issues.map((i) => {
    const [org = '', repo = ''] = i.repo.split('/');
    return { Number: i.number, Title: i.title, URL: i.htmlUrl, branches: parseBranches(i.title), org, repo };
  });
}

export function applicableBlockers(blockers: readonly Blocker[], org: string, repo: string, branch: string): Blocker[] {
  return blockers.filter((b) => b.org === org && b.repo === repo && (b.branches.length === 0 || b.branches.includes(branch)));
}

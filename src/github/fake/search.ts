// GitHub issue-search qualifiers the fake understands (GET /search/issues and GraphQL search).
// Unknown qualifiers are ignored, as GitHub ignores what it cannot apply.
import type { FakeIssue, FakeRepo } from './state.js';

export interface SearchTerm {
  negated: boolean;
  key: string | undefined;
  value: string;
}

export function tokenizeQuery(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const re = /(-?)(?:([a-zA-Z_-]+):)?(?:"([^"]*)"|(\S+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) {
    terms.push({ negated: m[1] === '-', key: m[2]?.toLowerCase(), value: m[3] ?? m[4] ?? '' });
  }
  return terms;
}

export interface SearchSort {
  field: 'created' | 'updated' | 'comments';
  order: 'asc' | 'desc';
}

export function sortFromQuery(terms: SearchTerm[]): SearchSort | undefined {
  const sort = terms.find((t) => t.key === 'sort');
  if (!sort) return undefined;
  const [field, order] = sort.value.split('-');
  if (field !== 'created' && field !== 'updated' && field !== 'comments') return undefined;
  return { field, order: order === 'asc' ? 'asc' : 'desc' };
}

const shaTermRe = /^[0-9a-f]{7,40}$/i;

/** Whether the query has a bare commit SHA (GitHub then finds the PRs containing that commit). */
export function hasShaTerm(terms: SearchTerm[]): boolean {
  return terms.some((t) => t.key === undefined && shaTermRe.test(t.value));
}

export function matchesQuery(
  terms: SearchTerm[],
  repo: FakeRepo,
  issue: FakeIssue,
  authorAssociationOf?: (login: string) => string,
  headShaOf?: (issue: FakeIssue) => string | undefined,
): boolean {
  const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  for (const t of terms) {
    let ok: boolean;
    const v = t.value;
    switch (t.key) {
      case 'repo':
        ok = eq(repo.fullName, v);
        break;
      case 'org':
      case 'user':
        ok = eq(repo.owner, v);
        break;
      case 'is':
      case 'type':
      case 'state':
        ok = matchIs(v.toLowerCase(), issue);
        break;
      case 'label':
        ok = v.split(',').some((name) => issue.labels.some((l) => eq(l, name)));
        break;
      case 'author':
        ok = eq(issue.user, v);
        break;
      case 'assignee':
        ok = issue.assignees.some((a) => eq(a, v));
        break;
      case 'no':
        ok = v === 'assignee' ? issue.assignees.length === 0 : v === 'label' ? issue.labels.length === 0 : v === 'milestone' ? issue.milestone === null : true;
        break;
      case 'base':
        ok = issue.pull !== undefined && eq(issue.pull.baseRef, v);
        break;
      case 'head':
        ok = issue.pull !== undefined && eq(issue.pull.headRef, v);
        break;
      case 'archived':
        ok = String(repo.archived) === v.toLowerCase();
        break;
      case 'draft':
        ok = issue.pull !== undefined && String(issue.pull.draft) === v.toLowerCase();
        break;
      case 'review-requested':
        ok = issue.pull !== undefined && issue.pull.requestedReviewers.some((a) => eq(a, v));
        break;
      case 'commenter':
      case 'involves':
      case 'mentions':
        ok = eq(issue.user, v) || issue.assignees.some((a) => eq(a, v)) || issue.body.includes(`@${v}`);
        break;
      case 'author-association':
        ok = authorAssociationOf ? eq(authorAssociationOf(issue.user), v) : true;
        break;
      case 'sort':
      case 'in':
      case 'created':
      case 'updated':
      case 'status':
      case 'review':
      case 'milestone':
        ok = t.key === 'milestone' ? issue.milestone !== null : true;
        break;
      case undefined:
        ok = v === '' || `${issue.title}\n${issue.body}`.toLowerCase().includes(v.toLowerCase()) ||
          (shaTermRe.test(v) && (headShaOf?.(issue) ?? '').startsWith(v.toLowerCase())); // a PR's head commit
        break;
      default:
        ok = true;
    }
    if (ok === t.negated) return false;
  }
  return true;
}

function matchIs(v: string, issue: FakeIssue): boolean {
  switch (v) {
    case 'pr':
    case 'pull-request':
      return issue.pull !== undefined;
    case 'issue':
      return issue.pull === undefined;
    case 'open':
      return issue.state === 'open';
    case 'closed':
      return issue.state === 'closed';
    case 'merged':
      return issue.pull?.merged === true;
    case 'unmerged':
      return issue.pull !== undefined && !issue.pull.merged;
    case 'draft':
      return issue.pull?.draft === true;
    case 'locked':
      return issue.locked;
    case 'unlocked':
      return !issue.locked;
    default:
      return true;
  }
}

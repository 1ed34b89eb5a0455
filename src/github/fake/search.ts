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
  // A value is a bare word, a quoted string, or several quoted strings joined by commas
  // (`label:"a","b"` means either label, as tide's queries write alternatives).
  const re = /(-?)(?:([a-zA-Z_-]+):)?((?:"[^"]*")(?:,"[^"]*")*|\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) {
    const raw = m[3] ?? '';
    const value = raw.startsWith('"') ? [...raw.matchAll(/"([^"]*)"/g)].map((x) => x[1] ?? '').join(',') : raw;
    terms.push({ negated: m[1] === '-', key: m[2]?.toLowerCase(), value });
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

/** GitHub's review decision: the latest non-comment review per reviewer decides; none → undefined. */
export function reviewDecision(issue: FakeIssue): 'APPROVED' | 'CHANGES_REQUESTED' | 'REVIEW_REQUIRED' {
  const latest = new Map<string, string>();
  for (const r of issue.pull?.reviews ?? []) if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED') latest.set(r.user.toLowerCase(), r.state);
  const states = [...latest.values()];
  if (states.includes('CHANGES_REQUESTED')) return 'CHANGES_REQUESTED';
  return states.includes('APPROVED') ? 'APPROVED' : 'REVIEW_REQUIRED';
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
        ok = true;
        break;
      case 'review':
        ok = v === 'approved' ? reviewDecision(issue) === 'APPROVED' : v === 'changes_requested' ? reviewDecision(issue) === 'CHANGES_REQUESTED' : v === 'required' ? reviewDecision(issue) === 'REVIEW_REQUIRED' : issue.pull !== undefined;
        break;
      case 'milestone':
        ok = issue.milestone !== null && (repo.milestones.get(issue.milestone)?.title.toLowerCase() === v.toLowerCase());
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

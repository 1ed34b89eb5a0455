// GitHub REST JSON → our small typed shapes. Tolerant of missing fields: dry-run answers are
// empty objects, and GitHub Enterprise versions omit newer fields.
import type {
  BranchProtection, Collaborator, Commit, IssueComment, IssueEvent, Issue, Label, Milestone, PullRequest, PullRequestBranch,
  PullRequestFile, PullRequestFileStatus, RepoRef, Repo, Review, ReviewComment, ReviewState, Status, StatusState, Team, User, UserRef,
} from './types.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
const bool = (v: unknown): boolean => v === true;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function toUserRef(v: unknown): UserRef {
  const o = obj(v);
  return { login: str(o.login), id: num(o.id), type: str(o.type, 'User') };
}

export function toUser(v: unknown): User {
  const o = obj(v);
  return { ...toUserRef(o), name: strOrNull(o.name), email: strOrNull(o.email) };
}

export function toRepoRef(v: unknown): RepoRef {
  const o = obj(v);
  const owner = str(obj(o.owner).login);
  const name = str(o.name);
  return {
    owner, name, fullName: str(o.full_name, `${owner}/${name}`), htmlUrl: str(o.html_url), cloneUrl: str(o.clone_url),
    defaultBranch: str(o.default_branch, 'main'), private: bool(o.private),
  };
}

export function toRepo(v: unknown): Repo {
  return { ...toRepoRef(v), archived: bool(obj(v).archived), nodeId: str(obj(v).node_id) };
}

export function toLabel(v: unknown): Label {
  const o = obj(v);
  return { name: str(o.name), color: str(o.color), description: strOrNull(o.description) };
}

export function labelNames(v: unknown): string[] {
  return arr(v).map((l) => (typeof l === 'string' ? l : str(obj(l).name)));
}

export function toMilestone(v: unknown): Milestone | null {
  if (v === null || v === undefined) return null;
  const o = obj(v);
  return { number: num(o.number), title: str(o.title), state: o.state === 'closed' ? 'closed' : 'open', description: strOrNull(o.description) };
}

const logins = (v: unknown): string[] => arr(v).map((u) => str(obj(u).login));

export function repoFromUrl(url: string): string {
  const m = /\/repos\/([^/]+\/[^/]+)(?:\/|$)/.exec(url);
  return m?.[1] ?? '';
}

export function toIssue(v: unknown): Issue {
  const o = obj(v);
  return {
    number: num(o.number), title: str(o.title), body: str(o.body), state: o.state === 'closed' ? 'closed' : 'open',
    user: toUserRef(o.user), labels: labelNames(o.labels), assignees: logins(o.assignees), milestone: toMilestone(o.milestone),
    isPullRequest: o.pull_request !== undefined && o.pull_request !== null, locked: bool(o.locked), nodeId: str(o.node_id),
    authorAssociation: str(o.author_association, 'NONE'), htmlUrl: str(o.html_url),
    createdAt: str(o.created_at), updatedAt: str(o.updated_at), closedAt: strOrNull(o.closed_at),
    repo: repoFromUrl(str(o.repository_url) || str(o.url)),
  };
}

function toBranch(v: unknown): PullRequestBranch {
  const o = obj(v);
  const repo = o.repo === null || o.repo === undefined ? null : toRepoRef(o.repo);
  return { ref: str(o.ref), sha: str(o.sha), repo, owner: str(obj(o.user).login, repo?.owner ?? '') };
}

export function toPullRequest(v: unknown): PullRequest {
  const o = obj(v);
  const base = toBranch(o.base);
  return {
    number: num(o.number), title: str(o.title), body: str(o.body), state: o.state === 'closed' ? 'closed' : 'open',
    draft: bool(o.draft), merged: bool(o.merged), mergeable: typeof o.mergeable === 'boolean' ? o.mergeable : null,
    mergeableState: str(o.mergeable_state, 'unknown'), mergeCommitSha: strOrNull(o.merge_commit_sha),
    user: toUserRef(o.user), authorAssociation: str(o.author_association, 'NONE'),
    head: toBranch(o.head), base: { ...base, repo: base.repo ?? toRepoRef({}) },
    labels: labelNames(o.labels), assignees: logins(o.assignees), requestedReviewers: logins(o.requested_reviewers),
    requestedTeams: arr(o.requested_teams).map((t) => str(obj(t).slug)), milestone: toMilestone(o.milestone),
    htmlUrl: str(o.html_url), createdAt: str(o.created_at), updatedAt: str(o.updated_at), closedAt: strOrNull(o.closed_at),
    mergedAt: strOrNull(o.merged_at), additions: num(o.additions), deletions: num(o.deletions), changedFiles: num(o.changed_files),
  };
}

export function toPullRequestFile(v: unknown): PullRequestFile {
  const o = obj(v);
  const f: PullRequestFile = {
    sha: str(o.sha), filename: str(o.filename), status: str(o.status, 'modified') as PullRequestFileStatus,
    additions: num(o.additions), deletions: num(o.deletions), changes: num(o.changes),
  };
  if (typeof o.patch === 'string') f.patch = o.patch;
  if (typeof o.previous_filename === 'string') f.previousFilename = o.previous_filename;
  return f;
}

export function toCommit(v: unknown): Commit {
  const o = obj(v);
  const c = obj(o.commit);
  const actor = (a: unknown): Commit['author'] => ({ name: str(obj(a).name), email: str(obj(a).email), date: str(obj(a).date) });
  return {
    sha: str(o.sha), treeSha: str(obj(c.tree).sha), message: str(c.message), author: actor(c.author), committer: actor(c.committer),
    authorLogin: strOrNull(obj(o.author).login), committerLogin: strOrNull(obj(o.committer).login),
    parents: arr(o.parents).map((p) => str(obj(p).sha)),
  };
}

export function toIssueComment(v: unknown): IssueComment {
  const o = obj(v);
  return {
    id: num(o.id), body: str(o.body), user: toUserRef(o.user), authorAssociation: str(o.author_association, 'NONE'),
    htmlUrl: str(o.html_url), createdAt: str(o.created_at), updatedAt: str(o.updated_at),
  };
}

export function toReviewComment(v: unknown): ReviewComment {
  const o = obj(v);
  return {
    id: num(o.id), body: str(o.body), user: toUserRef(o.user), path: str(o.path), line: typeof o.line === 'number' ? o.line : null,
    commitId: str(o.commit_id), inReplyToId: typeof o.in_reply_to_id === 'number' ? o.in_reply_to_id : null,
    htmlUrl: str(o.html_url), createdAt: str(o.created_at), updatedAt: str(o.updated_at),
  };
}

export function toReview(v: unknown): Review {
  const o = obj(v);
  return {
    id: num(o.id), body: str(o.body), user: toUserRef(o.user), state: str(o.state, 'COMMENTED').toUpperCase() as ReviewState,
    commitId: str(o.commit_id), submittedAt: strOrNull(o.submitted_at), htmlUrl: str(o.html_url),
  };
}

export function toIssueEvent(v: unknown): IssueEvent {
  const o = obj(v);
  return {
    id: num(o.id), event: str(o.event), actor: o.actor ? toUserRef(o.actor) : null,
    label: o.label ? str(obj(o.label).name) : null, assignee: o.assignee ? str(obj(o.assignee).login) : null,
    createdAt: str(o.created_at),
  };
}

export function toStatus(v: unknown): Status {
  const o = obj(v);
  return {
    context: str(o.context), state: str(o.state, 'pending') as StatusState, description: str(o.description),
    targetUrl: str(o.target_url), creator: o.creator ? str(obj(o.creator).login) : null,
    createdAt: str(o.created_at), updatedAt: str(o.updated_at),
  };
}

export function toTeam(v: unknown): Team {
  const o = obj(v);
  return { id: num(o.id), name: str(o.name), slug: str(o.slug), description: strOrNull(o.description), privacy: str(o.privacy, 'closed') };
}

export function toCollaborator(v: unknown): Collaborator {
  const o = obj(v);
  const p = obj(o.permissions);
  return {
    ...toUserRef(o),
    permissions: { admin: bool(p.admin), maintain: bool(p.maintain), push: bool(p.push), triage: bool(p.triage), pull: bool(p.pull) },
    roleName: str(o.role_name, p.admin ? 'admin' : p.maintain ? 'maintain' : p.push ? 'write' : p.triage ? 'triage' : p.pull ? 'read' : 'none'),
  };
}

export function toBranchProtection(v: unknown): BranchProtection {
  const o = obj(v);
  const checks = o.required_status_checks ? obj(o.required_status_checks) : undefined;
  const reviews = o.required_pull_request_reviews ? obj(o.required_pull_request_reviews) : undefined;
  const restrictions = o.restrictions ? obj(o.restrictions) : undefined;
  return {
    requiredStatusChecks: checks ? { strict: bool(checks.strict), contexts: arr(checks.contexts).map((c) => str(c)) } : null,
    enforceAdmins: bool(obj(o.enforce_admins).enabled),
    requiredPullRequestReviews: reviews
      ? {
          requiredApprovingReviewCount: num(reviews.required_approving_review_count),
          dismissStaleReviews: bool(reviews.dismiss_stale_reviews),
          requireCodeOwnerReviews: bool(reviews.require_code_owner_reviews),
        }
      : null,
    restrictions: restrictions ? { users: logins(restrictions.users), teams: arr(restrictions.teams).map((t) => str(obj(t).slug)) } : null,
    allowForcePushes: bool(obj(o.allow_force_pushes).enabled),
    requiredLinearHistory: bool(obj(o.required_linear_history).enabled),
  };
}

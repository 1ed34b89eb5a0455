// GitHub's JSON shapes (snake_case, as the REST API sends them) for the fake's records.
import type { FakeComment, FakeIssue, FakeIssueEvent, FakeLabel, FakeMilestone, FakeRepo, FakeReview, FakeReviewComment, FakeStatus, FakeTeam, FakeUser } from './state.js';
import type { GitCommitInfo } from './git.js';

export interface RenderContext {
  /** The fake's own base URL, for `url` fields. */
  api: string;
  user(login: string): FakeUser;
}

export function userJson(ctx: RenderContext, login: string): Record<string, unknown> {
  const u = ctx.user(login);
  return {
    login: u.login, id: u.id, node_id: `U_${u.id}`, type: u.type, site_admin: false,
    url: `${ctx.api}/users/${u.login}`, html_url: `https://github.com/${u.login}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}`,
  };
}

export function fullUserJson(ctx: RenderContext, login: string): Record<string, unknown> {
  const u = ctx.user(login);
  return { ...userJson(ctx, login), name: u.name, email: u.email };
}

export function repoJson(ctx: RenderContext, r: FakeRepo): Record<string, unknown> {
  return {
    id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: r.fullName,
    owner: userJson(ctx, r.owner), private: r.private, archived: r.archived, disabled: false,
    visibility: r.private ? 'private' : 'public',
    html_url: `https://github.com/${r.fullName}`, url: `${ctx.api}/repos/${r.fullName}`,
    // A real path: demo mode and tests can clone it.
    clone_url: `file://${r.git.dir}`, git_url: `file://${r.git.dir}`, ssh_url: `file://${r.git.dir}`,
    default_branch: r.defaultBranch, fork: r.forkOf !== undefined,
  };
}

export function labelJson(ctx: RenderContext, r: FakeRepo, l: FakeLabel): Record<string, unknown> {
  return {
    id: l.id, node_id: `LA_${l.id}`, name: l.name, color: l.color, description: l.description, default: false,
    url: `${ctx.api}/repos/${r.fullName}/labels/${encodeURIComponent(l.name)}`,
  };
}

export function milestoneJson(ctx: RenderContext, r: FakeRepo, m: FakeMilestone): Record<string, unknown> {
  return {
    id: m.id, node_id: `MI_${m.id}`, number: m.number, title: m.title, state: m.state, description: m.description,
    url: `${ctx.api}/repos/${r.fullName}/milestones/${m.number}`,
  };
}

export function issueLabels(ctx: RenderContext, r: FakeRepo, issue: FakeIssue): Record<string, unknown>[] {
  return issue.labels.map((name) => {
    const l = r.labels.get(name.toLowerCase()) ?? { id: 0, name, color: 'ededed', description: null };
    return labelJson(ctx, r, l);
  });
}

export function issueJson(ctx: RenderContext, r: FakeRepo, issue: FakeIssue, association: string): Record<string, unknown> {
  const m = issue.milestone === null ? undefined : r.milestones.get(issue.milestone);
  const base = `${ctx.api}/repos/${r.fullName}`;
  const json: Record<string, unknown> = {
    id: r.id * 100000 + issue.number, node_id: `I_${r.id}_${issue.number}`, number: issue.number,
    title: issue.title, body: issue.body, state: issue.state, locked: issue.locked,
    state_reason: issue.state === 'closed' ? 'completed' : null,
    user: userJson(ctx, issue.user), labels: issueLabels(ctx, r, issue),
    assignee: issue.assignees[0] ? userJson(ctx, issue.assignees[0]) : null,
    assignees: issue.assignees.map((a) => userJson(ctx, a)),
    milestone: m ? milestoneJson(ctx, r, m) : null,
    comments: [...r.comments.values()].filter((c) => c.issue === issue.number).length,
    author_association: association,
    created_at: issue.createdAt, updated_at: issue.updatedAt, closed_at: issue.closedAt,
    url: `${base}/issues/${issue.number}`, repository_url: base,
    html_url: `https://github.com/${r.fullName}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`,
  };
  if (issue.pull) {
    json.pull_request = {
      url: `${base}/pulls/${issue.number}`, html_url: `https://github.com/${r.fullName}/pull/${issue.number}`,
      merged_at: issue.pull.mergedAt,
    };
    json.draft = issue.pull.draft;
  }
  return json;
}

export function pullJson(
  ctx: RenderContext,
  r: FakeRepo,
  issue: FakeIssue,
  extra: { headSha: string; baseSha: string; mergeable: boolean | null; association: string; additions: number; deletions: number; changedFiles: number; commits: number },
): Record<string, unknown> {
  const p = issue.pull;
  if (!p) throw new Error(`#${issue.number} is not a pull request`);
  const m = issue.milestone === null ? undefined : r.milestones.get(issue.milestone);
  const base = `${ctx.api}/repos/${r.fullName}`;
  const repo = repoJson(ctx, r);
  const state = issue.state;
  return {
    id: r.id * 100000 + issue.number, node_id: `PR_${r.id}_${issue.number}`, number: issue.number,
    title: issue.title, body: issue.body, state, locked: issue.locked, draft: p.draft,
    user: userJson(ctx, issue.user), labels: issueLabels(ctx, r, issue),
    assignee: issue.assignees[0] ? userJson(ctx, issue.assignees[0]) : null,
    assignees: issue.assignees.map((a) => userJson(ctx, a)),
    requested_reviewers: p.requestedReviewers.map((a) => userJson(ctx, a)),
    requested_teams: p.requestedTeams.map((slug) => ({ slug, name: slug })),
    milestone: m ? milestoneJson(ctx, r, m) : null,
    head: { label: `${p.headOwner ?? r.owner}:${p.headRef}`, ref: p.headRef, sha: extra.headSha, user: userJson(ctx, p.headOwner ?? r.owner), repo },
    base: { label: `${r.owner}:${p.baseRef}`, ref: p.baseRef, sha: extra.baseSha, user: userJson(ctx, r.owner), repo },
    merged: p.merged, mergeable: state === 'open' ? extra.mergeable : null,
    mergeable_state: state !== 'open' ? 'unknown' : extra.mergeable === null ? 'unknown' : extra.mergeable ? 'clean' : 'dirty',
    merge_commit_sha: p.mergeCommitSha, merged_at: p.mergedAt, merged_by: p.mergedBy ? userJson(ctx, p.mergedBy) : null,
    author_association: extra.association,
    additions: extra.additions, deletions: extra.deletions, changed_files: extra.changedFiles, commits: extra.commits,
    comments: [...r.comments.values()].filter((c) => c.issue === issue.number).length,
    review_comments: p.reviewComments.length,
    created_at: issue.createdAt, updated_at: issue.updatedAt, closed_at: issue.closedAt,
    url: `${base}/pulls/${issue.number}`, issue_url: `${base}/issues/${issue.number}`,
    html_url: `https://github.com/${r.fullName}/pull/${issue.number}`,
    diff_url: `https://github.com/${r.fullName}/pull/${issue.number}.diff`,
  };
}

export function commentJson(ctx: RenderContext, r: FakeRepo, c: FakeComment, association: string): Record<string, unknown> {
  return {
    id: c.id, node_id: `IC_${c.id}`, body: c.body, user: userJson(ctx, c.user), author_association: association,
    created_at: c.createdAt, updated_at: c.updatedAt,
    url: `${ctx.api}/repos/${r.fullName}/issues/comments/${c.id}`,
    issue_url: `${ctx.api}/repos/${r.fullName}/issues/${c.issue}`,
    html_url: `https://github.com/${r.fullName}/issues/${c.issue}#issuecomment-${c.id}`,
  };
}

export function reviewJson(ctx: RenderContext, r: FakeRepo, number: number, rv: FakeReview): Record<string, unknown> {
  return {
    id: rv.id, node_id: `PRR_${rv.id}`, user: userJson(ctx, rv.user), body: rv.body, state: rv.state,
    commit_id: rv.commitId, submitted_at: rv.state === 'PENDING' ? null : rv.submittedAt,
    html_url: `https://github.com/${r.fullName}/pull/${number}#pullrequestreview-${rv.id}`,
  };
}

export function reviewCommentJson(ctx: RenderContext, r: FakeRepo, number: number, c: FakeReviewComment): Record<string, unknown> {
  return {
    id: c.id, node_id: `PRRC_${c.id}`, user: userJson(ctx, c.user), body: c.body, path: c.path, line: c.line,
    commit_id: c.commitId, in_reply_to_id: c.inReplyToId ?? undefined, created_at: c.createdAt, updated_at: c.updatedAt,
    html_url: `https://github.com/${r.fullName}/pull/${number}#discussion_r${c.id}`,
  };
}

export function eventJson(ctx: RenderContext, e: FakeIssueEvent): Record<string, unknown> {
  const json: Record<string, unknown> = { id: e.id, node_id: `E_${e.id}`, event: e.event, actor: userJson(ctx, e.actor), created_at: e.createdAt };
  if (e.label !== undefined) json.label = { name: e.label, color: 'ededed' };
  if (e.assignee !== undefined) json.assignee = userJson(ctx, e.assignee);
  return json;
}

export function statusJson(ctx: RenderContext, s: FakeStatus): Record<string, unknown> {
  return {
    id: s.id, node_id: `SC_${s.id}`, state: s.state, context: s.context, description: s.description,
    target_url: s.targetUrl, creator: userJson(ctx, s.creator), created_at: s.createdAt, updated_at: s.updatedAt,
  };
}

export function teamJson(ctx: RenderContext, org: string, t: FakeTeam): Record<string, unknown> {
  return {
    id: t.id, node_id: `T_${t.id}`, slug: t.slug, name: t.name, description: t.description, privacy: t.privacy,
    permission: 'pull', url: `${ctx.api}/orgs/${org}/teams/${t.slug}`,
  };
}

const NOREPLY_RE = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/;

export function loginForEmail(ctx: RenderContext, users: Iterable<FakeUser>, email: string): string | null {
  for (const u of users) if (u.email === email) return u.login;
  return NOREPLY_RE.exec(email)?.[1] ?? null;
}

export function commitJson(ctx: RenderContext, r: FakeRepo, c: GitCommitInfo, users: Iterable<FakeUser>): Record<string, unknown> {
  const list = [...users];
  const authorLogin = loginForEmail(ctx, list, c.authorEmail);
  const committerLogin = loginForEmail(ctx, list, c.committerEmail);
  return {
    sha: c.sha, node_id: `C_${c.sha}`,
    commit: {
      author: { name: c.authorName, email: c.authorEmail, date: c.authorDate },
      committer: { name: c.committerName, email: c.committerEmail, date: c.committerDate },
      message: c.message, tree: { sha: c.tree, url: `${ctx.api}/repos/${r.fullName}/git/trees/${c.tree}` },
    },
    author: authorLogin ? userJson(ctx, authorLogin) : null,
    committer: committerLogin ? userJson(ctx, committerLogin) : null,
    parents: c.parents.map((sha) => ({ sha, url: `${ctx.api}/repos/${r.fullName}/commits/${sha}` })),
    url: `${ctx.api}/repos/${r.fullName}/commits/${c.sha}`, html_url: `https://github.com/${r.fullName}/commit/${c.sha}`,
  };
}

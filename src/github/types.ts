// The GitHubClient seam: every GitHub call plugins, crier and tide make, typed.
// Names follow the call glossary in docs/github.md "Calls" (upstream pkg/github/client.go).
// Shapes are small and camelCase: only what callers use, never raw Octokit responses.
// Arguments are positional (org, repo, number, ...) like upstream's client.

export interface UserRef {
  login: string;
  id: number;
  /** 'User' | 'Bot' | 'Organization' */
  type: string;
}

export interface User extends UserRef {
  name: string | null;
  email: string | null;
}

export interface RepoRef {
  /** The owner's login (org or user). */
  owner: string;
  name: string;
  /** `owner/name` */
  fullName: string;
  htmlUrl: string;
  cloneUrl: string;
  defaultBranch: string;
  private: boolean;
}

export interface Repo extends RepoRef {
  archived: boolean;
  /** GraphQL node id (`node_id`), e.g. for transferIssue's destination. */
  nodeId: string;
}

export interface Label {
  name: string;
  color: string;
  description: string | null;
}

export interface Milestone {
  number: number;
  title: string;
  state: 'open' | 'closed';
  description: string | null;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  user: UserRef;
  /** Label names. */
  labels: string[];
  /** Assignee logins. */
  assignees: string[];
  milestone: Milestone | null;
  isPullRequest: boolean;
  locked: boolean;
  /** GraphQL node id (`node_id`), e.g. for pinIssue. */
  nodeId: string;
  authorAssociation: string;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Set on search results: `owner/name` of the issue's repository. */
  repo: string;
}

export interface PullRequestBranch {
  ref: string;
  sha: string;
  /** null when the fork was deleted */
  repo: RepoRef | null;
  /** The owner login of the branch's repository (`user.login` upstream). */
  owner: string;
}

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  /** null while GitHub is still computing mergeability */
  mergeable: boolean | null;
  mergeableState: string;
  mergeCommitSha: string | null;
  user: UserRef;
  authorAssociation: string;
  head: PullRequestBranch;
  base: PullRequestBranch & { repo: RepoRef };
  labels: string[];
  assignees: string[];
  requestedReviewers: string[];
  /** Team slugs. */
  requestedTeams: string[];
  milestone: Milestone | null;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
}

export type PullRequestFileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface PullRequestFile {
  sha: string;
  filename: string;
  status: PullRequestFileStatus;
  additions: number;
  deletions: number;
  changes: number;
  /** Absent for binary or very large diffs. */
  patch?: string;
  /** Set when status is 'renamed'. */
  previousFilename?: string;
}

export interface GitActor {
  name: string;
  email: string;
  date: string;
}

export interface Commit {
  sha: string;
  treeSha: string;
  message: string;
  author: GitActor;
  committer: GitActor;
  /** GitHub users the author/committer emails map to, when known. */
  authorLogin: string | null;
  committerLogin: string | null;
  parents: string[];
}

export interface IssueComment {
  id: number;
  body: string;
  user: UserRef;
  authorAssociation: string;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewComment {
  id: number;
  body: string;
  user: UserRef;
  path: string;
  line: number | null;
  commitId: string;
  inReplyToId: number | null;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  id: number;
  body: string;
  user: UserRef;
  state: ReviewState;
  commitId: string;
  submittedAt: string | null;
  htmlUrl: string;
}

export interface ReviewInput {
  body?: string;
  event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT';
  commitId?: string;
  comments?: { path: string; body: string; line?: number; side?: 'LEFT' | 'RIGHT' }[];
}

export interface IssueEvent {
  id: number;
  /** 'labeled', 'unlabeled', 'assigned', 'closed', ... */
  event: string;
  actor: UserRef | null;
  /** For labeled/unlabeled. */
  label: string | null;
  /** For assigned/unassigned. */
  assignee: string | null;
  createdAt: string;
}

export type StatusState = 'error' | 'failure' | 'pending' | 'success';

export interface Status {
  context: string;
  state: StatusState;
  description: string;
  targetUrl: string;
  creator: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StatusInput {
  state: StatusState;
  context: string;
  description?: string;
  targetUrl?: string;
}

export interface CombinedStatus {
  sha: string;
  /** 'pending' when there are no statuses. */
  state: Exclude<StatusState, 'error'>;
  /** Latest status per context. */
  statuses: Status[];
}

export interface Team {
  id: number;
  name: string;
  slug: string;
  description: string | null;
  privacy: string;
}

export interface TeamMembership {
  role: 'member' | 'maintainer';
  state: 'active' | 'pending';
}

export type PermissionLevel = 'admin' | 'write' | 'read' | 'none';

export interface Permission {
  /** GitHub's coarse level: maintain maps to write, triage to read. */
  permission: PermissionLevel;
  /** The fine role: 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none' or a custom role. */
  roleName: string;
}

export interface Collaborator extends UserRef {
  permissions: { admin: boolean; maintain: boolean; push: boolean; triage: boolean; pull: boolean };
  roleName: string;
}

export interface BranchProtection {
  requiredStatusChecks: { strict: boolean; contexts: string[] } | null;
  enforceAdmins: boolean;
  requiredPullRequestReviews: {
    requiredApprovingReviewCount: number;
    dismissStaleReviews: boolean;
    requireCodeOwnerReviews: boolean;
  } | null;
  /** Logins and team slugs that may push, or null when pushes are unrestricted. */
  restrictions: { users: string[]; teams: string[] } | null;
  allowForcePushes: boolean;
  requiredLinearHistory: boolean;
}

export type MergeMethod = 'merge' | 'squash' | 'rebase';

export interface MergeInput {
  method?: MergeMethod;
  /** The head SHA the merge must match (409 otherwise). */
  sha?: string;
  commitTitle?: string;
  commitMessage?: string;
}

export interface MergeResult {
  sha: string;
  merged: boolean;
  message: string;
}

export type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface IssuePatch {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  /** Why a closed issue was closed (GitHub's `state_reason`). */
  state_reason?: 'completed' | 'not_planned' | 'reopened';
  /** Milestone number; null clears it. */
  milestone?: number | null;
}

export interface PullRequestPatch {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  base?: string;
}

export interface SearchOptions {
  sort?: 'comments' | 'reactions' | 'created' | 'updated';
  order?: 'asc' | 'desc';
}

export interface ListPullRequestsOptions {
  state?: 'open' | 'closed' | 'all';
  base?: string;
  head?: string;
}

/**
 * Everything the rest of Prow asks of GitHub. One implementation over Octokit (client.ts);
 * tests point it at the fake server (fake/). Failures throw GitHubError or a subclass (errors.ts).
 * Reads that return undefined on 404 say so; every other 404 throws GitHubError with status 404.
 */
export interface GitHubClient {
  /** A child that tags every call with `plugin` in logs and metrics; same auth, cache and limits. */
  forPlugin(plugin: string): GitHubClient;

  /** GET /user: the bot's identity; fetched once and cached. */
  botUser(): Promise<User>;
  /** GET /users/{login}; undefined on 404. */
  getUser(login: string): Promise<User | undefined>;

  /** GET /orgs/{org}/members/{login}: true on 204. True without a call when org === login. */
  isMember(org: string, login: string): Promise<boolean>;
  /** GET /orgs/{org}/members (paginated). */
  listOrgMembers(org: string, role?: 'all' | 'admin' | 'member'): Promise<UserRef[]>;
  /** GET /repos/{o}/{r}/collaborators/{login}: true on 204. True without a call when org === login. */
  isCollaborator(org: string, repo: string, login: string): Promise<boolean>;
  /** GET /repos/{o}/{r}/collaborators (paginated). */
  listCollaborators(org: string, repo: string): Promise<Collaborator[]>;
  /** GET /repos/{o}/{r}/collaborators/{login}/permission */
  getPermission(org: string, repo: string, login: string): Promise<Permission>;

  /** GET /repos/{o}/{r} */
  getRepo(org: string, repo: string): Promise<Repo>;
  /**
   * GET /repos/{o}/{r}/git/refs/{ref}: the SHA a ref points at. `ref` is `heads/main`, `tags/v1`,
   * or a bare branch name (taken as `heads/<name>`).
   */
  getRef(org: string, repo: string, ref: string): Promise<string>;
  /** DELETE /repos/{o}/{r}/git/refs/{ref} (`heads/<branch>`): 204; GitHub answers 422 for a ref that does not exist. */
  deleteRef(org: string, repo: string, ref: string): Promise<void>;
  /** GET /repos/{o}/{r}/commits/{sha} (sha may be a ref name). */
  getCommit(org: string, repo: string, sha: string): Promise<Commit>;
  /** The merge base of `base` and `head` (GitHub's compare API, upstream GetMergeBase). */
  getMergeBase(org: string, repo: string, base: string, head: string): Promise<string>;
  /** GET /repos/{o}/{r}/contents/{path}?ref=: the file as UTF-8 text; undefined on 404. */
  getFile(org: string, repo: string, path: string, ref?: string): Promise<string | undefined>;
  /** GET /repos/{o}/{r}/branches/{b}/protection; undefined when the branch is not protected (404). */
  getBranchProtection(org: string, repo: string, branch: string): Promise<BranchProtection | undefined>;

  /** GET /repos/{o}/{r}/issues/{n} */
  getIssue(org: string, repo: string, number: number): Promise<Issue>;
  /** GET /repos/{o}/{r}/pulls/{n} */
  getPullRequest(org: string, repo: string, number: number): Promise<PullRequest>;
  /** GET /repos/{o}/{r}/pulls (paginated). */
  listPullRequests(org: string, repo: string, options?: ListPullRequestsOptions): Promise<PullRequest[]>;
  /** GET /repos/{o}/{r}/pulls/{n}/files (paginated). */
  listPullRequestFiles(org: string, repo: string, number: number): Promise<PullRequestFile[]>;
  /** GET /repos/{o}/{r}/pulls/{n}/commits (paginated). */
  listPullRequestCommits(org: string, repo: string, number: number): Promise<Commit[]>;
  /** PATCH /repos/{o}/{r}/issues/{n}: title, body, state, milestone. */
  patchIssue(org: string, repo: string, number: number, patch: IssuePatch): Promise<Issue>;
  /** PATCH /repos/{o}/{r}/pulls/{n}: title, body, state, base. */
  patchPullRequest(org: string, repo: string, number: number, patch: PullRequestPatch): Promise<PullRequest>;
  /** PATCH /repos/{o}/{r}/issues/{n} state=closed */
  closeIssue(org: string, repo: string, number: number): Promise<void>;
  /** PATCH /repos/{o}/{r}/issues/{n} state=open */
  reopenIssue(org: string, repo: string, number: number): Promise<void>;
  /** PATCH /repos/{o}/{r}/pulls/{n} state=closed */
  closePullRequest(org: string, repo: string, number: number): Promise<void>;
  /** PATCH /repos/{o}/{r}/pulls/{n} state=open */
  reopenPullRequest(org: string, repo: string, number: number): Promise<void>;
  /**
   * PUT /repos/{o}/{r}/pulls/{n}/merge. Throws UnmergeablePullRequestError (405) or
   * ModifiedHeadError (409, head moved past `sha`).
   */
  mergePullRequest(org: string, repo: string, number: number, input?: MergeInput): Promise<MergeResult>;

  /** GET /repos/{o}/{r}/issues/{n}/labels (paginated): label names. */
  listIssueLabels(org: string, repo: string, number: number): Promise<string[]>;
  /** GET /repos/{o}/{r}/labels (paginated). */
  listRepoLabels(org: string, repo: string): Promise<Label[]>;
  /** POST /repos/{o}/{r}/issues/{n}/labels with one label. */
  addLabel(org: string, repo: string, number: number, label: string): Promise<void>;
  /** POST /repos/{o}/{r}/issues/{n}/labels with several labels in one call. */
  addLabels(org: string, repo: string, number: number, labels: string[]): Promise<void>;
  /** DELETE /repos/{o}/{r}/issues/{n}/labels/{name}; a 404 (label not on the issue) is not an error. */
  removeLabel(org: string, repo: string, number: number, label: string): Promise<void>;

  /** POST /repos/{o}/{r}/issues/{n}/comments */
  createComment(org: string, repo: string, number: number, body: string): Promise<IssueComment>;
  /** PATCH /repos/{o}/{r}/issues/comments/{id} */
  editComment(org: string, repo: string, commentId: number, body: string): Promise<IssueComment>;
  /** GET /repos/{o}/{r}/issues/{n}/comments (paginated). */
  listComments(org: string, repo: string, number: number): Promise<IssueComment[]>;
  /** DELETE /repos/{o}/{r}/issues/comments/{id} */
  deleteComment(org: string, repo: string, commentId: number): Promise<void>;
  /** POST /repos/{o}/{r}/issues/comments/{id}/reactions */
  createCommentReaction(org: string, repo: string, commentId: number, content: ReactionContent): Promise<void>;
  /** POST /repos/{o}/{r}/issues/{n}/reactions */
  createIssueReaction(org: string, repo: string, number: number, content: ReactionContent): Promise<void>;

  /** GET /repos/{o}/{r}/pulls/{n}/comments (paginated). */
  listReviewComments(org: string, repo: string, number: number): Promise<ReviewComment[]>;
  /** GET /repos/{o}/{r}/pulls/{n}/reviews (paginated). */
  listReviews(org: string, repo: string, number: number): Promise<Review[]>;
  /** POST /repos/{o}/{r}/pulls/{n}/reviews */
  createReview(org: string, repo: string, number: number, review: ReviewInput): Promise<Review>;
  /** GET /repos/{o}/{r}/issues/{n}/events (paginated). */
  listIssueEvents(org: string, repo: string, number: number): Promise<IssueEvent[]>;

  /**
   * POST /repos/{o}/{r}/issues/{n}/assignees. Logins GitHub does not list as assigned afterwards
   * (not assignable) raise MissingUsersError after the others are assigned.
   */
  assignIssue(org: string, repo: string, number: number, logins: string[]): Promise<void>;
  /** DELETE /repos/{o}/{r}/issues/{n}/assignees. Logins still assigned afterwards raise MissingUsersError. */
  unassignIssue(org: string, repo: string, number: number, logins: string[]): Promise<void>;
  /**
   * POST /repos/{o}/{r}/pulls/{n}/requested_reviewers. `org/team` entries go in team_reviewers as the
   * bare slug when org is the repo's org (otherwise they are missing). On 422 the logins are retried
   * one at a time; those GitHub refuses raise MissingUsersError.
   */
  requestReview(org: string, repo: string, number: number, logins: string[]): Promise<void>;
  /** DELETE /repos/{o}/{r}/pulls/{n}/requested_reviewers. */
  unrequestReview(org: string, repo: string, number: number, logins: string[]): Promise<void>;

  /** GET /repos/{o}/{r}/commits/{ref}/status (all pages of statuses merged). */
  getCombinedStatus(org: string, repo: string, ref: string): Promise<CombinedStatus>;
  /** GET /repos/{o}/{r}/statuses/{ref} (paginated, newest first, every status ever posted). */
  listStatuses(org: string, repo: string, ref: string): Promise<Status[]>;
  /** POST /repos/{o}/{r}/statuses/{sha} */
  createStatus(org: string, repo: string, sha: string, status: StatusInput): Promise<Status>;

  /** GET /search/issues?q= (paginated, up to GitHub's 1000-result cap). */
  searchIssues(query: string, options?: SearchOptions): Promise<Issue[]>;

  /** GET /orgs/{org}/teams (paginated). */
  listTeams(org: string): Promise<Team[]>;
  /** GET /orgs/{org}/teams/{slug}/members (paginated). */
  listTeamMembers(org: string, teamSlug: string, role?: 'all' | 'member' | 'maintainer'): Promise<UserRef[]>;
  /** GET /orgs/{org}/teams/{slug}/memberships/{login}; undefined when not a member (404). */
  getTeamMembership(org: string, teamSlug: string, login: string): Promise<TeamMembership | undefined>;

  /** GET /repos/{o}/{r}/milestones (paginated; state=all). */
  listMilestones(org: string, repo: string): Promise<Milestone[]>;

  /**
   * POST /graphql. Errors in the response body raise GraphQLError. `org` selects the App
   * installation token when authenticating as a GitHub App.
   */
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>, org?: string): Promise<T>;

  /** POST /repos/{o}/{r}/forks: forks into the token's user (GitHub answers 202 and may finish later). */
  createFork(org: string, repo: string): Promise<Repo>;
  /** POST /repos/{o}/{r}/pulls; `head` is `branch` or `owner:branch` for a fork. */
  createPullRequest(org: string, repo: string, input: NewPullRequest): Promise<PullRequest>;
  /** GET /repos/{o}/{r}/pulls/{n} as `application/vnd.github.v3.patch`: the PR's commits, `git format-patch` style. */
  getPullRequestPatch(org: string, repo: string, number: number): Promise<string>;
  /** POST /repos/{o}/{r}/issues. */
  createIssue(org: string, repo: string, input: NewIssue): Promise<Issue>;
}

export interface NewPullRequest {
  title: string;
  body: string;
  head: string;
  base: string;
  maintainerCanModify?: boolean;
}

export interface NewIssue {
  title: string;
  body: string;
  labels?: string[];
  assignees?: string[];
}

// The errors live in errors.ts; these two are re-exported for the callers that import them with the seam.
export { GitHubError, MissingUsersError } from './errors.js';

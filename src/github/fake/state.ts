// The fake GitHub's world: users, orgs, teams, repos (each a real bare git repo), issues and pull
// requests with their labels, comments, reviews, statuses, assignees, milestones and events.
// Seed types are what tests (and demo mode) write; everything else is internal.
import type { GitRepo } from './git.js';

export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface SeedUser {
  login: string;
  name?: string;
  email?: string;
  type?: 'User' | 'Bot' | 'Organization';
  /** The user's GitHub status says "busy" (GraphQL `user.status.indicatesLimitedAvailability`). */
  limitedAvailability?: boolean;
}

export interface SeedTeam {
  name?: string;
  description?: string;
  privacy?: 'closed' | 'secret';
  members?: string[];
  maintainers?: string[];
  /** Repos (`org/name`) the team has access to, with a role; defaults to none. */
  repos?: Record<string, RepoRole>;
}

export interface SeedOrg {
  members?: string[];
  /** Org owners: members with admin on every repo of the org. */
  admins?: string[];
  teams?: Record<string, SeedTeam>;
}

export interface SeedLabel {
  name: string;
  color?: string;
  description?: string;
}

export interface SeedRepo {
  /** `org/name`; or give org and name. */
  repo?: string;
  org?: string;
  name?: string;
  defaultBranch?: string;
  private?: boolean;
  archived?: boolean;
  /** Files of the first commit on the default branch (path → content). */
  files?: Record<string, string>;
  /** More branches: name → files changed on top of the default branch. */
  branches?: Record<string, Record<string, string | null>>;
  /** login → role, or a list of logins with write. */
  collaborators?: Record<string, RepoRole> | string[];
  labels?: (string | SeedLabel)[];
  milestones?: (string | { title: string; number?: number; state?: 'open' | 'closed'; description?: string })[];
  /** branch → protection settings; unlisted branches are unprotected. */
  branchProtection?: Record<string, SeedBranchProtection>;
}

export interface SeedBranchProtection {
  contexts?: string[];
  strict?: boolean;
  enforceAdmins?: boolean;
  requiredApprovingReviewCount?: number;
  restrictions?: { users?: string[]; teams?: string[] } | null;
}

export interface SeedComment {
  author: string;
  body: string;
}

export interface SeedIssue {
  repo: string;
  number?: number;
  title?: string;
  body?: string;
  author?: string;
  state?: 'open' | 'closed';
  labels?: string[];
  assignees?: string[];
  milestone?: string;
  comments?: SeedComment[];
  /** Make it a pull request with one commit (file `<number>.txt`) unless pull fields say more. */
  isPR?: boolean;
  locked?: boolean;
}

export interface SeedCommit {
  message?: string;
  files: Record<string, string | null>;
  author?: string;
}

export interface SeedPull extends Omit<SeedIssue, 'isPR'> {
  /** Base branch; defaults to the repo's default branch. */
  base?: string;
  /** Head branch name; defaults to `pr-<number>`. */
  head?: string;
  /** Files of one commit on top of base (shorthand for commits: [{files}]). */
  files?: Record<string, string | null>;
  commits?: SeedCommit[];
  draft?: boolean;
  /** Force mergeability instead of computing it with git. */
  mergeable?: boolean | null;
  requestedReviewers?: string[];
  reviews?: { author: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'; body?: string }[];
  reviewComments?: { author: string; body: string; path: string; line?: number }[];
}

export interface SeedApp {
  id: number;
  slug?: string;
  /** PEM public key used to verify the App's JWTs. */
  publicKey: string;
  /** org (or user) login → installation id */
  installations?: Record<string, number>;
}

export interface FakeSeed {
  /** The login GET /user answers for any token (default `k8s-ci-robot`). */
  bot?: string;
  /** token → login; tokens not listed act as the bot unless `strictTokens`. */
  tokens?: Record<string, string>;
  strictTokens?: boolean;
  users?: (string | SeedUser)[];
  orgs?: Record<string, SeedOrg>;
  repos?: SeedRepo[];
  issues?: SeedIssue[];
  pulls?: SeedPull[];
  apps?: SeedApp[];
  /** Refuse labels the repo lacks with 422 (upstream fakegithub); GitHub itself creates them. */
  refuseUnknownLabels?: boolean;
  /** Starting x-ratelimit-remaining (default 5000). */
  rateLimit?: number;
}

export interface FakeUser {
  login: string;
  id: number;
  type: string;
  name: string | null;
  email: string | null;
  limitedAvailability?: boolean;
}

export interface FakeTeam {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  privacy: string;
  /** login → role */
  members: Map<string, 'member' | 'maintainer'>;
  repos: Map<string, RepoRole>;
}

export interface FakeOrg {
  login: string;
  id: number;
  members: Set<string>;
  admins: Set<string>;
  teams: Map<string, FakeTeam>;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface FakeComment {
  id: number;
  issue: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  reactions: { user: string; content: string }[];
}

export interface FakeReview {
  id: number;
  user: string;
  body: string;
  state: string;
  commitId: string;
  submittedAt: string;
}

export interface FakeReviewComment {
  id: number;
  user: string;
  body: string;
  path: string;
  line: number | null;
  commitId: string;
  inReplyToId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface FakeIssueEvent {
  id: number;
  event: string;
  actor: string;
  label?: string;
  assignee?: string;
  createdAt: string;
}

export interface FakePull {
  baseRef: string;
  headRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  /** A seeded override; undefined means "ask git". */
  mergeableOverride: boolean | null | undefined;
  requestedReviewers: string[];
  requestedTeams: string[];
  reviews: FakeReview[];
  reviewComments: FakeReviewComment[];
  /** Head SHA frozen at merge/close time for closed PRs whose branch moved. */
  headSha?: string;
  /** The fork's owner when the head branch lives in a fork (its commits are at refs/pull/<n>/head). */
  headOwner?: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  user: string;
  state: 'open' | 'closed';
  labels: string[];
  assignees: string[];
  milestone: number | null;
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  events: FakeIssueEvent[];
  reactions: { user: string; content: string }[];
  pull?: FakePull;
  /** Pinned to its repository (GraphQL pinIssue); at most three per repository. */
  pinned?: boolean;
}

export interface FakeStatus {
  id: number;
  state: string;
  context: string;
  description: string;
  targetUrl: string;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeMilestone {
  id: number;
  number: number;
  title: string;
  state: 'open' | 'closed';
  description: string | null;
}

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  archived: boolean;
  git: GitRepo;
  collaborators: Map<string, RepoRole>;
  labels: Map<string, FakeLabel>;
  issues: Map<number, FakeIssue>;
  comments: Map<number, FakeComment>;
  statuses: Map<string, FakeStatus[]>;
  milestones: Map<number, FakeMilestone>;
  protection: Map<string, SeedBranchProtection>;
  nextNumber: number;
  /** `owner/name` of the parent when this repo is a fork. */
  forkOf?: string;
}

export interface FakeApp {
  id: number;
  slug: string;
  publicKey: string;
  installations: Map<string, number>;
}

export interface FakeWorld {
  bot: string;
  tokens: Map<string, string>;
  strictTokens: boolean;
  /** installation tokens handed out: token → installation id */
  installationTokens: Map<string, { installation: number; app: number; org: string }>;
  users: Map<string, FakeUser>;
  orgs: Map<string, FakeOrg>;
  repos: Map<string, FakeRepo>;
  apps: Map<number, FakeApp>;
  refuseUnknownLabels: boolean;
  rateLimit: { limit: number; remaining: number; reset: number };
  nextId: number;
}

export function emptyWorld(): FakeWorld {
  return {
    bot: 'k8s-ci-robot',
    tokens: new Map(),
    strictTokens: false,
    installationTokens: new Map(),
    users: new Map(),
    orgs: new Map(),
    repos: new Map(),
    apps: new Map(),
    refuseUnknownLabels: false,
    rateLimit: { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 },
    nextId: 1000,
  };
}

export function roleToPermission(role: RepoRole | undefined): 'admin' | 'write' | 'read' | 'none' {
  switch (role) {
    case 'admin':
      return 'admin';
    case 'maintain':
    case 'write':
      return 'write';
    case 'triage':
    case 'read':
      return 'read';
    default:
      return 'none';
  }
}

const ROLE_RANK: Record<RepoRole, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function higherRole(a: RepoRole | undefined, b: RepoRole | undefined): RepoRole | undefined {
  if (!a) return b;
  if (!b) return a;
  return ROLE_RANK[a] >= ROLE_RANK[b] ? a : b;
}

export function rolePermissions(role: RepoRole | undefined): { admin: boolean; maintain: boolean; push: boolean; triage: boolean; pull: boolean } {
  const r = role ? ROLE_RANK[role] : 0;
  return { admin: r >= 5, maintain: r >= 4, push: r >= 3, triage: r >= 2, pull: r >= 1 };
}

/** The newest status per context, newest first (what the combined status lists). */
export function latestStatuses(all: FakeStatus[]): FakeStatus[] {
  const seen = new Map<string, FakeStatus>();
  for (let i = all.length - 1; i >= 0; i--) {
    const s = all[i];
    if (s && !seen.has(s.context)) seen.set(s.context, s);
  }
  return [...seen.values()];
}

// What plugins and tide read of OWNERS (upstream pkg/repoowners/repoowners.go; docs/plugins-core.md).

/** OWNERS of one repository at one base ref (upstream pkg/repoowners/repoowners.go). Logins are lower-case. */
export interface RepoOwners {
  /** Approvers of `path` from its directory up to the root (respecting no_parent_owners), flattened. */
  approvers(path: string): Set<string>;
  /** Only the nearest level that names anyone. */
  leafApprovers(path: string): Set<string>;
  reviewers(path: string): Set<string>;
  leafReviewers(path: string): Set<string>;
  requiredReviewers(path: string): Set<string>;
  /** The labels OWNERS files attach to `path` (owners-label). */
  labels(path: string): Set<string>;
  /** Directory of the nearest OWNERS file with a non-empty approvers entry matching `path` ("" = root). */
  findApproverOwnersForFile(path: string): string;
  findReviewersOwnersForFile(path: string): string;
  isNoParentOwners(dir: string): boolean;
  isAutoApproveUnownedSubfolders(dir: string): boolean;
  topLevelApprovers(): Set<string>;
  allApprovers(): Set<string>;
  allReviewers(): Set<string>;
  /** Every directory that has an OWNERS file (keys of the owners map). */
  ownersDirs(): string[];
}

export interface OwnersClient {
  /** Loads (or returns the cached) OWNERS of `org/repo` at the tip of `baseRef`, filtered to collaborators. */
  loadRepoOwners(org: string, repo: string, baseRef: string): Promise<RepoOwners>;
  /** The same at a given commit of `baseRef` (upstream LoadRepoOwnersSha), e.g. a PR's base and head SHAs. */
  loadRepoOwnersSha(org: string, repo: string, baseRef: string, sha: string): Promise<RepoOwners>;
}

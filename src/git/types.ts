// Local checkouts for code that must read a repository's files at a commit.

/** A local checkout of a repository for plugins that must read files at a commit (verify-owners, ...). */
export interface RepoCheckout {
  dir: string;
  release(): Promise<void>;
}

export interface GitClient {
  /** Checks out `ref` (a branch, SHA or `pull/N/head`) of `org/repo` into a private directory. */
  checkout(org: string, repo: string, ref: string): Promise<RepoCheckout>;
}

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

/**
 * Files of the tree git gets by merging `heads` into `base` (just `base` when `heads` is empty), as upstream's
 * in-repo config reads `.prow.yaml` "at the merge of the refs" (pkg/config/inrepoconfig.go).
 */
export interface MergedTreeReader {
  /** Paths for which `want` is true, with their content. Throws when the refs do not merge cleanly. */
  readMergedFiles(org: string, repo: string, base: string, heads: readonly string[], want: (path: string) => boolean): Promise<Map<string, string>>;
}

// upstream's --github-enabled-org/repo and --github-disabled-org/repo (pkg/flagutil/github_enablement.go):
// when any enabled entry is given, only those orgs and repos are handled; disabled entries always win.
// Comparisons ignore case, as GitHub's do.
export interface RepoGateOptions {
  enabledOrgs?: string[];
  enabledRepos?: string[];
  disabledOrgs?: string[];
  disabledRepos?: string[];
}

export function createRepoGate(options: RepoGateOptions): (org: string, repo: string) => boolean {
  const lower = (list: string[] | undefined) => new Set((list ?? []).map((s) => s.toLowerCase()));
  const enabledOrgs = lower(options.enabledOrgs);
  const enabledRepos = lower(options.enabledRepos);
  const disabledOrgs = lower(options.disabledOrgs);
  const disabledRepos = lower(options.disabledRepos);
  return (org, repo) => {
    const o = org.toLowerCase();
    const full = `${o}/${repo.toLowerCase()}`;
    if (disabledOrgs.has(o) || disabledRepos.has(full)) return false;
    if (enabledOrgs.size === 0 && enabledRepos.size === 0) return true;
    return enabledOrgs.has(o) || enabledRepos.has(full);
  };
}

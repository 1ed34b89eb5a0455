// Loading OWNERS for org/repo at the tip of a base branch (docs/plugins-core.md,
// upstream repoowners.Client). The base SHA comes from getRef; the parsed index is cached per
// `org/repo:base` and reused for a new SHA when no OWNERS, aliases or (md-yaml) .md file changed.
// Approvers and reviewers are then intersected with the collaborators, unless skip_collaborators.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ownersFilenamesFor } from '../config/plugins.js';
import type { Config, PluginsConfig } from '../config/types.js';
import type { GitHubClient } from '../github/types.js';
import type { Logger } from '../observability/logger.js';
import type { OwnersClient } from './types.js';
import { buildRepoOwners, isOwnersRelevant, listIgnoredDirs, type BuildRepoOwnersOptions, type RepoOwnersIndex } from './repo-owners.js';

/** Where OWNERS files are read from at a commit. */
export interface OwnersSource {
  /** Every path of the tree at `sha` for which `want` is true, with its content. */
  readFiles(org: string, repo: string, sha: string, want: (path: string) => boolean): Promise<Map<string, string>>;
  /** Paths that differ between two commits, or undefined when the source cannot tell. */
  changedPaths?(org: string, repo: string, from: string, to: string): Promise<string[] | undefined>;
}

export class OwnersLoadError extends Error {
  override readonly name = 'OwnersLoadError';
  constructor(readonly repo: string, readonly base: string, detail: string, options?: ErrorOptions) {
    super(`loading OWNERS for ${repo}@${base}: ${detail}`, options);
  }
}

function git(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

// org, repo and SHAs arrive from webhook payloads: they name a directory under cacheDir and are passed
// to git as positionals, so "..", "/" and a leading "-" (read by git as an option) are refused.
function checkName(what: 'org' | 'repo', name: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('-') || name === '.' || name === '..') {
    throw new Error(`invalid ${what} name ${JSON.stringify(name)} for an OWNERS mirror`);
  }
}

function checkSha(sha: string): void {
  if (!/^[0-9a-fA-F]{4,64}$/.test(sha)) throw new Error(`invalid SHA ${JSON.stringify(sha)}: want hexadecimal`);
}

export interface GitMirrorSourceOptions {
  /** Directory for bare mirrors (`<cacheDir>/<org>/<repo>.git`). */
  cacheDir: string;
  /** Clone URL of a repository; e.g. `https://github.com/<org>/<repo>.git` or a local path in tests. */
  remoteFor: (org: string, repo: string) => string;
}

/**
 * Reads OWNERS from a bare mirror clone kept in cacheDir, fetched when a SHA is missing. Reads use
 * `git ls-tree` and `git cat-file`, so no work tree is checked out.
 */
export function createGitMirrorSource(options: GitMirrorSourceOptions): OwnersSource {
  const locks = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    locks.set(key, next.catch(() => undefined));
    return next;
  };
  async function ensure(org: string, repo: string, sha: string): Promise<string> {
    checkName('org', org);
    checkName('repo', repo);
    checkSha(sha);
    const dir = join(options.cacheDir, org, `${repo}.git`);
    return serial(dir, async () => {
      if (!existsSync(dir)) {
        await mkdir(join(options.cacheDir, org), { recursive: true });
        await git(['clone', '--quiet', '--mirror', options.remoteFor(org, repo), dir]);
      }
      const has = await git(['cat-file', '-e', `${sha}^{commit}`], dir).then(() => true, () => false);
      if (!has) await git(['fetch', '--quiet', '--prune', 'origin'], dir);
      return dir;
    });
  }
  return {
    async readFiles(org, repo, sha, want) {
      const dir = await ensure(org, repo, sha);
      const list = (await git(['ls-tree', '-r', '-z', '--name-only', sha], dir)).split('\0').filter((p) => p !== '' && want(p));
      const out = new Map<string, string>();
      for (const p of list) out.set(p, await git(['cat-file', 'blob', `${sha}:${p}`], dir));
      return out;
    },
    async changedPaths(org, repo, from, to) {
      checkSha(from);
      const dir = await ensure(org, repo, to);
      const has = await git(['cat-file', '-e', `${from}^{commit}`], dir).then(() => true, () => false);
      if (!has) return undefined;
      return (await git(['diff', '--name-only', '-z', from, to], dir)).split('\0').filter((p) => p !== '');
    },
  };
}

export interface OwnersClientDeps {
  github: Pick<GitHubClient, 'getRef' | 'listCollaborators'>;
  source: OwnersSource;
  /** Current plugins.yaml (owners.filenames, mdyamlrepos, skip_collaborators); read on every load. */
  pluginConfig: () => PluginsConfig;
  /** Current config.yaml (owners_dir_denylist); read on every load. */
  config?: () => Pick<Config, 'owners_dir_denylist'>;
  log?: Logger;
}

interface CacheEntry {
  sha: string;
  mdYaml: boolean;
  owners: RepoOwnersIndex;
}

export interface LoadedOwnersClient extends OwnersClient {
  loadRepoOwners(org: string, repo: string, baseRef: string): Promise<RepoOwnersIndex>;
  /** Loads at a given SHA (cached under org/repo:base like loadRepoOwners). */
  loadRepoOwnersSha(org: string, repo: string, baseRef: string, sha: string): Promise<RepoOwnersIndex>;
}

function listed(list: readonly string[] | undefined, org: string, repo: string): boolean {
  return (list ?? []).some((e) => e === org || e === `${org}/${repo}`);
}

export function createOwnersClient(deps: OwnersClientDeps): LoadedOwnersClient {
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<CacheEntry>>();

  async function entryFor(org: string, repo: string, base: string, sha: string): Promise<CacheEntry> {
    const key = `${org}/${repo}:${base}`;
    const pc = deps.pluginConfig();
    const mdYaml = listed(pc.owners?.mdyamlrepos, org, repo);
    const filenames = ownersFilenamesFor(pc, org, repo);
    const cached = cache.get(key);
    if (cached && cached.sha === sha && cached.mdYaml === mdYaml) return cached;
    const build: BuildRepoOwnersOptions = {
      filenames,
      mdYaml,
      dirDenylist: listIgnoredDirs(deps.config?.().owners_dir_denylist, org, repo),
    };
    if (cached && cached.mdYaml === mdYaml && deps.source.changedPaths) {
      const changes = await deps.source.changedPaths(org, repo, cached.sha, sha);
      const touches = (p: string): boolean =>
        (mdYaml && p.endsWith('.md')) || p.endsWith(filenames.owners_aliases) || p.endsWith(filenames.owners);
      if (changes !== undefined && !changes.some(touches)) {
        const reused = { ...cached, sha };
        cache.set(key, reused);
        return reused;
      }
    }
    const files = await deps.source.readFiles(org, repo, sha, (p) => isOwnersRelevant(p, build));
    const entry = { sha, mdYaml, owners: buildRepoOwners(files, build) };
    cache.set(key, entry);
    deps.log?.debug({ org, repo, base, sha, files: files.size }, 'loaded owners');
    return entry;
  }

  async function loadSha(org: string, repo: string, base: string, sha: string): Promise<RepoOwnersIndex> {
    const key = `${org}/${repo}:${base}@${sha}`;
    let p = inflight.get(key);
    if (!p) {
      p = entryFor(org, repo, base, sha).finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    let entry: CacheEntry;
    try {
      entry = await p;
    } catch (err) {
      throw new OwnersLoadError(`${org}/${repo}`, base, (err as Error).message, { cause: err });
    }
    if (listed(deps.pluginConfig().owners?.skip_collaborators, org, repo)) return entry.owners;
    try {
      const collaborators = await deps.github.listCollaborators(org, repo);
      return entry.owners.filterCollaborators(collaborators.map((c) => c.login));
    } catch (err) {
      // Upstream: a failed collaborator listing skips the filtering rather than failing the load.
      deps.log?.error({ err, org, repo }, 'listing collaborators failed; owners not filtered');
      return entry.owners;
    }
  }

  return {
    async loadRepoOwners(org, repo, baseRef) {
      let sha: string;
      try {
        sha = await deps.github.getRef(org, repo, `heads/${baseRef}`);
      } catch (err) {
        throw new OwnersLoadError(`${org}/${repo}`, baseRef, `getting the base SHA failed: ${(err as Error).message}`, { cause: err });
      }
      if (!sha) throw new OwnersLoadError(`${org}/${repo}`, baseRef, 'empty SHA for the base branch');
      return loadSha(org, repo, baseRef, sha);
    },
    loadRepoOwnersSha: loadSha,
  };
}

/** A source over fixed trees, for tests and demos: `trees[sha]` maps path → content. */
export function createMapSource(trees: Record<string, Record<string, string>>): OwnersSource {
  return {
    async readFiles(_org, _repo, sha, want) {
      const tree = trees[sha];
      if (!tree) throw new Error(`no tree for ${sha}`);
      return new Map(Object.entries(tree).filter(([p]) => want(p)));
    },
  };
}


// Lookups over the OWNERS files of one repository at one commit (docs/plugins-core.md,
// upstream pkg/repoowners RepoOwners). Keys are directories relative to the root, the root being "".
import RE2 from 're2';
import type { RepoOwners } from './types.js';
import {
  expandAliases, parseAliases, parseMarkdownHeader, parseOwnersFile, type DirOptions, type ParsedOwnersFile, type RepoAliases,
} from './parse.js';

type Re = InstanceType<typeof RE2>;
/** dir → (filter → logins or labels); a null filter covers the whole directory. */
type OwnerMap = Map<string, Map<Re | null, Set<string>>>;

export const PRECONFIGURED_DIR_DENYLIST = ['\\.git$', '_output$', 'vendor/.*/.*'];

export interface OwnersFilenames {
  owners: string;
  owners_aliases: string;
}

export interface BuildRepoOwnersOptions {
  filenames?: OwnersFilenames;
  /** Read `*.md` YAML headers as per-file OWNERS (owners.mdyamlrepos). */
  mdYaml?: boolean;
  /** Directory regexes to skip (config owners_dir_denylist, already merged with the defaults). */
  dirDenylist?: readonly string[];
}

/** Go filepath.Dir for slash paths, with "." for the root. */
export function goDir(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

function canonicalize(p: string): string {
  if (p === '.' || p === '') return '';
  return p.replace(/\/+$/, '');
}

/** filepath.Rel(dir, path) for dir an ancestor (or equal) of path. */
function relative(dir: string, path: string): string {
  if (dir === '') return path;
  if (path === dir) return '.';
  if (path.startsWith(`${dir}/`)) return path.slice(dir.length + 1);
  return path;
}

/** Which paths of a tree the owners loader needs to read. */
export function isOwnersRelevant(path: string, opts: BuildRepoOwnersOptions = {}): boolean {
  const names = opts.filenames ?? { owners: 'OWNERS', owners_aliases: 'OWNERS_ALIASES' };
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === names.owners) return true;
  if (path === names.owners_aliases) return true;
  return (opts.mdYaml ?? false) && path.endsWith('.md');
}

export class RepoOwnersIndex implements RepoOwners {
  readonly approverMap: OwnerMap = new Map();
  readonly reviewerMap: OwnerMap = new Map();
  readonly requiredReviewerMap: OwnerMap = new Map();
  readonly labelMap: OwnerMap = new Map();
  readonly options = new Map<string, DirOptions>();
  constructor(
    readonly aliases: RepoAliases | undefined,
    readonly filenames: OwnersFilenames,
    readonly mdYaml: boolean,
  ) {}

  /** A copy whose approvers and reviewers keep only `collaborators` (upstream filterCollaborators). */
  filterCollaborators(collaborators: Iterable<string>): RepoOwnersIndex {
    const keep = new Set([...collaborators].map((c) => c.toLowerCase()));
    const out = new RepoOwnersIndex(this.aliases, this.filenames, this.mdYaml);
    const filter = (from: OwnerMap, to: OwnerMap): void => {
      for (const [dir, m] of from) {
        const nm = new Map<Re | null, Set<string>>();
        for (const [re, set] of m) nm.set(re, new Set([...set].filter((l) => keep.has(l))));
        to.set(dir, nm);
      }
    };
    filter(this.approverMap, out.approverMap);
    filter(this.reviewerMap, out.reviewerMap);
    for (const [k, v] of this.requiredReviewerMap) out.requiredReviewerMap.set(k, v);
    for (const [k, v] of this.labelMap) out.labelMap.set(k, v);
    for (const [k, v] of this.options) out.options.set(k, v);
    return out;
  }

  applyFile(dir: string, parsed: ParsedOwnersFile): void {
    for (const { pattern, entry } of parsed.filters) {
      let re: Re | null = null;
      if (pattern !== null) {
        try {
          re = new RE2(pattern);
        } catch {
          continue; // upstream: an invalid filter regexp is skipped
        }
      }
      const put = (map: OwnerMap, values: Set<string>): void => {
        if (values.size === 0) return;
        let m = map.get(dir);
        if (!m) map.set(dir, (m = new Map()));
        m.set(re, values);
      };
      if (entry.approvers.length > 0) put(this.approverMap, expandAliases(entry.approvers, this.aliases));
      if (entry.reviewers.length > 0) put(this.reviewerMap, expandAliases(entry.reviewers, this.aliases));
      if (entry.required_reviewers.length > 0) put(this.requiredReviewerMap, expandAliases(entry.required_reviewers, this.aliases));
      if (entry.labels.length > 0) put(this.labelMap, new Set(entry.labels));
    }
    if (parsed.options.no_parent_owners || parsed.options.auto_approve_unowned_subfolders) this.options.set(dir, parsed.options);
  }

  /** Upstream entriesForFile: layers from the nearest level up, stopping per leafOnly / no_parent_owners. */
  entriesForFile(path: string, map: OwnerMap, leafOnly: boolean): Set<string>[] {
    let d = path;
    if (!this.mdYaml || !path.endsWith('.md')) d = canonicalize(d);
    const layers: Set<string>[] = [];
    let total = 0;
    for (;;) {
      const rel = relative(d, path);
      const layer = new Set<string>();
      for (const [re, set] of map.get(d) ?? []) {
        if (re === null || re.test(rel)) for (const s of set) layer.add(s);
      }
      layers.push(layer);
      total += layer.size;
      if (leafOnly && total > 0) break;
      if (d === '') break;
      if (this.options.get(d)?.no_parent_owners && total > 0) break;
      d = canonicalize(goDir(d));
    }
    return layers;
  }

  private flat(path: string, map: OwnerMap, leafOnly: boolean): Set<string> {
    const out = new Set<string>();
    for (const layer of this.entriesForFile(path, map, leafOnly)) for (const s of layer) out.add(s);
    return out;
  }

  private findOwnersForFile(path: string, map: OwnerMap): string {
    for (let d = path; d !== ''; d = canonicalize(goDir(d))) {
      const rel = relative(d, path);
      for (const [re, set] of map.get(d) ?? []) {
        if (re !== null && !re.test(rel)) continue;
        if (set.size > 0) return d;
      }
    }
    return '';
  }

  approvers(path: string): Set<string> {
    return this.flat(path, this.approverMap, false);
  }
  leafApprovers(path: string): Set<string> {
    return this.flat(path, this.approverMap, true);
  }
  reviewers(path: string): Set<string> {
    return this.flat(path, this.reviewerMap, false);
  }
  leafReviewers(path: string): Set<string> {
    return this.flat(path, this.reviewerMap, true);
  }
  requiredReviewers(path: string): Set<string> {
    return this.flat(path, this.requiredReviewerMap, false);
  }
  labels(path: string): Set<string> {
    return this.flat(path, this.labelMap, false);
  }
  findApproverOwnersForFile(path: string): string {
    return this.findOwnersForFile(path, this.approverMap);
  }
  findReviewersOwnersForFile(path: string): string {
    return this.findOwnersForFile(path, this.reviewerMap);
  }
  isNoParentOwners(dir: string): boolean {
    return this.options.get(dir)?.no_parent_owners ?? false;
  }
  isAutoApproveUnownedSubfolders(dir: string): boolean {
    return this.options.get(dir)?.auto_approve_unowned_subfolders ?? false;
  }
  topLevelApprovers(): Set<string> {
    return this.flat('.', this.approverMap, true);
  }
  allApprovers(): Set<string> {
    return union(this.approverMap);
  }
  allReviewers(): Set<string> {
    return union(this.reviewerMap);
  }
  ownersDirs(): string[] {
    const dirs = new Set<string>([...this.approverMap.keys(), ...this.reviewerMap.keys(), ...this.requiredReviewerMap.keys(), ...this.labelMap.keys(), ...this.options.keys()]);
    return [...dirs].sort();
  }
}

function union(map: OwnerMap): Set<string> {
  const out = new Set<string>();
  for (const m of map.values()) for (const s of m.values()) for (const l of s) out.add(l);
  return out;
}

/**
 * Builds the index from the relevant files of a tree (path → content; see isOwnersRelevant).
 * A bad OWNERS_ALIASES leaves the alias map empty, as upstream does.
 */
export function buildRepoOwners(files: ReadonlyMap<string, string>, opts: BuildRepoOwnersOptions = {}): RepoOwnersIndex {
  const filenames = opts.filenames ?? { owners: 'OWNERS', owners_aliases: 'OWNERS_ALIASES' };
  const mdYaml = opts.mdYaml ?? false;
  let aliases: RepoAliases | undefined;
  const aliasText = files.get(filenames.owners_aliases);
  if (aliasText !== undefined) {
    try {
      aliases = parseAliases(aliasText, filenames.owners_aliases);
    } catch {
      aliases = new Map();
    }
  }
  const deny = (opts.dirDenylist ?? PRECONFIGURED_DIR_DENYLIST).flatMap((p) => {
    try {
      return [new RE2(p)];
    } catch {
      return [];
    }
  });
  const denied = (path: string): boolean => {
    // Every directory on the way down is checked, as the upstream walk skips a denied subtree.
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (deny.some((re) => re.test(dir))) return true;
    }
    return false;
  };
  const index = new RepoOwnersIndex(aliases, filenames, mdYaml);
  for (const path of [...files.keys()].sort()) {
    if (denied(path)) continue;
    const text = files.get(path)!;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (mdYaml && base.endsWith('.md')) {
      const parsed = parseMarkdownHeader(text, path);
      if (parsed) index.applyFile(path, parsed);
      continue;
    }
    if (base !== filenames.owners) continue;
    const parsed = parseOwnersFile(text, path);
    if (parsed) index.applyFile(canonicalize(goDir(path)), parsed);
  }
  return index;
}

/** The directory regexes to skip for org/repo (upstream OwnersDirDenylist.ListIgnoredDirs). */
export function listIgnoredDirs(
  denylist: { default?: string[]; repos?: Record<string, string[]>; ignore_preconfigured_defaults?: boolean } | undefined,
  org: string,
  repo: string,
): string[] {
  const out = [...(denylist?.default ?? [])];
  out.push(...(denylist?.repos?.[org] ?? []));
  out.push(...(denylist?.repos?.[`${org}/${repo}`] ?? []));
  if (!denylist?.ignore_preconfigured_defaults) out.push(...PRECONFIGURED_DIR_DENYLIST);
  return out;
}

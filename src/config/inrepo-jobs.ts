// Presubmits and postsubmits for a repo with in-repo config (upstream config.GetPresubmits / GetPostsubmits,
// pkg/config/inrepoconfig.go): the static jobs plus those of `.prow.yaml` / `.prow/*.yaml` in the tree of the
// base merged with the PR heads. The files are cached by org/repo + base SHA + head SHAs (upstream's
// InRepoConfigCache key); they are decoded and defaulted against the current config on every call.
import { inRepoConfigEnabled, parseProwYAML, type InRepoConfigFile } from './inrepo.js';
import { ConfigAggregateError, formatIssue } from './errors.js';
import type { Config, Postsubmit, Presubmit } from './types.js';
import type { MergedTreeReader } from '../git/types.js';

const CACHE_SIZE = 500;
const cache = new Map<string, Promise<InRepoConfigFile[]>>();

function wanted(path: string): boolean {
  return path === '.prow.yaml' || (path.startsWith('.prow/') && (path.endsWith('.yaml') || path.endsWith('.yml')));
}

/** The in-repo config could not be read or is invalid: `problems` says why, one line each (file:line: field: message). */
export class InRepoConfigError extends Error {
  override readonly name = 'InRepoConfigError';
  constructor(readonly identifier: string, readonly problems: string[]) {
    super(`failed to get in-repo config for ${identifier}: ${problems.join('; ')}`);
  }
}

async function files(reader: MergedTreeReader, org: string, repo: string, base: string, heads: readonly string[]): Promise<InRepoConfigFile[]> {
  const key = `${org}/${repo}@${base}+${heads.join(',')}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = reader.readMergedFiles(org, repo, base, heads, wanted).then((m) => [...m].map(([path, content]) => ({ path, content })));
    cache.set(key, hit);
    hit.catch(() => cache.delete(key)); // a fetch failure is retried next time
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  } else {
    cache.delete(key); // most recently used last
    cache.set(key, hit);
  }
  return hit;
}

async function prowYAML(config: Config, reader: MergedTreeReader | undefined, org: string, repo: string, base: string, heads: readonly string[]) {
  const identifier = `${org}/${repo}`;
  if (reader === undefined) throw new InRepoConfigError(identifier, ['in_repo_config is enabled but this process cannot read repositories (no git mirror configured)']);
  let found: InRepoConfigFile[];
  try {
    found = await files(reader, org, repo, base, heads);
  } catch (err) {
    throw new InRepoConfigError(identifier, [(err as Error).message]);
  }
  try {
    return parseProwYAML(config, org, repo, found).prowYAML;
  } catch (err) {
    if (err instanceof ConfigAggregateError) throw new InRepoConfigError(identifier, err.errors.map(formatIssue));
    throw err;
  }
}

/** Static presubmits, plus in-repo ones when in_repo_config enables the repo. Throws InRepoConfigError. */
export async function getPresubmits(
  config: Config, reader: MergedTreeReader | undefined, org: string, repo: string, base: () => Promise<string>, heads: () => Promise<string[]>,
): Promise<Presubmit[]> {
  const statics = config.presubmits?.[`${org}/${repo}`] ?? [];
  if (!inRepoConfigEnabled(config, org, repo)) return statics;
  const py = await prowYAML(config, reader, org, repo, await base(), await heads());
  return [...statics, ...py.presubmits];
}

/** Static postsubmits, plus in-repo ones at `base` when in_repo_config enables the repo. Throws InRepoConfigError. */
export async function getPostsubmits(
  config: Config, reader: MergedTreeReader | undefined, org: string, repo: string, base: string,
): Promise<Postsubmit[]> {
  const statics = config.postsubmits?.[`${org}/${repo}`] ?? [];
  if (!inRepoConfigEnabled(config, org, repo)) return statics;
  const py = await prowYAML(config, reader, org, repo, base, []);
  return [...statics, ...py.postsubmits];
}

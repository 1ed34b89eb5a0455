// Whether Kubernetes is in Code Freeze or Test Freeze (upstream pkg/plugins/testfreeze/checker/checker.go):
// the newest release-X.Y branch without its vX.Y.0 tag means Test Freeze; a release branch that tide's
// queries for kubernetes/kubernetes exclude means Code Freeze. The git remote and the two HTTP sources
// are configurable (testfreeze.*: ours) so tests and mirrors can point elsewhere.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);

export const DEFAULT_GIT_URL = 'https://github.com/kubernetes/kubernetes';
export const DEFAULT_PROW_CONFIG_URL = 'https://raw.githubusercontent.com/kubernetes/test-infra/master/config/prow/config.yaml';
export const DEFAULT_PROWJOBS_URL = 'https://prow.k8s.io/prowjobs.js?omit=annotations,labels,decoration_config,pod_spec';
const FAST_FORWARD_JOB = 'ci-fast-forward';
const KUBERNETES_REPO = 'kubernetes/kubernetes';
/** Bodies read from the two HTTP sources are bounded: prowjobs.js of a busy Prow is tens of MB. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface FreezeSources {
  gitUrl: string;
  prowConfigUrl: string;
  prowJobsUrl: string;
  http: typeof fetch;
  /** Lists the remote's refs (`git ls-remote`); replaceable in tests. */
  listRefs?: (url: string) => Promise<string[]>;
}

export interface FreezeResult {
  inCodeFreeze: boolean;
  inTestFreeze: boolean;
  branch: string;
  tag: string;
  lastFastForward: string;
}

interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}

/** Strict semver (upstream blang/semver Parse): MAJOR.MINOR.PATCH with an optional -pre and +build. */
function parseSemver(s: string): Version | undefined {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? '' };
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || (a.pre === b.pre ? 0 : a.pre === '' ? 1 : b.pre === '' ? -1 : a.pre < b.pre ? -1 : 1);
}

async function gitLsRemote(url: string): Promise<string[]> {
  // `--` keeps a URL from being read as an option; the ext:: transport (runs commands) stays off.
  const { stdout } = await run('git', ['-c', 'protocol.ext.allow=never', 'ls-remote', '--heads', '--tags', '--', url], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').map((l) => l.split('\t')[1] ?? '').filter((r) => r !== '');
}

async function fetchText(http: typeof fetch, url: string): Promise<string> {
  const res = await http(url, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new Error(`GET ${url}: body of ${length} bytes is over the limit`);
  const text = await res.text();
  if (text.length > MAX_BODY_BYTES) throw new Error(`GET ${url}: body is over the limit`);
  return text;
}

/** Upstream branchExcludedFromTide: a tide query for kubernetes/kubernetes excludes the branch. */
export function branchExcludedFromTide(configYaml: unknown, branch: string): boolean {
  const queries = ((configYaml as { tide?: { queries?: unknown } } | null)?.tide?.queries ?? []) as { repos?: string[]; excludedBranches?: string[] }[];
  if (!Array.isArray(queries)) return false;
  return queries.some((q) => (q?.repos ?? []).includes(KUBERNETES_REPO) && (q?.excludedBranches ?? []).includes(branch));
}

async function prowConfig(s: FreezeSources): Promise<unknown> {
  return parseYaml(await fetchText(s.http, s.prowConfigUrl));
}

/** Go's time.UnixDate layout ("Mon Jan _2 15:04:05 MST 2006"), in UTC. */
export function unixDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]!} ${months[d.getUTCMonth()]!} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

async function lastFastForward(s: FreezeSources): Promise<Date> {
  const list = JSON.parse(await fetchText(s.http, s.prowJobsUrl)) as { items?: { spec?: { job?: string }; status?: { state?: string; completionTime?: string } }[] };
  for (const job of list.items ?? []) {
    if (job.spec?.job === FAST_FORWARD_JOB && job.status?.state === 'success' && job.status.completionTime) return new Date(job.status.completionTime);
  }
  throw new Error('unable to find successful run');
}

/** Upstream Checker.InTestFreeze. Errors when the refs cannot be listed or no release branch exists. */
export async function checkFreeze(s: FreezeSources, log: { error(o: object, msg: string): void }): Promise<FreezeResult> {
  const refs = await (s.listRefs ?? gitLsRemote)(s.gitUrl);
  let latest: Version | undefined;
  let latestBranch = '';
  for (const ref of refs) {
    if (!ref.startsWith('refs/heads/release-')) continue;
    const branch = ref.slice('refs/heads/'.length);
    const v = parseSemver(`${branch.slice('release-'.length)}.0`);
    if (v !== undefined && (latest === undefined || compare(v, latest) > 0)) {
      latest = v;
      latestBranch = branch;
    }
  }
  if (latest === undefined) throw new Error('no latest release branch found');
  const latestTag = `v${latest.major}.${latest.minor}.${latest.patch}${latest.pre ? `-${latest.pre}` : ''}`;
  const tagged = refs.some((ref) => {
    if (!ref.startsWith('refs/tags/') || ref.endsWith('^{}')) return false;
    const v = parseSemver(ref.slice('refs/tags/'.length).replace(/^v/, ''));
    return v !== undefined && compare(v, latest) === 0;
  });
  if (tagged) {
    // The latest minor is released: no Test Freeze. Code Freeze may hold for it or, before its release
    // branch exists, for the next one.
    let config: unknown;
    try {
      config = await prowConfig(s);
    } catch (err) {
      log.error({ err }, 'unable to fetch the prow config for the code freeze check');
      return { inCodeFreeze: false, inTestFreeze: false, branch: latestBranch, tag: latestTag, lastFastForward: '' };
    }
    if (!branchExcludedFromTide(config, latestBranch)) {
      const nextBranch = `release-${latest.major}.${latest.minor + 1}`;
      if (branchExcludedFromTide(config, nextBranch)) {
        return { inCodeFreeze: true, inTestFreeze: false, branch: nextBranch, tag: `v${latest.major}.${latest.minor + 1}.0`, lastFastForward: '' };
      }
      return { inCodeFreeze: false, inTestFreeze: false, branch: latestBranch, tag: latestTag, lastFastForward: '' };
    }
    return { inCodeFreeze: true, inTestFreeze: false, branch: latestBranch, tag: latestTag, lastFastForward: '' };
  }
  let last = 'unknown';
  try {
    last = unixDate(await lastFastForward(s));
  } catch (err) {
    log.error({ err }, 'unable to get the last fast forward result');
  }
  let inCodeFreeze = false;
  try {
    inCodeFreeze = branchExcludedFromTide(await prowConfig(s), latestBranch);
  } catch (err) {
    log.error({ err }, 'unable to fetch the prow config for the code freeze check');
  }
  return { inCodeFreeze, inTestFreeze: true, branch: latestBranch, tag: latestTag, lastFastForward: last };
}

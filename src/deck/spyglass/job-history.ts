// One job's runs in a bucket, newest first, 20 a page (upstream cmd/deck/job_history.go): build ids come
// from the build directories under logs/<job>/ or from the <id>.txt links under pr-logs/directory/<job>/;
// `buildId` pages back from that build; each run's result and times come from started.json and finished.json.
import type { Refs } from '../../api/prowjob.js';
import type { ArtifactStore } from '../../artifacts/types.js';
import type { Finished, Started } from '../../podutils/metadata.js';
import { HttpError } from '../../observability/http.js';
import { resultOf } from './lens-metadata.js';
import { checkObjectPath } from './bucket.js';

const RESULTS_PER_PAGE = 20;
const LATEST_BUILD_FILE = 'latest-build.txt';
const SMALL_FILE = 1024 * 1024;
const LINK_RE = /\/(\d+)\.txt$/;

export interface HistoryBuild {
  id: string;
  /** The bucket view of the run (/view/<provider>/<bucket>/<dir>), when its directory is known. */
  link?: string;
  /** RFC 3339 start (started.json). */
  started?: string;
  durationMs?: number;
  /** SUCCESS, FAILURE, ABORTED, Pending, or Unknown when started.json is missing. */
  result: string;
  refs?: Refs;
}

export interface JobHistory {
  /** The root "directory" of the job: logs/<job> or pr-logs/directory/<job>. */
  root: string;
  builds: HistoryBuild[];
  total: number;
  /** `buildId` of the next older page, of the next newer page ('' = the newest), and whether this is not the newest. */
  older?: string;
  newer?: string;
  showLatest: boolean;
}

async function readText(store: ArtifactStore, path: string): Promise<string | undefined> {
  const st = await store.stat(path);
  if (!st || st.size > SMALL_FILE) return undefined;
  return (await store.get(path))?.toString('utf8');
}

async function readJson<T>(store: ArtifactStore, path: string): Promise<T | undefined> {
  const text = await readText(store, path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Every build id under the root, as upstream's listBuildIDs finds them. */
async function buildIds(store: ArtifactStore, root: string): Promise<bigint[]> {
  const ids = new Set<string>();
  const entries = (await store.list(root)).filter((e) => e.path.startsWith(`${root}/`));
  if (root.startsWith('logs/') || root === 'logs') {
    for (const e of entries) {
      const seg = e.path.slice(root.length + 1).split('/');
      if (seg.length > 1 && /^\d{1,20}$/.test(seg[0]!)) ids.add(seg[0]!);
    }
  } else {
    for (const e of entries) {
      const m = LINK_RE.exec(e.path);
      if (m && e.path.slice(root.length + 1) === `${m[1]}.txt`) ids.add(m[1]!);
    }
  }
  return [...ids].map(BigInt).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

/** The run's directory: <root>/<id> for logs/, else what pr-logs/directory/<job>/<id>.txt points at. */
async function buildDir(store: ArtifactStore, root: string, id: string): Promise<string | undefined> {
  if (root.startsWith('logs/')) return `${root}/${id}`;
  const link = (await readText(store, `${root}/${id}.txt`))?.trim();
  if (!link) return undefined;
  // gs://bucket/pr-logs/pull/… (upstream's form) or a bucket-relative path (no bucket configured).
  const path = link.includes('://') ? link.replace(/^[a-z0-9]+:\/\/[^/]*\/?/, '') : link.replace(/^\/+/, '');
  try {
    return checkObjectPath(path.replace(/\/+$/, ''));
  } catch {
    return undefined;
  }
}

async function buildData(store: ArtifactStore, dir: string): Promise<Omit<HistoryBuild, 'id' | 'link'>> {
  const [started, finished, pj] = await Promise.all([
    readJson<Started>(store, `${dir}/started.json`), readJson<Finished>(store, `${dir}/finished.json`), readJson<{ spec?: { refs?: Refs } }>(store, `${dir}/prowjob.json`),
  ]);
  if (!started || typeof started.timestamp !== 'number') return { result: 'Unknown', ...(pj?.spec?.refs ? { refs: pj.spec.refs } : {}) };
  const startMs = started.timestamp * 1000;
  const endMs = typeof finished?.timestamp === 'number' ? finished.timestamp * 1000 : Date.now();
  return {
    result: resultOf(finished),
    started: new Date(startMs).toISOString(),
    durationMs: Math.max(0, endMs - startMs),
    ...(pj?.spec?.refs ? { refs: pj.spec.refs } : {}),
  };
}

export interface HistoryRequest {
  store: ArtifactStore;
  /** For the runs' links: /view/<provider>/<bucket>/… */
  provider: string;
  bucket: string;
  root: string;
  /** Show runs from this build id down (upstream's `buildId`); absent: from the newest. */
  top?: bigint;
}

export async function jobHistory(r: HistoryRequest): Promise<JobHistory> {
  const latestText = (await readText(r.store, `${r.root}/${LATEST_BUILD_FILE}`))?.trim();
  if (latestText === undefined) throw new HttpError(404, `404 Not Found: no ${LATEST_BUILD_FILE} under ${r.provider}://${r.bucket}/${r.root}: not a job's history`);
  if (!/^\d{1,20}$/.test(latestText)) throw new HttpError(404, `404 Not Found: ${r.root}/${LATEST_BUILD_FILE} holds ${JSON.stringify(latestText.slice(0, 40))}, not a build id`);
  const latest = BigInt(latestText);
  const top = r.top === undefined || r.top > latest ? latest : r.top;
  const ids = await buildIds(r.store, r.root);
  const first = ids.findIndex((id) => id <= top);
  const shown = first === -1 ? [] : ids.slice(first, first + RESULTS_PER_PAGE);
  const last = first + shown.length - 1;
  const history: JobHistory = { root: r.root, builds: [], total: ids.length, showLatest: top !== latest };
  if (first > 0) {
    const newerIndex = first - RESULTS_PER_PAGE;
    history.newer = newerIndex >= 0 ? String(ids[newerIndex]) : '';
  }
  if (first !== -1 && last < ids.length - 1) history.older = String(ids[last + 1]);
  history.builds = await Promise.all(shown.map(async (n) => {
    const id = String(n);
    const dir = await buildDir(r.store, r.root, id);
    if (!dir) return { id, result: 'Unknown' };
    return { id, link: `/view/${r.provider}/${r.bucket}/${dir}`, ...(await buildData(r.store, dir)) };
  }));
  return history;
}

// plank's view of the live ProwJobs (what upstream's informer caches give pkg/plank/reconciler.go):
// incomplete jobs indexed by job name, job queue and duplicate key, so concurrency limits and
// duplicates are counted without a Store query. The store's informer offers the same reads
// (get/list/byIndex) and will take this module's place.
import { isComplete, type ProwJob } from '../api/prowjob.js';
import { duplicateKey } from '../api/duplicate-key.js';

type JobIndex = 'job' | 'queue' | 'duplicate';

/** A watch event, a listed job (`modified`) or our own write. */
interface CacheEvent {
  type: 'added' | 'modified' | 'deleted';
  prowjob: ProwJob;
}

export interface JobCache {
  get(name: string): ProwJob | undefined;
  /** Every incomplete job. */
  list(): ProwJob[];
  /** Incomplete jobs by spec.job, spec.job_queue_name or (presubmits only) duplicateKey. */
  byIndex(index: JobIndex, key: string): ProwJob[];
  /** Takes in a watch event, a listed job or our own write. False when this version (or a newer one) was already seen. */
  apply(event: CacheEvent): boolean;
}

export function createJobCache(): JobCache {
  const live = new Map<string, ProwJob>();
  /** Latest resourceVersion seen per name, complete jobs included. */
  const versions = new Map<string, string | undefined>();
  const indexes: Record<JobIndex, Map<string, Set<string>>> = { job: new Map(), queue: new Map(), duplicate: new Map() };
  const keysOf = (pj: ProwJob): Record<JobIndex, string | undefined> => ({
    job: pj.spec.job,
    queue: pj.spec.job_queue_name,
    duplicate: pj.spec.type === 'presubmit' ? duplicateKey(pj) : undefined,
  });
  /** The index keys each live job was filed under, so removing it need not compute them again. */
  const filed = new Map<string, Record<JobIndex, string | undefined>>();
  const index = (name: string, keys: Record<JobIndex, string | undefined>, add: boolean): void => {
    for (const which of ['job', 'queue', 'duplicate'] as const) {
      const key = keys[which];
      if (!key) continue;
      const map = indexes[which];
      let set = map.get(key);
      if (add) {
        if (!set) map.set(key, (set = new Set()));
        set.add(name);
      } else if (set) {
        set.delete(name);
        if (set.size === 0) map.delete(key);
      }
    }
  };
  const forget = (name: string): void => {
    const keys = filed.get(name);
    if (!keys) return;
    live.delete(name);
    filed.delete(name);
    index(name, keys, false);
  };
  return {
    get: (name) => live.get(name),
    list: () => [...live.values()],
    byIndex(name, key) {
      const out: ProwJob[] = [];
      for (const n of indexes[name].get(key) ?? []) {
        const pj = live.get(n);
        if (pj) out.push(pj);
      }
      return out;
    },
    apply(event) {
      const pj = event.prowjob;
      const name = pj.metadata.name;
      if (event.type === 'deleted') {
        forget(name);
        versions.delete(name);
        return true;
      }
      // A late watch event must not overwrite a newer write of ours (resourceVersions are integers in SQLite).
      const rv = pj.metadata.resourceVersion;
      if (versions.has(name)) {
        const known = versions.get(name);
        if (rv !== undefined && rv === known) return false;
        if (isOlder(rv, known)) return false;
      }
      versions.set(name, rv);
      forget(name);
      if (isComplete(pj)) return true; // only live jobs count for limits and duplicates
      const keys = keysOf(pj);
      live.set(name, pj);
      filed.set(name, keys);
      index(name, keys, true);
      return true;
    },
  };
}

function isOlder(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

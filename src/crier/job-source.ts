// How crier reads ProwJobs: "give me a job, every job with these labels, and tell me when one changes".
// It is the only place crier reads the Store, so moving crier onto the shared informer (store/informer.ts:
// get/list/byIndex/addHandler) changes this file alone.
import type { ProwJob } from '../api/prowjob.js';
import type { LabelSelector, ProwJobStore } from '../store/types.js';

export interface JobSource {
  get(name: string): Promise<ProwJob | undefined>;
  list(labels: LabelSelector): Promise<ProwJob[]>;
  /**
   * Calls `onChange` with the name of every existing job, then of every job added or modified; `synced`
   * resolves once every existing job was announced.
   */
  subscribe(onChange: (name: string) => void): JobSubscription;
  /**
   * Resolves once `get` returns this write (or a later one), so a change seen meanwhile is not reported
   * again from a stale copy. Upstream's reconciler polls its cache for up to 10 s after recording
   * (pkg/crier/reconciler.go updateReportState); a cache-backed source does the same.
   */
  waitUntilSeen(written: ProwJob): Promise<void>;
}

interface JobSubscription {
  synced: Promise<void>;
  close(): void;
}

export function createStoreJobSource(store: Pick<ProwJobStore, 'getProwJob' | 'listProwJobs' | 'watchProwJobs'>): JobSource {
  return {
    get: (name) => store.getProwJob(name),
    list: (labels) => store.listProwJobs({ labels }),
    subscribe(onChange) {
      // Watch before listing (store/types.ts): a change in between shows up twice, never not at all.
      const watch = store.watchProwJobs((ev) => {
        if (ev.type !== 'deleted') onChange(ev.prowjob.metadata.name);
      });
      const synced = store.listProwJobs().then((all) => {
        for (const pj of all) onChange(pj.metadata.name);
      });
      return { synced, close: () => watch.close() };
    },
    // The store's reads see its writes (store/types.ts): nothing to wait for.
    waitUntilSeen: async () => {},
  };
}

// How crier reads ProwJobs: "give me a job, every job with these labels, and tell me when one changes",
// from the shared informer (store/informer.ts), as upstream's crier reads from its controller's cache.
// Writes go to the store (report-state.ts); this is the only place crier reads.
import type { ProwJob } from '../api/prowjob.js';
import type { ProwJobInformer } from '../store/informer.js';
import type { LabelSelector } from '../store/types.js';

export interface JobSource {
  get(name: string): Promise<ProwJob | undefined>;
  /**
   * The job as cached, shared and read-only (never change it), for deciding cheaply that there is nothing
   * to do: at start-up every cached job is announced, and most were reported long ago.
   */
  peek?(name: string): ProwJob | undefined;
  list(labels: LabelSelector): Promise<ProwJob[]>;
  /**
   * Calls `onChange` with the name of every existing job, then of every job added or modified; `synced`
   * resolves once every existing job was announced.
   */
  subscribe(onChange: (name: string) => void): JobSubscription;
  /**
   * Resolves once `get` returns this write (or a later one), so a change seen meanwhile is not reported
   * again from a stale copy. Upstream's reconciler polls its cache for up to 10 s after recording
   * (pkg/crier/reconciler.go updateReportState).
   */
  waitUntilSeen(written: ProwJob): Promise<void>;
}

interface JobSubscription {
  synced: Promise<void>;
  close(): void;
}

/** Over a started informer. Jobs handed out are copies: the cache's own objects are never shared. */
export function createInformerJobSource(
  informer: Pick<ProwJobInformer, 'get' | 'list' | 'addHandler' | 'recordWrite'>,
): JobSource {
  return {
    get: async (name) => {
      const pj = informer.get(name);
      return pj === undefined ? undefined : structuredClone(pj);
    },
    peek: (name) => informer.get(name),
    list: async (labels) => informer.list(labels).map((pj) => structuredClone(pj)),
    subscribe(onChange) {
      // A handler added to a started informer hears onAdd for every cached job at once.
      const remove = informer.addHandler({
        onAdd: (pj) => onChange(pj.metadata.name),
        onUpdate: (_old, pj) => onChange(pj.metadata.name),
      });
      return { synced: Promise.resolve(), close: remove };
    },
    // The informer shows a recorded write at once, until its watch echo arrives (client-go's MutationCache).
    waitUntilSeen: async (written) => informer.recordWrite(written),
  };
}

// crier's JobSource over a real informer on the test's store. The informer starts in the background;
// the source's `synced` waits for its first list, so crier.idle() still means "every job was seen".
import { createInformerJobSource, type JobSource } from '../../src/crier/job-source.js';
import { createProwJobInformer } from '../../src/store/informer.js';
import type { ProwJobStore } from '../../src/store/types.js';
import { createSilentLogger } from '../../src/observability/logger.js';

const open: Array<() => void> = [];

export function informerJobs(store: ProwJobStore): JobSource {
  const informer = createProwJobInformer(store, { log: createSilentLogger() });
  const started = informer.start();
  open.push(() => informer.close());
  const jobs = createInformerJobSource(informer);
  return {
    ...jobs,
    subscribe(onChange) {
      const sub = jobs.subscribe(onChange);
      return { synced: started.then(() => sub.synced), close: sub.close };
    },
  };
}

/** Closes every informer opened so far (call after closing crier). */
export function closeInformers(): void {
  for (const close of open.splice(0)) close();
}

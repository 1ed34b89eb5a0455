// The concurrency facts decideTriggered needs, counted from the informer's indexes (upstream
// pkg/plank/reconciler.go canExecuteConcurrently; docs/jobs.md). Only the counts whose
// limit applies are computed: a job with no limits costs no scan.
import { isComplete, type ProwJob } from '../api/prowjob.js';
import type { Plank } from '../config/types.js';
import type { ConcurrencyFacts } from './decide.js';
import type { ProwJobInformer } from '../store/informer.js';

export function concurrencyFacts(
  pj: ProwJob,
  cache: Pick<ProwJobInformer, 'byIndex'>,
  isOurs: (pj: ProwJob) => boolean,
  plank: Partial<Plank>,
): ConcurrencyFacts {
  const created = createdMs(pj);
  // Pending, or triggered earlier: the effect is FIFO start order by creation time.
  const ahead = (others: ProwJob[]): number => others.filter((o) => o.metadata.name !== pj.metadata.name && !isComplete(o) && (
    o.status.state === 'pending' || (o.status.state === 'triggered' && createdMs(o) < created))).length;
  const queue = pj.spec.job_queue_name;
  return {
    pending: (plank.max_concurrency ?? 0) > 0 ? cache.byIndex('state', 'pending').filter(isOurs).length : 0,
    jobAhead: (pj.spec.max_concurrency ?? 0) > 0 ? ahead(cache.byIndex('job', pj.spec.job)) : 0,
    queueAhead: queue ? ahead(cache.byIndex('queue', queue)) : 0,
  };
}

export function createdMs(pj: ProwJob): number {
  return Date.parse(pj.metadata.creationTimestamp ?? pj.status.startTime);
}

// plank's Prometheus metrics with upstream's names and labels (pkg/kube/metrics.go): `prowjobs` (a gauge
// of ProwJobs by state) and `prowjob_state_transitions` (counted by comparing successive snapshots).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProwJob } from '../api/prowjob.js';
import { timeSliced } from '../api/time-slice.js';
import { RETEST_LABEL } from '../api/labels.js';
import type { Logger } from '../observability/logger.js';
import type { ProwJobInformer } from '../store/informer.js';

const LABELS = ['job_namespace', 'job_name', 'type', 'state', 'org', 'repo', 'base_ref', 'cluster', 'retest'] as const;
type Label = (typeof LABELS)[number];

export interface ControllerMetrics {
  registry: Registry;
  prowJobs: Gauge<Label>;
  transitions: Counter<Label>;
  /**
   * Upstream GatherProwJobMetrics: reset the gauge to this snapshot, count state changes since the last call.
   * Runs in slices (50,000 jobs are a few hundred milliseconds of label work); one gather at a time.
   */
  gather(prowjobs: readonly ProwJob[]): Promise<void>;
}

export function createControllerMetrics(options: { registry?: Registry; defaultMetrics?: boolean } = {}): ControllerMetrics {
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const prowJobs = new Gauge({ name: 'prowjobs', help: 'Number of prowjobs in the system.', labelNames: LABELS, registers: [registry] });
  const transitions = new Counter({ name: 'prowjob_state_transitions', help: 'Number of prowjobs transitioning states.', labelNames: LABELS, registers: [registry] });
  let previous = new Map<string, string>();
  return {
    registry,
    prowJobs,
    transitions,
    async gather(list) {
      const counts = new Map<string, { labels: Record<Label, string>; n: number }>();
      const current = new Map<string, string>();
      await timeSliced(list, (pj) => {
        const labels = labelsFor(pj);
        const key = JSON.stringify(labels);
        const entry = counts.get(key) ?? { labels, n: 0 };
        entry.n += 1;
        counts.set(key, entry);
        const id = `${JSON.stringify({ ...labels, state: '' })}#${pj.status.build_id ?? ''}`;
        current.set(id, pj.status.state);
        if (previous.get(id) !== pj.status.state) transitions.inc(labels);
      });
      // The gauge changes in one step (one series per label set, not per job), so a scrape never sees half a snapshot.
      prowJobs.reset();
      for (const { labels, n } of counts.values()) prowJobs.set(labels, n);
      previous = current;
    },
  };
}

function labelsFor(pj: ProwJob): Record<Label, string> {
  const refs = pj.spec.refs ?? pj.spec.extra_refs?.[0];
  return {
    job_namespace: pj.metadata.namespace ?? '',
    job_name: pj.spec.job,
    type: pj.spec.type,
    state: pj.status.state,
    org: refs?.org ?? '',
    repo: refs?.repo ?? '',
    base_ref: refs?.base_ref ?? '',
    cluster: pj.spec.cluster ?? '',
    retest: pj.metadata.labels?.[RETEST_LABEL] === 'true' ? 'true' : 'false',
  };
}

export interface MetricsGatheringOptions {
  /** Upstream gathers every 30 s. */
  intervalMs?: number;
  log: Logger;
}

/**
 * Gathers from the informer's cache now and every interval (no Store listing); returns the stop. Start the
 * informer first.
 */
export function startMetricsGathering(
  metrics: Pick<ControllerMetrics, 'gather'>,
  informer: Pick<ProwJobInformer, 'list'>,
  options: MetricsGatheringOptions,
): () => void {
  let running = false;
  const gather = (): void => {
    if (running) return;
    running = true;
    metrics.gather(informer.list())
      .catch((err: unknown) => options.log.warn({ err }, 'metrics gather failed'))
      .finally(() => { running = false; });
  };
  gather();
  const timer = setInterval(gather, options.intervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

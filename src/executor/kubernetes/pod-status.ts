// A pod as plank reads it (upstream pkg/plank/reconciler.go syncPendingJob, getPodUnexpectedStopCause,
// didPodSucceed, getPodBuildID), turned into the executor seam's ExecutorStatus. Pure. Takes the pod as
// the API serves it (JSON) or as @kubernetes/client-node decodes it (Date objects for times).
import { BUILD_ID_LABEL, PROWJOB_ID_LABEL } from '../../api/labels.js';
import type { ExecutorPhase, ExecutorStatus, StopCause } from '../types.js';

type Time = string | Date | null | undefined;

interface ContainerState {
  terminated?: { exitCode?: number; reason?: string; finishedAt?: Time } | null;
  running?: { startedAt?: Time } | null;
}

interface ContainerStatus {
  name: string;
  state?: ContainerState | null;
}

/** The parts of a core/v1 Pod this module reads. */
export interface PodLike {
  metadata?: {
    name?: string;
    labels?: Record<string, string> | null;
    creationTimestamp?: Time;
    deletionTimestamp?: Time;
  } | null;
  spec?: { containers?: { name?: string; env?: { name: string; value?: string | null }[] | null }[] } | null;
  status?: {
    phase?: string | null;
    reason?: string | null;
    message?: string | null;
    startTime?: Time;
    containerStatuses?: ContainerStatus[] | null;
    initContainerStatuses?: ContainerStatus[] | null;
  } | null;
}

/** Reasons the kubelet and the node lifecycle controller write (upstream pkg/plank constants). */
export const EVICTED_REASON = 'Evicted';
export const NODE_LOST_REASON = 'NodeLost';
export const OOM_KILLED_REASON = 'OOMKilled';

export function rfc3339(t: Time): string | undefined {
  if (t === null || t === undefined || t === '') return undefined;
  if (t instanceof Date) return Number.isNaN(t.getTime()) ? undefined : t.toISOString().replace(/\.000Z$/, 'Z');
  return t;
}

function allStatuses(pod: PodLike): ContainerStatus[] {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
}

/** Upstream getPodUnexpectedStopCause, plus a pod deleted by someone else (it has a deletionTimestamp). */
export function podStopCause(pod: PodLike, deletedByUs: boolean): StopCause | undefined {
  const reason = pod.status?.reason;
  const deleting = rfc3339(pod.metadata?.deletionTimestamp) !== undefined;
  if (reason === EVICTED_REASON) return 'evicted';
  if (reason === NODE_LOST_REASON && deleting) return 'node-lost';
  if (pod.status?.phase === 'Running' && allStatuses(pod).some((c) => c.state?.terminated?.reason === OOM_KILLED_REASON)) return 'oom';
  if (pod.status?.phase === 'Unknown') return 'unknown';
  if (deleting && !deletedByUs) return 'deleted';
  return undefined;
}

/** Upstream didPodSucceed: Succeeded, and every container terminated with 0 at a known time. */
export function didPodSucceed(pod: PodLike): boolean {
  if (pod.status?.phase !== 'Succeeded') return false;
  return allStatuses(pod).every((c) => {
    const t = c.state?.terminated;
    return t !== undefined && t !== null && t.exitCode === 0 && rfc3339(t.finishedAt) !== undefined;
  });
}

/** Upstream getPodBuildID: the build-id label, else BUILD_ID of the first container. */
export function podBuildId(pod: PodLike): string | undefined {
  const label = pod.metadata?.labels?.[BUILD_ID_LABEL];
  if (label) return label;
  return pod.spec?.containers?.[0]?.env?.find((e) => e.name === 'BUILD_ID')?.value ?? undefined;
}

/** The ProwJob a pod runs: label prow.k8s.io/id, else the pod's name (pods of older planks). */
export function podProwJobName(pod: PodLike): string {
  return pod.metadata?.labels?.[PROWJOB_ID_LABEL] || pod.metadata?.name || '';
}

const PHASES: Record<string, ExecutorPhase> = {
  Pending: 'pending',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Unknown: 'unknown',
};

/** The executor's view of a pod. `testContainer` names the container whose exit code is the job's. */
export function podToStatus(pod: PodLike, options: { deletedByUs?: boolean; testContainer?: string } = {}): ExecutorStatus {
  const phase = PHASES[pod.status?.phase ?? ''] ?? 'pending';
  const status: ExecutorStatus = { phase };
  const name = pod.metadata?.name;
  if (name) {
    status.externalId = name;
  }
  const reason = [pod.status?.reason, pod.status?.message].filter(Boolean).join(': ');
  if (reason) status.reason = reason;
  const created = rfc3339(pod.metadata?.creationTimestamp);
  if (created) status.createdAt = created;
  const started = rfc3339(pod.status?.startTime);
  if (started) {
    status.scheduledAt = started;
    status.startedAt = started;
  } else if (phase === 'pending') {
    status.unscheduled = true;
  }
  const finished = allStatuses(pod).map((c) => rfc3339(c.state?.terminated?.finishedAt)).filter((t): t is string => t !== undefined).sort();
  if ((phase === 'succeeded' || phase === 'failed') && finished.length > 0) status.finishedAt = finished[finished.length - 1]!;
  const buildId = podBuildId(pod);
  if (buildId) status.buildId = buildId;
  const test = (pod.status?.containerStatuses ?? []).find((c) => c.name === (options.testContainer ?? 'test'))
    ?? pod.status?.containerStatuses?.[0];
  const exitCode = test?.state?.terminated?.exitCode;
  if (typeof exitCode === 'number') status.exitCode = exitCode;
  const cause = podStopCause(pod, options.deletedByUs === true);
  if (cause) status.stopCause = cause;
  if (phase === 'succeeded' && !didPodSucceed(pod)) status.unfinished = true;
  return status;
}

// The ProwJob custom resource (upstream's CRD prowjobs.prow.k8s.io, config/prow/cluster/prowjob-crd/): our
// ProwJob is already its JSON key for key, so the mapping only settles what the API server adds or omits.
import { PROWJOB_API_VERSION, PROWJOB_KIND, type ProwJob, type ProwJobStatus } from '../../api/prowjob.js';

export const PROWJOB_GROUP = 'prow.k8s.io';
export const PROWJOB_VERSION = 'v1';
export const PROWJOB_PLURAL = 'prowjobs';

/** The collection path of the ProwJobs of a namespace (what a watch requests). */
export function prowJobCollectionPath(namespace: string): string {
  return `/apis/${PROWJOB_GROUP}/${PROWJOB_VERSION}/namespaces/${encodeURIComponent(namespace)}/${PROWJOB_PLURAL}`;
}

/**
 * The body sent to the API server: the ProwJob as it is (undefined keys dropped by JSON), with what Go's encoder
 * always writes where the CRD requires it: corev1.Container's `name` has no omitempty, so upstream's ProwJobs carry
 * `"name": ""` for an unnamed single container, and the CRD's schema lists it as required.
 */
export function toCustomResource(pj: ProwJob): Record<string, unknown> {
  const body = JSON.parse(JSON.stringify({ ...pj, apiVersion: PROWJOB_API_VERSION, kind: PROWJOB_KIND })) as ProwJob;
  const podSpec = body.spec?.pod_spec;
  for (const container of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) container.name ??= '';
  return body as unknown as Record<string, unknown>;
}

/**
 * A ProwJob from what the server returned. managedFields (server-side apply bookkeeping) is dropped: no Prow
 * component reads it, and a PUT without it leaves the server's copy alone. A resource created without a status
 * (e.g. `kubectl create` of a hand-written ProwJob) gets an empty one, as a Go client's zero value.
 */
export function fromCustomResource(obj: unknown): ProwJob {
  const raw = (obj ?? {}) as Record<string, unknown>;
  const metadata = { ...((raw['metadata'] as Record<string, unknown> | undefined) ?? {}) };
  delete metadata['managedFields'];
  const pj = {
    ...raw,
    apiVersion: PROWJOB_API_VERSION,
    kind: PROWJOB_KIND,
    metadata,
    spec: raw['spec'] ?? {},
    status: raw['status'] ?? ({} as ProwJobStatus),
  };
  return pj as unknown as ProwJob;
}

/** `k1=v1,k2=v2`: an equality label selector as the API server takes it. */
export function labelSelectorString(labels: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([k, v]) => `${k}=${v}`).join(',');
}

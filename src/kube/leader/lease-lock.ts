// A coordination.k8s.io/v1 Lease as client-go's resourcelock.LeaseLock reads and writes it: get, create,
// and update with the resourceVersion read (optimistic concurrency: a lost race is a 409). The Lease goes
// through the generic custom-objects client so its MicroTime fields are written exactly as Kubernetes parses
// them (RFC 3339 with six fractional digits).
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { apiStatusOf, KubeApiError } from '../client/api-error.js';

export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** RFC 3339 MicroTime */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

export interface LeaseLock {
  /** The record and the Lease's resourceVersion; undefined when the Lease does not exist. */
  get(): Promise<{ record: LeaderElectionRecord; resourceVersion: string } | undefined>;
  /** false when someone else created it first. */
  create(record: LeaderElectionRecord): Promise<boolean>;
  /** false when the Lease changed since `resourceVersion` was read (409). */
  update(record: LeaderElectionRecord, resourceVersion: string): Promise<boolean>;
  /** namespace/name, for logs. */
  describe(): string;
}

const LEASE = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' } as const;

/** metav1.MicroTime's wire format: 2026-03-01T12:00:00.123000Z. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function createLeaseLock(kubeconfig: KubeConfig, namespace: string, name: string): LeaseLock {
  const api = kubeconfig.makeApiClient(CustomObjectsApi);
  const target = { ...LEASE, namespace };
  const body = (record: LeaderElectionRecord, resourceVersion?: string): Record<string, unknown> => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      ...(record.acquireTime ? { acquireTime: record.acquireTime } : {}),
      ...(record.renewTime ? { renewTime: record.renewTime } : {}),
      leaseTransitions: record.leaseTransitions,
    },
  });
  const where = `lease ${namespace}/${name}`;
  return {
    describe: () => `${namespace}/${name}`,
    async get() {
      try {
        const lease = (await api.getNamespacedCustomObject({ ...target, name })) as {
          metadata?: { resourceVersion?: string };
          spec?: Partial<LeaderElectionRecord>;
        };
        const spec = lease.spec ?? {};
        return {
          resourceVersion: lease.metadata?.resourceVersion ?? '',
          record: {
            holderIdentity: spec.holderIdentity ?? '',
            leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
            ...(spec.acquireTime ? { acquireTime: spec.acquireTime } : {}),
            ...(spec.renewTime ? { renewTime: spec.renewTime } : {}),
            leaseTransitions: spec.leaseTransitions ?? 0,
          },
        };
      } catch (err) {
        const status = apiStatusOf(err);
        if (status?.code === 404) return undefined;
        throw status ? new KubeApiError(`get ${where}`, status) : err;
      }
    },
    async create(record) {
      try {
        await api.createNamespacedCustomObject({ ...target, body: body(record) });
        return true;
      } catch (err) {
        const status = apiStatusOf(err);
        if (status?.code === 409) return false;
        throw status ? new KubeApiError(`create ${where}`, status) : err;
      }
    },
    async update(record, resourceVersion) {
      try {
        await api.replaceNamespacedCustomObject({ ...target, name, body: body(record, resourceVersion) });
        return true;
      } catch (err) {
        const status = apiStatusOf(err);
        if (status?.code === 409 || status?.code === 404) return false;
        throw status ? new KubeApiError(`update ${where}`, status) : err;
      }
    },
  };
}

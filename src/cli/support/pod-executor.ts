// The pod executor for the components that talk to build clusters (controller, sinker, deck): built when
// the backend has cluster configs (--store kubernetes, or kubeconfig flags), loaded lazily so other
// `prow` commands do not pay for the Kubernetes client.
import type { Executor } from '../../executor/types.js';
import type { Logger } from '../../observability/logger.js';
import { packageVersion } from './package-info.js';
import type { ProwJobBackend } from './store.js';

/** The package version, as the prow.k8s.io/plank-version label of created pods (upstream: version.Version). */
export function plankVersion(): string {
  const version = packageVersion();
  return `v${version === 'unknown' ? '0.0.0' : version}`;
}

/** Pods in the backend's build clusters, or undefined when there are none (embedded: local processes). */
export async function openPodExecutor(
  backend: Pick<ProwJobBackend, 'clusters'>,
  o: { podNamespace: () => string; log: Logger; plankVersion?: string },
): Promise<Executor | undefined> {
  if (!backend.clusters) return undefined;
  const { createKubernetesExecutor } = await import('../../executor/kubernetes/executor.js');
  return createKubernetesExecutor({
    clusters: backend.clusters.clusters,
    podNamespace: o.podNamespace,
    log: o.log,
    ...(o.plankVersion ? { plankVersion: o.plankVersion } : {}),
  });
}

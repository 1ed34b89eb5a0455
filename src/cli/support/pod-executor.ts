// The pod executor for the components that talk to build clusters (controller, sinker, deck): built when
// the backend has cluster configs (--store kubernetes, or kubeconfig flags), loaded lazily so other
// `prow` commands do not pay for the Kubernetes client.
import { readFileSync } from 'node:fs';
import type { Executor } from '../../executor/types.js';
import type { Logger } from '../../observability/logger.js';
import type { ProwJobBackend } from './store.js';

/** The package version, as the prow.k8s.io/plank-version label of created pods (upstream: version.Version). */
export function plankVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return `v${pkg.version ?? '0.0.0'}`;
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

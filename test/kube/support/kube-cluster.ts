// A Kubernetes API fake with upstream's ProwJob CRD installed, for the store, leader and cluster-mode tests:
// the CRD goes in over HTTP as `kubectl apply` sends it, and each test gets its own namespace.
import { readFileSync } from 'node:fs';
import { kubeConfigFromString } from '../../../src/kube/client/kubeconfig.js';
import { fileURLToPath } from 'node:url';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { startKubeApiFake, type KubeApiFake } from '../../../src/kube/fake/server.js';

export { startKubeApiFake };
import { waitFor } from '../../support/wait.js';

export const PROWJOB_CRD_FILE = fileURLToPath(new URL('../../../deploy/prowjob-crd.yaml', import.meta.url));

export interface KubeCluster {
  fake: KubeApiFake;
  /** A fresh client config for the fake (its current context). */
  kubeconfig(): KubeConfig;
  /** Creates a namespace with a unique name and returns it. */
  namespace(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startKubeCluster(options: Parameters<typeof startKubeApiFake>[0] = {}): Promise<KubeCluster> {
  const fake = await startKubeApiFake(options);
  const kubeconfig = (): KubeConfig => {
    return kubeConfigFromString(fake.kubeconfig());
  };
  try {
    const crd = parse(readFileSync(PROWJOB_CRD_FILE, 'utf8')) as V1CustomResourceDefinition;
    await kubeconfig().makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });
    const objects = kubeconfig().makeApiClient(CustomObjectsApi);
    await waitFor(async () => {
      try {
        await objects.listNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs', limit: 1 });
        return true;
      } catch {
        return false; // not served yet
      }
    }, { message: 'the ProwJob CRD to be served' });
  } catch (err) {
    await fake.close();
    throw err;
  }
  let n = 0;
  return {
    fake,
    kubeconfig,
    async namespace(prefix = 'test') {
      const name = `${prefix}-${process.pid}-${++n}`;
      await kubeconfig().makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
      return name;
    },
    close: () => fake.close(),
  };
}

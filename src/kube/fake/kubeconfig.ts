// A kubeconfig for the fake: one cluster, one token user, one context (kubectl and
// @kubernetes/client-node both accept it).
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** Context (and cluster and user) name; default `kube-fake`. */
  context?: string;
  /** The context's default namespace. */
  namespace?: string;
}

export function renderKubeconfig(url: string, token: string, opts: KubeconfigOptions = {}): string {
  const name = opts.context ?? 'kube-fake';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // @kubernetes/client-node refuses plain http unless TLS verification is off; kubectl ignores the flag for http.
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }) } }],
    'current-context': name,
    preferences: {},
  });
}

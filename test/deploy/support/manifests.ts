// The objects deploy/ produces, read the way an operator's kubectl reads them: `kubectl kustomize deploy/`
// (real kubectl, kustomize built in; no server involved), then split into YAML documents.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));

/** The part of a Kubernetes object the deploy tests read; everything else stays `unknown`. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  env?: { name: string }[];
}

export interface Volume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[] };
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: object;
}

export interface Deployment extends Manifest {
  spec: {
    replicas?: number;
    strategy?: { type?: string };
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata?: { labels?: Record<string, string> };
      spec: {
        serviceAccountName?: string;
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
        containers: Container[];
        initContainers?: Container[];
        volumes?: Volume[];
      };
    };
  };
}

/** `kubectl kustomize <dir>`: the objects `kubectl apply -k <dir>` would send. */
export function kustomize(dir: string = DEPLOY_DIR): Promise<Manifest[]> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', dir], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`kubectl kustomize ${dir}: ${stderr || err.message}`, { cause: err }));
        return;
      }
      try {
        resolve(parseManifests(stdout, `kubectl kustomize ${dir}`));
      } catch (parseErr) {
        reject(parseErr as Error);
      }
    });
  });
}

/** Every non-empty YAML document of `text`; a document that is not an object with kind and name is an error naming `source`. */
export function parseManifests(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) throw new Error(`${source}: document ${i + 1}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const m = value as Partial<Manifest>;
    if (typeof m.kind !== 'string' || typeof m.apiVersion !== 'string' || typeof m.metadata?.name !== 'string') {
      throw new Error(`${source}: document ${i + 1} has no apiVersion, kind and metadata.name`);
    }
    out.push(m as Manifest);
  }
  return out;
}

export const deploymentsOf = (objects: readonly Manifest[]): Deployment[] => objects.filter((o): o is Deployment => o.kind === 'Deployment');

/** `--flag=value` from a container's args; undefined when absent (the deploy manifests always use the `=` form). */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const prefix = `${flag}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

export const objectName = (o: Manifest): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

// The resource types the fake serves: a table of built-in ones (core/v1, coordination, apiextensions
// and the workload/RBAC/networking kinds a deploy/ directory applies) and the ones each
// CustomResourceDefinition adds while it exists.
import type { JsonObject } from './json.js';

export type Subresource = 'status' | 'log' | 'eviction' | 'binding';

/** A structural schema node (OpenAPI v3 as a CRD declares it), read for pruning and defaulting. */
export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ResourceType {
  group: string;
  /** Served versions, the preferred (storage) one first. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: ReadonlySet<Subresource>;
  /** Built-in kinds: the kubernetes-models validator and the @kubernetes/client-node model for known fields. */
  builtin?: { model: string };
  /** Kinds a CRD serves: its name and, per version, schema and printer columns. */
  crd?: { name: string; schemas: Map<string, SchemaNode | undefined>; columns: Map<string, PrinterColumn[]> };
  /** Updates without metadata.resourceVersion are refused (custom resources, as upstream's registry does). */
  requiresResourceVersion: boolean;
}

/** The `group/plural` that names a resource type regardless of version. */
export const resourceKey = (group: string, plural: string): string => `${group}/${plural}`;

export const apiVersionOf = (group: string, version: string): string => (group === '' ? version : `${group}/${version}`);

interface BuiltinRow {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  subresources?: Subresource[];
  categories?: string[];
  model: string;
}

const BUILTINS: BuiltinRow[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], subresources: ['status'], model: 'V1Namespace' },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], subresources: ['status', 'log', 'eviction', 'binding'], categories: ['all'], model: 'V1Pod' },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, model: 'V1Secret' },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], model: 'V1ConfigMap' },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], model: 'CoreV1Event' },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], subresources: ['status'], categories: ['all'], model: 'V1Service' },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'], model: 'V1ServiceAccount' },
  { group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true, shortNames: ['pvc'], subresources: ['status'], model: 'V1PersistentVolumeClaim' },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status'], model: 'V1Node' },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true, model: 'V1Lease' },
  { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false, shortNames: ['crd', 'crds'], subresources: ['status'], model: 'V1CustomResourceDefinition' },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], subresources: ['status'], categories: ['all'], model: 'V1Deployment' },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'], subresources: ['status'], categories: ['all'], model: 'V1StatefulSet' },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, shortNames: ['ds'], subresources: ['status'], categories: ['all'], model: 'V1DaemonSet' },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true, subresources: ['status'], categories: ['all'], model: 'V1Job' },
  { group: 'batch', version: 'v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true, shortNames: ['cj'], subresources: ['status'], categories: ['all'], model: 'V1CronJob' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true, model: 'V1Role' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true, model: 'V1RoleBinding' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false, model: 'V1ClusterRole' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false, model: 'V1ClusterRoleBinding' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], subresources: ['status'], model: 'V1Ingress' },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], subresources: ['status'], model: 'V1PodDisruptionBudget' },
];

function builtinType(row: BuiltinRow): ResourceType {
  return {
    group: row.group,
    versions: [row.version],
    plural: row.plural,
    singular: row.kind.toLowerCase(),
    kind: row.kind,
    listKind: `${row.kind}List`,
    namespaced: row.namespaced,
    shortNames: row.shortNames ?? [],
    categories: row.categories ?? [],
    subresources: new Set(row.subresources ?? []),
    builtin: { model: row.model },
    requiresResourceVersion: false,
  };
}

/** Every type served right now, keyed by `group/plural`; CRDs add and remove theirs. */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();

  constructor() {
    for (const row of BUILTINS) this.add(builtinType(row));
  }

  add(type: ResourceType): void {
    this.types.set(resourceKey(type.group, type.plural), type);
  }

  remove(group: string, plural: string): void {
    this.types.delete(resourceKey(group, plural));
  }

  get(group: string, plural: string): ResourceType | undefined {
    return this.types.get(resourceKey(group, plural));
  }

  /** The type served at `group/version` under `plural`, if that version is served. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    const t = this.get(group, plural);
    return t !== undefined && t.versions.includes(version) ? t : undefined;
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    for (const t of this.types.values()) if (t.group === group && t.kind === kind) return t;
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Groups with their served versions, core ('') excluded, in the order they were added. */
  groups(): { name: string; versions: string[] }[] {
    const out = new Map<string, Set<string>>();
    for (const t of this.types.values()) {
      if (t.group === '') continue;
      const vs = out.get(t.group) ?? new Set<string>();
      for (const v of t.versions) vs.add(v);
      out.set(t.group, vs);
    }
    return [...out].map(([name, vs]) => ({ name, versions: [...vs] }));
  }
}

/**
 * The type a CustomResourceDefinition serves (apiextensions.k8s.io/v1 shape); undefined when it is
 * malformed (creation validation refuses those first).
 */
export function typeFromCrd(crd: JsonObject): ResourceType | undefined {
  const spec = crd.spec as JsonObject | undefined;
  const names = spec?.names as JsonObject | undefined;
  if (spec === undefined || names === undefined) return undefined;
  const versions = (spec.versions as JsonObject[] | undefined) ?? [];
  const served = versions.filter((v) => v.served === true);
  const storage = served.find((v) => v.storage === true);
  const ordered = storage === undefined ? served : [storage, ...served.filter((v) => v !== storage)];
  if (ordered.length === 0) return undefined;
  const schemas = new Map<string, SchemaNode | undefined>();
  const columns = new Map<string, PrinterColumn[]>();
  let hasStatus = false;
  for (const v of ordered) {
    const name = v.name as string;
    schemas.set(name, (v.schema as JsonObject | undefined)?.openAPIV3Schema as SchemaNode | undefined);
    columns.set(name, (v.additionalPrinterColumns as PrinterColumn[] | undefined) ?? []);
    const sub = v.subresources as JsonObject | undefined;
    if (sub?.status !== undefined) hasStatus = true;
  }
  const kind = names.kind as string;
  return {
    group: spec.group as string,
    versions: ordered.map((v) => v.name as string),
    plural: names.plural as string,
    singular: (names.singular as string | undefined) ?? kind.toLowerCase(),
    kind,
    listKind: (names.listKind as string | undefined) ?? `${kind}List`,
    namespaced: spec.scope !== 'Cluster',
    shortNames: (names.shortNames as string[] | undefined) ?? [],
    categories: (names.categories as string[] | undefined) ?? [],
    subresources: new Set<Subresource>(hasStatus ? ['status'] : []),
    crd: { name: (crd.metadata as JsonObject).name as string, schemas, columns },
    requiresResourceVersion: true,
  };
}

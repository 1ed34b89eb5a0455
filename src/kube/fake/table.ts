// Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: a CRD's
// additionalPrinterColumns evaluated by JSONPath, and upstream's columns for the built-in kinds
// kubectl users look at most (pods, namespaces, nodes, deployments, leases, CRDs); other kinds get Name and Age.
import { isObject, type JsonObject, type JsonValue } from './json.js';
import type { PrinterColumn, ResourceType } from './resources.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell: (obj: JsonObject, now: Date) => JsonValue;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const since = (ts: unknown, now: Date): string => {
  if (typeof ts !== 'string') return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
};

/** The simple JSONPath CRDs use: `.a.b`, `.a[*].b`, `.a[0]`; several results are joined by commas. */
export function evalJsonPath(obj: JsonValue, path: string): JsonValue[] {
  const steps = path.replace(/^\{?\.?/, '').replace(/\}$/, '').split(/\.(?![^[]*\])/).filter((s) => s !== '');
  let cur: JsonValue[] = [obj];
  for (const step of steps) {
    const m = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(step);
    if (m === null) return [];
    const next: JsonValue[] = [];
    for (const v of cur) {
      let vals: JsonValue[] = m[1] === '' ? [v] : isObject(v) && v[m[1]!] !== undefined ? [v[m[1]!]!] : [];
      for (const idx of m[2]!.match(/\[[^\]]*\]/g) ?? []) {
        const inner = idx.slice(1, -1);
        vals = vals.flatMap((x) => (Array.isArray(x) ? (inner === '*' ? x : x[Number(inner)] === undefined ? [] : [x[Number(inner)]!]) : []));
      }
      next.push(...vals);
    }
    cur = next;
  }
  return cur;
}

const nameColumn: Column = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  cell: (o) => String((o.metadata as JsonObject).name),
};

const ageColumn = (name = 'Age'): Column => ({
  name, type: 'string', format: '', priority: 0,
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (o, now) => since((o.metadata as JsonObject).creationTimestamp, now),
});

function podColumns(): Column[] {
  const statuses = (o: JsonObject): JsonObject[] => (isObject(o.status) && Array.isArray(o.status.containerStatuses) ? (o.status.containerStatuses as JsonObject[]) : []);
  const containers = (o: JsonObject): number => (isObject(o.spec) && Array.isArray(o.spec.containers) ? o.spec.containers.length : 0);
  return [
    nameColumn,
    { name: 'Ready', type: 'string', format: '', priority: 0, description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (o) => `${statuses(o).filter((s) => s.ready === true).length}/${containers(o)}` },
    { name: 'Status', type: 'string', format: '', priority: 0, description: 'The aggregate status of the containers in this pod.', cell: podStatusReason },
    { name: 'Restarts', type: 'string', format: '', priority: 0, description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', cell: (o) => String(statuses(o).reduce((n, s) => n + Number(s.restartCount ?? 0), 0)) },
    ageColumn(),
    { name: 'IP', type: 'string', format: '', priority: 1, description: 'IP address allocated to the pod.', cell: (o) => (isObject(o.status) ? String(o.status.podIP ?? '<none>') : '<none>') },
    { name: 'Node', type: 'string', format: '', priority: 1, description: 'Name of the Node this pod is assigned to.', cell: (o) => (isObject(o.spec) ? String(o.spec.nodeName ?? '<none>') : '<none>') },
  ];
}

/** upstream's printDeployment (pkg/printers/internalversion/printers.go); an unset spec.replicas is the default, 1. */
function deploymentColumns(): Column[] {
  const spec = (o: JsonObject): JsonObject => (isObject(o.spec) ? o.spec : {});
  const status = (o: JsonObject): JsonObject => (isObject(o.status) ? o.status : {});
  const count = (v: JsonValue | undefined): number => (typeof v === 'number' ? v : 0);
  const containers = (o: JsonObject): JsonObject[] => {
    const template = isObject(spec(o).template) ? (spec(o).template as JsonObject) : {};
    const podSpec = isObject(template.spec) ? template.spec : {};
    return Array.isArray(podSpec.containers) ? (podSpec.containers as JsonObject[]) : [];
  };
  return [
    nameColumn,
    { name: 'Ready', type: 'string', format: '', priority: 0, description: 'Number of the pod with ready state', cell: (o) => `${count(status(o).readyReplicas)}/${typeof spec(o).replicas === 'number' ? spec(o).replicas as number : 1}` },
    { name: 'Up-to-date', type: 'string', format: '', priority: 0, description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', cell: (o) => count(status(o).updatedReplicas) },
    { name: 'Available', type: 'string', format: '', priority: 0, description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', cell: (o) => count(status(o).availableReplicas) },
    ageColumn(),
    { name: 'Containers', type: 'string', format: '', priority: 1, description: 'Names of each container in the template.', cell: (o) => containers(o).map((c) => String(c.name)).join(',') },
    { name: 'Images', type: 'string', format: '', priority: 1, description: 'Images referenced by each container in the template.', cell: (o) => containers(o).map((c) => String(c.image)).join(',') },
    { name: 'Selector', type: 'string', format: '', priority: 1, description: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template\'s labels.', cell: (o) => formatLabelSelector(spec(o).selector) },
  ];
}

/** metav1.FormatLabelSelector: `k=v` pairs, then `key op (values)` expressions, sorted; `<none>` when empty. */
function formatLabelSelector(selector: JsonValue | undefined): string {
  if (!isObject(selector)) return '<none>';
  const parts: string[] = [];
  if (isObject(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) parts.push(`${k}=${String(v)}`);
  for (const e of Array.isArray(selector.matchExpressions) ? (selector.matchExpressions as JsonObject[]) : []) {
    const values = Array.isArray(e.values) ? (e.values as JsonValue[]).map(String).sort() : [];
    const op = String(e.operator);
    if (op === 'In' || op === 'NotIn') parts.push(`${String(e.key)} ${op === 'In' ? 'in' : 'notin'} (${values.join(',')})`);
    else if (op === 'Exists') parts.push(String(e.key));
    else if (op === 'DoesNotExist') parts.push(`!${String(e.key)}`);
  }
  parts.sort();
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** What `kubectl get pods` shows in STATUS (pkg/printers/internalversion printPod, simplified). */
function podStatusReason(pod: JsonObject): string {
  const status = isObject(pod.status) ? pod.status : {};
  let reason = String(status.reason ?? status.phase ?? 'Unknown');
  const inits = Array.isArray(status.initContainerStatuses) ? (status.initContainerStatuses as JsonObject[]) : [];
  const initCount = isObject(pod.spec) && Array.isArray(pod.spec.initContainers) ? pod.spec.initContainers.length : 0;
  let initializing = false;
  inits.forEach((s, i) => {
    if (initializing) return;
    const st = isObject(s.state) ? s.state : {};
    const term = isObject(st.terminated) ? st.terminated : undefined;
    const wait = isObject(st.waiting) ? st.waiting : undefined;
    if (term !== undefined && term.exitCode === 0) return;
    initializing = true;
    if (term !== undefined) reason = term.reason !== undefined ? `Init:${String(term.reason)}` : `Init:ExitCode:${String(term.exitCode)}`;
    else if (wait !== undefined && wait.reason !== undefined && wait.reason !== 'PodInitializing') reason = `Init:${String(wait.reason)}`;
    else reason = `Init:${i}/${initCount}`;
  });
  if (!initializing) {
    const cs = Array.isArray(status.containerStatuses) ? (status.containerStatuses as JsonObject[]) : [];
    for (const s of [...cs].reverse()) {
      const st = isObject(s.state) ? s.state : {};
      if (isObject(st.waiting) && st.waiting.reason !== undefined) reason = String(st.waiting.reason);
      else if (isObject(st.terminated) && st.terminated.reason !== undefined) reason = String(st.terminated.reason);
      else if (isObject(st.terminated)) reason = `ExitCode:${String(st.terminated.exitCode)}`;
    }
  }
  if (isObject(pod.metadata) && pod.metadata.deletionTimestamp !== undefined) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function crColumns(cols: PrinterColumn[]): Column[] {
  if (cols.length === 0) return [nameColumn, ageColumn()];
  return [nameColumn, ...cols.map((c): Column => ({
    name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0,
    cell: (o, now) => {
      const vals = evalJsonPath(o, c.jsonPath);
      if (vals.length === 0) return null;
      if (c.type === 'date' && typeof vals[0] === 'string') return since(vals[0], now);
      if (vals.length === 1) return typeof vals[0] === 'object' ? JSON.stringify(vals[0]) : vals[0]!;
      return vals.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
    },
  }))];
}

function columnsFor(type: ResourceType, version: string): Column[] {
  if (type.crd !== undefined) return crColumns(type.crd.columns.get(version) ?? []);
  if (type.group === '' && type.kind === 'Pod') return podColumns();
  if (type.group === '' && type.kind === 'Namespace') {
    return [nameColumn, { name: 'Status', type: 'string', format: '', priority: 0, description: 'The status of the namespace', cell: (o) => (isObject(o.status) ? String(o.status.phase ?? '') : '') }, ageColumn()];
  }
  if (type.group === '' && type.kind === 'Node') {
    const ready = (o: JsonObject): string => {
      const conds = isObject(o.status) && Array.isArray(o.status.conditions) ? (o.status.conditions as JsonObject[]) : [];
      const r = conds.find((c) => c.type === 'Ready');
      const word = r?.status === 'True' ? 'Ready' : r?.status === 'False' ? 'NotReady' : 'Unknown';
      return isObject(o.spec) && o.spec.unschedulable === true ? `${word},SchedulingDisabled` : word;
    };
    return [
      nameColumn,
      { name: 'Status', type: 'string', format: '', priority: 0, description: 'The status of the node', cell: ready },
      { name: 'Roles', type: 'string', format: '', priority: 0, description: 'The roles of the node', cell: () => '<none>' },
      ageColumn(),
      { name: 'Version', type: 'string', format: '', priority: 0, description: 'Kubelet Version reported by the node.', cell: (o) => (isObject(o.status) && isObject(o.status.nodeInfo) ? String(o.status.nodeInfo.kubeletVersion ?? '') : '') },
    ];
  }
  if (type.group === 'apps' && type.kind === 'Deployment') return deploymentColumns();
  if (type.group === 'coordination.k8s.io' && type.kind === 'Lease') {
    return [
      nameColumn,
      { name: 'Holder', type: 'string', format: '', priority: 0, description: 'holderIdentity contains the identity of the holder of a current lease.', cell: (o) => (isObject(o.spec) && typeof o.spec.holderIdentity === 'string' ? o.spec.holderIdentity : '') },
      ageColumn(),
    ];
  }
  if (type.kind === 'CustomResourceDefinition') {
    return [nameColumn, { name: 'Created At', type: 'date', format: '', priority: 0, description: '', cell: (o) => String((o.metadata as JsonObject).creationTimestamp ?? '') }];
  }
  return [nameColumn, ageColumn()];
}

/** True when the Accept header asks for a Table (kubectl get). */
export const wantsTable = (accept: string | undefined): boolean => accept !== undefined && /as=Table/.test(accept);

export function toTable(type: ResourceType, version: string, objects: JsonObject[], resourceVersion: string, opts: { columns?: boolean; includeObject?: string } = {}): JsonObject {
  const cols = columnsFor(type, version);
  const now = new Date();
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion },
    ...(opts.columns === false ? {} : {
      columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority })),
    }),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      ...(include === 'None' ? {} : {
        object: include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} },
      }),
    })),
  };
}

// A container's environment as the kubelet builds it: `env` values with $(VAR) expansion, the
// downward API (fieldRef, resourceFieldRef), secretKeyRef and configMapKeyRef, and envFrom.
import { cpus, totalmem } from 'node:os';
import { isObject, type JsonObject } from '../fake/json.js';

export interface ObjectLookup {
  secret(namespace: string, name: string): JsonObject | undefined;
  configMap(namespace: string, name: string): JsonObject | undefined;
}

/** A reference the container needs is missing: it waits with CreateContainerConfigError. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `$(VAR)` → its value when defined; `$$(VAR)` → `$(VAR)` (k8s.io/kubernetes/third_party/forked/golang/expansion). */
export function expand(input: string, vars: Record<string, string>): string {
  return input.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && Object.hasOwn(vars, name) ? vars[name]! : m;
  });
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The value of a downward API field path (pkg/fieldpath ExtractFieldPathAsString). */
export function fieldPathValue(pod: JsonObject, path: string): string {
  const m = isObject(pod.metadata) ? pod.metadata : {};
  const spec = isObject(pod.spec) ? pod.spec : {};
  const status = isObject(pod.status) ? pod.status : {};
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed !== null) {
    const map = isObject(m[keyed[1]!]) ? (m[keyed[1]!] as Record<string, string>) : {};
    return map[keyed[2]!] ?? '';
  }
  switch (path) {
    case 'metadata.name': return str(m.name);
    case 'metadata.namespace': return str(m.namespace);
    case 'metadata.uid': return str(m.uid);
    case 'metadata.labels': case 'metadata.annotations': {
      const map = isObject(m[path.slice(9)]) ? (m[path.slice(9)] as Record<string, string>) : {};
      return Object.keys(map).sort().map((k) => `${k}=${JSON.stringify(map[k])}`).join('\n');
    }
    case 'spec.nodeName': return str(spec.nodeName);
    case 'spec.serviceAccountName': return str(spec.serviceAccountName);
    case 'status.hostIP': case 'status.podIP': return str(status[path.slice(7)]);
    case 'status.hostIPs': case 'status.podIPs': {
      const ips = Array.isArray(status[path.slice(7)]) ? (status[path.slice(7)] as JsonObject[]) : [];
      return ips.map((i) => str(i.ip)).join(',');
    }
    default: throw new ConfigError(`unsupported fieldPath: ${path}`);
  }
}

function quantity(q: string): number {
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (m === null) return Number(q);
  const n = Number(m[1]);
  const mult: Record<string, number> = { m: 0.001, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return n * (m[2] === undefined ? 1 : mult[m[2]]!);
}

/** resourceFieldRef: the container's limit or request, the node's allocatable when unset, divided and rounded up. */
export function resourceFieldValue(container: JsonObject, ref: JsonObject): string {
  const resources = isObject(container.resources) ? container.resources : {};
  const [kind, name] = str(ref.resource).split('.') as [string, string];
  const declared = isObject(resources[kind]) ? str((resources[kind] as JsonObject)[name]) : '';
  const node: Record<string, number> = { cpu: cpus().length, memory: totalmem(), 'ephemeral-storage': 100 * 1024 ** 3 };
  const value = declared !== '' ? quantity(declared) : (kind === 'requests' && name !== 'memory' ? 0 : node[name] ?? 0);
  const divisor = ref.divisor === undefined ? 1 : quantity(String(ref.divisor));
  return String(Math.max(kind === 'requests' && declared === '' ? 0 : 1, Math.ceil(value / divisor)));
}

function decode(secret: JsonObject, key: string): string | undefined {
  const data = isObject(secret.data) ? secret.data : {};
  return typeof data[key] === 'string' ? Buffer.from(data[key], 'base64').toString('utf8') : undefined;
}

/** The container's declared environment, in order; throws ConfigError for a missing non-optional reference. */
export function containerEnv(pod: JsonObject, container: JsonObject, lookup: ObjectLookup): Record<string, string> {
  const ns = str((pod.metadata as JsonObject).namespace);
  const out: Record<string, string> = {};
  for (const from of Array.isArray(container.envFrom) ? (container.envFrom as JsonObject[]) : []) {
    const prefix = str(from.prefix);
    if (isObject(from.configMapRef)) {
      const cm = lookup.configMap(ns, str(from.configMapRef.name));
      if (cm === undefined) {
        if (from.configMapRef.optional === true) continue;
        throw new ConfigError(`configmap "${str(from.configMapRef.name)}" not found`);
      }
      for (const [k, v] of Object.entries(isObject(cm.data) ? cm.data : {})) out[prefix + k] = String(v);
    }
    if (isObject(from.secretRef)) {
      const s = lookup.secret(ns, str(from.secretRef.name));
      if (s === undefined) {
        if (from.secretRef.optional === true) continue;
        throw new ConfigError(`secret "${str(from.secretRef.name)}" not found`);
      }
      for (const k of Object.keys(isObject(s.data) ? s.data : {})) out[prefix + k] = decode(s, k)!;
    }
  }
  for (const e of Array.isArray(container.env) ? (container.env as JsonObject[]) : []) {
    const name = str(e.name);
    if (e.value !== undefined) {
      out[name] = expand(String(e.value), out);
      continue;
    }
    const from = isObject(e.valueFrom) ? e.valueFrom : undefined;
    if (from === undefined) {
      out[name] = '';
      continue;
    }
    if (isObject(from.fieldRef)) out[name] = fieldPathValue(pod, str(from.fieldRef.fieldPath));
    else if (isObject(from.resourceFieldRef)) out[name] = resourceFieldValue(container, from.resourceFieldRef);
    else if (isObject(from.secretKeyRef)) {
      const ref = from.secretKeyRef;
      const s = lookup.secret(ns, str(ref.name));
      const v = s === undefined ? undefined : decode(s, str(ref.key));
      if (v === undefined) {
        if (ref.optional === true) continue;
        throw new ConfigError(s === undefined ? `secret "${str(ref.name)}" not found` : `couldn't find key ${str(ref.key)} in Secret ${ns}/${str(ref.name)}`);
      }
      out[name] = v;
    } else if (isObject(from.configMapKeyRef)) {
      const ref = from.configMapKeyRef;
      const cm = lookup.configMap(ns, str(ref.name));
      const data = cm !== undefined && isObject(cm.data) ? cm.data : {};
      const v = data[str(ref.key)];
      if (typeof v !== 'string') {
        if (ref.optional === true) continue;
        throw new ConfigError(cm === undefined ? `configmap "${str(ref.name)}" not found` : `couldn't find key ${str(ref.key)} in ConfigMap ${ns}/${str(ref.name)}`);
      }
      out[name] = v;
    }
  }
  return out;
}

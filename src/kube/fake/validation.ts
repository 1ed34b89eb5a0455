// Validation as the API server does it, before anything is stored:
// - built-in kinds: values against Kubernetes' published OpenAPI schemas (kubernetes-models' generated
//   validators: enums, required fields, types) plus the handful of rules upstream's Go validation adds
//   that a schema cannot say (names, unique container names, an image per container); unknown fields
//   from @kubernetes/client-node's model field tables, refused under fieldValidation=Strict (kubectl's
//   default), warned about under Warn, dropped silently under Ignore;
// - custom resources: the CRD's structural schema (types, enums, required) with pruning of unknown
//   fields unless `x-kubernetes-preserve-unknown-fields`.
import * as k8s from '@kubernetes/client-node';
import { badRequest, invalid, type StatusCause } from './status.js';
import { isObject, type JsonObject, type JsonValue } from './json.js';
import type { ResourceType, SchemaNode } from './resources.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface ValidationResult {
  /** Warning headers to send (unknown fields under Warn, pruned fields). */
  warnings: string[];
}

const subdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const MAX_ANNOTATIONS_BYTES = 262144;

const quote = (v: unknown): string => JSON.stringify(v);

function nameCauses(type: ResourceType, obj: JsonObject): StatusCause[] {
  const m = obj.metadata as JsonObject;
  const name = m.name as string;
  const causes: StatusCause[] = [];
  const labelOnly = type.kind === 'Namespace' || type.kind === 'Service';
  if (name.length > 253 || !(labelOnly ? labelRe : subdomainRe).test(name)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${quote(name)}: ${labelOnly ? LABEL_MSG : SUBDOMAIN_MSG}` });
  }
  if (isObject(m.annotations)) {
    const size = Object.entries(m.annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    if (size > MAX_ANNOTATIONS_BYTES) {
      causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: may not be more than ${MAX_ANNOTATIONS_BYTES} bytes` });
    }
  }
  for (const [field, map] of [['metadata.labels', m.labels], ['metadata.annotations', m.annotations]] as const) {
    if (map !== undefined && !isObject(map)) continue;
    for (const [k, v] of Object.entries(map ?? {})) {
      if (typeof v !== 'string') causes.push({ reason: 'FieldValueInvalid', field: `${field}.${k}`, message: `Invalid value: ${quote(v)}: must be a string` });
    }
  }
  return causes;
}

/** `/spec/containers/0/image` → `spec.containers[0].image` */
function fieldPath(instancePath: string): string {
  return instancePath.split('/').filter((p) => p !== '').reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: { allowedValues?: unknown[]; missingProperty?: string; type?: string };
  message?: string;
}

function valueAt(obj: JsonValue, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('/').filter((x) => x !== '')) cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
  return cur;
}

interface ModelClass {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each model takes its own kind's shape
  new (data: any): { validate(): void };
}

/** The generated model (with its validator) of each built-in kind, by `group/version/Kind`. */
const MODELS: Record<string, () => Promise<ModelClass>> = {
  'v1/Namespace': async () => (await import('kubernetes-models/v1/Namespace')).Namespace,
  'v1/Pod': async () => (await import('kubernetes-models/v1/Pod')).Pod,
  'v1/Secret': async () => (await import('kubernetes-models/v1/Secret')).Secret,
  'v1/ConfigMap': async () => (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
  'v1/Event': async () => (await import('kubernetes-models/v1/Event')).Event,
  'v1/Service': async () => (await import('kubernetes-models/v1/Service')).Service,
  'v1/ServiceAccount': async () => (await import('kubernetes-models/v1/ServiceAccount')).ServiceAccount,
  'v1/PersistentVolumeClaim': async () => (await import('kubernetes-models/v1/PersistentVolumeClaim')).PersistentVolumeClaim,
  'v1/Node': async () => (await import('kubernetes-models/v1/Node')).Node,
  'coordination.k8s.io/v1/Lease': async () => (await import('kubernetes-models/coordination.k8s.io/v1/Lease')).Lease,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': async () =>
    (await import('kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition')).CustomResourceDefinition,
  'apps/v1/Deployment': async () => (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
  'apps/v1/StatefulSet': async () => (await import('kubernetes-models/apps/v1/StatefulSet')).StatefulSet,
  'apps/v1/DaemonSet': async () => (await import('kubernetes-models/apps/v1/DaemonSet')).DaemonSet,
  'batch/v1/Job': async () => (await import('kubernetes-models/batch/v1/Job')).Job,
  'batch/v1/CronJob': async () => (await import('kubernetes-models/batch/v1/CronJob')).CronJob,
  'rbac.authorization.k8s.io/v1/Role': async () => (await import('kubernetes-models/rbac.authorization.k8s.io/v1/Role')).Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': async () => (await import('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding')).RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': async () => (await import('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole')).ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': async () =>
    (await import('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding')).ClusterRoleBinding,
  'networking.k8s.io/v1/Ingress': async () => (await import('kubernetes-models/networking.k8s.io/v1/Ingress')).Ingress,
  'policy/v1/PodDisruptionBudget': async () => (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget,
};

const modelCache = new Map<string, Promise<ModelClass | undefined>>();

function loadModel(type: ResourceType, version: string): Promise<ModelClass | undefined> {
  const key = `${type.group === '' ? '' : `${type.group}/`}${version}/${type.kind}`;
  let p = modelCache.get(key);
  if (p === undefined) {
    const load = MODELS[key];
    p = load === undefined ? Promise.resolve(undefined) : load();
    modelCache.set(key, p);
  }
  return p;
}

/** Type errors are decoding errors upstream (400); the rest are field errors (422). */
async function schemaCauses(type: ResourceType, version: string, obj: JsonObject): Promise<{ causes: StatusCause[]; decode: string[] }> {
  const Model = await loadModel(type, version);
  const causes: StatusCause[] = [];
  const decode: string[] = [];
  if (Model === undefined) return { causes, decode };
  try {
    new Model(obj).validate();
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors ?? [];
    for (const e of errors) {
      const field = fieldPath(e.instancePath);
      if (e.keyword === 'enum') {
        const allowed = (e.params.allowedValues ?? []).map(quote).join(', ');
        causes.push({ reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${quote(valueAt(obj, e.instancePath))}: supported values: ${allowed}` });
      } else if (e.keyword === 'required') {
        const missing = e.params.missingProperty ?? '';
        causes.push({ reason: 'FieldValueRequired', field: field === '' ? missing : `${field}.${missing}`, message: 'Required value' });
      } else if (e.keyword === 'type') {
        decode.push(`json: cannot unmarshal ${jsonKind(valueAt(obj, e.instancePath))} into Go struct field ${field} of type ${e.params.type ?? 'unknown'}`);
      } else if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') {
        causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${quote(valueAt(obj, e.instancePath))}: ${e.message ?? e.keyword}` });
      }
    }
  }
  return { causes, decode };
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Rules of upstream's pkg/apis/core/validation that no OpenAPI schema carries. */
function podCauses(spec: JsonObject | undefined, prefix: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (spec === undefined) return causes;
  const seen = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = Array.isArray(spec[list]) ? (spec[list] as JsonObject[]) : [];
    if (list === 'containers' && containers.length === 0) causes.push({ reason: 'FieldValueRequired', field: `${prefix}.containers`, message: 'Required value' });
    containers.forEach((c, i) => {
      if (!isObject(c)) return;
      const at = `${prefix}.${list}[${i}]`;
      const name = c.name;
      if (typeof name === 'string' && name !== '') {
        if (!labelRe.test(name)) causes.push({ reason: 'FieldValueInvalid', field: `${at}.name`, message: `Invalid value: ${quote(name)}: ${LABEL_MSG}` });
        if (seen.has(name)) causes.push({ reason: 'FieldValueDuplicate', field: `${at}.name`, message: `Duplicate value: ${quote(name)}` });
        seen.add(name);
      }
      if (typeof c.image !== 'string' || c.image.trim() === '') causes.push({ reason: 'FieldValueRequired', field: `${at}.image`, message: 'Required value' });
    });
  }
  return causes;
}

function workloadPodSpec(kind: string, obj: JsonObject): { spec: JsonObject | undefined; at: string } | undefined {
  const spec = isObject(obj.spec) ? obj.spec : undefined;
  if (kind === 'Pod') return { spec, at: 'spec' };
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(kind)) {
    const tmpl = isObject(spec?.template) ? spec.template : undefined;
    return { spec: isObject(tmpl?.spec) ? tmpl.spec : undefined, at: 'spec.template.spec' };
  }
  return undefined;
}

type ModelAttr = { baseName: string; type: string };
const models = k8s as unknown as Record<string, { getAttributeTypeMap?: () => ModelAttr[] } | undefined>;

/** Fields the built-in type does not have, as upstream's strict decoder names them. */
function unknownFields(value: unknown, typeName: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const arrayOf = /^Array<(.+)>$/.exec(typeName);
  if (arrayOf !== null) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, arrayOf[1]!, `${path}[${i}]`, out));
    return;
  }
  const mapOf = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (mapOf !== null) {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) unknownFields(v, mapOf[1]!, `${path}.${k}`, out);
    return;
  }
  const attrs = models[typeName]?.getAttributeTypeMap?.();
  if (attrs === undefined || !isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const attr = attrs.find((a) => a.baseName === k);
    const at = path === '' ? k : `${path}.${k}`;
    if (attr === undefined) out.push(at);
    else unknownFields(v, attr.type, at, out);
  }
}

function dropFields(obj: JsonObject, paths: string[]): void {
  for (const path of paths) {
    const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
    let cur: unknown = obj;
    for (const p of parts.slice(0, -1)) cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (isObject(cur)) delete cur[parts[parts.length - 1]!];
  }
}

function decodingError(type: ResourceType, version: string, problems: string[]): Error {
  const kind = type.group === '' ? type.kind : `${type.kind}.${type.group}`;
  return badRequest(`${type.kind} in version "${version}" cannot be handled as a ${kind === type.kind ? type.kind : type.kind}: ${problems.join(', ')}`);
}

/** Validates (and, where allowed, prunes) `obj` in place; throws the Status a real server answers with. */
export async function validateObject(
  type: ResourceType, version: string, obj: JsonObject, fieldValidation: FieldValidation,
): Promise<ValidationResult> {
  const warnings: string[] = [];
  const name = (obj.metadata as JsonObject).name as string;
  const causes = nameCauses(type, obj);
  if (type.builtin !== undefined) {
    const unknown: string[] = [];
    unknownFields(obj, type.builtin.model, '', unknown);
    if (unknown.length > 0) {
      if (fieldValidation === 'Strict') {
        throw decodingError(type, version, [`strict decoding error: ${unknown.map((u) => `unknown field ${quote(u)}`).join(', ')}`]);
      }
      if (fieldValidation === 'Warn') for (const u of unknown) warnings.push(`unknown field ${quote(u)}`);
      dropFields(obj, unknown);
    }
    const { causes: schema, decode } = await schemaCauses(type, version, obj);
    if (decode.length > 0) throw decodingError(type, version, decode);
    causes.push(...schema);
    const pod = workloadPodSpec(type.kind, obj);
    if (pod !== undefined) causes.push(...podCauses(pod.spec, pod.at));
  } else if (type.crd !== undefined) {
    const schema = type.crd.schemas.get(version);
    if (schema !== undefined) {
      const unknown: string[] = [];
      checkSchema(obj, schema, '', causes, unknown, true);
      if (unknown.length > 0) {
        if (fieldValidation === 'Strict') {
          throw decodingError(type, version, [`strict decoding error: ${unknown.map((u) => `unknown field ${quote(u)}`).join(', ')}`]);
        }
        if (fieldValidation === 'Warn') for (const u of unknown) warnings.push(`unknown field ${quote(u)}`);
        dropFields(obj, unknown);
      }
    }
  }
  if (causes.length > 0) throw invalid(type.group === '' ? '' : type.group, type.group === '' ? type.kind : `${type.kind}.${type.group}`, name, causes);
  return { warnings };
}

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata']);

/** Structural-schema checks with pruning (apiextensions-apiserver's pruning and validation, simplified). */
function checkSchema(value: unknown, schema: SchemaNode, path: string, causes: StatusCause[], unknown: string[], root = false): void {
  if (value === null || value === undefined) return;
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (typeof value !== 'string' && !Number.isInteger(value)) causes.push(typeCause(path, value, 'integer or string'));
    return;
  }
  const t = schema.type;
  if (t === 'string' && typeof value !== 'string') return void causes.push(typeCause(path, value, 'string'));
  if (t === 'integer' && !Number.isInteger(value)) return void causes.push(typeCause(path, value, 'integer'));
  if (t === 'number' && typeof value !== 'number') return void causes.push(typeCause(path, value, 'number'));
  if (t === 'boolean' && typeof value !== 'boolean') return void causes.push(typeCause(path, value, 'boolean'));
  if (t === 'array' && !Array.isArray(value)) return void causes.push(typeCause(path, value, 'array'));
  if (t === 'object' && !isObject(value)) return void causes.push(typeCause(path, value, 'object'));
  if (schema.enum !== undefined && !schema.enum.some((e) => e === value)) {
    causes.push({ reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${quote(value)}: supported values: ${schema.enum.map(quote).join(', ')}` });
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((v, i) => checkSchema(v, schema.items!, `${path}[${i}]`, causes, unknown));
    return;
  }
  if (!isObject(value)) return;
  for (const req of schema.required ?? []) {
    if (value[req] === undefined) causes.push({ reason: 'FieldValueRequired', field: path === '' ? req : `${path}.${req}`, message: 'Required value' });
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const [k, v] of Object.entries(value)) {
    const at = path === '' ? k : `${path}.${k}`;
    if (root && TOP_LEVEL.has(k)) continue;
    const prop = schema.properties?.[k];
    if (prop !== undefined) checkSchema(v, prop, at, causes, unknown);
    else if (isObject(schema.additionalProperties)) checkSchema(v, schema.additionalProperties, at, causes, unknown);
    else if (schema.additionalProperties !== true && !preserve) unknown.push(at);
  }
}

function typeCause(path: string, value: unknown, want: string): StatusCause {
  const got = jsonKind(value) === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : jsonKind(value);
  return { reason: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${quote(got)}: ${path} in body must be of type ${want}: ${quote(got)}` };
}

/** The fieldValidation query value; a bad one is a 400 as upstream answers. */
export function parseFieldValidation(v: string | null, fallback: FieldValidation): FieldValidation {
  if (v === null || v === '') return fallback;
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: "${v}"`);
}

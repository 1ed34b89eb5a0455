// The three PATCH bodies the API server accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902)
// and strategic merge patch for built-in kinds (k8s.io/apimachinery/pkg/util/strategicpatch): lists
// merged by their merge key, `$patch`, `$retainKeys`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…`,
// which is what client-side `kubectl apply` sends.
import { badRequest, invalid, KubeError } from './status.js';
import { clone, isObject, jsonEqual, type JsonObject, type JsonValue } from './json.js';

export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = mergePatch(out[k], v);
  }
  return out;
}

const unescape = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON patch path "${path}": must start with "/"`);
  return path.slice(1).split('/').map(unescape);
}

function parentOf(doc: JsonValue, parts: string[], path: string): JsonObject | JsonValue[] {
  let cur: JsonValue | undefined = doc;
  for (const p of parts.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw unprocessable(`doc is missing path: "${path}": missing value`);
  return cur;
}

/** JSON patch failures are 422s whose message says which operation failed (as upstream's jsonpatch wording). */
function unprocessable(message: string): KubeError {
  const err = invalid('', '', '', [{ reason: 'FieldValueInvalid', message, field: '' }]);
  err.status.message = message;
  delete err.status.details;
  return err;
}

function getAt(doc: JsonValue, path: string): JsonValue {
  let cur: JsonValue | undefined = doc;
  for (const p of pointer(path)) {
    cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined;
    if (cur === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function removeAt(doc: JsonValue, path: string): JsonValue {
  const parts = pointer(path);
  const parent = parentOf(doc, parts, path);
  const last = parts[parts.length - 1]!;
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw unprocessable(`Unable to remove nonexistent key: ${last}: missing value`);
    return parent.splice(i, 1)[0]!;
  }
  if (!(last in parent)) throw unprocessable(`Unable to remove nonexistent key: ${last}: missing value`);
  const v = parent[last]!;
  delete parent[last];
  return v;
}

function addAt(doc: JsonValue, path: string, value: JsonValue, replace: boolean): JsonValue {
  const parts = pointer(path);
  if (parts.length === 0) return clone(value);
  const parent = parentOf(doc, parts, path);
  const last = parts[parts.length - 1]!;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length)) {
      throw unprocessable(`Unable to access invalid index: ${last}: invalid index referenced`);
    }
    if (replace) parent[i] = clone(value);
    else parent.splice(i, 0, clone(value));
  } else {
    if (replace && !(last in parent)) throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    parent[last] = clone(value);
  }
  return doc;
}

export function jsonPatch(target: JsonValue, ops: unknown): JsonValue {
  if (!Array.isArray(ops)) throw badRequest('the JSON patch is not a list of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badRequest(`invalid JSON patch operation: ${JSON.stringify(raw)}`);
    const { op, path } = raw;
    switch (op) {
      case 'add': doc = addAt(doc, path, raw.value ?? null, false); break;
      case 'replace': doc = addAt(doc, path, raw.value ?? null, true); break;
      case 'remove': removeAt(doc, path); break;
      case 'move': doc = addAt(doc, path, removeAt(doc, String(raw.from)), false); break;
      case 'copy': doc = addAt(doc, path, clone(getAt(doc, String(raw.from))), false); break;
      case 'test':
        if (!jsonEqual(getAt(doc, path), raw.value)) throw unprocessable(`testing value ${path} failed: test failed`);
        break;
      default: throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

/** Merge keys of built-in list fields (the patchMergeKey tags of k8s.io/api types). */
function mergeKeyFor(field: string, items: JsonValue[]): string | undefined {
  switch (field) {
    case 'containers': case 'initContainers': case 'ephemeralContainers': case 'volumes': case 'env':
    case 'imagePullSecrets': case 'resourceClaims': case 'readinessGates':
      return field === 'readinessGates' ? 'conditionType' : 'name';
    case 'volumeMounts': return 'mountPath';
    case 'volumeDevices': return 'devicePath';
    case 'ports': return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
    case 'ownerReferences': return 'uid';
    case 'conditions': return 'type';
    case 'hostAliases': return 'ip';
    case 'topologySpreadConstraints': return 'topologyKey';
    default: return undefined;
  }
}

/** Primitive lists merged as sets (patchStrategy "merge" on a list of strings). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

const ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';

export function strategicMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  const directive = patch.$patch;
  if (directive === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return clone(rest as JsonObject);
  }
  const out: JsonObject = isObject(target) ? clone(target) : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(ORDER_PREFIX) || value === undefined) continue;
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const field = key.slice(DELETE_PRIMITIVE_PREFIX.length);
      const remove = Array.isArray(value) ? value : [];
      if (Array.isArray(out[field])) out[field] = (out[field] as JsonValue[]).filter((x) => !remove.some((r) => jsonEqual(r, x)));
      continue;
    }
    if (value === null) {
      delete out[key];
    } else if (isObject(value) && value.$patch === 'delete') {
      delete out[key];
    } else if (Array.isArray(value)) {
      out[key] = mergeList(key, out[key], value);
    } else if (isObject(value)) {
      out[key] = strategicMergePatch(out[key], value);
    } else {
      out[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(ORDER_PREFIX) || !Array.isArray(order)) continue;
    const field = key.slice(ORDER_PREFIX.length);
    if (Array.isArray(out[field])) out[field] = applyOrder(field, out[field] as JsonValue[], order);
  }
  return out;
}

function mergeList(field: string, current: JsonValue | undefined, patch: JsonValue[]): JsonValue[] {
  const base = Array.isArray(current) ? current : [];
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(clone);
  }
  if (MERGED_PRIMITIVE_LISTS.has(field)) {
    const out = [...base];
    for (const v of patch) if (!out.some((x) => jsonEqual(x, v))) out.push(v);
    return out;
  }
  const key = mergeKeyFor(field, [...base, ...patch]);
  if (key === undefined) return patch.filter((p) => !(isObject(p) && p.$patch === 'delete')).map(clone);
  const out = base.map(clone);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const idx = out.findIndex((x) => isObject(x) && jsonEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item);
    else out.push(strategicMergePatch(undefined, item));
  }
  return out;
}

function applyOrder(field: string, list: JsonValue[], order: JsonValue[]): JsonValue[] {
  const key = mergeKeyFor(field, list);
  const identify = (x: JsonValue): JsonValue => (key !== undefined && isObject(x) ? x[key] ?? null : x);
  const wanted = order.map((o) => (key !== undefined && isObject(o) ? o[key] ?? null : o));
  const ranked = list.map((item, i) => {
    const pos = wanted.findIndex((w) => jsonEqual(w, identify(item)));
    return { item, rank: pos >= 0 ? pos : wanted.length + i };
  });
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.item);
}

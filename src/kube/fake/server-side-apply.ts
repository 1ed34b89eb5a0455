// Server-side apply (`kubectl apply --server-side`, what upstream's docs use for the ProwJob CRD,
// whose client-side last-applied annotation would exceed the 256 KiB limit). kube-fake's version:
// create when missing, else merge the applied configuration into the live object (maps recursively,
// lists of built-in kinds by their merge key, other lists replaced) and remove the fields this field
// manager applied last time but no longer does. It keeps no managedFields and detects no conflicts
// between managers; docs/kube-fake.md says so.
import type { KubeApi, WriteOptions, WriteResult } from './api.js';
import { badRequest, KubeError } from './status.js';
import { clone, isObject, jsonEqual, type JsonObject, type JsonValue } from './json.js';
import { strategicMergePatch } from './patch.js';
import type { ResourceType } from './resources.js';

const lastApplied = new WeakMap<KubeApi, Map<string, JsonObject>>();

function remembered(api: KubeApi): Map<string, JsonObject> {
  let m = lastApplied.get(api);
  if (m === undefined) {
    m = new Map();
    lastApplied.set(api, m);
  }
  return m;
}

/** Removes from `live` the map keys present in `before` and absent from `after` (lists are left to the merge). */
function pruneDropped(live: JsonValue | undefined, before: JsonValue | undefined, after: JsonValue | undefined): void {
  if (!isObject(live) || !isObject(before)) return;
  for (const [k, v] of Object.entries(before)) {
    const nowApplied = isObject(after) ? after[k] : undefined;
    if (nowApplied === undefined) delete live[k];
    else if (isObject(v) && isObject(nowApplied)) pruneDropped(live[k], v, nowApplied);
  }
}

/** Lists without a merge key replace (atomic), maps merge: strategic merge does both for built-ins. */
function mergeApplied(type: ResourceType, live: JsonObject, applied: JsonObject): JsonObject {
  if (type.builtin !== undefined) return strategicMergePatch(live, applied) as JsonObject;
  const merge = (a: JsonValue | undefined, b: JsonValue): JsonValue => {
    if (!isObject(b) || !isObject(a)) return clone(b);
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) if (v !== undefined) out[k] = merge(out[k], v);
    return out;
  };
  return merge(live, applied) as JsonObject;
}

export async function applyServerSide(
  api: KubeApi, type: ResourceType, version: string, namespace: string, name: string, patch: unknown, opts: WriteOptions,
): Promise<WriteResult> {
  if (opts.fieldManager === undefined || opts.fieldManager === '') {
    throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  }
  if (!isObject(patch)) throw badRequest('the apply configuration is not an object');
  const applied = clone(patch);
  const am = isObject(applied.metadata) ? applied.metadata : (applied.metadata = {});
  if (am.name !== undefined && am.name !== name) {
    throw badRequest(`the name of the object (${String(am.name)}) does not match the name on the URL (${name})`);
  }
  am.name = name;
  let current: JsonObject | undefined;
  try {
    current = api.get(type, version, namespace, name);
  } catch (err) {
    if (!(err instanceof KubeError && err.code === 404)) throw err;
  }
  const key = (uid: unknown): string => `${String(uid)}|${opts.fieldManager!}`;
  if (current === undefined) {
    const result = await api.create(type, version, namespace, applied, opts);
    if (opts.dryRun !== true) remembered(api).set(key((result.object.metadata as JsonObject).uid), applied);
    return result;
  }
  const cm = current.metadata as JsonObject;
  const before = remembered(api).get(key(cm.uid));
  const live = clone(current);
  pruneDropped(live, before, applied);
  const { resourceVersion: _rv, ...appliedMeta } = am;
  const next = mergeApplied(type, live, { ...applied, metadata: appliedMeta });
  (next.metadata as JsonObject).resourceVersion = cm.resourceVersion;
  const result = jsonEqual(next, current)
    ? { object: current, warnings: [], created: false }
    : await api.update(type, version, namespace, name, next, { ...opts, fromPatch: true });
  if (opts.dryRun !== true) remembered(api).set(key(cm.uid), applied);
  return result;
}

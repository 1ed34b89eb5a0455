// The API operations behind the HTTP routes (and what the kubelet simulation calls in-process):
// create, get, list, update, patch, delete and deletecollection with the API server's rules —
// resourceVersion preconditions, generation, status subresources, finalizers, graceful pod deletion,
// owner-reference garbage collection, CRDs that make their kind served, namespaces that must exist.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../observability/logger.js';
import { clone, isObject, jsonEqual, meta, type JsonObject, type JsonValue } from './json.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { apiVersionOf, typeFromCrd, type ResourceRegistry, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import {
  alreadyExists, badRequest, conflict, invalid, KubeError, MODIFIED_CONFLICT, notFound, unsupportedMediaType,
} from './status.js';
import type { ObjectStore } from './store.js';
import { validateObject, type FieldValidation } from './validation.js';
import { applyServerSide } from './server-side-apply.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  force?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continueToken?: string | null;
}

export interface ListResult {
  items: JsonObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface WriteResult {
  object: JsonObject;
  warnings: string[];
  /** 201 for a create, 200 otherwise. */
  created: boolean;
}

/** Pods whose graceful deletion a kubelet finishes; without one, graceful deletes wait as on a lost node. */
export interface PodTerminator {
  /** True when a kubelet runs this pod's node and will finish its deletion. */
  handlesNode(nodeName: string): boolean;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0]!.trim();
  switch (ct) {
    case 'application/merge-patch+json': return 'merge';
    case 'application/json-patch+json': return 'json';
    case 'application/strategic-merge-patch+json': return 'strategic';
    case 'application/apply-patch+yaml': case 'application/apply-patch+json': case 'application/apply-patch+cbor': return 'apply';
    default:
      throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
}

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class KubeApi {
  private podTerminator: PodTerminator | undefined;

  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    const ns = this.registry.get('', 'namespaces')!;
    for (const name of DEFAULT_NAMESPACES) {
      this.store.put(ns, this.stamp(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }), 'ADDED');
    }
  }

  setPodTerminator(t: PodTerminator | undefined): void {
    this.podTerminator = t;
  }

  type(group: string, plural: string): ResourceType {
    const t = this.registry.get(group, plural);
    if (t === undefined) throw notFound({ group, plural }, plural);
    return t;
  }

  /** The object as served at `version` (CRD versions share one stored shape: conversion strategy None). */
  private present(type: ResourceType, version: string, obj: JsonObject): JsonObject {
    return presentAs(type, version, obj);
  }

  private stamp(_type: ResourceType, obj: JsonObject): JsonObject {
    const m = meta(obj);
    m.uid = randomUUID();
    m.creationTimestamp = rfc3339(this.now());
    return obj;
  }

  get(type: ResourceType, version: string, namespace: string, name: string): JsonObject {
    const obj = this.store.get(type, type.namespaced ? namespace : '', name);
    if (obj === undefined) throw notFound(type, name);
    return this.present(type, version, obj);
  }

  list(type: ResourceType, version: string, namespace: string | undefined, opts: ListOptions = {}): ListResult {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, type.kind);
    const rv = String(this.store.resourceVersion);
    let items = this.store.list(type, type.namespaced ? namespace : undefined).filter((o) => labels(o) && fields(o));
    if (opts.continueToken !== undefined && opts.continueToken !== null && opts.continueToken !== '') {
      const after = decodeContinue(opts.continueToken);
      items = items.filter((o) => keyOf(o) > after);
    }
    const limit = opts.limit ?? 0;
    if (limit > 0 && items.length > limit) {
      const page = items.slice(0, limit);
      return {
        items: page.map((o) => this.present(type, version, o)),
        resourceVersion: rv,
        continueToken: encodeContinue(keyOf(page[page.length - 1]!), rv),
        remainingItemCount: items.length - limit,
      };
    }
    return { items: items.map((o) => this.present(type, version, o)), resourceVersion: rv };
  }

  private checkKind(type: ResourceType, version: string, body: JsonObject): void {
    const want = apiVersionOf(type.group, version);
    if (body.apiVersion !== undefined && body.apiVersion !== want) {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${want})`);
    }
    if (body.kind !== undefined && body.kind !== type.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${type.kind})`);
    }
  }

  private checkNamespace(type: ResourceType, namespace: string, body: JsonObject): void {
    const m = meta(body);
    if (!type.namespaced) {
      delete m.namespace;
      return;
    }
    if (m.namespace !== undefined && m.namespace !== '' && m.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    m.namespace = namespace;
  }

  private requireNamespace(type: ResourceType, namespace: string): void {
    if (!type.namespaced) return;
    const nsType = this.registry.get('', 'namespaces')!;
    const ns = this.store.get(nsType, '', namespace);
    if (ns === undefined) throw notFound(nsType, namespace);
    if (isObject(ns.metadata) && ns.metadata.deletionTimestamp !== undefined) {
      throw new KubeError({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden',
        message: `unable to create new content in namespace ${namespace} because it is being terminated`,
        details: { name: namespace, kind: 'namespaces' },
      });
    }
  }

  async create(type: ResourceType, version: string, namespace: string, input: unknown, opts: WriteOptions = {}): Promise<WriteResult> {
    if (!isObject(input)) throw badRequest(`Object '${type.kind}' is missing in '${JSON.stringify(input)}'`);
    const body = clone(input);
    this.checkKind(type, version, body);
    this.present(type, version, body);
    const m = meta(body);
    if ((m.name === undefined || m.name === '') && typeof m.generateName === 'string' && m.generateName !== '') {
      m.name = m.generateName + Array.from({ length: 5 }, () => NAME_SUFFIX_ALPHABET[Math.floor(Math.random() * NAME_SUFFIX_ALPHABET.length)]).join('');
    }
    if (typeof m.name !== 'string' || m.name === '') {
      throw invalid(type.group, type.kind, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    this.checkNamespace(type, namespace, body);
    this.requireNamespace(type, namespace);
    for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink']) delete m[k];
    this.defaultOnCreate(type, body);
    if (type.group === '' && type.kind === 'Secret') foldStringData(body);
    const { warnings } = await validateObject(type, version, body, opts.fieldValidation ?? 'Warn');
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') this.prepareCrd(body);
    const name = m.name;
    if (this.store.get(type, type.namespaced ? namespace : '', name) !== undefined) throw alreadyExists(type, name);
    this.stamp(type, body);
    if (body.spec !== undefined) m.generation = 1;
    if (opts.dryRun === true) return { object: body, warnings, created: true };
    const stored = this.store.put(type, body, 'ADDED');
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') this.serveCrd(stored);
    return { object: this.present(type, version, clone(stored)), warnings, created: true };
  }

  private defaultOnCreate(type: ResourceType, body: JsonObject): void {
    if (type.group === '' && type.kind === 'Pod') {
      defaultPod(body);
      return;
    }
    if (type.group === '' && type.kind === 'Namespace') {
      body.spec = { finalizers: ['kubernetes'] };
      body.status = { phase: 'Active' };
      return;
    }
    if (type.subresources.has('status') && type.crd !== undefined) delete body.status;
  }

  /** CRD checks upstream's apiextensions validation makes before it serves anything. */
  private prepareCrd(crd: JsonObject): void {
    const m = crd.metadata as JsonObject;
    const spec = isObject(crd.spec) ? crd.spec : {};
    const names = isObject(spec.names) ? spec.names : {};
    const want = `${String(names.plural)}.${String(spec.group)}`;
    if (m.name !== want) {
      throw invalid('apiextensions.k8s.io', 'CustomResourceDefinition.apiextensions.k8s.io', m.name as string, [
        { reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(m.name)}: must be spec.names.plural+"."+spec.group` },
      ]);
    }
    const versions = Array.isArray(spec.versions) ? (spec.versions as JsonObject[]) : [];
    if (versions.filter((v) => v.storage === true).length !== 1) {
      throw invalid('apiextensions.k8s.io', 'CustomResourceDefinition.apiextensions.k8s.io', m.name, [
        { reason: 'FieldValueInvalid', field: 'spec.versions', message: `Invalid value: ${JSON.stringify(versions)}: must have exactly one version marked as storage version` },
      ]);
    }
    crd.status = {
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: rfc3339(this.now()) },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: rfc3339(this.now()) },
      ],
      acceptedNames: clone(names),
      storedVersions: versions.filter((v) => v.storage === true).map((v) => v.name as JsonValue),
    };
  }

  private serveCrd(crd: JsonObject): void {
    const t = typeFromCrd(crd);
    if (t === undefined) return;
    const old = this.registry.get(t.group, t.plural);
    this.registry.add(t);
    this.log.debug({ crd: t.crd?.name, versions: t.versions, replaced: old !== undefined }, 'custom resource served');
  }

  async update(
    type: ResourceType, version: string, namespace: string, name: string, input: unknown,
    opts: WriteOptions & { subresource?: 'status'; fromPatch?: boolean } = {},
  ): Promise<WriteResult> {
    if (!isObject(input)) throw badRequest(`Object '${type.kind}' is missing in '${JSON.stringify(input)}'`);
    const ns = type.namespaced ? namespace : '';
    const current = this.store.get(type, ns, name);
    if (current === undefined) throw notFound(type, name);
    let body = clone(input);
    this.checkKind(type, version, body);
    this.present(type, version, body);
    const m = meta(body);
    if (m.name !== undefined && m.name !== name) {
      throw badRequest(`the name of the object (${String(m.name)}) does not match the name on the URL (${name})`);
    }
    m.name = name;
    this.checkNamespace(type, namespace, body);
    const cm = current.metadata as JsonObject;
    const rv = m.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== cm.resourceVersion) throw conflict(type, name, MODIFIED_CONFLICT);
    if ((rv === undefined || rv === '') && type.requiresResourceVersion && opts.fromPatch !== true) {
      throw invalid(type.group, type.group === '' ? type.kind : `${type.kind}.${type.group}`, name, [
        { reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' },
      ]);
    }
    if (opts.subresource === 'status') {
      const next = clone(current);
      if (body.status === undefined) delete next.status;
      else next.status = body.status;
      body = this.present(type, version, next);
    } else if (type.subresources.has('status')) {
      if (current.status === undefined) delete body.status;
      else body.status = clone(current.status);
    }
    const bm = meta(body);
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
      if (cm[k] === undefined) delete bm[k];
      else bm[k] = cm[k];
    }
    bm.resourceVersion = cm.resourceVersion;
    if (type.group === '' && type.kind === 'Pod' && opts.subresource !== 'status') this.checkPodUpdate(current, body);
    if (type.group === '' && type.kind === 'Secret') foldStringData(body);
    const { warnings } = await validateObject(type, version, body, opts.fieldValidation ?? 'Warn');
    const specChanged = !jsonEqual(withoutMetaAndStatus(current), withoutMetaAndStatus(body));
    if (cm.generation !== undefined) bm.generation = Number(cm.generation) + (specChanged ? 1 : 0);
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io' && opts.subresource !== 'status') {
      this.prepareCrd(body);
    }
    if (jsonEqual(stripVolatile(current), stripVolatile(body))) {
      return { object: this.present(type, version, current), warnings, created: false };
    }
    if (opts.dryRun === true) return { object: body, warnings, created: false };
    if (bm.deletionTimestamp !== undefined && !hasFinalizers(body) && !this.isGracefulPod(type, body)) {
      const gone = this.store.remove(type, ns, name)!;
      this.collectDependents(gone, 'Background');
      return { object: this.present(type, version, gone), warnings, created: false };
    }
    const stored = this.store.put(type, body, 'MODIFIED', current);
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') this.serveCrd(stored);
    return { object: this.present(type, version, clone(stored)), warnings, created: false };
  }

  /** A pod being deleted gracefully stays until its kubelet says its containers stopped. */
  private isGracefulPod(type: ResourceType, pod: JsonObject): boolean {
    return type.group === '' && type.kind === 'Pod' && Number((pod.metadata as JsonObject).deletionGracePeriodSeconds ?? 0) > 0;
  }

  /** Pod spec fields other than these are immutable (pkg/apis/core/validation ValidatePodUpdate). */
  private checkPodUpdate(current: JsonObject, next: JsonObject): void {
    const scrub = (pod: JsonObject): JsonValue => {
      const spec = clone(isObject(pod.spec) ? pod.spec : {});
      for (const list of ['containers', 'initContainers']) {
        if (Array.isArray(spec[list])) for (const c of spec[list] as JsonObject[]) if (isObject(c)) delete c.image;
      }
      delete spec.activeDeadlineSeconds;
      delete spec.tolerations;
      delete spec.terminationGracePeriodSeconds;
      return spec;
    };
    if (!jsonEqual(scrub(current), scrub(next))) {
      const name = (current.metadata as JsonObject).name as string;
      throw invalid('', 'Pod', name, [{
        reason: 'FieldValueForbidden', field: 'spec',
        message: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      }]);
    }
  }

  async patch(
    type: ResourceType, version: string, namespace: string, name: string, patchType: PatchType, patch: unknown,
    opts: WriteOptions & { subresource?: 'status' } = {},
  ): Promise<WriteResult> {
    if (patchType === 'apply') {
      return applyServerSide(this, type, version, namespace, name, patch, opts);
    }
    if (patchType === 'strategic' && type.builtin === undefined) {
      throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
    }
    const current = this.get(type, version, namespace, name);
    let next: JsonValue;
    switch (patchType) {
      case 'merge': next = mergePatch(current, patch as JsonValue); break;
      case 'json': next = jsonPatch(current, patch); break;
      case 'strategic': next = strategicMergePatch(current, patch as JsonValue); break;
    }
    if (!isObject(next)) throw badRequest('the patch did not produce an object');
    const nm = meta(next);
    const patchedRv = isObject(patch) && isObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
    nm.resourceVersion = typeof patchedRv === 'string' ? patchedRv : (current.metadata as JsonObject).resourceVersion;
    return this.update(type, version, namespace, name, next, { ...opts, fromPatch: true });
  }

  async delete(type: ResourceType, version: string, namespace: string, name: string, opts: DeleteOptions = {}): Promise<{ object: JsonObject; pending: boolean }> {
    const ns = type.namespaced ? namespace : '';
    const current = this.store.get(type, ns, name);
    if (current === undefined) throw notFound(type, name);
    const cm = current.metadata as JsonObject;
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== cm.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(cm.uid)}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== cm.resourceVersion) {
      throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(cm.resourceVersion)}`);
    }
    if (opts.dryRun === true) return { object: this.present(type, version, current), pending: false };
    const grace = this.podGrace(type, current, opts.gracePeriodSeconds);
    const finalizers = [...((cm.finalizers as string[] | undefined) ?? [])];
    if (opts.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (grace > 0 || finalizers.length > 0) {
      const next = clone(current);
      const nm = next.metadata as JsonObject;
      const already = cm.deletionTimestamp !== undefined;
      const deadline = new Date(this.now().getTime() + grace * 1000);
      if (!already || grace < Number(cm.deletionGracePeriodSeconds ?? Infinity)) {
        nm.deletionTimestamp = rfc3339(deadline);
        nm.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.length > 0) nm.finalizers = finalizers;
      const stored = this.store.put(type, next, 'MODIFIED', current);
      if (finalizers.includes('foregroundDeletion')) {
        this.collectDependents(stored, 'Foreground');
        if (grace === 0) this.finishForeground(type, stored);
      }
      return { object: this.present(type, version, clone(stored)), pending: true };
    }
    return { object: this.present(type, version, this.removeNow(type, current, opts.propagationPolicy ?? 'Background')), pending: false };
  }

  /** Removes an object now, with what its removal implies (a CRD's objects, a namespace's content, dependents). */
  private removeNow(type: ResourceType, current: JsonObject, policy: 'Orphan' | 'Background' | 'Foreground'): JsonObject {
    const cm = current.metadata as JsonObject;
    const ns = (cm.namespace as string | undefined) ?? '';
    const name = cm.name as string;
    if (type.kind === 'Namespace' && type.group === '') {
      for (const t of this.registry.all().filter((x) => x.namespaced)) {
        for (const obj of this.store.list(t, name)) this.store.remove(t, name, (obj.metadata as JsonObject).name as string);
      }
    }
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') {
      const served = typeFromCrd(current);
      const t = served === undefined ? undefined : this.registry.get(served.group, served.plural);
      if (t?.crd !== undefined) {
        for (const obj of this.store.list(t)) {
          const om = obj.metadata as JsonObject;
          this.store.remove(t, (om.namespace as string | undefined) ?? '', om.name as string);
        }
        this.store.dropType(t);
        this.registry.remove(t.group, t.plural);
      }
    }
    const gone = this.store.remove(type, ns, name)!;
    if (policy === 'Orphan') this.orphanDependents(gone);
    else this.collectDependents(gone, 'Background');
    return gone;
  }

  private podGrace(type: ResourceType, pod: JsonObject, requested: number | undefined): number {
    if (type.group !== '' || type.kind !== 'Pod') return 0;
    const spec = isObject(pod.spec) ? pod.spec : {};
    const phase = isObject(pod.status) ? pod.status.phase : undefined;
    const node = typeof spec.nodeName === 'string' ? spec.nodeName : '';
    if (node === '' || phase === 'Succeeded' || phase === 'Failed') return 0;
    const grace = requested ?? Number(spec.terminationGracePeriodSeconds ?? 30);
    if (grace <= 0) return 0;
    // A graceful delete waits for the node's kubelet; kube-fake's own kubelet finishes it, a lost node never does.
    return grace;
  }

  /** Ends a graceful pod deletion: what the kubelet does once the containers stopped. */
  finishPodDeletion(namespace: string, name: string): void {
    const pods = this.registry.get('', 'pods')!;
    const current = this.store.get(pods, namespace, name);
    if (current === undefined) return;
    const cm = current.metadata as JsonObject;
    if (cm.deletionTimestamp === undefined) return;
    if (hasFinalizers(current)) {
      const next = clone(current);
      (next.metadata as JsonObject).deletionGracePeriodSeconds = 0;
      this.store.put(pods, next, 'MODIFIED', current);
      return;
    }
    this.removeNow(pods, current, 'Background');
  }

  /**
   * What a kubelet writes through pods/status: the status of the pod with this uid, replaced whole
   * (nothing happens when the pod is gone or is another pod by now). Synchronous, so a status write
   * never conflicts with itself.
   */
  writePodStatus(namespace: string, name: string, uid: string, status: JsonObject): JsonObject | undefined {
    const pods = this.registry.get('', 'pods')!;
    const current = this.store.get(pods, namespace, name);
    if (current === undefined || (current.metadata as JsonObject).uid !== uid) return undefined;
    if (jsonEqual(current.status, status)) return current;
    const next = clone(current);
    next.status = clone(status);
    return this.store.put(pods, next, 'MODIFIED', current);
  }

  /** What a scheduler does through pods/binding: assigns the pod to a node. */
  bindPod(namespace: string, name: string, uid: string, nodeName: string, status: JsonObject): JsonObject | undefined {
    const pods = this.registry.get('', 'pods')!;
    const current = this.store.get(pods, namespace, name);
    if (current === undefined || (current.metadata as JsonObject).uid !== uid) return undefined;
    const next = clone(current);
    (next.spec as JsonObject).nodeName = nodeName;
    next.status = clone(status);
    return this.store.put(pods, next, 'MODIFIED', current);
  }

  private dependentsOf(owner: JsonObject): { type: ResourceType; obj: JsonObject }[] {
    const out: { type: ResourceType; obj: JsonObject }[] = [];
    for (const d of this.store.dependentsOf(String((owner.metadata as JsonObject).uid))) {
      const [group, plural] = d.typeKey.split('/') as [string, string];
      const type = this.registry.get(group, plural);
      const obj = type === undefined ? undefined : this.store.get(type, d.namespace, d.name);
      if (type !== undefined && obj !== undefined) out.push({ type, obj });
    }
    return out;
  }

  /** The garbage collector's work, done at once: dependents of a deleted owner are deleted too. */
  private collectDependents(owner: JsonObject, policy: 'Background' | 'Foreground'): void {
    for (const { type, obj } of this.dependentsOf(owner)) {
      const om = obj.metadata as JsonObject;
      void this.delete(type, type.versions[0]!, (om.namespace as string | undefined) ?? '', om.name as string, { propagationPolicy: policy === 'Foreground' ? 'Foreground' : 'Background' })
        .catch((err: unknown) => { if (!(err instanceof KubeError && err.code === 404)) this.log.warn({ err }, 'garbage collection failed'); });
    }
  }

  private finishForeground(type: ResourceType, owner: JsonObject): void {
    if (this.dependentsOf(owner).length > 0) return;
    const next = clone(owner);
    const nm = next.metadata as JsonObject;
    nm.finalizers = ((nm.finalizers as string[] | undefined) ?? []).filter((f) => f !== 'foregroundDeletion');
    if ((nm.finalizers as string[]).length === 0) delete nm.finalizers;
    if (hasFinalizers(next)) this.store.put(type, next, 'MODIFIED', owner);
    else this.removeNow(type, owner, 'Background');
  }

  private orphanDependents(owner: JsonObject): void {
    const uid = (owner.metadata as JsonObject).uid;
    for (const { type, obj } of this.dependentsOf(owner)) {
      const next = clone(obj);
      const nm = next.metadata as JsonObject;
      nm.ownerReferences = (nm.ownerReferences as JsonObject[]).filter((r) => r.uid !== uid);
      if ((nm.ownerReferences as JsonObject[]).length === 0) delete nm.ownerReferences;
      this.store.put(type, next, 'MODIFIED', obj);
    }
  }

  async deleteCollection(type: ResourceType, version: string, namespace: string | undefined, list: ListOptions, opts: DeleteOptions = {}): Promise<JsonObject[]> {
    const { items } = this.list(type, version, namespace, { labelSelector: list.labelSelector ?? null, fieldSelector: list.fieldSelector ?? null });
    const out: JsonObject[] = [];
    for (const obj of items) {
      const om = obj.metadata as JsonObject;
      try {
        out.push((await this.delete(type, version, (om.namespace as string | undefined) ?? '', om.name as string, opts)).object);
      } catch (err) {
        if (!(err instanceof KubeError && err.code === 404)) throw err;
      }
    }
    return out;
  }
}

/** The object with apiVersion and kind first, as served at `version`; the same object, reordered in place. */
export function presentAs(type: ResourceType, version: string, obj: JsonObject): JsonObject {
  const rest = { ...obj };
  delete rest.apiVersion;
  delete rest.kind;
  for (const k of Object.keys(obj)) delete obj[k];
  Object.assign(obj, { apiVersion: apiVersionOf(type.group, version), kind: type.kind }, rest);
  return obj;
}

/** stringData is write-only: the API server folds it into data (base64) before storing. */
function foldStringData(secret: JsonObject): void {
  if (!isObject(secret.stringData)) return;
  const data = isObject(secret.data) ? secret.data : {};
  for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
  secret.data = data;
  delete secret.stringData;
}

function hasFinalizers(obj: JsonObject): boolean {
  const f = (obj.metadata as JsonObject).finalizers;
  return Array.isArray(f) && f.length > 0;
}

function withoutMetaAndStatus(obj: JsonObject): JsonObject {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

function stripVolatile(obj: JsonObject): JsonObject {
  const c = clone(obj);
  const m = c.metadata as JsonObject;
  delete m.resourceVersion;
  delete m.managedFields;
  return c;
}

const keyOf = (o: JsonObject): string => {
  const m = o.metadata as JsonObject;
  return `${(m.namespace as string | undefined) ?? ''}/${m.name as string}`;
};

function encodeContinue(start: string, rv: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start?: unknown };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // falls through to the 400 below: the token is not one this server issued
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** The defaults upstream's pkg/apis/core/v1/defaults.go gives a pod, and the status a new pod starts with. */
function defaultPod(pod: JsonObject): void {
  const spec = isObject(pod.spec) ? pod.spec : (pod.spec = {});
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  if (spec.serviceAccountName !== undefined) spec.serviceAccount ??= spec.serviceAccountName;
  for (const list of ['initContainers', 'containers']) {
    const cs = Array.isArray(spec[list]) ? (spec[list] as JsonValue[]) : [];
    for (const c of cs) {
      if (!isObject(c)) continue;
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
        const tag = /:([^/:@]+)$/.exec(c.image.split('@')[0]!)?.[1];
        c.imagePullPolicy = c.image.includes('@') || (tag !== undefined && tag !== 'latest') ? 'IfNotPresent' : 'Always';
      }
      c.resources ??= {};
    }
  }
  pod.status = { phase: 'Pending', qosClass: 'BestEffort' };
}

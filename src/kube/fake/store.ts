// The object store: every object of every type, one global resourceVersion counter (as etcd's
// revision), and the event history watches replay from. History older than the compaction floor is
// gone: a watch from there gets 410 Expired, as a real server does after etcd compacts.
import type { ResourceType } from './resources.js';
import { resourceKey } from './resources.js';
import { clone, type JsonObject } from './json.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: EventType;
  /** `group/plural` of the object's type. */
  typeKey: string;
  namespace: string;
  object: JsonObject;
  /** The object before this change (MODIFIED, DELETED). */
  previous?: JsonObject;
}

type Listener = (event: StoreEvent) => void;

const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, JsonObject>>();
  private readonly history: StoreEvent[] = [];
  /** The oldest resourceVersion a watch may still start from. */
  private floor = 0;
  private readonly listeners = new Set<Listener>();
  /** owner uid → `typeKey|namespace/name` of the objects whose ownerReferences name it (the garbage collector's graph). */
  private readonly dependents = new Map<string, Set<string>>();

  constructor(private readonly keepEvents: number) {}

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch can resume from; older ones are expired. */
  get oldestResourceVersion(): number {
    return this.floor;
  }

  private bucket(typeKey: string): Map<string, JsonObject> {
    let b = this.objects.get(typeKey);
    if (b === undefined) {
      b = new Map();
      this.objects.set(typeKey, b);
    }
    return b;
  }

  get(type: ResourceType, namespace: string, name: string): JsonObject | undefined {
    const obj = this.objects.get(resourceKey(type.group, type.plural))?.get(objectKey(namespace, name));
    return obj === undefined ? undefined : clone(obj);
  }

  /** Objects of `type` (in `namespace` when given), in key order as etcd lists them. */
  list(type: ResourceType, namespace?: string): JsonObject[] {
    const b = this.objects.get(resourceKey(type.group, type.plural));
    if (b === undefined) return [];
    const keys = [...b.keys()].filter((k) => namespace === undefined || k.startsWith(`${namespace}/`)).sort();
    return keys.map((k) => clone(b.get(k)!));
  }

  /** Counts objects of a type without copying them. */
  count(type: ResourceType): number {
    return this.objects.get(resourceKey(type.group, type.plural))?.size ?? 0;
  }

  /** Stores `obj` under a new resourceVersion and tells watchers; returns the stored copy. */
  put(type: ResourceType, obj: JsonObject, eventType: 'ADDED' | 'MODIFIED', previous?: JsonObject): JsonObject {
    const m = obj.metadata as JsonObject;
    const namespace = (m.namespace as string | undefined) ?? '';
    const rv = ++this.revision;
    m.resourceVersion = String(rv);
    const typeKey = resourceKey(type.group, type.plural);
    const key = objectKey(namespace, m.name as string);
    if (previous !== undefined) this.unindex(typeKey, key, previous);
    this.bucket(typeKey).set(key, clone(obj));
    this.index(typeKey, key, obj);
    this.emit({ rv, type: eventType, typeKey, namespace, object: clone(obj), ...(previous === undefined ? {} : { previous }) });
    return obj;
  }

  /** Removes an object; the DELETED event carries it at the deletion's resourceVersion. */
  remove(type: ResourceType, namespace: string, name: string): JsonObject | undefined {
    const typeKey = resourceKey(type.group, type.plural);
    const b = this.objects.get(typeKey);
    const obj = b?.get(objectKey(namespace, name));
    if (b === undefined || obj === undefined) return undefined;
    b.delete(objectKey(namespace, name));
    this.unindex(typeKey, objectKey(namespace, name), obj);
    const rv = ++this.revision;
    const gone = clone(obj);
    (gone.metadata as JsonObject).resourceVersion = String(rv);
    this.emit({ rv, type: 'DELETED', typeKey, namespace, object: gone, previous: obj });
    return clone(gone);
  }

  /** Drops every object of a type without events (its CRD went away; DELETED events were sent by the caller). */
  dropType(type: ResourceType): void {
    this.objects.delete(resourceKey(type.group, type.plural));
  }

  private owners(obj: JsonObject): string[] {
    const refs = (obj.metadata as JsonObject | undefined)?.ownerReferences;
    return Array.isArray(refs) ? refs.map((r) => String((r as JsonObject).uid)) : [];
  }

  private index(typeKey: string, key: string, obj: JsonObject): void {
    for (const uid of this.owners(obj)) {
      let set = this.dependents.get(uid);
      if (set === undefined) this.dependents.set(uid, (set = new Set()));
      set.add(`${typeKey}|${key}`);
    }
  }

  private unindex(typeKey: string, key: string, obj: JsonObject): void {
    for (const uid of this.owners(obj)) {
      const set = this.dependents.get(uid);
      set?.delete(`${typeKey}|${key}`);
      if (set?.size === 0) this.dependents.delete(uid);
    }
  }

  /** Objects whose ownerReferences name `uid`, as `{ typeKey, namespace, name }`. */
  dependentsOf(uid: string): { typeKey: string; namespace: string; name: string }[] {
    return [...(this.dependents.get(uid) ?? [])].map((k) => {
      const [typeKey, rest] = k.split('|') as [string, string];
      const slash = rest.indexOf('/');
      return { typeKey, namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
    });
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.keepEvents) {
      const dropped = this.history.splice(0, this.history.length - this.keepEvents);
      this.floor = Math.max(this.floor, dropped[dropped.length - 1]!.rv);
    }
    for (const l of this.listeners) l(event);
  }

  /** Makes every resourceVersion up to now too old to watch from. */
  compact(): void {
    this.history.length = 0;
    this.floor = this.revision;
  }

  /** Events after `rv`, or undefined when `rv` is older than the floor (expired). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.floor) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

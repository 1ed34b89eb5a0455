// Watch streams as the API server sends them: HTTP 200, then one JSON event per line
// (`{"type":"ADDED","object":{…}}`), chunked, until timeoutSeconds or the client goes. From an empty
// or "0" resourceVersion the stream starts with the current objects as ADDED; from a given one it
// replays what changed since, or sends one ERROR event (Status 410 Expired) when that version was
// compacted away. A selector watch sees an object that stops matching as DELETED and one that
// starts matching as ADDED. With allowWatchBookmarks, BOOKMARK events carry the current version.
import type { ServerResponse } from 'node:http';
import { presentAs, type KubeApi } from './api.js';
import type { JsonObject } from './json.js';
import { apiVersionOf, resourceKey, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, expired, KubeError } from './status.js';
import type { StoreEvent } from './store.js';
import { toTable } from './table.js';

export interface WatchOptions {
  type: ResourceType;
  version: string;
  namespace: string | undefined;
  labelSelector: string | null;
  fieldSelector: string | null;
  resourceVersion: string | null;
  allowBookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds: number | undefined;
  /** Objects as one-row Tables (kubectl get -w). */
  table: boolean;
}

/** Starts a watch on `res`; selector errors throw (a 400) before anything is written. */
export function serveWatch(api: KubeApi, o: WatchOptions, res: ServerResponse): void {
  const labels = parseLabelSelector(o.labelSelector);
  const fields = parseFieldSelector(o.fieldSelector, o.type.kind);
  const rvParam = o.resourceVersion ?? '';
  let from: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    from = Number(rvParam);
    if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: ${JSON.stringify(rvParam)}`);
  }
  const typeKey = resourceKey(o.type.group, o.type.plural);
  const apiVersion = apiVersionOf(o.type.group, o.version);
  const matches = (obj: JsonObject | undefined): boolean => {
    if (obj === undefined) return false;
    if (o.namespace !== undefined && (obj.metadata as JsonObject).namespace !== o.namespace) return false;
    return labels(obj) && fields(obj);
  };
  let columnsSent = false;
  const write = (type: string, object: JsonObject): void => {
    if (res.writableEnded) return;
    let out = object;
    if (type !== 'ERROR' && type !== 'BOOKMARK') {
      presentAs(o.type, o.version, object);
      if (o.table) {
        out = toTable(o.type, o.version, [object], String((object.metadata as JsonObject).resourceVersion), { columns: !columnsSent });
        columnsSent = true;
      }
    }
    res.write(`${JSON.stringify({ type, object: out })}\n`);
  };

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  let last = 0;
  const onEvent = (e: StoreEvent): void => {
    if (e.rv <= last || e.typeKey !== typeKey) return;
    last = e.rv;
    const now = matches(e.object);
    const before = matches(e.previous);
    if (e.type === 'ADDED' && now) write('ADDED', e.object);
    else if (e.type === 'DELETED' && before) write('DELETED', e.object);
    else if (e.type === 'MODIFIED') {
      if (now && before) write('MODIFIED', e.object);
      else if (now) write('ADDED', e.object);
      else if (before) write('DELETED', e.object);
    }
  };
  const buffered: StoreEvent[] = [];
  let live = false;
  const unsubscribe = api.store.subscribe((e) => {
    if (live) onEvent(e);
    else buffered.push(e);
  });

  if (from === undefined) {
    last = api.store.resourceVersion;
    for (const obj of api.store.list(o.type, o.type.namespaced ? o.namespace : undefined)) if (matches(obj)) write('ADDED', obj);
  } else {
    const events = api.store.eventsSince(from);
    if (events === undefined) {
      unsubscribe();
      const err: KubeError = expired(from, api.store.oldestResourceVersion + 1);
      res.end(`${JSON.stringify({ type: 'ERROR', object: err.status })}\n`);
      return;
    }
    last = from;
    for (const e of events) onEvent(e);
  }
  for (const e of buffered) onEvent(e);
  buffered.length = 0;
  live = true;

  let bookmark: NodeJS.Timeout | undefined;
  if (o.allowBookmarks) {
    bookmark = setInterval(() => {
      write('BOOKMARK', { kind: o.type.kind, apiVersion, metadata: { resourceVersion: String(Math.max(last, api.store.resourceVersion)) } });
    }, o.bookmarkIntervalMs);
  }
  let timeout: NodeJS.Timeout | undefined;
  if (o.timeoutSeconds !== undefined && Number.isFinite(o.timeoutSeconds) && o.timeoutSeconds > 0) {
    timeout = setTimeout(() => res.end(), o.timeoutSeconds * 1000);
  }
  const stop = (): void => {
    unsubscribe();
    clearInterval(bookmark);
    clearTimeout(timeout);
  };
  res.once('close', stop);
  res.once('finish', stop);
}

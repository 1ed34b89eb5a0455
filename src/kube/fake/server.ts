// The Kubernetes API fake: one real HTTP server speaking the API server's REST protocol as kubectl
// and @kubernetes/client-node use it — discovery, CRUD with resourceVersion semantics, selectors,
// paging, chunked watch streams with bookmarks and 410 Expired, merge/JSON/strategic/apply patches,
// server-side validation against Kubernetes' published schemas, Tables for `kubectl get` — over an
// in-memory store. With the kubelet simulation (src/kube/kubelet/) pods actually run, as local
// processes. Operations live in api.ts, watches in watch.ts; this module is the HTTP surface.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../../observability/logger.js';
import { KubeApi, patchTypeOf, type DeleteOptions, type PodTerminator, type WriteResult } from './api.js';
import { apiVersions, FAKE_VERSION, group, groupList, resourceList } from './discovery.js';
import { isObject, type JsonObject } from './json.js';
import { renderKubeconfig, type KubeconfigOptions } from './kubeconfig.js';
import type { RecordedRequest, RequestVerb } from './requests.js';
import { ResourceRegistry, type ResourceType } from './resources.js';
import { badRequest, internalError, KubeError, methodNotSupported, pathNotFound, unauthorized } from './status.js';
import { ObjectStore } from './store.js';
import { toTable, wantsTable } from './table.js';
import { parseFieldValidation } from './validation.js';
import { serveWatch, type WatchOptions } from './watch.js';
import { startKubelet, type KubeletOptions, type KubeletSim } from '../kubelet/kubelet.js';
import { openApiV2, openApiV3Index, openApiV3Group } from './openapi.js';

/** What serves `pods/<name>/log`: the kubelet simulation. */
export interface PodLogSource {
  /** Streams a container's log to `res` (ending it), or throws a KubeError (400 when the container has not started). */
  serveLog(pod: JsonObject, container: string, opts: PodLogOptions, res: ServerResponse): Promise<void>;
}

export interface PodLogOptions {
  follow: boolean;
  previous: boolean;
  sinceTime?: Date;
  sinceSeconds?: number;
  tailLines?: number;
  limitBytes?: number;
  timestamps: boolean;
}

/** The part of the kubelet simulation the server drives (src/kube/kubelet/kubelet.ts implements it). */
export interface KubeletAttachment extends PodLogSource, PodTerminator {
  close(): Promise<void>;
}

export interface KubeApiFakeOptions {
  port?: number;
  hostname?: string;
  log?: Logger;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK (default 60 s, about upstream's). */
  watchBookmarkIntervalMs?: number;
  /** How many events watches can resume from before older resourceVersions expire (default 10,000). */
  compactAfter?: number;
  /** When set, requests must carry `Authorization: Bearer <token>`; otherwise any token (or none) is accepted. */
  token?: string;
  /**
   * The kubelet simulation (src/kube/kubelet/): true or its options to run pods as local processes on
   * one node; false or absent: pods are stored but never scheduled or run.
   */
  kubelet?: boolean | KubeletOptions;
}

export interface KubeApiFake {
  readonly url: string;
  readonly port: number;
  /** The operations behind the routes, for in-process callers (the kubelet simulation, tests). */
  readonly api: KubeApi;
  close(): Promise<void>;
  writeKubeconfig(file: string, opts?: KubeconfigOptions): void;
  kubeconfig(opts?: KubeconfigOptions): string;
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** The simulated node, when the kubelet runs. */
  readonly kubelet: KubeletSim | undefined;
  /** Makes every resourceVersion so far too old: a watch from one of them gets 410 Expired. */
  compact(): void;
  /** Ends every open watch stream, as an API server restart or its watch timeout does; clients resume from their last resourceVersion. */
  closeWatches(): void;
}

const silentLog = (): Logger => {
  const noop = (): void => undefined;
  const l = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => l, level: 'silent' };
  return l as unknown as Logger;
};

interface Route {
  group: string;
  version: string;
  namespace: string | undefined;
  plural: string;
  name: string | undefined;
  subresource: string | undefined;
  legacyWatch: boolean;
}

function parseRoute(segments: string[]): Route | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else return undefined;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  const namespacedSub = group === '' && rest[0] === 'namespaces' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespacedSub) {
    return { group, version, namespace: rest[1]!, plural: rest[2]!, name: rest[3], subresource: rest[4], legacyWatch };
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return { group, version, namespace: undefined, plural: rest[0]!, name: rest[1], subresource: rest[2], legacyWatch };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === '') return undefined;
  const ct = (contentType ?? '').split(';')[0]!.trim();
  if (ct.includes('protobuf') || ct.includes('cbor')) throw new KubeError({ ...badRequest('').status, code: 415, reason: 'UnsupportedMediaType', message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml` });
  try {
    return ct.endsWith('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`the object provided is unrecognized (must be of type ${ct === '' ? 'application/json' : ct}): ${(err as Error).message}`);
  }
}

const boolParam = (v: string | null): boolean => v === 'true' || v === '1';

export async function startKubeApiFake(options: KubeApiFakeOptions = {}): Promise<KubeApiFake> {
  const log = options.log ?? silentLog();
  const store = new ObjectStore(options.compactAfter ?? 10_000);
  const registry = new ResourceRegistry();
  const api = new KubeApi(store, registry, log);
  const recorded: RecordedRequest[] = [];
  const watches = new Set<ServerResponse>();
  let kubelet: (KubeletSim & KubeletAttachment) | undefined;
  let address = '';

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log.error({ err, path: req.url }, 'kube-fake request failed');
      if (!res.headersSent) sendStatus(res, internalError((err as Error).message));
      else res.end();
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  function record(req: IncomingMessage, url: URL, verb: RequestVerb, route: Route | undefined, status: number): void {
    recorded.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      verb,
      resource: route === undefined ? '' : route.group === '' ? route.plural : `${route.plural}.${route.group}`,
      subresource: route?.subresource ?? '',
      namespace: route?.namespace ?? '',
      name: route?.name ?? '',
      status,
      userAgent: req.headers['user-agent'] ?? '',
    });
  }

  function sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) };
    if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(code, headers);
    res.end(text);
  }

  function sendStatus(res: ServerResponse, err: KubeError): void {
    sendJson(res, err.code, err.status);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://kube-fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const route = parseRoute(segments);
    let verb: RequestVerb = 'discovery';
    try {
      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) throw unauthorized();
      if (route === undefined) {
        const doc = discovery(segments, req);
        if (doc === undefined) throw pathNotFound();
        if (method !== 'GET') throw pathNotFound();
        record(req, url, 'discovery', undefined, 200);
        if (typeof doc === 'string') {
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(doc);
        } else sendJson(res, 200, doc);
        return;
      }
      const type = registry.lookup(route.group, route.version, route.plural);
      if (type === undefined) throw pathNotFound();
      if (route.namespace !== undefined && !type.namespaced) throw pathNotFound();
      verb = verbOf(method, route, url);
      const status = await serve(req, res, url, route, type, verb);
      record(req, url, verb, route, status);
    } catch (err) {
      const kerr = err instanceof KubeError ? err : internalError((err as Error).message);
      if (!(err instanceof KubeError)) log.error({ err, path: url.pathname }, 'kube-fake request failed');
      record(req, url, verb, route, kerr.code);
      if (res.headersSent) res.end();
      else sendStatus(res, kerr);
    }
  }

  function discovery(segments: string[], req: IncomingMessage): JsonObject | string | undefined {
    const p = `/${segments.join('/')}`;
    if (p === '/version') return FAKE_VERSION;
    if (p === '/healthz' || p === '/livez' || p === '/readyz') return 'ok';
    if (p === '/api') return apiVersions(address);
    if (p === '/apis') return groupList(registry);
    if (p === '/openapi/v2') return openApiV2(registry);
    if (p === '/openapi/v3') return openApiV3Index(registry);
    if (segments[0] === 'openapi' && segments[1] === 'v3' && segments.length >= 3) return openApiV3Group(registry, segments.slice(2).join('/'));
    if (segments[0] === 'api' && segments.length === 2) return resourceList(registry, '', segments[1]!);
    if (segments[0] === 'apis' && segments.length === 2) return group(registry, segments[1]!);
    if (segments[0] === 'apis' && segments.length === 3) return resourceList(registry, segments[1]!, segments[2]!);
    void req;
    return undefined;
  }

  function verbOf(method: string, route: Route, url: URL): RequestVerb {
    const watch = route.legacyWatch || boolParam(url.searchParams.get('watch'));
    switch (method) {
      case 'GET': return watch ? 'watch' : route.name === undefined ? 'list' : 'get';
      case 'POST': return 'create';
      case 'PUT': return 'update';
      case 'PATCH': return 'patch';
      case 'DELETE': return route.name === undefined ? 'deletecollection' : 'delete';
      default: return 'get';
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL, route: Route, type: ResourceType, verb: RequestVerb): Promise<number> {
    const q = url.searchParams;
    const ns = route.namespace ?? '';
    const version = route.version;
    const dryRun = q.getAll('dryRun').includes('All');
    const sub = route.subresource;
    if (sub !== undefined && sub !== 'status' && !(sub === 'log' && type.subresources.has('log')) && !(sub === 'eviction' && type.subresources.has('eviction')) && !(sub === 'binding' && type.subresources.has('binding'))) {
      throw pathNotFound();
    }
    if (sub === 'status' && !type.subresources.has('status')) throw pathNotFound();
    const writeOpts = {
      dryRun,
      fieldValidation: parseFieldValidation(q.get('fieldValidation'), 'Warn'),
      ...(q.get('fieldManager') === null ? {} : { fieldManager: q.get('fieldManager')! }),
      force: boolParam(q.get('force')),
      ...(sub === 'status' ? { subresource: 'status' as const } : {}),
    };
    const accept = req.headers.accept;
    switch (verb) {
      case 'watch': {
        const opts: WatchOptions = {
          type, version, namespace: route.namespace,
          labelSelector: q.get('labelSelector'),
          fieldSelector: route.legacyWatch && route.name !== undefined
            ? [`metadata.name=${route.name}`, q.get('fieldSelector')].filter((s) => s !== null && s !== '').join(',')
            : q.get('fieldSelector'),
          resourceVersion: q.get('resourceVersion'),
          allowBookmarks: boolParam(q.get('allowWatchBookmarks')),
          bookmarkIntervalMs: options.watchBookmarkIntervalMs ?? 60_000,
          timeoutSeconds: q.get('timeoutSeconds') === null ? undefined : Number(q.get('timeoutSeconds')),
          table: wantsTable(accept),
        };
        watches.add(res);
        res.once('close', () => watches.delete(res));
        serveWatch(api, opts, res);
        return 200;
      }
      case 'list': {
        const limit = q.get('limit');
        const result = api.list(type, version, route.namespace, {
          labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector'),
          ...(limit === null ? {} : { limit: Number(limit) }), continueToken: q.get('continue'),
        });
        if (wantsTable(accept)) {
          const table = toTable(type, version, result.items, result.resourceVersion, { includeObject: q.get('includeObject') ?? 'Metadata' });
          if (result.continueToken !== undefined) (table.metadata as JsonObject).continue = result.continueToken;
          sendJson(res, 200, table);
          return 200;
        }
        sendJson(res, 200, {
          apiVersion: type.group === '' ? version : `${type.group}/${version}`, kind: type.listKind,
          metadata: {
            resourceVersion: result.resourceVersion,
            ...(result.continueToken === undefined ? {} : { continue: result.continueToken, remainingItemCount: result.remainingItemCount! }),
          },
          items: result.items,
        });
        return 200;
      }
      case 'get': {
        if (sub === 'log') return serveLog(res, url, type, version, ns, route.name!);
        const obj = api.get(type, version, ns, route.name!);
        if (wantsTable(accept)) sendJson(res, 200, toTable(type, version, [obj], String((obj.metadata as JsonObject).resourceVersion), { includeObject: q.get('includeObject') ?? 'Metadata' }));
        else sendJson(res, 200, obj);
        return 200;
      }
      case 'create': {
        const body = parseBody(await readBody(req), req.headers['content-type']);
        if (route.name !== undefined) {
          if (sub === 'eviction') return evict(res, type, version, ns, route.name, body, dryRun);
          if (sub === 'binding') return bind(res, type, version, ns, route.name, body);
          throw methodNotSupported(type, 'create');
        }
        if (type.namespaced && route.namespace === undefined) throw methodNotSupported(type, 'create');
        return sendWrite(res, await api.create(type, version, ns, body, writeOpts));
      }
      case 'update': {
        if (route.name === undefined) throw methodNotSupported(type, 'update');
        const body = parseBody(await readBody(req), req.headers['content-type']);
        return sendWrite(res, await api.update(type, version, ns, route.name, body, writeOpts));
      }
      case 'patch': {
        if (route.name === undefined) throw methodNotSupported(type, 'patch');
        const patchType = patchTypeOf(req.headers['content-type']);
        const text = await readBody(req);
        const body = patchType === 'apply' ? parseBody(text, 'application/yaml') : parseBody(text, 'application/json');
        return sendWrite(res, await api.patch(type, version, ns, route.name, patchType, body, writeOpts));
      }
      case 'delete': {
        const opts = deleteOptions(url, parseBody(await readBody(req), req.headers['content-type']), dryRun);
        const { object, pending } = await api.delete(type, version, ns, route.name!, opts);
        sendJson(res, pending ? 202 : 200, object);
        return pending ? 202 : 200;
      }
      case 'deletecollection': {
        const opts = deleteOptions(url, parseBody(await readBody(req), req.headers['content-type']), dryRun);
        const items = await api.deleteCollection(type, version, route.namespace, { labelSelector: q.get('labelSelector'), fieldSelector: q.get('fieldSelector') }, opts);
        sendJson(res, 200, { apiVersion: type.group === '' ? version : `${type.group}/${version}`, kind: type.listKind, metadata: { resourceVersion: String(store.resourceVersion) }, items });
        return 200;
      }
      default: throw methodNotSupported(type, verb);
    }
  }

  function sendWrite(res: ServerResponse, result: WriteResult): number {
    const code = result.created ? 201 : 200;
    sendJson(res, code, result.object, result.warnings);
    return code;
  }

  function deleteOptions(url: URL, body: unknown, dryRun: boolean): DeleteOptions {
    const q = url.searchParams;
    const b = isObject(body) ? body : {};
    const grace = q.get('gracePeriodSeconds') ?? (b.gracePeriodSeconds === undefined || b.gracePeriodSeconds === null ? null : String(b.gracePeriodSeconds));
    const policy = q.get('propagationPolicy') ?? (typeof b.propagationPolicy === 'string' ? b.propagationPolicy : null);
    if (policy !== null && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    const pre = isObject(b.preconditions) ? b.preconditions : undefined;
    return {
      dryRun: dryRun || (Array.isArray(b.dryRun) && b.dryRun.includes('All')),
      ...(grace === null ? {} : { gracePeriodSeconds: Number(grace) }),
      ...(policy === null ? {} : { propagationPolicy: policy as 'Orphan' | 'Background' | 'Foreground' }),
      ...(pre === undefined ? {} : {
        preconditions: {
          ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
          ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
        },
      }),
    };
  }

  /** The Eviction API: a graceful delete of the pod (no PodDisruptionBudgets are consulted). */
  async function evict(res: ServerResponse, type: ResourceType, version: string, ns: string, name: string, body: unknown, dryRun: boolean): Promise<number> {
    const b = isObject(body) ? body : {};
    const opts = deleteOptions(new URL('http://x/'), isObject(b.deleteOptions) ? b.deleteOptions : {}, dryRun);
    await api.delete(type, version, ns, name, opts);
    sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    return 201;
  }

  /** The Binding subresource: what a scheduler posts to assign a pod to a node. */
  async function bind(res: ServerResponse, type: ResourceType, version: string, ns: string, name: string, body: unknown): Promise<number> {
    const target = isObject(body) && isObject(body.target) ? body.target : undefined;
    if (target === undefined || typeof target.name !== 'string') throw badRequest('Binding target is required');
    const pod = api.get(type, version, ns, name);
    const spec = isObject(pod.spec) ? pod.spec : {};
    if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
      throw new KubeError({ ...badRequest('').status, code: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${spec.nodeName}"` });
    }
    spec.nodeName = target.name;
    pod.spec = spec;
    store.put(type, pod, 'MODIFIED');
    sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    return 201;
  }

  async function serveLog(res: ServerResponse, url: URL, type: ResourceType, version: string, ns: string, name: string): Promise<number> {
    const pod = api.get(type, version, ns, name);
    const spec = isObject(pod.spec) ? pod.spec : {};
    const names = (list: unknown): string[] => (Array.isArray(list) ? list.filter(isObject).map((c) => String(c.name)) : []);
    const containers = names(spec.containers);
    const inits = names(spec.initContainers);
    let container = url.searchParams.get('container') ?? '';
    if (container === '') {
      if (containers.length !== 1) {
        throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
      }
      container = containers[0]!;
    }
    if (!containers.includes(container) && !inits.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
    if (kubelet === undefined) {
      throw badRequest(`container "${container}" in pod "${name}" is waiting to start: kube-fake runs no kubelet (started with --no-kubelet)`);
    }
    const q = url.searchParams;
    const num = (k: string): number | undefined => (q.get(k) === null ? undefined : Number(q.get(k)));
    const sinceTime = q.get('sinceTime');
    const opts: PodLogOptions = {
      follow: boolParam(q.get('follow')),
      previous: boolParam(q.get('previous')),
      timestamps: boolParam(q.get('timestamps')),
      ...(sinceTime === null ? {} : { sinceTime: new Date(sinceTime) }),
      ...(num('sinceSeconds') === undefined ? {} : { sinceSeconds: num('sinceSeconds')! }),
      ...(num('tailLines') === undefined ? {} : { tailLines: num('tailLines')! }),
      ...(num('limitBytes') === undefined ? {} : { limitBytes: num('limitBytes')! }),
    };
    if (opts.previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    watches.add(res);
    res.once('close', () => watches.delete(res));
    await kubelet.serveLog(pod, container, opts, res);
    return 200;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.hostname === undefined || options.hostname === '0.0.0.0' || options.hostname === '::' ? '127.0.0.1' : options.hostname;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  address = `${host}:${port}`;
  if (options.kubelet !== undefined && options.kubelet !== false) {
    kubelet = await startKubelet(api, options.kubelet === true ? {} : options.kubelet, log);
    api.setPodTerminator(kubelet);
  }
  log.info({ url }, 'kube-fake listening');
  const token = options.token ?? 'kube-fake';
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    api,
    kubelet,
    kubeconfig: (opts) => renderKubeconfig(url, token, opts),
    writeKubeconfig(file, opts) {
      writeFileSync(file, renderKubeconfig(url, token, opts), { mode: 0o600 });
    },
    requests: () => recorded.slice(),
    clearRequests() {
      recorded.length = 0;
    },
    compact: () => store.compact(),
    closeWatches() {
      for (const w of watches) w.end();
    },
    close() {
      closing ??= (async () => {
        await kubelet?.close();
        for (const w of watches) w.end();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          for (const s of sockets) s.destroy();
        });
      })();
      return closing;
    },
  };
}


// ProwJobStore over upstream's ProwJob custom resources (prow.k8s.io/v1, in config's prowjob_namespace) with
// @kubernetes/client-node: get/list/create/replace/delete through CustomObjectsApi, watches through one
// reconnecting watch per consumer (resource-watch.ts), deck's paged queries from an informer over this store.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { PROWJOB_KIND, type ProwJob } from '../../api/prowjob.js';
import type { Logger } from '../../observability/logger.js';
import { createProwJobInformer, type ProwJobInformer } from '../informer.js';
import { createInformerQuery } from '../informer-query.js';
import {
  AlreadyExistsError,
  ConflictError,
  NotFoundError,
  type ListOptions,
  type ProwJobList,
  type ProwJobPage,
  type ProwJobQuery,
  type ProwJobStore,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../types.js';
import { apiStatusOf, KubeApiError } from '../../kube/client/api-error.js';
import {
  fromCustomResource,
  labelSelectorString,
  prowJobCollectionPath,
  PROWJOB_GROUP,
  PROWJOB_PLURAL,
  PROWJOB_VERSION,
  toCustomResource,
} from './prowjob-resource.js';
import { startResourceWatch, type ResourceWatch } from './resource-watch.js';

export interface KubernetesStoreOptions {
  /** The infrastructure cluster (its current context). */
  kubeconfig: KubeConfig;
  /** config's prowjob_namespace. */
  namespace: string;
  log: Logger;
  /** Items per list request (limit/continue); default 500, as client-go's pager. */
  pageSize?: number;
  /** How long the server keeps one watch request open (default 5–10 minutes, as client-go); the watch then resumes. */
  watchTimeoutSeconds?: number;
}

/** How many times an update without a resourceVersion re-reads after losing a race (client-go's DefaultRetry). */
const UNCONDITIONAL_ATTEMPTS = 5;

export class KubernetesProwJobStore implements ProwJobStore {
  readonly namespace: string;
  private readonly api: CustomObjectsApi;
  private readonly kubeconfig: KubeConfig;
  private readonly log: Logger;
  private readonly pageSize: number;
  private readonly watchTimeoutSeconds: number | undefined;
  private readonly watches = new Set<Watch>();
  /** Watches without a resourceVersion fetching where "now" is: this store's writes wait for them. */
  private readonly watchStarts = new Set<Promise<unknown>>();
  private queryInformer: { informer: ProwJobInformer; started: Promise<void> } | undefined;
  private closed = false;

  constructor(options: KubernetesStoreOptions) {
    this.kubeconfig = options.kubeconfig;
    this.namespace = options.namespace;
    this.log = options.log;
    this.pageSize = options.pageSize ?? 500;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds;
    this.api = options.kubeconfig.makeApiClient(CustomObjectsApi);
  }

  private target(): { group: string; version: string; namespace: string; plural: string } {
    return { group: PROWJOB_GROUP, version: PROWJOB_VERSION, namespace: this.namespace, plural: PROWJOB_PLURAL };
  }

  async getProwJob(name: string): Promise<ProwJob | undefined> {
    this.assertOpen();
    try {
      return fromCustomResource(await this.api.getNamespacedCustomObject({ ...this.target(), name }));
    } catch (err) {
      const status = apiStatusOf(err);
      if (status?.code === 404 && this.isObjectNotFound(status, name)) return undefined;
      throw this.failure(`get prowjob ${name}`, err);
    }
  }

  /** Every page of a chunked list (limit/continue); the first page's resourceVersion is the snapshot's. */
  async listProwJobs(options: ListOptions = {}): Promise<ProwJobList> {
    this.assertOpen();
    const labelSelector = labelSelectorString(options.labels);
    for (let attempt = 0; ; attempt++) {
      const items: ProwJob[] = [];
      let resourceVersion: string | undefined;
      let _continue: string | undefined;
      try {
        do {
          const page = (await this.api.listNamespacedCustomObject({
            ...this.target(),
            limit: this.pageSize,
            ...(labelSelector ? { labelSelector } : {}),
            ...(_continue ? { _continue } : {}),
          })) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
          resourceVersion ??= page.metadata?.resourceVersion;
          for (const item of page.items ?? []) items.push(fromCustomResource(item));
          _continue = page.metadata?.continue || undefined;
        } while (_continue);
      } catch (err) {
        // The snapshot behind a continue token was compacted away: list again from the start, as client-go's pager.
        if (apiStatusOf(err)?.code === 410 && _continue && attempt < 3) continue;
        throw this.failure('list prowjobs', err);
      }
      if (!resourceVersion) throw new KubeApiError('list prowjobs', { code: 200, reason: 'BadResponse', message: 'the list carried no resourceVersion' });
      items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
      return { items, resourceVersion };
    }
  }

  async createProwJob(pj: ProwJob): Promise<ProwJob> {
    this.assertOpen();
    const name = pj.metadata?.name;
    if (!name) throw new Error('createProwJob: metadata.name is required');
    const body = this.bodyOf(pj);
    delete (body['metadata'] as Record<string, unknown>)['resourceVersion'];
    await this.afterWatchStarts();
    try {
      return fromCustomResource(await this.api.createNamespacedCustomObject({ ...this.target(), body }));
    } catch (err) {
      const status = apiStatusOf(err);
      if (status?.code === 409 && status.reason === 'AlreadyExists') throw new AlreadyExistsError(PROWJOB_KIND, name);
      throw this.failure(`create prowjob ${name}`, err);
    }
  }

  /**
   * PUT with the given resourceVersion (409 → ConflictError). Without one the update is unconditional, as the
   * contract says; the API server refuses an unconditional PUT of a custom resource, so it is done as
   * read-current-then-PUT, again on a lost race.
   */
  async updateProwJob(pj: ProwJob): Promise<ProwJob> {
    this.assertOpen();
    const name = pj.metadata?.name;
    if (!name) throw new Error('updateProwJob: metadata.name is required');
    const given = pj.metadata.resourceVersion;
    await this.afterWatchStarts();
    if (given) return this.replace(name, this.bodyOf(pj), given);
    for (let attempt = 1; ; attempt++) {
      const current = await this.getProwJob(name);
      if (!current) throw new NotFoundError(PROWJOB_KIND, name);
      const body = this.bodyOf(pj);
      (body['metadata'] as Record<string, unknown>)['resourceVersion'] = current.metadata.resourceVersion;
      try {
        return await this.replace(name, body, current.metadata.resourceVersion);
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= UNCONDITIONAL_ATTEMPTS) throw err;
      }
    }
  }

  async deleteProwJob(name: string): Promise<void> {
    this.assertOpen();
    await this.afterWatchStarts();
    try {
      await this.api.deleteNamespacedCustomObject({ ...this.target(), name });
    } catch (err) {
      const status = apiStatusOf(err);
      if (status?.code === 404 && this.isObjectNotFound(status, name)) throw new NotFoundError(PROWJOB_KIND, name);
      throw this.failure(`delete prowjob ${name}`, err);
    }
  }

  watchProwJobs(options: WatchOptions, onEvent: (event: WatchEvent) => void): Watch {
    this.assertOpen();
    let inner: ResourceWatch | undefined;
    let closed = false;
    const handle: Watch = {
      close: () => {
        closed = true;
        inner?.close();
        this.watches.delete(handle);
      },
    };
    this.watches.add(handle);
    const begin = (resourceVersion: string): void => {
      if (closed) return;
      inner = startResourceWatch({
        kubeconfig: this.kubeconfig,
        path: prowJobCollectionPath(this.namespace),
        resourceVersion,
        ...(this.watchTimeoutSeconds !== undefined ? { timeoutSeconds: this.watchTimeoutSeconds } : {}),
        ...(options.labels && Object.keys(options.labels).length > 0 ? { labelSelector: labelSelectorString(options.labels)! } : {}),
        log: this.log,
        onEvent: (type, object) => {
          if (closed) return;
          if (type === 'BOOKMARK') {
            if (options.allowBookmarks && object.metadata?.resourceVersion) onEvent({ type: 'bookmark', resourceVersion: object.metadata.resourceVersion });
            return;
          }
          const kind = type === 'ADDED' ? 'added' : type === 'MODIFIED' ? 'modified' : 'deleted';
          onEvent({ type: kind, prowjob: fromCustomResource(object) });
        },
        onExpired: () => {
          if (!closed) onEvent({ type: 'expired' });
        },
      });
    };
    if (options.resourceVersion) {
      begin(options.resourceVersion);
    } else {
      // A Kubernetes watch without a resourceVersion first replays every object as ADDED; the contract's is
      // "changes from now", so start from the current resourceVersion (a one-item list) instead. This store's
      // own writes wait for that read, so a write issued after this call is always seen.
      const start = this.api.listNamespacedCustomObject({ ...this.target(), limit: 1 }).then(
        (list) => begin(String((list as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ?? '')),
        (err: unknown) => {
          this.log.error({ err }, 'watch: cannot read the current resourceVersion');
          if (!closed) onEvent({ type: 'expired' });
        },
      );
      this.watchStarts.add(start);
      void start.finally(() => this.watchStarts.delete(start));
    }
    return handle;
  }

  /** From an informer over this store, started at the first query or syncQueries (kept up to date from then on). */
  async queryProwJobs(query?: ProwJobQuery): Promise<ProwJobPage> {
    const informer = await this.syncQueries();
    return createInformerQuery(informer)(query);
  }

  /** Starts the informer queries read (if not yet) and resolves once it holds the first list. */
  async syncQueries(): Promise<ProwJobInformer> {
    this.assertOpen();
    if (!this.queryInformer) {
      const informer = createProwJobInformer(this, { log: this.log.child({ informer: 'query' }) });
      this.queryInformer = { informer, started: informer.start() };
    }
    const current = this.queryInformer;
    try {
      await current.started;
    } catch (err) {
      current.informer.close();
      if (this.queryInformer === current) this.queryInformer = undefined;
      throw err;
    }
    return current.informer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queryInformer?.informer.close();
    for (const watch of [...this.watches]) watch.close();
  }

  private async replace(name: string, body: Record<string, unknown>, resourceVersion: string | undefined): Promise<ProwJob> {
    try {
      return fromCustomResource(await this.api.replaceNamespacedCustomObject({ ...this.target(), name, body }));
    } catch (err) {
      const status = apiStatusOf(err);
      if (status?.code === 409) throw new ConflictError(PROWJOB_KIND, name, resourceVersion);
      if (status?.code === 404 && this.isObjectNotFound(status, name)) throw new NotFoundError(PROWJOB_KIND, name);
      throw this.failure(`update prowjob ${name}`, err);
    }
  }

  /** The request body; metadata.namespace must be this store's (a namespaced client, as upstream's). */
  private bodyOf(pj: ProwJob): Record<string, unknown> {
    const ns = pj.metadata.namespace;
    if (ns && ns !== this.namespace) {
      throw new Error(`prowjob ${pj.metadata.name}: metadata.namespace ${JSON.stringify(ns)} is not the prowjob_namespace ${JSON.stringify(this.namespace)}`);
    }
    const body = toCustomResource(pj);
    (body['metadata'] as Record<string, unknown>)['namespace'] = this.namespace;
    return body;
  }

  /** A 404 for the object itself, not for the whole resource (the CRD not installed). */
  private isObjectNotFound(status: { message: string; details?: { name?: string } }, name: string): boolean {
    if (status.details?.name !== undefined) return status.details.name === name;
    return !/could not find the requested resource/.test(status.message);
  }

  /** The server's Status says all there is: the client's exception (headers and the body again) is not kept. */
  private failure(call: string, err: unknown): Error {
    const status = apiStatusOf(err);
    if (!status) return err instanceof Error ? new Error(`${call}: ${err.message}`, { cause: err }) : new Error(`${call}: ${String(err)}`);
    if (status.code === 404) {
      return new KubeApiError(call, {
        ...status,
        message: `${status.message} (is the ProwJob CRD ${PROWJOB_PLURAL}.${PROWJOB_GROUP} installed? kubectl apply --server-side -f deploy/prowjob-crd.yaml)`,
      });
    }
    return new KubeApiError(call, status);
  }

  private async afterWatchStarts(): Promise<void> {
    if (this.watchStarts.size > 0) await Promise.allSettled([...this.watchStarts]);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the Kubernetes ProwJob store (namespace ${this.namespace}) is closed`);
  }
}

export function openKubernetesStore(options: KubernetesStoreOptions): KubernetesProwJobStore {
  return new KubernetesProwJobStore(options);
}

// One logical watch over a Kubernetes collection from a resourceVersion, as client-go's reflector keeps one:
// each HTTP watch ends (server timeout, idle timeout, a dropped connection) and the next picks up from the
// last resourceVersion seen (an event's or a bookmark's); 410 Gone, as an ERROR event or an HTTP status,
// ends it for good (the consumer lists again). tools/cache/reflector.go
import { Watch as KubeWatch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../observability/logger.js';
import { apiStatusOf, apiStatusOfObject } from '../../kube/client/api-error.js';

export type ResourceEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface ResourceWatchOptions {
  kubeconfig: KubeConfig;
  /** The collection path, e.g. /apis/prow.k8s.io/v1/namespaces/default/prowjobs */
  path: string;
  resourceVersion: string;
  labelSelector?: string;
  /** Server-side length of one watch request (default 5–10 minutes, randomised as client-go's). */
  timeoutSeconds?: number;
  log: Logger;
  /** Called in stream order; `object` is the raw object (a bookmark's carries only its resourceVersion). */
  onEvent(type: ResourceEventType, object: { metadata?: { resourceVersion?: string } }): void;
  /** The resourceVersion is too old for the server (410): the watch has ended. */
  onExpired(): void;
}

export interface ResourceWatch {
  close(): void;
}

const MAX_BACKOFF_MS = 30_000;

export function startResourceWatch(options: ResourceWatchOptions): ResourceWatch {
  const { log } = options;
  let rv = options.resourceVersion;
  let closed = false;
  let abort: AbortController | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let backoffMs = 250;

  function deliver(type: ResourceEventType, object: { metadata?: { resourceVersion?: string } }): void {
    try {
      options.onEvent(type, object);
    } catch (err) {
      log.error({ err, watch_event: type }, 'watch handler threw');
    }
  }

  function expire(): void {
    if (closed) return;
    closed = true;
    abort?.abort();
    log.info({ resource_version: rv }, 'watch expired (410 Gone)');
    options.onExpired();
  }

  function reconnect(delayMs: number): void {
    if (closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delayMs);
  }

  async function connect(): Promise<void> {
    if (closed) return;
    let gone = false;
    let progressed = false;
    // client-go asks for 5–10 minutes so that watches of many clients do not all end at once.
    const timeoutSeconds = options.timeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    const query: Record<string, string | number | boolean | undefined> = {
      resourceVersion: rv,
      allowWatchBookmarks: true,
      timeoutSeconds,
      labelSelector: options.labelSelector,
    };
    const done = (err: unknown): void => {
      abort = undefined;
      if (closed) return;
      if (gone || apiStatusOf(err)?.code === 410) {
        expire();
        return;
      }
      if (progressed) backoffMs = 250;
      if (err && !(err instanceof Error && err.name === 'TimeoutError')) {
        log.warn({ err, resource_version: rv, retry_ms: backoffMs }, 'watch connection failed');
        reconnect(backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        return;
      }
      reconnect(0); // an ordinary end (server timeout or an idle connection): carry on from rv
    };
    try {
      const controller = await new KubeWatch(options.kubeconfig).watch(options.path, query, (type: string, object: unknown) => {
        if (closed || gone) return;
        const obj = (object ?? {}) as { metadata?: { resourceVersion?: string } };
        switch (type) {
          case 'ADDED':
          case 'MODIFIED':
          case 'DELETED':
          case 'BOOKMARK': {
            progressed = true;
            const next = obj.metadata?.resourceVersion;
            if (next) rv = next;
            deliver(type, obj);
            return;
          }
          case 'ERROR': {
            const status = apiStatusOfObject(object);
            if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') gone = true;
            else log.warn({ code: status.code, reason: status.reason, message: status.message }, 'watch error event');
            return;
          }
          default:
            log.warn({ watch_event: type }, 'unknown watch event type');
        }
      }, done);
      if (closed) controller.abort();
      else abort = controller;
    } catch (err) {
      done(err);
    }
  }

  void connect();
  return {
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      abort?.abort();
    },
  };
}

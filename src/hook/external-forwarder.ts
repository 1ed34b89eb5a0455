// Durable external-plugin forwarding. Upstream (pkg/hook/server.go demuxExternal) forwards in memory: a
// plugin that is down for longer than five quick retries, or a hook restart, loses the event. Here each
// (delivery, external plugin) pair is a row in its own DeliveryQueue, written BEFORE GitHub hears 200, and
// a small loop posts it: a connection error or a 5xx is retried with exponential backoff (the row survives
// a restart); a 2xx completes it; any other status is logged and dropped, as upstream would not retry it.
// The forward is re-signed with the hook's HMAC token for the repo (X-Hub-Signature-256 and X-Hub-Signature),
// so an external plugin that shares hook's secret verifies it as upstream's does.
import type { Logger } from '../observability/logger.js';
import type { DeliveryQueue, StoredDelivery } from '../store/types.js';
import { signPayload, signPayloadSha1 } from '../github/webhook-sign.js';
import { externalEndpoint, matchExternalPlugins, type ExternalPlugin, type ExternalPluginsConfig } from './external-plugins.js';
import { tokensFor, type SecretSource } from './secrets.js';
import type { Counter } from 'prom-client';

export interface ExternalForwarderDeps {
  queue: DeliveryQueue;
  /** The current external_plugins section: an entry is looked up by name when its row is posted. */
  externalPlugins: () => ExternalPluginsConfig | undefined;
  secrets: SecretSource;
  log: Logger;
  fetch?: typeof fetch;
  /** Rows posted at once. Default 8. */
  concurrency?: number;
  /** How often to look for rows when nobody calls wake(). Default 500 ms. */
  pollIntervalMs?: number;
  /** Backoff before the n-th retry: base * 2^(n-1), capped. Defaults 1 s and 5 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Per POST. Default 60 s. */
  timeoutMs?: number;
  /** Ours: forwards by plugin and result (delivered, retried, dropped). */
  counter?: Counter<'plugin' | 'result'>;
}

export interface ExternalForwarder {
  /**
   * Queues one row per external plugin the delivery reaches (deduplicated: a redelivery adds nothing).
   * Throws when the queue cannot be written, so the intake answers 500 and GitHub redelivers.
   */
  enqueue(delivery: { id: string; event: string; payload: string; receivedAt: string; orderKey?: string }, fullName: string): Promise<number>;
  start(): Promise<void>;
  wake(): void;
  /** Resolves when nothing is in flight and nothing is ready to post (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Row ids are `<plugin name>/<X-GitHub-Delivery>`: plugin names are service names without a slash. */
export function forwardRowId(plugin: string, deliveryId: string): string {
  return `${plugin}/${deliveryId}`;
}

function splitRowId(id: string): { plugin: string; deliveryId: string } {
  const i = id.indexOf('/');
  return { plugin: id.slice(0, i), deliveryId: id.slice(i + 1) };
}

function scopeOf(payload: string): string {
  try {
    const body = JSON.parse(payload) as { repository?: { full_name?: unknown } };
    return typeof body.repository?.full_name === 'string' ? body.repository.full_name : '';
  } catch {
    return '';
  }
}

type Outcome = { kind: 'done' } | { kind: 'retry'; error: string } | { kind: 'drop'; error: string };

export function createExternalForwarder(deps: ExternalForwarderDeps): ExternalForwarder {
  const {
    queue, log, fetch: doFetch = fetch, concurrency = 8, pollIntervalMs = 500,
    retryBaseMs = 1000, retryMaxMs = 5 * 60_000, timeoutMs = 60_000,
  } = deps;
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  let wakeUp: (() => void) | undefined;
  let wakeRequested = false;
  let idleWaiters: (() => void)[] = [];
  let lastClaimEmpty = false;

  function find(plugin: string, fullName: string): ExternalPlugin | undefined {
    const config = deps.externalPlugins() ?? {};
    const org = fullName.split('/')[0] ?? '';
    return [...(config[fullName] ?? []), ...(config[org] ?? [])].find((p) => p?.name === plugin);
  }

  async function post(row: StoredDelivery): Promise<Outcome> {
    const { plugin: name, deliveryId } = splitRowId(row.id);
    const fullName = scopeOf(row.payload);
    const plugin = find(name, fullName);
    if (plugin === undefined) return { kind: 'drop', error: `external plugin ${name} is no longer configured for ${fullName}` };
    const token = tokensFor(deps.secrets(), fullName)[0];
    if (token === undefined) return { kind: 'drop', error: `no HMAC token for ${fullName} to sign the forward with` };
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'ProwHook',
      'x-github-event': row.event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signPayload(token, row.payload),
      'x-hub-signature': signPayloadSha1(token, row.payload),
    };
    const endpoint = externalEndpoint(plugin);
    let res: Response;
    try {
      res = await doFetch(endpoint, { method: 'POST', body: row.payload, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      return { kind: 'retry', error: `POST ${endpoint}: ${(cause ?? (err as Error)).message}` };
    }
    const text = (await res.text().catch(() => '')).slice(0, 500);
    if (res.status >= 200 && res.status <= 299) return { kind: 'done' };
    const error = `POST ${endpoint}: response has status ${res.status} and body ${JSON.stringify(text)}`;
    return res.status >= 500 ? { kind: 'retry', error } : { kind: 'drop', error };
  }

  async function handle(row: StoredDelivery): Promise<void> {
    const { plugin, deliveryId } = splitRowId(row.id);
    const l = log.child({ external_plugin: plugin, delivery: deliveryId, event: row.event, attempt: row.attempts });
    let outcome: Outcome;
    try {
      outcome = await post(row);
    } catch (err) {
      outcome = { kind: 'retry', error: (err as Error).message };
    }
    try {
      if (outcome.kind === 'retry') {
        const delay = Math.min(retryBaseMs * 2 ** Math.max(0, row.attempts - 1), retryMaxMs);
        await queue.retryDelivery(row.id, outcome.error, new Date(Date.now() + delay).toISOString());
        l.warn({ err: outcome.error, retry_in_ms: delay }, 'error dispatching event to external plugin: will retry');
      } else {
        await queue.completeDelivery(row.id);
        if (outcome.kind === 'done') l.info('dispatched event to external plugin');
        else l.error({ err: outcome.error }, 'error dispatching event to external plugin: dropped');
      }
      deps.counter?.inc({ plugin, result: outcome.kind === 'done' ? 'delivered' : outcome.kind === 'retry' ? 'retried' : 'dropped' });
    } catch (err) {
      l.error({ err }, 'external plugin queue write failed');
    }
  }

  function settleIdle(): void {
    if (inFlight.size > 0 || !lastClaimEmpty) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function wake(): void {
    wakeRequested = true;
    wakeUp?.();
  }

  async function run(): Promise<void> {
    while (running) {
      wakeRequested = false;
      const room = concurrency - inFlight.size;
      let rows: StoredDelivery[] = [];
      if (room > 0) {
        try {
          rows = await queue.claimDeliveries(room);
        } catch (err) {
          log.error({ err }, 'external plugin queue claim failed');
        }
      }
      lastClaimEmpty = rows.length === 0;
      for (const row of rows) {
        const p: Promise<void> = handle(row).finally(() => {
          inFlight.delete(p);
          wake();
          settleIdle();
        });
        inFlight.add(p);
      }
      settleIdle();
      if (rows.length > 0 && inFlight.size < concurrency) continue;
      if (wakeRequested) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  }

  return {
    async enqueue(delivery, fullName) {
      const matching = matchExternalPlugins(deps.externalPlugins(), delivery.event, fullName);
      for (const p of matching) {
        await queue.enqueueDelivery({
          id: forwardRowId(p.name, delivery.id),
          event: delivery.event,
          payload: delivery.payload,
          receivedAt: delivery.receivedAt,
          // One plugin sees one issue's events in order; other issues and plugins are not held up.
          orderKey: `${p.name}/${delivery.orderKey ?? delivery.id}`,
        });
      }
      if (matching.length > 0) wake();
      return matching.length;
    },
    async start() {
      const requeued = await queue.requeueClaimedDeliveries();
      if (requeued > 0) log.info({ requeued }, 'external plugin forwards left in flight by a stopped hook are queued again');
      running = true;
      loop = run();
    },
    wake,
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      });
    },
    async close() {
      running = false;
      wakeUp?.();
      await loop;
      await Promise.allSettled([...inFlight]);
      for (const w of idleWaiters) w();
      idleWaiters = [];
    },
  };
}

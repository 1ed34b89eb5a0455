// External plugins (reference/hook-plugins-spec.md §1.8, upstream pkg/hook/server.go demuxExternal):
// HTTP services configured under plugins.yaml `external_plugins` that receive the original webhook,
// body and headers unchanged (they re-validate the HMAC themselves), with `User-Agent: ProwHook`.
// Only transport errors are retried (5 attempts, 100 ms doubling); a non-2xx answer is logged, not retried.
import type { Logger } from '../observability/logger.js';

export interface ExternalPlugin {
  name: string;
  /** Defaults to `http://<name>`. */
  endpoint?: string;
  /** X-GitHub-Event values; empty or absent means every event. */
  events?: string[];
}

/** plugins.yaml `external_plugins`: "org" or "org/repo" → plugins. */
export type ExternalPluginsConfig = Record<string, ExternalPlugin[] | undefined>;

export function externalEndpoint(p: ExternalPlugin): string {
  return p.endpoint !== undefined && p.endpoint !== '' ? p.endpoint : `http://${p.name}`;
}

/**
 * The external plugins an event reaches: every entry under the event's `org` and `org/repo` whose events
 * list is empty or names the event. `fullName` is `repository.full_name`; "" (org-level events) matches none.
 */
export function matchExternalPlugins(
  config: ExternalPluginsConfig | undefined,
  eventType: string,
  fullName: string,
): ExternalPlugin[] {
  if (config === undefined || fullName === '') return [];
  const org = fullName.split('/')[0] ?? '';
  const out: ExternalPlugin[] = [];
  for (const key of [org, fullName]) {
    if (key === org && key === fullName) continue;
    for (const p of config[key] ?? []) {
      if (p.events === undefined || p.events.length === 0 || p.events.includes(eventType)) out.push(p);
    }
  }
  return out;
}

/** A non-2xx answer from an external plugin (not retried). */
export class ExternalPluginError extends Error {
  override readonly name = 'ExternalPluginError';
  constructor(
    readonly plugin: string,
    readonly status: number,
    body: string,
  ) {
    super(`external plugin ${plugin}: response has status ${status} and body ${JSON.stringify(body.slice(0, 500))}`);
  }
}

export interface ExternalDispatchOptions {
  fetch?: typeof fetch;
  attempts?: number;
  baseDelayMs?: number;
  /** Per attempt. */
  timeoutMs?: number;
}

/** The headers forwarded: the webhook's own (lower-cased names), with User-Agent replaced. */
export function forwardHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    // Hop-by-hop and length headers belong to the original connection, not to ours.
    if (key === 'host' || key === 'content-length' || key === 'connection' || key === 'transfer-encoding') continue;
    out[key] = v;
  }
  out['user-agent'] = 'ProwHook';
  return out;
}

export async function dispatchExternal(
  plugin: ExternalPlugin,
  body: string,
  headers: Record<string, string>,
  options: ExternalDispatchOptions = {},
): Promise<void> {
  const { fetch: doFetch = fetch, attempts = 5, baseDelayMs = 100, timeoutMs = 60_000 } = options;
  const endpoint = externalEndpoint(plugin);
  const sent = forwardHeaders(headers);
  let delay = baseDelayMs;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await doFetch(endpoint, { method: 'POST', body, headers: sent, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if (attempt >= attempts) throw new Error(`external plugin ${plugin.name}: POST ${endpoint} failed`, { cause: err });
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
      continue;
    }
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new ExternalPluginError(plugin.name, res.status, text);
    return;
  }
}

/** Forwards to every matching plugin concurrently; failures are logged per plugin and never thrown. */
export async function demuxExternal(
  plugins: ExternalPlugin[],
  body: string,
  headers: Record<string, string>,
  log: Logger,
  options?: ExternalDispatchOptions,
): Promise<void> {
  await Promise.all(
    plugins.map(async (p) => {
      try {
        await dispatchExternal(p, body, headers, options);
        log.info({ external_plugin: p.name }, 'dispatched event to external plugin');
      } catch (err) {
        log.error({ err, external_plugin: p.name }, 'error dispatching event to external plugin');
      }
    }),
  );
}

// Runs plugin test cases through the real hook: a signed webhook over HTTP into startHookServer (durable
// intake, dispatcher, the registry's plugins enabled by plugins.yaml through the real loader), the real
// Octokit client against the fake GitHub. Each send uses a fresh delivery id, as a second delivery of the
// same event would arrive.
import assert from 'node:assert/strict';
import type { Config, ConfigSnapshot, PluginsConfig } from '../../../src/config/types.js';
import { staticSecretSource } from '../../../src/hook/secrets.js';
import { startHookServer, type HookServer, type HookServerDeps } from '../../../src/hook/server.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { builtinPlugins } from '../../../src/plugins/registry.js';
import { webhookHeaders } from '../../hook/support/helpers.js';
import { configFrom, pluginsConfigFrom, snapshotOf } from '../../support/config.js';
import type { World } from '../../support/world.js';
import type { Delivery } from './fixtures.js';

const SECRET = 'through-hook-secret';

export interface HookRig {
  server: HookServer;
  /** Enables `plugins` for `org` with further plugins.yaml text (`yaml`, top-level sections). */
  configure(plugins: readonly string[], yaml?: string, config?: Config): void;
  /** Posts the delivery (fresh id), waits until handled; fails when a plugin failed. */
  send(d: Delivery): Promise<void>;
  close(): Promise<void>;
}

export async function startHookRig(w: World, extra: Partial<HookServerDeps> = {}): Promise<HookRig> {
  let snapshot: ConfigSnapshot = snapshotOf(configFrom(), pluginsConfigFrom());
  const server = await startHookServer({
    port: 0, hostname: '127.0.0.1', store: w.store, jobs: w.store, snapshot: () => snapshot, github: w.client, plugins: builtinPlugins,
    log: createSilentLogger(), secrets: staticSecretSource(SECRET), owners: w.owners, pollIntervalMs: 10, retryBaseMs: 10, ...extra,
  });
  let seq = 0;
  const errors = async (): Promise<number> => (await server.metrics.pluginHandleErrors.get()).values.reduce((n, v) => n + v.value, 0);
  return {
    server,
    configure(plugins, yaml = '', config = configFrom()) {
      const pc: PluginsConfig = pluginsConfigFrom(`plugins:\n  org:\n    plugins: [${plugins.join(', ')}]\n${yaml}`);
      snapshot = snapshotOf(config, pc);
    },
    async send(d) {
      const id = `${d.id}-hook-${++seq}`;
      const before = await errors();
      const body = JSON.stringify(d.payload);
      const res = await fetch(`${server.url}/hook`, { method: 'POST', headers: webhookHeaders(d.type, id, body, SECRET), body });
      assert.equal(res.status, 200, await res.text());
      await server.dispatcher.idle();
      assert.equal((await w.store.getDelivery(id))?.status, 'done', `delivery ${id} was handled`);
      assert.equal(await errors(), before, 'no plugin failed');
    },
    close: () => server.close(),
  };
}

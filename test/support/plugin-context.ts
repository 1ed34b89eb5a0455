// A PluginContext over a test world, built as the dispatcher builds one (src/hook/dispatcher.ts): the
// plugin's GitHub view over the real client, the SQLite store as the job creator, the world's OWNERS.
import type { ConfigSnapshot } from '../../src/config/types.js';
import { createSilentLogger, type Logger } from '../../src/observability/logger.js';
import { createPluginGitHubView, type GitHubMethod } from '../../src/plugins/github-view.js';
import type { PluginContext } from '../../src/plugins/types.js';
import type { Clock } from '../../src/api/clock.js';
import { snapshotFrom } from './config.js';
import type { World } from './world.js';

export const TEST_NOW = new Date('2026-11-27T12:00:00Z');

export interface PluginContextOptions {
  plugin: string;
  snapshot?: ConfigSnapshot;
  deliveryId?: string;
  /** PluginContext.redelivery; default false (a first delivery). */
  redelivery?: boolean;
  /** Default true: the world's OWNERS client. */
  withOwners?: boolean;
  log?: Logger;
  clock?: Clock;
  /** Every write the plugin made through ctx.github, by method name (what the dispatcher counts). */
  writes?: GitHubMethod[];
}

export function pluginContextFor(w: World, o: PluginContextOptions): PluginContext {
  return {
    github: createPluginGitHubView(w.client, { plugin: o.plugin, onWrite: (m) => o.writes?.push(m) }),
    snapshot: o.snapshot ?? snapshotFrom(),
    jobs: w.store,
    owners: (o.withOwners ?? true) ? w.owners : undefined,
    log: o.log ?? createSilentLogger(),
    deliveryId: o.deliveryId ?? 'test-delivery',
    redelivery: o.redelivery ?? false,
    clock: o.clock ?? { now: () => TEST_NOW },
  };
}

// Every example payload GitHub documents (@octokit/webhooks-examples: 58 events, 329 payloads), signed
// and posted to a running hook: each gets a 2xx, the dispatcher handles all of them without a plugin
// error, and the server stays healthy.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { staticSecretSource } from '../../src/hook/secrets.js';
import { startHookServer } from '../../src/hook/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import type { Plugin } from '../../src/plugins/types.js';
import type { PluginEvent } from '../../src/github/event-types.js';
import { noGitHub, snapshotFor, tempStore, webhookHeaders } from './support/helpers.js';
import { snapshotOf } from '../support/config.js';

interface ExampleSet {
  name: string;
  examples: Record<string, any>[];
}
const sets = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];

describe('webhooks-examples through the hook', () => {
  it('accepts and handles all 329 example deliveries', { timeout: 60_000 }, async (t) => {
    const seen = new Map<string, number>();
    const check = async (e: PluginEvent) => {
      // Touch the normalised fields every plugin relies on; a missing one would throw here.
      assert.equal(typeof e.org, 'string');
      assert.equal(typeof e.repo, 'string');
      assert.ok(e.org.length > 0 && e.repo.length > 0, `${e.eventType} ${e.deliveryId}: empty coordinates`);
      if (e.kind === 'genericComment') assert.equal(typeof e.body, 'string');
      seen.set(e.kind, (seen.get(e.kind) ?? 0) + 1);
    };
    const all: Plugin = {
      name: 'all',
      help: { description: 'handles every kind' },
      handlers: {
        genericComment: check, issue: check, issueComment: check, pullRequest: check,
        review: check, reviewComment: check, push: check, status: check,
      },
    };
    const orgs = new Set<string>();
    for (const set of sets) {
      for (const p of set.examples) {
        for (const o of [p.repository?.owner?.login, p.repository?.owner?.name, p.pull_request?.base?.repo?.owner?.login]) {
          if (typeof o === 'string') orgs.add(o);
        }
      }
    }
    const ts = tempStore();
    const server = await startHookServer({
      port: 0, healthPort: 0, hostname: '127.0.0.1', store: ts.store, jobs: ts.store,
      snapshot: () => snapshotFor(Object.fromEntries([...orgs].map((o) => [o, ['all']]))),
      github: noGitHub(), plugins: [all], log: createSilentLogger(),
      secrets: staticSecretSource("'*':\n  - value: examples-secret\n"), pollIntervalMs: 20,
    });
    t.after(async () => {
      await server.close();
      await ts.cleanup();
    });

    const ids: string[] = [];
    for (const set of sets) {
      for (const [i, p] of set.examples.entries()) {
        const id = `${set.name}-${i}`;
        const body = JSON.stringify(p);
        const res = await fetch(`${server.url}/hook`, {
          method: 'POST', headers: webhookHeaders(set.name, id, body, 'examples-secret'), body,
        });
        assert.ok(res.status >= 200 && res.status < 300, `${id}: ${res.status} ${await res.text()}`);
        ids.push(id);
      }
    }
    assert.equal(ids.length, 329);
    await server.dispatcher.idle();
    for (const id of ids) assert.equal((await ts.store.getDelivery(id))?.status, 'done', id);
    const errors = (await server.metrics.pluginHandleErrors.get()).values.reduce((a, v) => a + v.value, 0);
    assert.equal(errors, 0);
    assert.deepEqual(Object.fromEntries([...seen].sort()), {
      genericComment: 30, // issues opened/edited/deleted 8 + issue_comment 9 + pull_request opened 4 + reviews 4 + review comments 5
      issue: 29, issueComment: 9, pullRequest: 29, push: 7, review: 4, reviewComment: 5, status: 4,
    });
    const health = await fetch(`http://127.0.0.1:${server.healthPort}/healthz`);
    assert.equal(await health.text(), 'OK');
  });
});

describe('webhooks-examples with every built-in plugin', () => {
  it('handles all 329 examples with the real plugins against the fake GitHub, with no plugin crash', { timeout: 120_000 }, async (t) => {
    const { Writable } = await import('node:stream');
    const { join } = await import('node:path');
    const { createLogger } = await import('../../src/observability/logger.js');
    const { builtinPlugins } = await import('../../src/plugins/registry.js');
    const { startExamplesWorld } = await import('./support/examples-world.js');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    const log = createLogger({ destination: sink, level: 'warn' });
    const ts = tempStore();
    const world = await startExamplesWorld({ plugins: builtinPlugins, log, cacheDir: join(ts.dir, 'mirrors') });
    const server = await startHookServer({
      port: 0, healthPort: 0, hostname: '127.0.0.1', store: ts.store, jobs: ts.store,
      snapshot: () => snapshotOf(world.config, world.pluginConfig),
      github: world.github, owners: world.owners, plugins: builtinPlugins, log,
      secrets: staticSecretSource('examples-secret'), pollIntervalMs: 20, retryBaseMs: 10,
    });
    t.after(async () => {
      await server.close();
      await ts.cleanup();
      await world.close();
    });

    const ids: string[] = [];
    for (const set of sets) {
      for (const [i, p] of set.examples.entries()) {
        const id = `${set.name}-${i}`;
        const body = JSON.stringify(p);
        const res = await fetch(`${server.url}/hook`, { method: 'POST', headers: webhookHeaders(set.name, id, body, 'examples-secret'), body });
        assert.ok(res.status >= 200 && res.status < 300, `${id}: ${res.status}`);
        ids.push(id);
      }
    }
    const terminal = async () => {
      for (const id of ids) if (!['done', 'failed'].includes((await ts.store.getDelivery(id))?.status ?? '')) return false;
      return true;
    };
    const { waitFor } = await import('./support/helpers.js');
    await waitFor(terminal, 90_000, 'every delivery handled');
    assert.equal(await (await fetch(`http://127.0.0.1:${server.healthPort}/healthz`)).text(), 'OK');
    // A plugin bug (TypeError, ReferenceError, RangeError) on a real payload is a crash, not an answer.
    const crashes = lines
      .map((l) => JSON.parse(l) as { msg: string; plugin?: string; delivery?: string; err?: { type?: string; message?: string } })
      .filter((r) => r.msg === 'plugin handler failed' && ['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError'].includes(r.err?.type ?? ''))
      .map((r) => `${r.plugin} on ${r.delivery}: ${r.err?.type}: ${r.err?.message}`);
    assert.deepEqual([...new Set(crashes)], []);
  });
});

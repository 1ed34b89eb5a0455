import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { GitHubError } from '../../src/github/types.js';
import { createDispatcher, type DispatcherDeps } from '../../src/hook/dispatcher.js';
import type { ConfigSnapshot } from '../../src/config/types.js';
import { createHookMetrics } from '../../src/hook/metrics.js';
import { TransientError } from '../../src/hook/transient.js';
import { classifyRequest } from '../../src/github/scheduler/classify.js';
import { Lane } from '../../src/github/scheduler/lane.js';
import { GITHUB_SECONDARY_LIMITS } from '../../src/github/scheduler/options.js';
import { currentWriteWaitObserver } from '../../src/github/scheduler/wait-observer.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import type { Plugin } from '../../src/plugins/types.js';
import type { GenericCommentEvent, PluginEvent } from '../../src/github/event-types.js';
import { issueCommentPayload, noGitHub, snapshotFor, tempStore, waitFor } from './support/helpers.js';

let seq = 0;
async function enqueue(store: DispatcherDeps['store'], payload: Record<string, unknown>, event = 'issue_comment', id = `d${++seq}`): Promise<string> {
  const issue = payload.issue as { number: number } | undefined;
  const full = (payload.repository as { full_name: string }).full_name;
  await store.enqueueDelivery({
    id, event, payload: JSON.stringify(payload), receivedAt: new Date().toISOString(),
    orderKey: issue ? `${full}#${issue.number}` : full,
  });
  return id;
}

function setup(
  t: TestContext,
  plugins: Plugin[],
  snapshot: ConfigSnapshot,
  over: Partial<DispatcherDeps> = {},
  storeOptions: Parameters<typeof tempStore>[0] = {},
) {
  const ts = tempStore(storeOptions);
  const metrics = createHookMetrics();
  const dispatcher = createDispatcher({
    store: ts.store, jobs: ts.store, snapshot: () => snapshot, github: noGitHub(), plugins, log: createSilentLogger(), metrics,
    pollIntervalMs: 10, retryBaseMs: 5, ...over,
  });
  t.after(async () => {
    await dispatcher.close();
    await ts.cleanup();
  });
  return { ...ts, metrics, dispatcher };
}

function recorder(name: string, calls: string[], extra: Partial<Plugin['handlers']> = {}): Plugin {
  return {
    name,
    help: { description: `records ${name}` },
    handlers: {
      genericComment: async (e) => {
        calls.push(`${name}:${e.deliveryId}:${e.body}`);
      },
      ...extra,
    },
  };
}

describe('dispatcher', () => {
  it('runs typed and generic handlers of enabled plugins only (org list, excluded_repos, repo list)', async (t) => {
    const calls: string[] = [];
    const both: Plugin = {
      name: 'both',
      help: { description: 'x' },
      handlers: {
        issueComment: async (e) => void calls.push(`both:typed:${e.repo}`),
        genericComment: async (e) => void calls.push(`both:generic:${e.repo}`),
      },
    };
    const repoOnly = recorder('repo-only', calls);
    const off = recorder('off', calls);
    const snap = snapshotFor({ org: ['both'], 'org/special': ['repo-only'] });
    snap.plugins.plugins.org = { plugins: ['both'], excluded_repos: ['excluded'] };
    const { store, dispatcher } = setup(t, [both, repoOnly, off], snap);
    await enqueue(store, issueCommentPayload({ repo: 'org/repo' }));
    await enqueue(store, issueCommentPayload({ repo: 'org/excluded' }));
    await enqueue(store, issueCommentPayload({ repo: 'org/special', body: 'x' }));
    await dispatcher.start();
    await dispatcher.idle();
    assert.deepEqual(calls.sort(), [
      'both:generic:repo', 'both:generic:special', 'both:typed:repo', 'both:typed:special', `repo-only:d${seq}:x`,
    ].sort());
  });

  it('handles one order key in order and different keys concurrently', async (t) => {
    const log: string[] = [];
    let release2: () => void = () => undefined;
    const key2Started = new Promise<void>((r) => {
      release2 = r;
    });
    const plugin: Plugin = {
      name: 'order',
      help: { description: 'x' },
      handlers: {
        genericComment: async (e) => {
          log.push(`start ${e.number}:${e.body}`);
          if (e.number === 2) release2();
          // Key 1's first delivery only finishes once key 2 has started: proves concurrency across keys
          // (without it this test times out).
          if (e.number === 1 && e.body === 'a') await key2Started;
          await new Promise((r) => setTimeout(r, 5));
          log.push(`end ${e.number}:${e.body}`);
        },
      },
    };
    const { store, dispatcher } = setup(t, [plugin], snapshotFor({ org: ['order'] }));
    for (const body of ['a', 'b', 'c', 'd']) await enqueue(store, issueCommentPayload({ number: 1, body }));
    for (const body of ['a', 'b']) await enqueue(store, issueCommentPayload({ number: 2, body }));
    await dispatcher.start();
    await waitFor(() => log.filter((l) => l.startsWith('end')).length === 6, 5000, 'all handled');
    const key1 = log.filter((l) => l.includes(' 1:'));
    assert.deepEqual(key1, ['start 1:a', 'end 1:a', 'start 1:b', 'end 1:b', 'start 1:c', 'end 1:c', 'start 1:d', 'end 1:d']);
    assert.ok(log.indexOf('start 2:a') < log.indexOf('end 1:a'), 'key 2 ran while key 1 was in flight');
  });

  it('a failing plugin does not stop another, and the failure is counted', async (t) => {
    const calls: string[] = [];
    const bad: Plugin = {
      name: 'bad',
      help: { description: 'x' },
      handlers: { genericComment: async () => { throw new Error('boom'); } },
    };
    const syncBad: Plugin = {
      name: 'sync-bad',
      help: { description: 'x' },
      handlers: { genericComment: (() => { throw new Error('sync boom'); }) as unknown as (e: GenericCommentEvent) => Promise<void> },
    };
    const { store, dispatcher, metrics } = setup(t, [bad, syncBad, recorder('good', calls)], snapshotFor({ org: ['bad', 'sync-bad', 'good'] }));
    const id = await enqueue(store, issueCommentPayload({ body: '/x' }));
    await dispatcher.start();
    await dispatcher.idle();
    assert.deepEqual(calls, [`good:${id}:/x`]);
    const d = await store.getDelivery(id);
    assert.equal(d?.status, 'done', 'a non-transient error is not retried');
    assert.equal(d?.attempts, 1);
    const errors = (await metrics.pluginHandleErrors.get()).values;
    assert.deepEqual(
      errors.map((v) => [v.labels.plugin, v.labels.event_type, v.labels.action, v.labels.took_action, v.value]).sort(),
      [['bad', 'issue_comment', 'created', 'false', 1], ['sync-bad', 'issue_comment', 'created', 'false', 1]],
    );
    const durations = (await metrics.pluginHandleDuration.get()).values.filter((v) => v.metricName === 'prow_plugin_handle_duration_seconds_count');
    assert.equal(durations.length, 3, 'every plugin run is timed');
  });

  it('retries a transient GitHub error with backoff, re-running only the failed plugin', async (t) => {
    const calls: string[] = [];
    let flakyCalls = 0;
    const flaky: Plugin = {
      name: 'flaky',
      help: { description: 'x' },
      handlers: {
        genericComment: async () => {
          flakyCalls++;
          if (flakyCalls === 1) throw new GitHubError(502, 'POST', '/repos/org/repo/issues/1/labels', 'Bad Gateway');
          if (flakyCalls === 2) throw new Error('wrapped', { cause: new TransientError('secondary rate limit') });
        },
      },
    };
    const { store, dispatcher, metrics } = setup(t, [flaky, recorder('steady', calls)], snapshotFor({ org: ['flaky', 'steady'] }));
    const id = await enqueue(store, issueCommentPayload({}));
    await dispatcher.start();
    await waitFor(async () => (await store.getDelivery(id))?.status === 'done', 5000, 'delivery done');
    assert.equal(flakyCalls, 3);
    assert.equal(calls.length, 1, 'the plugin that succeeded ran once');
    const d = await store.getDelivery(id);
    assert.equal(d?.attempts, 3);
    assert.equal((await metrics.deliveryRetries.get()).values[0]?.value, 2);
  });

  it('tells plugins whether the delivery was handled before (ctx.redelivery from the claim count)', async (t) => {
    const seen: boolean[] = [];
    const once: Plugin = {
      name: 'once',
      help: { description: 'x' },
      handlers: {
        genericComment: async (_e, ctx) => {
          seen.push(ctx.redelivery);
          if (seen.length === 1) throw new GitHubError(502, 'POST', '/repos/org/repo/issues/1/comments', 'Bad Gateway');
        },
      },
    };
    const { store, dispatcher } = setup(t, [once], snapshotFor({ org: ['once'] }));
    const id = await enqueue(store, issueCommentPayload({}));
    await dispatcher.start();
    await waitFor(async () => (await store.getDelivery(id))?.status === 'done', 5000, 'delivery done');
    assert.deepEqual(seen, [false, true], 'first handling is not a redelivery; the retry is');
  });

  it('gives up after maxAttempts: the Store marks the delivery failed', async (t) => {
    let n = 0;
    const down: Plugin = {
      name: 'down',
      help: { description: 'x' },
      handlers: { genericComment: async () => { n++; throw new GitHubError(503, 'GET', '/x', 'unavailable'); } },
    };
    const { store, dispatcher } = setup(t, [down], snapshotFor({ org: ['down'] }), { maxAttempts: 3 }, { maxDeliveryAttempts: 3 });
    const id = await enqueue(store, issueCommentPayload({}));
    await dispatcher.start();
    await waitFor(async () => (await store.getDelivery(id))?.status === 'failed', 5000, 'delivery failed');
    assert.equal(n, 3);
    const d = await store.getDelivery(id);
    assert.equal(d?.attempts, 3);
    assert.match(d?.lastError ?? '', /down:genericComment/);
  });

  it('requeues deliveries left claimed by a crashed process at start-up', async (t) => {
    const calls: string[] = [];
    const { store, dispatcher } = setup(t, [recorder('r', calls)], snapshotFor({ org: ['r'] }));
    const id = await enqueue(store, issueCommentPayload({ body: 'left' }));
    const claimed = await store.claimDeliveries(10);
    assert.deepEqual(claimed.map((d) => d.id), [id]);
    assert.equal((await store.getDelivery(id))?.status, 'claimed');
    await dispatcher.start();
    await dispatcher.idle();
    assert.deepEqual(calls, [`r:${id}:left`]);
    assert.equal((await store.getDelivery(id))?.status, 'done');
  });

  it('completes deliveries nobody handles (unknown event, disabled repo, unusable payload)', async (t) => {
    const calls: PluginEvent[] = [];
    const p: Plugin = { name: 'p', help: { description: 'x' }, handlers: { genericComment: async (e) => void calls.push(e) } };
    const { store, dispatcher } = setup(t, [p], snapshotFor({ org: ['p'] }), { repoEnabled: (_o, r) => r !== 'off' });
    const ids = [
      await enqueue(store, { zen: 'hi', hook_id: 1, repository: { full_name: 'org/repo' } }, 'ping'),
      await enqueue(store, issueCommentPayload({ repo: 'org/off' })),
      await enqueue(store, { action: 'created', repository: { full_name: 'org/repo' } }, 'issue_comment'),
    ];
    await dispatcher.start();
    await dispatcher.idle();
    assert.equal(calls.length, 0);
    for (const id of ids) assert.equal((await store.getDelivery(id))?.status, 'done', id);
  });

  it('labels took_action by whether the handler wrote through the context', async (t) => {
    const writer: Plugin = {
      name: 'writer',
      help: { description: 'x' },
      handlers: { genericComment: async (e, ctx) => { await ctx.github.addLabel(e.org, e.repo, e.number, 'x'); } },
    };
    const reader: Plugin = {
      name: 'reader',
      help: { description: 'x' },
      handlers: { genericComment: async (e, ctx) => { await ctx.github.getIssue(e.org, e.repo, e.number); } },
    };
    const { store, dispatcher, metrics } = setup(t, [writer, reader], snapshotFor({ org: ['writer', 'reader'] }));
    await enqueue(store, issueCommentPayload({}));
    await dispatcher.start();
    await dispatcher.idle();
    // Both reach noGitHub(), which throws: so both are counted errors, labelled by what they attempted.
    const v = (await metrics.pluginHandleErrors.get()).values.map((x) => [x.labels.plugin, x.labels.took_action]).sort();
    assert.deepEqual(v, [['reader', 'false'], ['writer', 'true']]);
  });
});

describe('dispatcher failures outside plugins', () => {
  it('puts a delivery back when the config snapshot cannot be read, and handles it once it can', async (t) => {
    const calls: string[] = [];
    let broken = true;
    const snap = snapshotFor({ org: ['r'] });
    const { store, dispatcher } = setup(t, [recorder('r', calls)], snap, {
      snapshot: () => {
        if (broken) throw new Error('config unavailable');
        return snap;
      },
    });
    const id = await enqueue(store, issueCommentPayload({ body: 'later' }));
    await dispatcher.start();
    await waitFor(async () => (await store.getDelivery(id))?.lastError !== undefined, 5000, 'first attempt failed');
    assert.equal(calls.length, 0);
    assert.match((await store.getDelivery(id))?.lastError ?? '', /config unavailable/);
    broken = false;
    await waitFor(async () => (await store.getDelivery(id))?.status === 'done', 5000, 'handled after recovery');
    assert.deepEqual(calls, [`r:${id}:later`]);
  });
});

describe('dispatcher handler timeout', () => {
  it('counts a hung handler as failed so that its order key moves on', async (t) => {
    const calls: string[] = [];
    const hung: Plugin = {
      name: 'hung',
      help: { description: 'x' },
      handlers: { genericComment: (e) => (e.body === 'first' ? new Promise<void>(() => undefined) : Promise.resolve()) },
    };
    const { store, dispatcher, metrics } = setup(t, [hung, recorder('r', calls)], snapshotFor({ org: ['hung', 'r'] }), { handlerTimeoutMs: 50 });
    const first = await enqueue(store, issueCommentPayload({ number: 9, body: 'first' }));
    const second = await enqueue(store, issueCommentPayload({ number: 9, body: 'second' }));
    await dispatcher.start();
    await waitFor(async () => (await store.getDelivery(second))?.status === 'done', 5000, 'second delivery of the key');
    assert.equal((await store.getDelivery(first))?.status, 'done');
    assert.deepEqual(calls, [`r:${first}:first`, `r:${second}:second`]);
    const errors = (await metrics.pluginHandleErrors.get()).values.map((v) => [v.labels.plugin, v.value]);
    assert.deepEqual(errors, [['hung', 1]]);
  });
});

describe('dispatcher acks-first throttle', () => {
  it('handles at most busyConcurrency deliveries at once while the intake is busy, then speeds up', async (t) => {
    let busy = true;
    let running = 0;
    let maxBusy = 0;
    let maxIdle = 0;
    const p: Plugin = {
      name: 'count',
      help: { description: 'x' },
      handlers: {
        genericComment: async () => {
          running++;
          if (busy) maxBusy = Math.max(maxBusy, running);
          else maxIdle = Math.max(maxIdle, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
        },
      },
    };
    const { store, dispatcher } = setup(t, [p], snapshotFor({ org: ['count'] }), { isBusy: () => busy, busyConcurrency: 1, concurrency: 8 });
    const first: string[] = [];
    for (let i = 0; i < 4; i++) first.push(await enqueue(store, issueCommentPayload({ number: 100 + i })));
    await dispatcher.start();
    await waitFor(async () => (await store.getDelivery(first[3]!))?.status === 'done', 5000, 'busy batch');
    assert.equal(maxBusy, 1);
    busy = false;
    for (let i = 0; i < 6; i++) await enqueue(store, issueCommentPayload({ number: 200 + i }));
    dispatcher.wake();
    await dispatcher.idle();
    assert.ok(maxIdle > 1, `expected parallel handling once idle, saw ${maxIdle}`);
  });
});

describe('dispatcher and GitHub write slots', () => {
  it('a delivery waiting for a write slot does not hold the capacity another delivery needs', async (t) => {
    const lane = new Lane(
      { secondary: { ...GITHUB_SECONDARY_LIMITS, maxConcurrent: 1, readReserve: 0 }, bucket: undefined, spacing: undefined },
      { now: () => Date.now(), onSuperseded: () => undefined },
    );
    const label = classifyRequest('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', {});
    const held = lane.acquire(label) as { release(s: number, h: Record<string, unknown>): unknown };
    const calls: string[] = [];
    const plugin: Plugin = {
      name: 'p',
      help: { description: 'writes on "write", reads otherwise' },
      handlers: {
        genericComment: async (e) => {
          if (e.body !== 'write') return void calls.push('read-only done');
          // What the request hook does for a write: wait for the lane's slot with the delivery's observer.
          const slot = await lane.acquire(label, currentWriteWaitObserver());
          calls.push('write sent');
          (slot as { release(s: number, h: Record<string, unknown>): unknown }).release(200, {});
        },
      },
    };
    const { store, dispatcher } = setup(t, [plugin], snapshotFor({ org: ['p'] }), { concurrency: 1 });
    await enqueue(store, issueCommentPayload({ repo: 'org/repo', number: 1, body: 'write' }));
    await dispatcher.start();
    await waitFor(() => dispatcher.parked === 1, 5000, 'the writing delivery parks');
    await enqueue(store, issueCommentPayload({ repo: 'org/repo', number: 2, body: 'read' }));
    dispatcher.wake();
    await waitFor(() => calls.includes('read-only done'), 5000, 'the read-only delivery is handled while the write waits');
    assert.deepEqual(calls, ['read-only done']);
    held.release(200, {});
    await dispatcher.idle();
    assert.deepEqual(calls, ['read-only done', 'write sent']);
    assert.equal(dispatcher.parked, 0);
  });
});

import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { createHookApp } from '../../src/hook/app.js';
import type { ConfigSnapshot } from '../../src/config/types.js';
import { createHookMetrics } from '../../src/hook/metrics.js';
import { staticSecretSource } from '../../src/hook/secrets.js';
import { startHookServer, type HookServerDeps } from '../../src/hook/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import type { Plugin } from '../../src/plugins/types.js';
import type { Store } from '../../src/store/types.js';
import { rawPost } from '../support/raw-post.js';
import { issueCommentPayload, noGitHub, snapshotFor, tempStore, waitFor, webhookHeaders } from './support/helpers.js';

const SECRET = 'server-secret';

async function start(t: TestContext, plugins: Plugin[], snapshot: ConfigSnapshot, over: Partial<HookServerDeps> = {}) {
  const ts = tempStore();
  const server = await startHookServer({
    port: 0, healthPort: 0, metricsPort: 0, hostname: '127.0.0.1',
    store: ts.store, jobs: ts.store, snapshot: () => snapshot, github: noGitHub(), plugins, log: createSilentLogger(),
    secrets: staticSecretSource(SECRET), pollIntervalMs: 20, ...over,
  });
  t.after(async () => {
    await server.close();
    await ts.cleanup();
  });
  return { server, store: ts.store };
}

function post(url: string, event: string, id: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return fetch(`${url}/hook`, { method: 'POST', headers: webhookHeaders(event, id, body, SECRET), body });
}

describe('hook server', () => {
  it('acknowledges a redelivered id without handling it again', async (t) => {
    const seen: string[] = [];
    const p: Plugin = { name: 'rec', help: { description: 'x' }, handlers: { genericComment: async (e) => void seen.push(e.deliveryId) } };
    const { server, store } = await start(t, [p], snapshotFor({ org: ['rec'] }));
    const payload = issueCommentPayload({ body: '/hold' });
    const first = await post(server.url, 'issue_comment', 'same-id', payload);
    assert.equal(first.status, 200);
    assert.equal(await first.text(), 'Event received. Have a nice day.');
    await waitFor(async () => (await store.getDelivery('same-id'))?.status === 'done', 5000, 'first handled');
    const again = await post(server.url, 'issue_comment', 'same-id', payload);
    assert.equal(again.status, 200);
    assert.equal(await again.text(), 'Event received. Have a nice day.');
    await server.dispatcher.idle();
    assert.deepEqual(seen, ['same-id']);
  });

  it('answers 500 and acknowledges nothing when the delivery cannot be stored', async () => {
    const ts = tempStore();
    try {
      const failing = Object.create(ts.store) as Store;
      failing.enqueueDelivery = async () => {
        throw new Error('disk full');
      };
      const app = createHookApp({ store: failing, secrets: staticSecretSource(SECRET), log: createSilentLogger(), metrics: createHookMetrics() });
      const body = JSON.stringify(issueCommentPayload({}));
      const res = await app.request('/hook', { method: 'POST', headers: webhookHeaders('issue_comment', 'x1', body, SECRET), body });
      assert.equal(res.status, 500);
      assert.notEqual(await res.text(), 'Event received. Have a nice day.');
      assert.equal(await ts.store.getDelivery('x1'), undefined);
    } finally {
      await ts.cleanup();
    }
  });

  it('serves /plugin-help, /healthz, /healthz/ready, /metrics and 200 on other paths', async (t) => {
    const p: Plugin = {
      name: 'demo',
      help: {
        description: 'Demo plugin.',
        commands: [{ usage: '/demo', description: 'Demos.', whoCanUse: 'Anyone', examples: ['/demo'], featured: true }],
      },
      handlers: { genericComment: async () => undefined, push: async () => undefined },
    };
    const { server } = await start(t, [p], snapshotFor({ org: ['demo'], 'org/repo': [] }));
    const help = await fetch(`${server.url}/plugin-help`);
    assert.equal(help.status, 200);
    assert.equal(help.headers.get('cache-control'), 'no-cache');
    const json = (await help.json()) as Record<string, any>;
    assert.deepEqual(json.AllRepos, ['org', 'org/repo']);
    assert.deepEqual(json.RepoPlugins, { '': ['demo'], org: ['demo'], 'org/repo': [] });
    assert.deepEqual(json.PluginHelp.demo, {
      Description: 'Demo plugin.',
      Config: null,
      Events: ['push', 'GenericCommentEvent (any event for user text)'],
      Commands: [{ Usage: '/demo', Featured: true, Description: 'Demos.', Examples: ['/demo'], WhoCanUse: 'Anyone' }],
    });
    const badMethod = await fetch(`${server.url}/plugin-help`, { method: 'POST' });
    assert.equal(badMethod.status, 405);
    const other = await fetch(`${server.url}/anything`);
    assert.equal(other.status, 200);
    assert.equal(await other.text(), '');

    const base = 'http://127.0.0.1';
    assert.equal(await (await fetch(`${base}:${server.healthPort}/healthz`)).text(), 'OK');
    assert.equal((await fetch(`${base}:${server.healthPort}/healthz/ready`)).status, 200);
    await post(server.url, 'ping', 'm1', { zen: 'z', repository: { full_name: 'org/repo' } });
    await fetch(`${server.url}/hook`, { method: 'GET' });
    const metrics = await (await fetch(`${base}:${server.metricsPort}/metrics`)).text();
    assert.match(metrics, /prow_webhook_counter\{event_type="ping"\} 1/);
    assert.match(metrics, /prow_webhook_response_codes\{response_code="200"\} 1/);
    assert.match(metrics, /prow_webhook_response_codes\{response_code="405"\} 1/);
    assert.match(metrics, /# TYPE prow_plugin_handle_duration_seconds histogram/);
    assert.match(metrics, /# TYPE prow_plugin_handle_errors counter/);
  });

  it('forwards an unknown event to a matching external plugin only (S04)', async (t) => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const ext = createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: b });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => ext.listen(0, '127.0.0.1', r));
    t.after(() => new Promise<void>((r) => ext.close(() => r())));
    const endpoint = `http://127.0.0.1:${(ext.address() as AddressInfo).port}`;
    let internal = 0;
    const p: Plugin = { name: 'in', help: { description: 'x' }, handlers: { genericComment: async () => void internal++, issue: async () => void internal++ } };
    const snap = snapshotFor({ org: ['in'] }, {
      external_plugins: {
        org: [{ name: 'ext', endpoint, events: [] }],
        'org/other': [{ name: 'not-me', endpoint: 'http://127.0.0.1:1', events: [] }],
        'org/repo': [{ name: 'only-push', endpoint: 'http://127.0.0.1:1', events: ['push'] }],
      },
    });
    const { server } = await start(t, [p], snap);
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1, repository: { full_name: 'org/repo', name: 'repo', owner: { login: 'org' } } });
    const headers = webhookHeaders('ping', 'ext-1', body, SECRET);
    const res = await fetch(`${server.url}/hook`, { method: 'POST', headers, body });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Event received. Have a nice day.');
    await waitFor(() => received.length === 1, 5000, 'external delivery');
    const [got] = received;
    assert.equal(got?.body, body);
    assert.equal(got?.headers['x-hub-signature-256'], headers['X-Hub-Signature-256']);
    assert.equal(got?.headers['x-github-event'], 'ping');
    assert.equal(got?.headers['x-github-delivery'], 'ext-1');
    assert.equal(got?.headers['user-agent'], 'ProwHook');
    await server.dispatcher.idle();
    assert.equal(internal, 0);
  });

  it('close() waits for in-flight handlers', async (t) => {
    let finish: () => void = () => undefined;
    let started = false;
    let finished = false;
    const slow: Plugin = {
      name: 'slow',
      help: { description: 'x' },
      handlers: {
        genericComment: async () => {
          started = true;
          await new Promise<void>((r) => {
            finish = r;
          });
          finished = true;
        },
      },
    };
    const ts = tempStore();
    t.after(() => ts.cleanup());
    const server = await startHookServer({
      port: 0, hostname: '127.0.0.1', store: ts.store, jobs: ts.store, snapshot: () => snapshotFor({ org: ['slow'] }), github: noGitHub(),
      plugins: [slow], log: createSilentLogger(), secrets: staticSecretSource(SECRET), pollIntervalMs: 20,
    });
    await post(server.url, 'issue_comment', 'slow-1', issueCommentPayload({}));
    await waitFor(() => started, 5000, 'handler start');
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closed, false, 'close waits for the handler');
    finish();
    await closing;
    assert.equal(finished, true);
    assert.equal((await ts.store.getDelivery('slow-1'))?.status, 'done');
  });
});

describe('hook intake bound', () => {
  it('answers a chunked body over the limit with 413 and Connection: close, and drops the socket', async (t) => {
    const { server, store } = await start(t, [], snapshotFor({}));
    const headers = { ...webhookHeaders('issue_comment', 'big-1', '{}', SECRET) };
    // 30 MB in 64 KiB chunks, no Content-Length: over GitHub's 25 MB cap.
    const res = await rawPost(`${server.url}/hook`, { headers, chunks: 480 });
    assert.equal(res.status, 413, res.body);
    assert.equal(res.headers.connection, 'close');
    assert.ok(await res.closed, 'the server closes the socket it will not read further');
    assert.equal(await store.getDelivery('big-1'), undefined);
  });
});

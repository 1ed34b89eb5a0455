// Durable external-plugin forwarding: each (delivery, plugin) is a row in the external queue written before
// GitHub hears 200, re-signed with hook's HMAC, retried with backoff on connection errors and 5xx, dropped
// on 4xx, and still delivered after hook is SIGKILLed while the plugin is down.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { startHookServer } from '../../src/hook/server.js';
import { staticSecretSource } from '../../src/hook/secrets.js';
import { forwardRowId } from '../../src/hook/external-forwarder.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';
import { waitFor } from '../support/wait.js';
import { noGitHub, sign, snapshotFor, tempStore, webhookHeaders } from './support/helpers.js';

const SECRET = 'forward-secret';

interface Received { headers: IncomingHttpHeaders; body: string }

/** An external plugin that answers each POST with the next status of `statuses` (then 200). */
async function startPlugin(t: TestContext | undefined, statuses: number[] = [], port = 0): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: b });
      res.statusCode = statuses.shift() ?? 200;
      res.end(res.statusCode === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  t?.after(() => new Promise<void>((r) => server.close(() => r())));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function pingBody(repo = 'org/repo'): string {
  const [owner, name] = repo.split('/');
  return JSON.stringify({ zen: 'Design for failure.', hook_id: 1, repository: { full_name: repo, name, owner: { login: owner } } });
}

async function startHook(t: TestContext, endpoint: string) {
  const ts = tempStore();
  const ext = tempStore({ maxDeliveryAttempts: 10 });
  t.after(() => ts.cleanup());
  t.after(() => ext.cleanup());
  const server = await startHookServer({
    port: 0,
    hostname: '127.0.0.1',
    store: ts.store,
    externalQueue: ext.store,
    externalForwarder: { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 100 },
    jobs: ts.store,
    snapshot: () => snapshotFor({}, { external_plugins: { org: [{ name: 'ext', endpoint, events: [] }] } }),
    github: noGitHub(),
    plugins: [],
    log: createSilentLogger(),
    secrets: staticSecretSource(SECRET),
    pollIntervalMs: 20,
  });
  t.after(() => server.close());
  return { server, ext: ext.store };
}

describe('durable external-plugin forwarding', () => {
  it('forwards re-signed with the hook secret, retrying 5xx until the plugin answers 2xx', async (t) => {
    const plugin = await startPlugin(t, [503, 502]);
    const { server, ext } = await startHook(t, plugin.url);
    const body = pingBody();
    const res = await fetch(`${server.url}/hook`, { method: 'POST', headers: webhookHeaders('ping', 'fwd-1', body, SECRET), body });
    assert.equal(res.status, 200);
    await waitFor(async () => (await ext.getDelivery(forwardRowId('ext', 'fwd-1')))?.status === 'done', { timeoutMs: 60_000, message: 'forward done' });
    assert.equal(plugin.received.length, 3);
    const last = plugin.received[2]!;
    assert.equal(last.body, body);
    assert.equal(last.headers['x-github-event'], 'ping');
    assert.equal(last.headers['x-github-delivery'], 'fwd-1');
    assert.equal(last.headers['x-hub-signature-256'], sign(body, SECRET));
    assert.equal(last.headers['x-hub-signature'], sign(body, SECRET, 'sha1'));
    assert.equal(last.headers['user-agent'], 'ProwHook');
    const metrics = await server.metrics.registry.metrics();
    assert.match(metrics, /prow_hook_external_plugin_forwards\{plugin="ext",result="retried"\} 2/);
    assert.match(metrics, /prow_hook_external_plugin_forwards\{plugin="ext",result="delivered"\} 1/);
  });

  it('drops a forward the plugin answers with 4xx, and a redelivery adds no second forward', async (t) => {
    const plugin = await startPlugin(t, [400]);
    const { server, ext } = await startHook(t, plugin.url);
    const body = pingBody();
    const headers = webhookHeaders('ping', 'fwd-2', body, SECRET);
    assert.equal((await fetch(`${server.url}/hook`, { method: 'POST', headers, body })).status, 200);
    await waitFor(async () => (await ext.getDelivery(forwardRowId('ext', 'fwd-2')))?.status === 'done', { timeoutMs: 60_000, message: 'forward dropped' });
    assert.equal((await fetch(`${server.url}/hook`, { method: 'POST', headers, body })).status, 200);
    await server.externalForwarder!.idle();
    assert.equal(plugin.received.length, 1);
    assert.equal((await ext.getDelivery(forwardRowId('ext', 'fwd-2')))?.attempts, 1);
    assert.match(await server.metrics.registry.metrics(), /prow_hook_external_plugin_forwards\{plugin="ext",result="dropped"\} 1/);
  });
});

describe('prow hook killed while an external plugin is down', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-external-kill-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers the forward once the plugin is up after a restart', async (t) => {
    const pluginPort = await freePort();
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: prow\n');
    writeFileSync(join(dir, 'plugins.yaml'), `external_plugins:\n  org/repo:\n  - name: needs-rebase\n    endpoint: http://127.0.0.1:${pluginPort}\n    events: [ping]\n`);
    writeFileSync(join(dir, 'hmac'), `${SECRET}\n`);
    writeFileSync(join(dir, 'token'), 'token\n');
    const dataDir = join(dir, 'data');
    const start = async () => {
      const hookPort = await freePort();
      const cli = spawnCli(process.execPath, commandArgs('hook',
        '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'), '--hmac-secret-file', join(dir, 'hmac'),
        '--github-token-path', join(dir, 'token'), '--github-endpoint', 'http://127.0.0.1:9', '--port', String(hookPort),
        '--health-port', '0', '--metrics-port', '0', '--data-dir', dataDir), { name: 'hook' });
      t.after(() => cli.kill());
      await cli.waitForLog('hook serving', 60_000);
      return { cli, url: `http://127.0.0.1:${hookPort}` };
    };

    const first = await start();
    const body = pingBody();
    const res = await fetch(`${first.url}/hook`, { method: 'POST', headers: webhookHeaders('ping', 'kill-1', body, SECRET), body });
    assert.equal(res.status, 200);
    // The plugin is down: the forward fails and is waiting for its retry when hook dies.
    await first.cli.waitFor(/will retry/, 'a failed forward', 60_000);
    first.cli.child.kill('SIGKILL');
    await first.cli.exited();

    const plugin = await startPlugin(t, [], pluginPort);
    const second = await start();
    await second.cli.waitUntil(() => plugin.received.length > 0, 'the forward after the restart', 60_000);
    assert.equal(plugin.received[0]!.headers['x-github-delivery'], 'kill-1');
    assert.equal(plugin.received[0]!.headers['x-hub-signature-256'], sign(body, SECRET));
    assert.equal(plugin.received[0]!.body, body);
    assert.equal(await second.cli.stop(), 0);
    const queue = openSqliteStore(join(dataDir, 'external-plugins.db'));
    t.after(() => queue.close());
    assert.equal((await queue.getDelivery(forwardRowId('needs-rebase', 'kill-1')))?.status, 'done');
    assert.equal(plugin.received.length, 1);
  });
});

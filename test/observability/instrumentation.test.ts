import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { createMetricsRegistry, startInstrumentation, type Instrumentation } from '../../src/observability/instrumentation.js';
import { createLogger, createSilentLogger } from '../../src/observability/logger.js';

const hostname = '127.0.0.1';
const log = createSilentLogger();

describe('startInstrumentation', () => {
  const open: Instrumentation[] = [];
  const start = async (options: Omit<Parameters<typeof startInstrumentation>[0], 'log' | 'hostname'> & { log?: typeof log }) => {
    const i = await startInstrumentation({ hostname, log, ...options });
    open.push(i);
    return i;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.close()));
  });

  it('serves /healthz, /healthz/ready and /metrics on two separate ports', async () => {
    const registry = new Registry();
    new Counter({ name: 'widgets_total', help: 'Widgets made.', registers: [registry] }).inc(3);
    const i = await start({ registry, healthPort: 0, metricsPort: 0 });
    assert.ok(i.healthPort && i.healthPort > 0);
    assert.ok(i.metricsPort && i.metricsPort > 0);
    assert.notEqual(i.healthPort, i.metricsPort);

    for (const path of ['/healthz', '/healthz/ready']) {
      const res: Response = await fetch(`http://${hostname}:${i.healthPort}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), 'OK');
    }
    const scrape = await fetch(`http://${hostname}:${i.metricsPort}/metrics`);
    assert.equal(scrape.status, 200);
    assert.equal(scrape.headers.get('content-type'), registry.contentType);
    assert.match(await scrape.text(), /^widgets_total 3$/m);

    // Each port serves only its own paths.
    assert.equal((await fetch(`http://${hostname}:${i.healthPort}/metrics`)).status, 404);
    assert.equal((await fetch(`http://${hostname}:${i.metricsPort}/healthz`)).status, 404);
  });

  it('reads the registry at each scrape', async () => {
    const registry = new Registry();
    const i = await start({ registry, metricsPort: 0 });
    assert.doesNotMatch(await (await fetch(`http://${hostname}:${i.metricsPort}/metrics`)).text(), /late_total/);
    new Counter({ name: 'late_total', help: 'Registered after start.', registers: [registry] }).inc();
    assert.match(await (await fetch(`http://${hostname}:${i.metricsPort}/metrics`)).text(), /^late_total 1$/m);
  });

  it('answers 503 on /healthz/ready while ready() is false; /healthz stays OK', async () => {
    let ready = false;
    const i = await start({ registry: new Registry(), healthPort: 0, ready: () => ready });
    const readyRes = await fetch(`http://${hostname}:${i.healthPort}/healthz/ready`);
    assert.equal(readyRes.status, 503);
    assert.equal(await readyRes.text(), 'not ready');
    assert.equal((await fetch(`http://${hostname}:${i.healthPort}/healthz`)).status, 200);
    ready = true;
    assert.equal((await fetch(`http://${hostname}:${i.healthPort}/healthz/ready`)).status, 200);
  });

  it('serves only the ports it is given', async () => {
    const onlyHealth = await start({ registry: new Registry(), healthPort: 0, metricsPort: undefined });
    assert.ok(onlyHealth.healthPort);
    assert.equal(onlyHealth.metricsPort, undefined);
    const none = await start({ registry: new Registry() });
    assert.equal(none.healthPort, undefined);
    assert.equal(none.metricsPort, undefined);
    await none.close();
  });

  it('logs the bound ports once serving', async () => {
    const lines: string[] = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const i = await start({ registry: new Registry(), healthPort: 0, metricsPort: 0, log: createLogger({ destination, level: 'info' }) });
    await new Promise((r) => setImmediate(r));
    const line = lines.map((l) => JSON.parse(l) as { msg: string; health_port?: number; metrics_port?: number })
      .find((l) => l.msg === 'instrumentation serving');
    assert.deepEqual({ healthPort: line?.health_port, metricsPort: line?.metrics_port }, { healthPort: i.healthPort, metricsPort: i.metricsPort });
  });

  it('close() stops both servers, even with a kept-alive connection open, and may be called twice', async () => {
    const i = await startInstrumentation({ hostname, log, registry: new Registry(), healthPort: 0, metricsPort: 0 });
    const res = await fetch(`http://${hostname}:${i.healthPort}/healthz`, { headers: { connection: 'keep-alive' } });
    assert.equal(res.status, 200);
    await res.text();
    await i.close();
    await i.close();
    await assert.rejects(fetch(`http://${hostname}:${i.healthPort}/healthz`));
    await assert.rejects(fetch(`http://${hostname}:${i.metricsPort}/metrics`));
  });

  it('rejects when a port is taken and closes what it had already opened', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, hostname, resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      // Find the health port it opens first: it must be free again after the failure.
      const probe = await startInstrumentation({ hostname, log, registry: new Registry(), healthPort: 0 });
      const healthPort = probe.healthPort!;
      await probe.close();
      await assert.rejects(
        startInstrumentation({ hostname, log, registry: new Registry(), healthPort, metricsPort: taken }),
        (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE',
      );
      const again = await startInstrumentation({ hostname, log, registry: new Registry(), healthPort });
      assert.equal(again.healthPort, healthPort);
      await again.close();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('createMetricsRegistry', () => {
  it('includes the process metrics by default', async () => {
    const registry = createMetricsRegistry();
    assert.match(await registry.metrics(), /^process_cpu_user_seconds_total /m);
  });

  it('is empty with defaultMetrics: false, and each call is a separate registry', async () => {
    const a = createMetricsRegistry({ defaultMetrics: false });
    const b = createMetricsRegistry({ defaultMetrics: false });
    new Counter({ name: 'only_in_a_total', help: 'x', registers: [a] });
    assert.match(await a.metrics(), /only_in_a_total/);
    assert.equal((await b.metrics()).trim(), '');
  });
});

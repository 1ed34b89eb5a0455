// /healthz (upstream --health-port, 8081) and /metrics (upstream --metrics-port, 9090) for `prow controller`.
// TODO(lead): the same as src/crier/instrumentation.ts (components may not import each other); it belongs in src/observability.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';

export interface InstrumentationOptions {
  healthPort?: number;
  metricsPort?: number;
  hostname?: string;
  registry: Registry;
  log: Logger;
}

export interface Instrumentation {
  healthPort?: number;
  metricsPort?: number;
  close(): Promise<void>;
}

async function listen(app: Hono, port: number, hostname: string): Promise<{ server: Server; port: number }> {
  const server = createAdaptorServer({ fetch: app.fetch, hostname }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export async function startInstrumentation(options: InstrumentationOptions): Promise<Instrumentation> {
  const hostname = options.hostname ?? '0.0.0.0';
  const servers: Server[] = [];
  const out: Instrumentation = {
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      })));
    },
  };
  try {
    if (options.healthPort !== undefined) {
      const app = new Hono();
      app.get('/healthz', (c) => c.text('OK'));
      app.get('/healthz/ready', (c) => c.text('OK'));
      const h = await listen(app, options.healthPort, hostname);
      servers.push(h.server);
      out.healthPort = h.port;
    }
    if (options.metricsPort !== undefined) {
      const app = new Hono();
      app.get('/metrics', async (c) => c.body(await options.registry.metrics(), 200, { 'Content-Type': options.registry.contentType }));
      const m = await listen(app, options.metricsPort, hostname);
      servers.push(m.server);
      out.metricsPort = m.port;
    }
  } catch (err) {
    await out.close();
    throw err;
  }
  options.log.info({ healthPort: out.healthPort, metricsPort: out.metricsPort }, 'instrumentation serving');
  return out;
}

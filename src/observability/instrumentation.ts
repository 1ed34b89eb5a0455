// The health and metrics endpoints every long-running component serves: /healthz and /healthz/ready on
// upstream's --health-port (8081) and /metrics on --metrics-port (9090), each on its own server.
import { Hono } from 'hono';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { listen, type ListeningServer } from './http.js';
import type { Logger } from './logger.js';

export interface InstrumentationOptions {
  /** /healthz and /healthz/ready; undefined: not served; 0 picks a free port. */
  healthPort?: number | undefined;
  /** /metrics; undefined: not served; 0 picks a free port. */
  metricsPort?: number | undefined;
  /** Defaults to 0.0.0.0. */
  hostname?: string | undefined;
  registry: Registry;
  /** /healthz/ready answers 503 while this returns false; without it the process is ready once serving. */
  ready?: () => boolean;
  log: Logger;
}

export interface Instrumentation {
  /** The bound ports (useful when 0 was asked); undefined for what is not served. */
  healthPort?: number;
  metricsPort?: number;
  close(): Promise<void>;
}

/** A fresh registry; with the process metrics (CPU, memory, event loop…) unless `defaultMetrics` is false. */
export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

export async function startInstrumentation(options: InstrumentationOptions): Promise<Instrumentation> {
  const hostname = options.hostname ?? '0.0.0.0';
  const servers: ListeningServer[] = [];
  const out: Instrumentation = {
    close: async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    },
  };
  try {
    if (options.healthPort !== undefined) {
      const ready = options.ready;
      const app = new Hono();
      app.get('/healthz', (c) => c.text('OK'));
      app.get('/healthz/ready', (c) => (!ready || ready() ? c.text('OK') : c.text('not ready', 503)));
      const h = await listen(app, { port: options.healthPort, host: hostname, closeTimeoutMs: 0 });
      servers.push(h);
      out.healthPort = h.port;
    }
    if (options.metricsPort !== undefined) {
      const registry = options.registry;
      const app = new Hono();
      app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
      const m = await listen(app, { port: options.metricsPort, host: hostname, closeTimeoutMs: 0 });
      servers.push(m);
      out.metricsPort = m.port;
    }
  } catch (err) {
    await out.close();
    throw err;
  }
  options.log.info({ health_port: out.healthPort, metrics_port: out.metricsPort }, 'instrumentation serving');
  return out;
}

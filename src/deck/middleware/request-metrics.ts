// deck_http_request_duration_seconds by route, method and code. Live log streams are left out: they
// last as long as the job, which says nothing about how fast deck answers.
import type { MiddlewareHandler } from 'hono';
import { Histogram, type Registry } from 'prom-client';

export function requestMetrics({ registry, skipRoutes = ['/log-stream/:name'] }: { registry: Registry; skipRoutes?: string[] }): MiddlewareHandler {
  const requestSeconds = new Histogram({
    name: 'deck_http_request_duration_seconds', help: 'Time to answer a deck request, by route.',
    labelNames: ['route', 'method', 'code'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  const skip = new Set(skipRoutes);
  return async function requestMetrics(c, next) {
    const start = performance.now();
    await next();
    if (!skip.has(c.req.routePath)) {
      requestSeconds.observe({ route: c.req.routePath, method: c.req.method, code: String(c.res.status) }, (performance.now() - start) / 1000);
    }
  };
}

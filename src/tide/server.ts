// Tide's HTTP API (upstream cmd/tide/main.go, syncController.ServeHTTP, history): `GET /` the pools as
// JSON, `GET /history` the action records per pool, newest first. Deck reads both (--tide-url).
import { Hono } from 'hono';
import type { TideDataSource } from '../api/tide-json.js';

export function createTideApp(source: TideDataSource): Hono {
  const app = new Hono();
  app.get('/', async (c) => c.json(await source.pools()));
  app.get('/history', async (c) => c.json(await source.history()));
  app.get('/healthz', (c) => c.text('OK'));
  return app;
}

// The pages' scripts and stylesheet (built from src/deck/web/ on first use) and the favicon.
import { Hono } from 'hono';
import { createAssets } from '../assets.js';
import type { DeckEnv } from '../deck-deps.js';

export function staticAssetRoutes(): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const assets = createAssets();
  app.get('/static/:name', async (c) => {
    const a = await assets.get(c.req.param('name'));
    if (!a) return c.text('not found', 404);
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'no-cache' });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  return app;
}

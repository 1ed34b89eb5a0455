// Command help: the plugins' help as JSON (upstream's /plugin-help.js) and as a page.
import { Hono } from 'hono';
import type { DeckContext } from '../app-context.js';
import type { DeckEnv } from '../deck-deps.js';
import { html } from '../html.js';
import { HttpError } from '../../observability/http.js';
import { helpPage, type HelpData } from '../pages/help.js';

export function helpRoutes(deck: DeckContext): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const { pluginHelp, log } = deck.deps;

  app.get('/plugin-help.js', async (c) => {
    if (!pluginHelp) return c.text('plugin help is not available (start deck with --plugin-config or --hook-url)', 404);
    return c.json(await pluginHelp());
  });
  app.get('/plugin-help', (c) => c.redirect('/command-help', 302));
  app.get('/command-help', async (c) => {
    if (!pluginHelp) {
      return deck.render(c, 'Command help', html`<h1>Command help</h1><p>Plugin help is not available: start deck with <code>--plugin-config</code> or <code>--hook-url</code>.</p>`);
    }
    let data: HelpData;
    try {
      data = await pluginHelp();
    } catch (err) {
      log.warn({ err }, 'plugin help unavailable');
      throw new HttpError(502, `502 Bad Gateway: plugin help unavailable: ${(err as Error).message}`);
    }
    const repo = c.req.query('repo') || undefined;
    return deck.render(c, 'Command help', helpPage(data, repo));
  });

  return app;
}

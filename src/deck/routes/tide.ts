// Tide's pages and upstream's JSON (deck's /tide.js {Queries, TideQueries, Pools} and /tide-history.js
// {History}), filtered by deck.hidden_repos. The data comes from tide (deck --tide-url, or tide itself in
// `prow up`).
import { Hono } from 'hono';
import type { TideHistoryRecordJSON, TidePoolJSON } from '../../api/tide-json.js';
import { HttpError } from '../../observability/http.js';
import type { DeckContext } from '../app-context.js';
import type { DeckEnv } from '../deck-deps.js';
import { html } from '../html.js';
import { tideHistoryPage, tidePage } from '../pages/tide.js';
import { queryString } from '../../config/tide-query.js';

/** Upstream MinCodeReviewCommon: deck trims each PR to these fields. */
function minPull(p: { Title: string; Number: number; HeadRefOID: string; Mergeable: string }): Record<string, unknown> {
  return { Title: p.Title, Number: p.Number, HeadRefOID: p.HeadRefOID, Mergeable: p.Mergeable };
}

export function tideRoutes(deck: DeckContext): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const { tide, log } = deck.deps;
  const hidden = (org: string, repo: string): boolean => {
    const list = deck.deckConfig()?.hidden_repos ?? [];
    return list.includes(org) || list.includes(`${org}/${repo}`);
  };
  const pools = async (): Promise<TidePoolJSON[]> => {
    if (!tide) throw new HttpError(404, 'tide is not configured: start deck with --tide-url');
    try {
      return (await tide.pools()).filter((p) => !hidden(p.Org, p.Repo));
    } catch (err) {
      log.warn({ err }, 'tide unavailable');
      throw new HttpError(502, `502 Bad Gateway: tide unavailable: ${(err as Error).message}`);
    }
  };
  const history = async (): Promise<Record<string, TideHistoryRecordJSON[]>> => {
    if (!tide) throw new HttpError(404, 'tide is not configured: start deck with --tide-url');
    try {
      const all = await tide.history();
      return Object.fromEntries(Object.entries(all).filter(([k]) => {
        const [orgRepo = ''] = k.split(':');
        const [org = '', repo = ''] = orgRepo.split('/');
        return !hidden(org, repo);
      }));
    } catch (err) {
      log.warn({ err }, 'tide unavailable');
      throw new HttpError(502, `502 Bad Gateway: tide unavailable: ${(err as Error).message}`);
    }
  };
  const queries = (): { strings: string[]; raw: unknown[] } => {
    const q = deck.deps.config().tide?.queries ?? [];
    return { strings: q.map(queryString), raw: q };
  };

  app.get('/tide.js', async (c) => {
    const list = await pools();
    const { strings, raw } = queries();
    return c.json({
      Queries: strings,
      TideQueries: raw,
      Pools: list.map((p) => ({
        ...p,
        SuccessPRs: p.SuccessPRs.map(minPull), PendingPRs: p.PendingPRs.map(minPull), MissingPRs: p.MissingPRs.map(minPull),
        BatchPending: p.BatchPending.map(minPull), Target: p.Target.map(minPull),
      })),
    });
  });
  app.get('/tide-history.js', async (c) => c.json({ History: await history() }));
  app.get('/tide', async (c) => {
    if (!tide) return deck.render(c, 'Tide', html`<h1>Tide</h1><p>Tide is not configured: start deck with <code>--tide-url</code>.</p>`);
    return deck.render(c, 'Tide', deck.githubLinks(tidePage(queries().strings, await pools())));
  });
  app.get('/tide-history', async (c) => {
    if (!tide) return deck.render(c, 'Tide history', html`<h1>Tide history</h1><p>Tide is not configured: start deck with <code>--tide-url</code>.</p>`);
    return deck.render(c, 'Tide history', deck.githubLinks(tideHistoryPage(await history())));
  });
  return app;
}

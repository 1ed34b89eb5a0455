// Issue search (REST, with Link headers) and GraphQL (handlers by query shape, graphql.ts).
import { Hono } from 'hono';
import { body, HttpError, type Env } from '../http.js';
import { FakeGraphQLError } from '../graphql-error.js';
import type { FakeModel } from '../model.js';
import { latestStatuses } from '../state.js';
import { hasShaTerm, tokenizeQuery } from '../search.js';

export function searchRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  app.get('/search/issues', async (c) => {
    const q = c.req.query('q') ?? '';
    if (!q.trim()) throw new HttpError(422, 'Validation Failed', [{ resource: 'Search', field: 'q', code: 'missing' }]);
    const heads = hasShaTerm(tokenizeQuery(q)) ? await model.pullHeads() : undefined;
    const found = model.search(q, c.req.query('sort'), c.req.query('order'), heads);
    const items = found.map(({ repo, issue }) => ({ ...model.renderIssue(repo, issue), score: 1 }));
    const q2 = new URL(c.req.url).searchParams;
    const perPage = Math.min(100, Number(q2.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(q2.get('page') ?? 1) || 1);
    const pageItems = items.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    if (page < last) {
      const next = new URLSearchParams(q2);
      next.set('page', String(page + 1));
      const lastP = new URLSearchParams(q2);
      lastP.set('page', String(last));
      c.header('link', `<${model.url}/search/issues?${next.toString()}>; rel="next", <${model.url}/search/issues?${lastP.toString()}>; rel="last"`);
    }
    return c.json({ total_count: items.length, incomplete_results: false, items: pageItems });
  });
  app.post('/graphql', async (c) => {
    const b = body(c);
    const query = typeof b.query === 'string' ? b.query : '';
    const variables = (typeof b.variables === 'object' && b.variables !== null ? b.variables : {}) as Record<string, unknown>;
    const handler = model.graphqlHandlers.find((h) => h.matches(query));
    if (!handler) return c.json({ errors: [{ type: 'FAKE_UNSUPPORTED', message: `fake github: no GraphQL handler for query: ${query.slice(0, 120)}` }] });
    let data: unknown;
    try {
      data = await handler.resolve({
        query, variables, actor: c.get('actor').login,
        search: (q) => model.search(q, undefined, undefined),
        renderPull: (repo, issue) => model.renderPull(repo, issue),
        world: model.world,
        statuses: (repo, sha) => latestStatuses(repo.statuses.get(sha) ?? []),
        labelChanged: (issue, event, label) => {
          model.addEvent(issue, event, c.get('actor').login ?? '', { label });
          model.touch(issue);
        },
      });
    } catch (err) {
      if (!(err instanceof FakeGraphQLError)) throw err;
      return c.json({ data: null, errors: [{ type: err.type, message: err.message }] });
    }
    return c.json({ data });
  });
  return app;
}

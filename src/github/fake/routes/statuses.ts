// Commit statuses: the combined status, every status of a ref, and posting one (refused as GitHub
// refuses: an unknown SHA, a bad state, a description over 140 characters, the 1001st status of a context).
import { Hono, type Context } from 'hono';
import { actorLogin, body, HttpError, notFound, paginate, type Env } from '../http.js';
import type { FakeModel } from '../model.js';
import { repoJson, statusJson } from '../render.js';
import { latestStatuses, type FakeRepo, type FakeStatus } from '../state.js';

/** GitHub keeps at most this many statuses per SHA and context (docs.github.com, "Create a commit status"). */
const STATUSES_PER_CONTEXT = 1000;

export function statusesRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const R = model.render;
  const repoOf = (c: Context<Env>): FakeRepo => model.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  app.get('/repos/:owner/:repo/commits/:ref/status', async (c) => {
    const repo = repoOf(c);
    const sha = await repo.git.resolve(c.req.param('ref'));
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${c.req.param('ref')}`);
    const latest = latestStatuses(repo.statuses.get(sha) ?? []);
    const state = latest.some((s) => s.state === 'error' || s.state === 'failure') ? 'failure' : latest.length === 0 || latest.some((s) => s.state === 'pending') ? 'pending' : 'success';
    return c.json({ state, sha, total_count: latest.length, statuses: latest.map((s) => statusJson(R, s)), repository: repoJson(R, repo), commit_url: `${model.url}/repos/${repo.fullName}/commits/${sha}` });
  });
  app.get('/repos/:owner/:repo/commits/:ref/statuses', async (c) => {
    const repo = repoOf(c);
    const sha = await repo.git.resolve(c.req.param('ref'));
    if (!sha) throw notFound();
    return paginate(c, model.url, [...(repo.statuses.get(sha) ?? [])].reverse().map((s) => statusJson(R, s)));
  });
  app.post('/repos/:owner/:repo/statuses/:sha', async (c) => {
    const repo = repoOf(c);
    const sha = await repo.git.resolve(c.req.param('sha'));
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${c.req.param('sha')}`);
    const b = body(c);
    const state = String(b.state ?? '');
    if (!['error', 'failure', 'pending', 'success'].includes(state)) throw new HttpError(422, 'Validation Failed', [{ resource: 'Status', code: 'custom', field: 'state', message: `state is not included in the list` }]);
    const description = typeof b.description === 'string' ? b.description : '';
    if (description.length > 140) throw new HttpError(422, 'Validation Failed', [{ resource: 'Status', code: 'custom', field: 'description', message: 'description is too long (maximum is 140 characters)' }]);
    const now = model.stamp();
    const s: FakeStatus = {
      id: model.nextId(), state, context: typeof b.context === 'string' && b.context ? b.context : 'default', description,
      targetUrl: typeof b.target_url === 'string' ? b.target_url : '', creator: actorLogin(c), createdAt: now, updatedAt: now,
    };
    const list = repo.statuses.get(sha) ?? [];
    if (list.filter((x) => x.context === s.context).length >= STATUSES_PER_CONTEXT) {
      throw new HttpError(422, 'Validation Failed', [{ resource: 'Status', code: 'custom', field: 'context', message: 'This SHA and context has reached the maximum number of statuses.' }]);
    }
    list.push(s);
    repo.statuses.set(sha, list);
    return c.json(statusJson(R, s), 201);
  });
  return app;
}

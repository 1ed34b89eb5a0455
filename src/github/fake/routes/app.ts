// GitHub App endpoints: the App itself, installations by account, installation tokens.
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { HttpError, notFound, type Actor, type Env } from '../http.js';
import type { FakeModel } from '../model.js';
import { userJson } from '../render.js';
import type { FakeRepo } from '../state.js';

export function appRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const R = model.render;
  const repoOf = (c: Context<Env>): FakeRepo => model.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  const requireApp = (c: Context<Env>): Actor => {
    const a = c.get('actor');
    if (a.auth !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
    return a;
  };
  app.get('/app', (c) => {
    const a = requireApp(c);
    const fa = model.world.apps.get(a.app ?? 0);
    if (!fa) throw notFound();
    return c.json({ id: fa.id, slug: fa.slug, name: fa.slug, owner: null });
  });
  const installationFor = (c: Context<Env>, account: string): Response => {
    const a = requireApp(c);
    const fa = model.world.apps.get(a.app ?? 0);
    const id = fa ? [...fa.installations].find(([k]) => k.toLowerCase() === account.toLowerCase())?.[1] : undefined;
    if (!fa || id === undefined) throw notFound();
    return c.json({ id, app_id: fa.id, account: userJson(R, account), target_type: 'Organization', permissions: {} });
  };
  app.get('/orgs/:org/installation', (c) => installationFor(c, c.req.param('org')));
  app.get('/users/:username/installation', (c) => installationFor(c, c.req.param('username')));
  app.get('/repos/:owner/:repo/installation', (c) => {
    repoOf(c);
    return installationFor(c, c.req.param('owner'));
  });
  app.post('/app/installations/:installation_id/access_tokens', (c) => {
    const a = requireApp(c);
    const fa = model.world.apps.get(a.app ?? 0);
    const id = Number(c.req.param('installation_id'));
    const org = fa ? [...fa.installations].find(([, v]) => v === id)?.[0] : undefined;
    if (!fa || org === undefined) throw notFound();
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    model.world.installationTokens.set(token, { installation: id, app: fa.id, org });
    const expires = new Date(model.now().getTime() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return c.json({ token, expires_at: expires, permissions: { issues: 'write', pull_requests: 'write', statuses: 'write', contents: 'read' }, repository_selection: 'all' }, 201);
  });
  return app;
}

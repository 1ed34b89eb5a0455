// Users, org membership and teams, and the rate limit.
import { Hono } from 'hono';
import { actorLogin, HttpError, notFound, paginate, type Env } from '../http.js';
import type { FakeModel } from '../model.js';
import { fullUserJson, teamJson, userJson } from '../render.js';

export function usersRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const R = model.render;
  app.get('/rate_limit', (c) => {
    const rl = model.world.rateLimit;
    const core = { limit: rl.limit, remaining: rl.remaining, reset: rl.reset, used: rl.limit - rl.remaining };
    return c.json({ resources: { core, search: core, graphql: core }, rate: core });
  });

  // --- users, orgs, teams
  app.get('/user', (c) => c.json(fullUserJson(R, actorLogin(c))));
  app.get('/users/:username', (c) => {
    const u = model.world.users.get((c.req.param('username') ?? '').toLowerCase());
    if (!u) throw notFound();
    return c.json(fullUserJson(R, u.login));
  });
  app.get('/orgs/:org/members', (c) => {
    const org = model.world.orgs.get(c.req.param('org').toLowerCase());
    if (!org) throw notFound();
    const role = c.req.query('role') ?? 'all';
    const list = [...org.members].filter((m) => role === 'all' || (role === 'admin') === org.admins.has(m)).sort();
    return paginate(c, model.url, list.map((m) => userJson(R, m)));
  });
  app.get('/orgs/:org/members/:username', (c) => {
    if (!model.world.orgs.has(c.req.param('org').toLowerCase())) throw notFound();
    if (!model.isOrgMember(c.req.param('org'), c.req.param('username'))) throw new HttpError(404, 'User does not exist or is not a member of the organization');
    return c.body(null, 204);
  });
  app.get('/orgs/:org/teams', (c) => {
    const org = model.world.orgs.get(c.req.param('org').toLowerCase());
    if (!org) throw notFound();
    return paginate(c, model.url, [...org.teams.values()].map((t) => teamJson(R, org.login, t)));
  });
  app.get('/orgs/:org/teams/:team_slug/members', (c) => {
    const team = model.world.orgs.get(c.req.param('org').toLowerCase())?.teams.get(c.req.param('team_slug'));
    if (!team) throw notFound();
    const role = c.req.query('role') ?? 'all';
    const list = [...team.members].filter(([, r]) => role === 'all' || r === role).map(([login]) => userJson(R, login));
    return paginate(c, model.url, list);
  });
  app.get('/orgs/:org/teams/:team_slug/memberships/:username', (c) => {
    const team = model.world.orgs.get(c.req.param('org').toLowerCase())?.teams.get(c.req.param('team_slug'));
    if (!team) throw notFound();
    const login = c.req.param('username').toLowerCase();
    const entry = [...team.members].find(([m]) => m.toLowerCase() === login);
    if (!entry) throw notFound();
    return c.json({ role: entry[1], state: 'active', url: `${model.url}/orgs/${c.req.param('org')}/teams/${team.slug}/memberships/${entry[0]}` });
  });
  return app;
}

// The fake's own control routes: /_fake/calls (what it heard) and /_fake/state (the world, readable).
import { Hono } from 'hono';
import type { Env } from '../http.js';
import type { FakeModel } from '../model.js';
import type { Traffic } from '../traffic.js';

export function fakeControlRoutes(model: FakeModel, traffic: Traffic): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  app.get('/_fake/calls', (c) => c.json(traffic.calls));
  app.get('/_fake/state', (c) => c.json(snapshot(model)));
  return app;
}

function snapshot(model: FakeModel): unknown {
  const w = model.world;
  return {
    bot: w.bot,
    rateLimit: w.rateLimit,
    orgs: [...w.orgs.values()].map((o) => ({
      login: o.login, members: [...o.members], admins: [...o.admins],
      teams: [...o.teams.values()].map((t) => ({ slug: t.slug, name: t.name, members: Object.fromEntries(t.members) })),
    })),
    repos: [...w.repos.values()].map((r) => ({
      fullName: r.fullName, defaultBranch: r.defaultBranch, dir: r.git.dir,
      collaborators: Object.fromEntries(r.collaborators), labels: [...r.labels.values()].map((l) => l.name),
      milestones: [...r.milestones.values()],
      issues: [...r.issues.values()].map((i) => ({
        number: i.number, title: i.title, state: i.state, user: i.user, labels: i.labels, assignees: i.assignees, isPR: i.pull !== undefined,
        pull: i.pull ? { base: i.pull.baseRef, head: i.pull.headRef, merged: i.pull.merged, requestedReviewers: i.pull.requestedReviewers, reviews: i.pull.reviews } : undefined,
        comments: [...r.comments.values()].filter((c) => c.issue === i.number).map((c) => ({ id: c.id, user: c.user, body: c.body })),
      })),
      statuses: Object.fromEntries(r.statuses),
    })),
  };
}

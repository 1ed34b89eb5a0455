// Issues: opening one, the issue, its comments, reactions, events and assignees.
import { Hono, type Context } from 'hono';
import { actorLogin, body, HttpError, notFound, paginate, strings, type Env } from '../http.js';
import type { FakeModel } from '../model.js';
import { commentJson, eventJson, userJson } from '../render.js';
import type { FakeRepo } from '../state.js';

export function issuesRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const R = model.render;
  const repoOf = (c: Context<Env>): FakeRepo => model.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  app.post('/repos/:owner/:repo/issues', (c) => {
    const repo = repoOf(c);
    const b = body(c);
    if (typeof b.title !== 'string' || !b.title) throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
    const issue = model.newIssue(repo, { repo: repo.fullName, title: b.title, body: typeof b.body === 'string' ? b.body : '', author: actorLogin(c), labels: strings(b.labels), assignees: strings(b.assignees) });
    return c.json(model.renderIssue(repo, issue), 201);
  });
  app.get('/repos/:owner/:repo/issues/comments/:comment_id', (c) => {
    const repo = repoOf(c);
    const cm = repo.comments.get(Number(c.req.param('comment_id')));
    if (!cm) throw notFound();
    return c.json(commentJson(R, repo, cm, model.association(repo, cm.user)));
  });
  app.patch('/repos/:owner/:repo/issues/comments/:comment_id', (c) => {
    const repo = repoOf(c);
    const cm = repo.comments.get(Number(c.req.param('comment_id')));
    if (!cm) throw notFound();
    const b = body(c);
    if (typeof b.body !== 'string') throw new HttpError(422, 'Validation Failed', [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
    cm.body = b.body;
    cm.updatedAt = model.stamp();
    return c.json(commentJson(R, repo, cm, model.association(repo, cm.user)));
  });
  app.delete('/repos/:owner/:repo/issues/comments/:comment_id', (c) => {
    const repo = repoOf(c);
    if (!repo.comments.delete(Number(c.req.param('comment_id')))) throw notFound();
    return c.body(null, 204);
  });
  app.post('/repos/:owner/:repo/issues/comments/:comment_id/reactions', (c) => {
    const repo = repoOf(c);
    const cm = repo.comments.get(Number(c.req.param('comment_id')));
    if (!cm) throw notFound();
    return react(model, c, cm.reactions);
  });
  app.post('/repos/:owner/:repo/issues/:issue_number/reactions', (c) => {
    const issue = model.issueOrThrow(repoOf(c), c.req.param('issue_number'));
    return react(model, c, issue.reactions);
  });
  app.get('/repos/:owner/:repo/issues/:issue_number', (c) => {
    const repo = repoOf(c);
    return c.json(model.renderIssue(repo, model.issueOrThrow(repo, c.req.param('issue_number'))));
  });
  app.patch('/repos/:owner/:repo/issues/:issue_number', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    model.patchIssue(repo, issue, body(c), actorLogin(c));
    return c.json(model.renderIssue(repo, issue));
  });
  app.get('/repos/:owner/:repo/issues/:issue_number/comments', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    const list = [...repo.comments.values()].filter((cm) => cm.issue === issue.number).map((cm) => commentJson(R, repo, cm, model.association(repo, cm.user)));
    return paginate(c, model.url, list);
  });
  app.post('/repos/:owner/:repo/issues/:issue_number/comments', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    const b = body(c);
    if (typeof b.body !== 'string' || b.body === '') throw new HttpError(422, 'Validation Failed', [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
    if (b.body.length > 65536) throw new HttpError(422, 'Validation Failed', [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]);
    const cm = model.addCommentTo(repo, issue, actorLogin(c), b.body);
    return c.json(commentJson(R, repo, cm, model.association(repo, cm.user)), 201);
  });
  app.get('/repos/:owner/:repo/issues/:issue_number/events', (c) => {
    const issue = model.issueOrThrow(repoOf(c), c.req.param('issue_number'));
    return paginate(c, model.url, issue.events.map((e) => eventJson(R, e)));
  });
  app.post('/repos/:owner/:repo/issues/:issue_number/assignees', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    const actor = actorLogin(c);
    for (const login of strings(body(c).assignees)) {
      if (!model.isAssignable(repo, issue, login) || issue.assignees.length >= 10) continue; // GitHub drops these silently
      const u = model.ensureUser(login).login;
      if (issue.assignees.some((a) => a.toLowerCase() === u.toLowerCase())) continue;
      issue.assignees.push(u);
      model.addEvent(issue, 'assigned', actor, { assignee: u });
    }
    model.touch(issue);
    return c.json(model.renderIssue(repo, issue), 201);
  });
  app.delete('/repos/:owner/:repo/issues/:issue_number/assignees', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    const actor = actorLogin(c);
    const drop = new Set(strings(body(c).assignees).map((a) => a.toLowerCase()));
    issue.assignees = issue.assignees.filter((a) => {
      if (!drop.has(a.toLowerCase())) return true;
      model.addEvent(issue, 'unassigned', actor, { assignee: a });
      return false;
    });
    model.touch(issue);
    return c.json(model.renderIssue(repo, issue));
  });
  return app;
}

/** Adds the caller's reaction once: 201 when new, 200 when it was there. */
function react(model: FakeModel, c: Context<Env>, list: { user: string; content: string }[]): Response {
  const content = String(body(c).content ?? '');
  if (!['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'].includes(content)) {
    throw new HttpError(422, 'Validation Failed', [{ resource: 'Reaction', code: 'invalid', field: 'content' }]);
  }
  const user = actorLogin(c);
  const existing = list.find((r) => r.user === user && r.content === content);
  if (!existing) list.push({ user, content });
  return c.json({ id: model.nextId(), content, user: userJson(model.render, user), created_at: model.stamp() }, existing ? 200 : 201);
}

// Labels of a repository and of an issue (unknown labels are created, as GitHub does, unless the
// world refuses them).
import { Hono, type Context } from 'hono';
import { actorLogin, body, HttpError, paginate, strings, type Env } from '../http.js';
import type { FakeModel } from '../model.js';
import { labelJson } from '../render.js';
import type { FakeRepo } from '../state.js';

export function labelsRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const R = model.render;
  const repoOf = (c: Context<Env>): FakeRepo => model.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  app.get('/repos/:owner/:repo/labels', (c) => {
    const repo = repoOf(c);
    return paginate(c, model.url, [...repo.labels.values()].map((l) => labelJson(R, repo, l)));
  });
  app.post('/repos/:owner/:repo/labels', (c) => {
    const repo = repoOf(c);
    const b = body(c);
    const name = typeof b.name === 'string' ? b.name : '';
    if (!name) throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'missing_field', field: 'name' }]);
    if (repo.labels.has(name.toLowerCase())) throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    const label = { id: model.nextId(), name, color: typeof b.color === 'string' ? b.color : 'ededed', description: typeof b.description === 'string' ? b.description : null };
    repo.labels.set(name.toLowerCase(), label);
    return c.json(labelJson(R, repo, label), 201);
  });
  app.get('/repos/:owner/:repo/issues/:issue_number/labels', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    return paginate(c, model.url, (model.renderIssue(repo, issue).labels as unknown[]));
  });
  app.post('/repos/:owner/:repo/issues/:issue_number/labels', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    const raw = c.get('body');
    const names = Array.isArray(raw) ? strings(raw) : strings((raw as { labels?: unknown } | undefined)?.labels);
    const actor = actorLogin(c);
    for (const name of names) {
      const label = model.ensureRepoLabel(repo, name, !model.world.refuseUnknownLabels);
      if (issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) continue;
      issue.labels.push(label.name);
      model.addEvent(issue, 'labeled', actor, { label: label.name });
    }
    model.touch(issue);
    return c.json(model.renderIssue(repo, issue).labels as object);
  });
  app.delete('/repos/:owner/:repo/issues/:issue_number/labels/:name', (c) => {
    const repo = repoOf(c);
    const issue = model.issueOrThrow(repo, c.req.param('issue_number'));
    const name = c.req.param('name');
    const idx = issue.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
    if (idx < 0) throw new HttpError(404, 'Label does not exist');
    const [removed = name] = issue.labels.splice(idx, 1);
    model.addEvent(issue, 'unlabeled', actorLogin(c), { label: removed });
    model.touch(issue);
    return c.json(model.renderIssue(repo, issue).labels as object);
  });
  return app;
}

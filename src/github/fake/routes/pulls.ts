// Pull requests: the pull, its files and commits, merge, reviews, review comments, requested reviewers.
import { Hono, type Context } from 'hono';
import { actorLogin, body, HttpError, paginate, strings, type Env } from '../http.js';
import { mergePull } from '../merge.js';
import type { FakeModel } from '../model.js';
import { commitJson, reviewCommentJson, reviewJson } from '../render.js';
import type { FakeRepo } from '../state.js';

export function pullsRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const R = model.render;
  const repoOf = (c: Context<Env>): FakeRepo => model.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  app.get('/repos/:owner/:repo/pulls', async (c) => {
    const repo = repoOf(c);
    const state = c.req.query('state') ?? 'open';
    const base = c.req.query('base');
    const head = c.req.query('head');
    const list = [...repo.issues.values()].filter((i) => i.pull && (state === 'all' || i.state === state) && (!base || i.pull.baseRef === base) && (!head || `${i.pull.headOwner ?? repo.owner}:${i.pull.headRef}` === head || i.pull.headRef === head));
    list.sort((a, b) => b.number - a.number);
    const rendered: Record<string, unknown>[] = [];
    for (const i of list) rendered.push(await model.renderPull(repo, i));
    return paginate(c, model.url, rendered);
  });
  app.get('/repos/:owner/:repo/pulls/:pull_number', async (c) => {
    const repo = repoOf(c);
    return c.json(await model.renderPull(repo, model.pullOrThrow(repo, c.req.param('pull_number'))));
  });
  app.patch('/repos/:owner/:repo/pulls/:pull_number', async (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const b = body(c);
    if (typeof b.base === 'string') {
      if (!(await repo.git.resolve(`refs/heads/${b.base}`))) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
      issue.pull.baseRef = b.base;
    }
    model.patchIssue(repo, issue, { title: b.title, body: b.body, state: b.state }, actorLogin(c));
    return c.json(await model.renderPull(repo, issue));
  });
  app.get('/repos/:owner/:repo/pulls/:pull_number/files', async (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const head = await model.prHead(repo, issue);
    const base = issue.pull.merged && issue.pull.mergeCommitSha ? `${issue.pull.mergeCommitSha}^1` : await model.prBase(repo, issue);
    const files = await repo.git.changedFiles(base, head);
    return paginate(c, model.url, files.map((f) => ({
      sha: f.blobSha, filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions,
      patch: f.patch, previous_filename: f.previousFilename,
      blob_url: `https://github.com/${repo.fullName}/blob/${head}/${f.filename}`, raw_url: `https://github.com/${repo.fullName}/raw/${head}/${f.filename}`,
      contents_url: `${model.url}/repos/${repo.fullName}/contents/${f.filename}?ref=${head}`,
    })));
  });
  app.get('/repos/:owner/:repo/pulls/:pull_number/commits', async (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const head = await model.prHead(repo, issue);
    const base = issue.pull.merged && issue.pull.mergeCommitSha ? `${issue.pull.mergeCommitSha}^1` : await model.prBase(repo, issue);
    const commits = await repo.git.commitsBetween(base, head);
    return paginate(c, model.url, commits.map((ci) => commitJson(R, repo, ci, model.world.users.values())));
  });
  app.put('/repos/:owner/:repo/pulls/:pull_number/merge', async (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const result = await mergePull(model, repo, issue, body(c), actorLogin(c));
    return c.json(result);
  });
  app.get('/repos/:owner/:repo/pulls/:pull_number/comments', (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    return paginate(c, model.url, issue.pull.reviewComments.map((rc) => reviewCommentJson(R, repo, issue.number, rc)));
  });
  app.get('/repos/:owner/:repo/pulls/:pull_number/reviews', (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    return paginate(c, model.url, issue.pull.reviews.map((rv) => reviewJson(R, repo, issue.number, rv)));
  });
  app.post('/repos/:owner/:repo/pulls/:pull_number/reviews', async (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const actor = actorLogin(c);
    const b = body(c);
    const event = typeof b.event === 'string' ? b.event : '';
    const state = event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : event === 'COMMENT' ? 'COMMENTED' : event === '' ? 'PENDING' : undefined;
    if (!state) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequestReview', code: 'invalid', field: 'event' }]);
    if (actor.toLowerCase() === issue.user.toLowerCase() && (state === 'APPROVED' || state === 'CHANGES_REQUESTED')) {
      throw new HttpError(422, 'Unprocessable Entity', [`Can not ${state === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request`]);
    }
    const reviewBody = typeof b.body === 'string' ? b.body : '';
    if ((state === 'COMMENTED' || state === 'CHANGES_REQUESTED') && !reviewBody && !Array.isArray(b.comments)) {
      throw new HttpError(422, 'Unprocessable Entity', ['Review body is required for this event']);
    }
    const commitId = typeof b.commit_id === 'string' ? b.commit_id : await model.prHead(repo, issue);
    const rv = { id: model.nextId(), user: actor, body: reviewBody, state, commitId, submittedAt: model.stamp() };
    issue.pull.reviews.push(rv);
    for (const cm of Array.isArray(b.comments) ? (b.comments as Record<string, unknown>[]) : []) {
      const now = model.stamp();
      issue.pull.reviewComments.push({ id: model.nextId(), user: actor, body: String(cm.body ?? ''), path: String(cm.path ?? ''), line: typeof cm.line === 'number' ? cm.line : null, commitId, inReplyToId: null, createdAt: now, updatedAt: now });
    }
    if (state !== 'PENDING') issue.pull.requestedReviewers = issue.pull.requestedReviewers.filter((r) => r.toLowerCase() !== actor.toLowerCase());
    model.touch(issue);
    return c.json(reviewJson(R, repo, issue.number, rv));
  });
  app.post('/repos/:owner/:repo/pulls/:pull_number/requested_reviewers', async (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const b = body(c);
    const reviewers = strings(b.reviewers);
    const teams = strings(b.team_reviewers);
    for (const r of reviewers) {
      if (r.toLowerCase() === issue.user.toLowerCase()) throw new HttpError(422, 'Review cannot be requested from pull request author.');
      if (!model.roleOf(repo, r) && !model.isOrgMember(repo.owner, r)) {
        throw new HttpError(422, `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.fullName} repository.`);
      }
    }
    const org = model.world.orgs.get(repo.owner.toLowerCase());
    for (const t of teams) {
      if (!org?.teams.has(t)) throw new HttpError(422, `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.fullName} repository.`);
    }
    const actor = actorLogin(c);
    for (const r of reviewers) {
      const login = model.ensureUser(r).login;
      if (!issue.pull.requestedReviewers.some((x) => x.toLowerCase() === login.toLowerCase())) {
        issue.pull.requestedReviewers.push(login);
        model.addEvent(issue, 'review_requested', actor);
      }
    }
    for (const t of teams) if (!issue.pull.requestedTeams.includes(t)) issue.pull.requestedTeams.push(t);
    model.touch(issue);
    return c.json(await model.renderPull(repo, issue), 201);
  });
  app.delete('/repos/:owner/:repo/pulls/:pull_number/requested_reviewers', async (c) => {
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const b = body(c);
    const drop = new Set(strings(b.reviewers).map((r) => r.toLowerCase()));
    const dropTeams = new Set(strings(b.team_reviewers));
    issue.pull.requestedReviewers = issue.pull.requestedReviewers.filter((r) => !drop.has(r.toLowerCase()));
    issue.pull.requestedTeams = issue.pull.requestedTeams.filter((t) => !dropTeams.has(t));
    model.touch(issue);
    return c.json(await model.renderPull(repo, issue));
  });
  return app;
}

// What the cherrypicker needs from GitHub: forks (POST /repos/{o}/{r}/forks), opening a pull request
// (POST /repos/{o}/{r}/pulls, head `branch` or `owner:branch` from a fork) and a pull request as a patch
// (GET /repos/{o}/{r}/pulls/{n} with `Accept: application/vnd.github.v3.patch`, `git format-patch` output).
// A fork is a repo with its own bare git repository, cloned from its parent; pushing to it goes through its
// clone_url (file://, the fake's model of an authenticated push).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Hono, type Context } from 'hono';
import { actorLogin, body, HttpError, type Env } from '../http.js';
import { GitRepo, runGit } from '../git.js';
import type { FakeModel } from '../model.js';
import { repoJson } from '../render.js';
import type { FakeRepo } from '../state.js';

const PATCH_MEDIA_TYPE = 'application/vnd.github.v3.patch';

export function forksRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const repoOf = (c: Context<Env>): FakeRepo => model.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');

  app.post('/repos/:owner/:repo/forks', async (c) => {
    const parent = repoOf(c);
    const b = body(c);
    const owner = typeof b.organization === 'string' && b.organization ? b.organization : actorLogin(c);
    const name = typeof b.name === 'string' && b.name ? b.name : parent.name;
    // GitHub refuses forks of private repos when the org forbids them; upstream's cherrypicker then pushes
    // to the repo itself (cmd/external-plugins/cherrypicker/server.go getPusherAndOrg).
    if (parent.private) throw new HttpError(403, 'Forking is disabled for this repository.');
    const existing = model.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (existing) {
      if (existing.forkOf !== parent.fullName) throw new HttpError(422, 'Validation Failed', [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }]);
      await existing.git.ensure();
      return c.json(repoJson(model.render, existing), 202);
    }
    await parent.git.ensure();
    const fork = model.ensureRepo(owner, name, parent.defaultBranch);
    const dir = fork.git.dir;
    fork.git = new GitRepo(dir, async () => {
      await mkdir(dirname(dir), { recursive: true });
      await runGit(dirname(dir), ['clone', '--bare', '--quiet', parent.git.dir, dir]);
    });
    fork.forkOf = parent.fullName;
    await fork.git.ensure();
    return c.json(repoJson(model.render, fork), 202);
  });

  app.post('/repos/:owner/:repo/pulls', async (c) => {
    const repo = repoOf(c);
    const b = body(c);
    const actor = actorLogin(c);
    for (const field of ['title', 'head', 'base'] as const) {
      if (typeof b[field] !== 'string' || !b[field]) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'missing_field', field }]);
    }
    const base = b.base as string;
    const head = b.head as string;
    const [headOwner, headRef] = head.includes(':') ? [head.slice(0, head.indexOf(':')), head.slice(head.indexOf(':') + 1)] : [repo.owner, head];
    const headRepo = headOwner.toLowerCase() === repo.owner.toLowerCase()
      ? repo
      : [...model.world.repos.values()].find((r) => r.owner.toLowerCase() === headOwner.toLowerCase() && r.forkOf === repo.fullName);
    const headSha = headRepo ? await headRepo.git.resolve(`refs/heads/${headRef}`) : undefined;
    const baseSha = await repo.git.resolve(`refs/heads/${base}`);
    if (!baseSha) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
    if (!headRepo || !headSha) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
    const label = `${headRepo.owner}:${headRef}`;
    const dup = [...repo.issues.values()].find((i) => i.pull && i.state === 'open' && `${i.pull.headOwner ?? repo.owner}:${i.pull.headRef}`.toLowerCase() === label.toLowerCase() && i.pull.baseRef === base);
    if (dup) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${label}.` }]);
    if (headRepo !== repo) await runGit(repo.git.dir, ['fetch', '--quiet', headRepo.git.dir, `+refs/heads/${headRef}:refs/prow-fake/incoming`]);
    if ((await repo.git.commitsBetween(baseSha, headSha)).length === 0) {
      throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
    }
    const issue = model.newIssue(repo, { repo: repo.fullName, title: b.title as string, body: typeof b.body === 'string' ? b.body : '', author: actor });
    issue.pull = {
      baseRef: base, headRef, draft: b.draft === true, merged: false, mergedAt: null, mergedBy: null, mergeCommitSha: null,
      mergeableOverride: undefined, requestedReviewers: [], requestedTeams: [], reviews: [], reviewComments: [],
      ...(headRepo !== repo ? { headOwner: headRepo.owner } : {}),
    };
    await repo.git.git(['update-ref', `refs/pull/${issue.number}/head`, headSha]);
    return c.json(await model.renderPull(repo, issue), 201);
  });

  // Registered before pullsRoutes: answers only the patch media type and passes everything else on.
  app.get('/repos/:owner/:repo/pulls/:pull_number', async (c, next) => {
    if (!(c.req.header('accept') ?? '').includes(PATCH_MEDIA_TYPE)) return next();
    const repo = repoOf(c);
    const issue = model.pullOrThrow(repo, c.req.param('pull_number'));
    const head = await model.prHead(repo, issue);
    const base = issue.pull.merged && issue.pull.mergeCommitSha ? `${issue.pull.mergeCommitSha}^1` : await model.prBase(repo, issue);
    const from = (await repo.git.mergeBase(base, head)) ?? base;
    const { stdout } = await repo.git.git(['format-patch', '--stdout', '--no-signature', `${from}..${head}`]);
    return c.body(stdout, 200, { 'content-type': `${PATCH_MEDIA_TYPE}; charset=utf-8` });
  });
  return app;
}

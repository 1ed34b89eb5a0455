// Repositories: the repo, collaborators and permissions, refs, commits, contents, branch protection
// and milestones.
import { Hono, type Context } from 'hono';
import { HttpError, notFound, paginate, type Env } from '../http.js';
import type { FakeModel } from '../model.js';
import { commitJson, milestoneJson, repoJson, userJson } from '../render.js';
import { rolePermissions, roleToPermission, type FakeRepo } from '../state.js';

export function reposRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const R = model.render;
  const repoOf = (c: Context<Env>): FakeRepo => model.repoOrThrow(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
  app.get('/repos/:owner/:repo', async (c) => {
    const repo = repoOf(c);
    await repo.git.ensure(); // clone_url points at it
    return c.json(repoJson(R, repo));
  });
  app.get('/repos/:owner/:repo/collaborators', (c) => {
    const repo = repoOf(c);
    const logins = new Set<string>([...repo.collaborators.keys()]);
    const org = model.world.orgs.get(repo.owner.toLowerCase());
    for (const a of org?.admins ?? []) logins.add(a.toLowerCase());
    for (const t of org?.teams.values() ?? []) if (t.repos.has(repo.fullName) || t.repos.has(repo.name)) for (const m of t.members.keys()) logins.add(m.toLowerCase());
    const list = [...logins].sort().map((l) => {
      const login = model.ensureUser(l).login;
      const role = model.roleOf(repo, login);
      return { ...userJson(R, login), permissions: rolePermissions(role), role_name: role ?? 'none' };
    });
    return paginate(c, model.url, list);
  });
  app.get('/repos/:owner/:repo/collaborators/:username', (c) => {
    const repo = repoOf(c);
    if (!model.roleOf(repo, c.req.param('username'))) throw notFound();
    return c.body(null, 204);
  });
  app.get('/repos/:owner/:repo/collaborators/:username/permission', (c) => {
    const repo = repoOf(c);
    const login = c.req.param('username');
    if (!model.world.users.has(login.toLowerCase())) throw new HttpError(404, `${login} is not a user`);
    const role = model.roleOf(repo, login) ?? (repo.private ? undefined : 'read');
    return c.json({ permission: roleToPermission(role), role_name: role ?? 'none', user: userJson(R, login) });
  });
  app.get('/repos/:owner/:repo/git/ref/:ref{.+}', async (c) => {
    const repo = repoOf(c);
    const ref = c.req.param('ref');
    const sha = await repo.git.resolve(`refs/${ref}`);
    if (!sha || !/^(heads|tags)\//.test(ref)) throw notFound();
    return c.json({ ref: `refs/${ref}`, node_id: `REF_${sha}`, url: `${model.url}/repos/${repo.fullName}/git/refs/${ref}`, object: { sha, type: 'commit', url: `${model.url}/repos/${repo.fullName}/git/commits/${sha}` } });
  });
  app.delete('/repos/:owner/:repo/git/refs/:ref{.+}', async (c) => {
    const repo = repoOf(c);
    const ref = c.req.param('ref');
    // GitHub: 422 "Reference does not exist" for a missing ref (branch cleaners race each other).
    if (!/^(heads|tags)\//.test(ref) || !(await repo.git.resolve(`refs/${ref}`))) throw new HttpError(422, 'Reference does not exist');
    await repo.git.git(['update-ref', '-d', `refs/${ref}`]);
    return c.body(null, 204);
  });
  app.get('/repos/:owner/:repo/commits/:ref', async (c) => {
    const repo = repoOf(c);
    const info = await repo.git.commitInfo(c.req.param('ref'));
    if (!info) throw new HttpError(422, `No commit found for SHA: ${c.req.param('ref')}`);
    return c.json(commitJson(R, repo, info, model.world.users.values()));
  });
  // GitHub's compare (`base...head`): the merge base, how far head is ahead and behind, the commits and files.
  app.get('/repos/:owner/:repo/compare/:basehead{.+}', async (c) => {
    const repo = repoOf(c);
    const [base = '', head = ''] = c.req.param('basehead').split('...');
    const resolve = (ref: string): Promise<string | undefined> => (ref === '' || ref.startsWith('-') ? Promise.resolve(undefined) : repo.git.resolve(ref));
    const [baseSha, headSha] = [await resolve(base), await resolve(head)];
    if (!baseSha || !headSha) throw notFound();
    const mergeBase = await repo.git.mergeBase(baseSha, headSha);
    if (!mergeBase) throw new HttpError(404, `No common ancestor between ${base} and ${head}.`);
    const users = [...model.world.users.values()];
    const ahead = await repo.git.commitsBetween(baseSha, headSha);
    const behind = await repo.git.commitsBetween(headSha, baseSha);
    const status = ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const files = await repo.git.changedFiles(baseSha, headSha);
    return c.json({
      url: `${model.url}/repos/${repo.fullName}/compare/${base}...${head}`,
      base_commit: commitJson(R, repo, (await repo.git.commitInfo(baseSha))!, users),
      merge_base_commit: commitJson(R, repo, (await repo.git.commitInfo(mergeBase))!, users),
      status, ahead_by: ahead.length, behind_by: behind.length, total_commits: ahead.length,
      commits: ahead.map((info) => commitJson(R, repo, info, users)),
      files: files.map((f) => ({
        sha: f.blobSha, filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions,
        ...(f.patch !== undefined ? { patch: f.patch } : {}), ...(f.previousFilename !== undefined ? { previous_filename: f.previousFilename } : {}),
      })),
    });
  });
  app.get('/repos/:owner/:repo/contents/:path{.+}', async (c) => {
    const repo = repoOf(c);
    const path = c.req.param('path').replace(/\/+$/, '');
    const ref = c.req.query('ref') ?? repo.defaultBranch;
    const file = await repo.git.readFile(ref, path);
    if (file) {
      if (/application\/vnd\.github(\.v3)?\.raw/.test(c.req.header('accept') ?? '')) {
        return c.body(new Uint8Array(file.content), 200, { 'content-type': 'application/vnd.github.raw; charset=utf-8' });
      }
      // Like GitHub: files over 1 MB come without content (encoding "none"); ask for raw instead.
      const large = file.content.length > 1024 * 1024;
      const content = large ? '' : file.content.toString('base64').replace(/(.{60})/g, '$1\n');
      return c.json({ type: 'file', encoding: large ? 'none' : 'base64', size: file.content.length, name: path.split('/').pop(), path, content, sha: file.sha, url: `${model.url}/repos/${repo.fullName}/contents/${path}?ref=${ref}` });
    }
    const dir = await repo.git.listDir(ref, path);
    if (!dir) throw notFound();
    return c.json(dir.map((e) => ({ type: e.type, name: e.name, path: e.path, sha: e.sha })));
  });
  app.get('/repos/:owner/:repo/branches/:branch/protection', async (c) => {
    const repo = repoOf(c);
    const branch = c.req.param('branch');
    if (!(await repo.git.resolve(`refs/heads/${branch}`))) throw new HttpError(404, 'Branch not found');
    const p = repo.protection.get(branch);
    if (!p) throw new HttpError(404, 'Branch not protected');
    const json: Record<string, unknown> = {
      url: `${model.url}/repos/${repo.fullName}/branches/${branch}/protection`,
      required_status_checks: p.contexts ? { strict: p.strict ?? false, contexts: p.contexts, checks: p.contexts.map((context) => ({ context, app_id: null })) } : undefined,
      enforce_admins: { enabled: p.enforceAdmins ?? false },
      required_pull_request_reviews: p.requiredApprovingReviewCount !== undefined ? { required_approving_review_count: p.requiredApprovingReviewCount, dismiss_stale_reviews: false, require_code_owner_reviews: false } : undefined,
      allow_force_pushes: { enabled: false },
      required_linear_history: { enabled: false },
    };
    if (p.restrictions) json.restrictions = { users: (p.restrictions.users ?? []).map((u) => userJson(R, u)), teams: (p.restrictions.teams ?? []).map((slug) => ({ slug, name: slug })), apps: [] };
    return c.json(json);
  });
  app.get('/repos/:owner/:repo/milestones', (c) => {
    const repo = repoOf(c);
    const state = c.req.query('state') ?? 'open';
    return paginate(c, model.url, [...repo.milestones.values()].filter((m) => state === 'all' || m.state === state).map((m) => milestoneJson(R, repo, m)));
  });
  return app;
}

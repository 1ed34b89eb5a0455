// Git's smart HTTP protocol for the fake's repositories, as github.com serves them:
// `git clone http://<fake>/<owner>/<repo>.git` works, refs/pull/<n>/head included, so a pod's clonerefs
// (which clones `repo_link + ".git"`, upstream pkg/pod-utils/clone) reaches the fake GitHub as it reaches
// GitHub. Pushes need a token as the Basic password (as GitHub: 401 without one, 403 without write on the
// repo). Served by git's own `git http-backend` CGI over the bare repository behind the repo.
import { spawn } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { Hono } from 'hono';
import { authenticate } from '../auth.js';
import type { Env } from '../http.js';
import type { FakeModel } from '../model.js';

/** Request bodies (the client's wants and haves) bigger than this are refused. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function gitHttpRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const serve = async (owner: string, repoWithSuffix: string, service: string, req: Request): Promise<Response> => {
    const name = repoWithSuffix.replace(/\.git$/, '');
    const repo = model.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) return new Response('Repository not found.\n', { status: 404 });
    let pusher: string | undefined;
    if (service === 'git-receive-pack') {
      const basic = /^basic\s+(.+)$/i.exec(req.headers.get('authorization') ?? '');
      const token = basic?.[1] ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').slice(1).join(':') : '';
      if (!token) return new Response('Authentication required.\n', { status: 401, headers: { 'www-authenticate': 'Basic realm="GitHub"' } });
      let login: string | null;
      try {
        login = authenticate(model.world, model.now(), `token ${token}`).login;
      } catch {
        return new Response('Invalid username or token.\n', { status: 401, headers: { 'www-authenticate': 'Basic realm="GitHub"' } });
      }
      const role = login ? model.roleOf(repo, login) : undefined;
      if (!login || !role || role === 'read' || role === 'triage') return new Response(`Permission to ${repo.fullName}.git denied to ${login ?? 'anonymous'}.\n`, { status: 403 });
      pusher = login;
    }
    await model.ready();
    await repo.git.ensure();
    const body = req.method === 'POST' ? Buffer.from(await req.arrayBuffer()) : Buffer.alloc(0);
    if (body.length > MAX_BODY_BYTES) return new Response('Request too large.\n', { status: 413 });
    const url = new URL(req.url);
    const suffix = url.pathname.slice(url.pathname.indexOf('.git/') + '.git'.length);
    return runHttpBackend({
      projectRoot: dirname(repo.git.dir), pathInfo: `/${basename(repo.git.dir)}${suffix}`,
      method: req.method, query: url.search.slice(1), contentType: req.headers.get('content-type') ?? '',
      contentEncoding: req.headers.get('content-encoding') ?? '', gitProtocol: req.headers.get('git-protocol') ?? '', body,
      ...(pusher ? { remoteUser: pusher } : {}),
    });
  };
  app.get('/:owner/:repo{.+\\.git}/info/refs', (c) => serve(c.req.param('owner'), c.req.param('repo'), c.req.query('service') ?? '', c.req.raw));
  app.post('/:owner/:repo{.+\\.git}/:service{git-upload-pack|git-receive-pack}', (c) =>
    serve(c.req.param('owner'), c.req.param('repo'), c.req.param('service'), c.req.raw));
  return app;
}

interface BackendRequest {
  projectRoot: string;
  pathInfo: string;
  method: string;
  query: string;
  contentType: string;
  contentEncoding: string;
  gitProtocol: string;
  body: Buffer;
  /** Set for an authorized push: http-backend then enables receive-pack. */
  remoteUser?: string;
}

/** Runs `git http-backend` as a CGI program and turns its output (CGI headers, blank line, body) into a Response. */
function runHttpBackend(r: BackendRequest): Promise<Response> {
  return new Promise((resolve) => {
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIT_PROJECT_ROOT: r.projectRoot, GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: r.pathInfo, REQUEST_METHOD: r.method, QUERY_STRING: r.query, CONTENT_TYPE: r.contentType,
        CONTENT_LENGTH: String(r.body.length), REMOTE_ADDR: '127.0.0.1', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
        ...(r.contentEncoding ? { HTTP_CONTENT_ENCODING: r.contentEncoding } : {}),
        ...(r.gitProtocol ? { GIT_PROTOCOL: r.gitProtocol } : {}),
        ...(r.remoteUser ? { REMOTE_USER: r.remoteUser } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => resolve(new Response(`git http-backend: ${e.message}\n`, { status: 500 })));
    child.on('close', (code) => {
      const all = Buffer.concat(out);
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) {
        resolve(new Response(`git http-backend exited ${code}: ${err}\n`, { status: 500 }));
        return;
      }
      const headers = new Headers();
      let status = 200;
      for (const line of all.subarray(0, split).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
        else headers.append(key, value);
      }
      resolve(new Response(all.subarray(split + 4), { status, headers }));
    });
    // git may exit before it reads the whole request (a refused or failed one): that is its answer, not
    // an error of this server, and an unhandled EPIPE on the pipe would take the whole process down.
    child.stdin.on('error', () => undefined);
    child.stdin.end(r.body);
  });
}

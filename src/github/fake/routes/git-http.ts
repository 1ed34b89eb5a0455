// Git's smart HTTP protocol for the fake's repositories, read-only, as github.com serves public ones:
// `git clone http://<fake>/<owner>/<repo>.git` works, refs/pull/<n>/head included, so a pod's clonerefs
// (which clones `repo_link + ".git"`, upstream pkg/pod-utils/clone) reaches the fake GitHub as it reaches
// GitHub. Served by git's own `git http-backend` CGI over the bare repository behind the repo.
import { spawn } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { Hono } from 'hono';
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
    if (service === 'git-receive-pack') return new Response('Pushing to the fake over HTTP is not supported.\n', { status: 403 });
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

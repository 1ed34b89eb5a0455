// Deck: the web UI and JSON API (reference/lifecycle-spec.md §8). Server-rendered pages readable without
// JavaScript; a little per-page TypeScript adds live logs and in-place rerun/abort.
import { Hono, type Context } from 'hono';
import { Gauge, Histogram, Registry } from 'prom-client';
import { getCookie, setCookie } from 'hono/cookie';
import { stringify } from 'yaml';
import { newProwJob } from '../api/pjutil.js';
import type { ProwJob } from '../api/prowjob.js';
import type { ArtifactEntry, ArtifactStore } from '../artifacts/types.js';
import { ArtifactPathError } from '../artifacts/types.js';
import type { Deck } from '../config/types.js';
import { listen } from '../observability/http.js';
import type { Logger } from '../observability/logger.js';
import { ConflictError, type ProwJobStore } from '../store/types.js';
import { createAssets } from './assets.js';
import { authorize, cookieKey, createSessionCodec, SESSION_COOKIE, type MembershipChecker, type Session } from './auth.js';
import { html, page, type SafeHtml } from './html.js';
import { artifactDir, FilterError, parseFilters, queryJobs } from './jobs.js';
import { parseJUnit, type JUnitSummary } from './junit.js';
import { BUILD_LOG, LOG_WINDOW, logEventStream, logTail, readRange } from './logs.js';
import { authorizeUrl, loginFromCode, type OAuthConfig } from './oauth.js';
import { helpPage, type HelpData } from './pages/help.js';
import { jobPage } from './pages/job.js';
import { listPage } from './pages/list.js';
import { prPage } from './pages/pr.js';

/** The part of the Prow config deck reads, fetched per request (config reloads apply at once). */
export interface DeckConfigView {
  deck?: Partial<Deck>;
}

export interface DeckDeps {
  store: ProwJobStore;
  artifacts: ArtifactStore;
  config: () => DeckConfigView;
  log: Logger;
  /** Plugin help for /command-help (hook's /plugin-help JSON); absent: the page says it is unavailable. */
  pluginHelp?: () => Promise<HelpData>;
  /** Org and team lookups for rerun_auth_configs (the bot's GitHub client). */
  github?: MembershipChecker;
  /** HMAC key material for session cookies and CSRF tokens; random per start when absent. */
  cookieSecret?: Buffer;
  oauth?: OAuthConfig;
  /** Demo mode: these logins may sign in locally without GitHub. Never set this against real GitHub. */
  demoUsers?: string[];
  /** Mark cookies Secure (serve over HTTPS). */
  secureCookies?: boolean;
  /** How often a live log stream looks for new bytes (default 250 ms). */
  logPollMs?: number;
  /** Where deck's metrics go (served at /metrics); a private registry when absent. */
  registry?: Registry;
}

type Env = { Variables: { session: Session } };

class HttpError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 405 | 409 | 500 | 502, message: string) {
    super(message);
  }
}

const JUNIT_RE = /(^|\/)artifacts\/(.*\/)?junit[^/]*\.xml$/;
const JUNIT_MAX_BYTES = 20 * 1024 * 1024;
const PR_PAGE_LIMIT = 1000;

function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

function artifactPath(c: Context, prefix: string): string {
  let path: string;
  try {
    path = decodeURIComponent(c.req.path.slice(prefix.length));
  } catch {
    throw new HttpError(400, '400 Bad Request: malformed percent-encoding in the path');
  }
  return path.replace(/\/+$/, '');
}

export function createDeckApp(deps: DeckDeps): Hono<Env> {
  const log = deps.log;
  const codec = createSessionCodec(cookieKey(deps.cookieSecret));
  const assets = createAssets();
  const app = new Hono<Env>();
  const demoUsers = new Set(deps.demoUsers ?? []);
  const deckConfig = (): Partial<Deck> | undefined => deps.config().deck;
  const registry = deps.registry ?? new Registry();
  const requestSeconds = new Histogram({
    name: 'deck_http_request_duration_seconds', help: 'Time to answer a deck request, by route.',
    labelNames: ['route', 'method', 'code'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  const liveStreams = new Gauge({ name: 'deck_live_log_streams', help: 'Open live build-log streams.', registers: [registry] });

  const saveSession = (c: Context<Env>, s: Session): void => {
    setCookie(c, SESSION_COOKIE, codec.encode(s), {
      path: '/', httpOnly: true, sameSite: 'Lax', secure: deps.secureCookies ?? false, maxAge: 7 * 24 * 3600,
    });
    c.set('session', s);
  };

  const render = (c: Context<Env>, title: string, body: SafeHtml, script?: string, status: 200 | 400 | 403 | 404 | 409 = 200): Response => {
    const s = c.get('session');
    return c.html(
      page({
        title, body, csrf: codec.csrfToken(s), user: s.login, path: c.req.path + (new URL(c.req.url).search || ''),
        headerColor: deckConfig()?.branding?.header_color, ...(script ? { script } : {}),
      }),
      status,
    );
  };

  app.use('*', async (c, next) => {
    const start = performance.now();
    await next();
    if (c.req.routePath !== '/log-stream/:name') {
      requestSeconds.observe({ route: c.req.routePath, method: c.req.method, code: String(c.res.status) }, (performance.now() - start) / 1000);
    }
  });

  // Every visitor has a session (anonymous until sign-in): the CSRF token is bound to it.
  app.use('*', async (c, next) => {
    const s = codec.decode(getCookie(c, SESSION_COOKIE));
    if (s) c.set('session', s);
    else saveSession(c, codec.fresh());
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html')) {
      c.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
      c.header('x-frame-options', 'DENY');
    }
  });

  // Every POST carries the session's CSRF token (form field `csrf` or header `x-csrf-token`).
  app.use('*', async (c, next) => {
    if (c.req.method === 'POST') {
      let token = c.req.header('x-csrf-token');
      if (!token && (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
        const form = await c.req.parseBody();
        token = typeof form['csrf'] === 'string' ? form['csrf'] : undefined;
      }
      if (!codec.checkCsrf(c.get('session'), token)) {
        return c.text('403 Forbidden: missing or invalid CSRF token (reload the page and try again).', 403);
      }
    }
    await next();
  });

  app.onError((err, c) => {
    if (err instanceof HttpError) return c.text(err.message, err.status);
    if (err instanceof FilterError || err instanceof ArtifactPathError) return c.text(`400 Bad Request: ${err.message}`, 400);
    log.error({ err, path: c.req.path }, 'deck request failed');
    return c.text('500 Internal Server Error', 500);
  });

  app.get('/healthz', (c) => c.text('OK'));
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));

  app.get('/static/:name', async (c) => {
    const a = await assets.get(c.req.param('name'));
    if (!a) return c.text('not found', 404);
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'no-cache' });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));

  // ---- job list and JSON API ---------------------------------------------------------------------

  app.get('/', async (c) => {
    const q = parseFilters(new URL(c.req.url).searchParams);
    const result = await queryJobs(deps.store, q, deckConfig()?.hidden_repos);
    return render(c, 'Jobs', listPage(q, result), 'list');
  });

  app.get('/prowjobs.js', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const q = parseFilters(params, { defaultLimit: 500, maxLimit: 10_000 });
    const result = await queryJobs(deps.store, q, deckConfig()?.hidden_repos);
    const omit = new Set((params.get('omit') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    const items = omit.size ? result.prowjobs.map((pj) => omitFields(pj, omit)) : result.prowjobs;
    const body = JSON.stringify(result.next ? { items, next: result.next } : { items });
    const v = params.get('var');
    if (v) {
      if (!/^[A-Za-z_$][\w$]{0,63}$/.test(v)) throw new FilterError(`var: ${JSON.stringify(v)} is not a JavaScript identifier`);
      return c.body(`var ${v} = ${body};`, 200, { 'content-type': 'application/javascript; charset=utf-8' });
    }
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/prowjob', async (c) => {
    const pj = await mustGet(c.req.query('prowjob'));
    return c.text(stringify(pj));
  });

  // ---- job page ----------------------------------------------------------------------------------

  async function mustGet(name: string | undefined): Promise<ProwJob> {
    if (!name) throw new HttpError(400, '400 Bad Request: the prowjob parameter is required');
    const pj = await deps.store.getProwJob(name);
    if (!pj) throw new HttpError(404, `404 Not Found: no ProwJob named ${name}`);
    return pj;
  }

  async function junitFor(entries: ArtifactEntry[]): Promise<(JUnitSummary | { file: string; error: string })[]> {
    const out: (JUnitSummary | { file: string; error: string })[] = [];
    for (const e of entries.filter((x) => JUNIT_RE.test(x.path)).slice(0, 20)) {
      if (e.size > JUNIT_MAX_BYTES) {
        out.push({ file: e.path, error: `too large to summarise (${e.size} bytes)` });
        continue;
      }
      try {
        out.push(parseJUnit(e.path, (await deps.artifacts.get(e.path))?.toString('utf8') ?? ''));
      } catch (err) {
        out.push({ file: e.path, error: (err as Error).message });
      }
    }
    return out;
  }

  async function renderJob(c: Context<Env>, pj: ProwJob): Promise<Response> {
    const dir = artifactDir(pj);
    const [tail, entries] = await Promise.all([logTail(deps.artifacts, pj), dir ? deps.artifacts.list(dir) : Promise.resolve([])]);
    const junit = await junitFor(entries);
    return render(c, pj.spec.job, jobPage({ pj, dir, log: tail, artifacts: entries, junit, csrf: codec.csrfToken(c.get('session')) }), 'job');
  }

  app.get('/job/:name', async (c) => renderJob(c, await mustGet(c.req.param('name'))));

  // Job URLs (plank.job_url_template) point here: /view/local/<bucket>/<build dir>/. The build dir's
  // prowjob.json names the job; the page then shows the live ProwJob from the store.
  app.get('/view/:provider/:bucket/*', async (c) => {
    const prefix = `/view/${c.req.param('provider')}/${c.req.param('bucket')}/`;
    const dir = artifactPath(c, prefix);
    if (dir === '') return render(c, 'Not found', html`<h1>Not found</h1><p>Name a job's artifact directory.</p>`, undefined, 404);
    const raw = await deps.artifacts.get(`${dir}/prowjob.json`);
    let pj: ProwJob | undefined;
    if (raw) {
      try {
        const stored = JSON.parse(raw.toString('utf8')) as ProwJob;
        pj = (await deps.store.getProwJob(stored.metadata.name)) ?? stored;
      } catch {
        pj = undefined;
      }
    }
    if (pj) return renderJob(c, pj);
    const entries = await deps.artifacts.list(dir);
    if (entries.length === 0) return render(c, 'Not found', html`<h1>Not found</h1><p>No job artifacts at ${dir}.</p>`, undefined, 404);
    return render(c, dir, html`<h1>${dir}</h1><ul class="artifacts">${entries.map((e) => html`<li><a href="/artifacts/${e.path}">${e.path.slice(dir.length + 1)}</a></li>`)}</ul>`);
  });

  // Raw artifacts, with HTTP byte ranges. Always served as plain text or JSON, never as HTML.
  app.get('/artifacts/*', async (c) => {
    const path = artifactPath(c, '/artifacts/');
    const st = await deps.artifacts.stat(path);
    if (!st) return c.text('404 Not Found', 404);
    const type = path.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';
    const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header('range') ?? '');
    let start = 0;
    let end = st.size - 1;
    let status: 200 | 206 = 200;
    if (range && (range[1] || range[2])) {
      if (range[1]) {
        start = Number(range[1]);
        if (range[2]) end = Math.min(end, Number(range[2]));
      } else {
        start = Math.max(0, st.size - Number(range[2]));
      }
      if (start > end) return c.body(null, 416, { 'content-range': `bytes */${st.size}` });
      status = 206;
    }
    const stream = st.size === 0 ? undefined : await deps.artifacts.openRead(path, { start, end });
    const headers: Record<string, string> = { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': String(st.size === 0 ? 0 : end - start + 1) };
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${st.size}`;
    if (!stream) return c.body('', status, headers);
    return new Response(nodeToWeb(stream), { status, headers });
  });

  // A slice of the build log (at most LOG_WINDOW bytes, ending at `end`): the "earlier" link of the job page.
  app.get('/log/:name', async (c) => {
    const pj = await mustGet(c.req.param('name'));
    const dir = artifactDir(pj);
    const st = dir ? await deps.artifacts.stat(`${dir}/${BUILD_LOG}`) : undefined;
    if (!dir || !st) return c.text('404 Not Found: this job has no build log yet', 404);
    const num = (k: string, d: number): number => {
      const v = c.req.query(k);
      if (v === undefined || v === '') return d;
      if (!/^\d{1,15}$/.test(v)) throw new FilterError(`${k}: not a byte offset`);
      return Number(v);
    };
    const end = Math.min(num('end', st.size - 1), st.size - 1);
    const start = Math.max(num('start', 0), end - LOG_WINDOW + 1, 0);
    const buf = await readRange(deps.artifacts, `${dir}/${BUILD_LOG}`, start, end);
    return c.body(new Uint8Array(buf), 200, { 'content-type': 'text/plain; charset=utf-8', 'x-log-start': String(start), 'x-log-size': String(st.size) });
  });

  // Upstream's /log?job=&id=: the build log of a job found by name and build id (the newest 1000 runs are searched).
  app.get('/log', async (c) => {
    const jobName = c.req.query('job');
    const id = c.req.query('id');
    if (!jobName || !id) throw new FilterError('job and id are required');
    const { prowjobs } = await queryJobs(deps.store, { job: jobName, limit: 1000 });
    const pj = prowjobs.find((p) => p.status.build_id === id);
    const dir = pj ? artifactDir(pj) : undefined;
    const st = dir ? await deps.artifacts.stat(`${dir}/${BUILD_LOG}`) : undefined;
    if (!dir || !st) return c.text(`404 Not Found: no build log for ${jobName} build ${id}`, 404, { 'access-control-allow-origin': '*' });
    const headers = { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' };
    if (st.size === 0) return c.body('', 200, headers);
    return new Response(nodeToWeb(await deps.artifacts.openRead(`${dir}/${BUILD_LOG}`)), { headers });
  });

  app.get('/log-stream/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await deps.store.getProwJob(name))) return c.text(`404 Not Found: no ProwJob named ${name}`, 404);
    const from = c.req.header('last-event-id') ?? c.req.query('offset') ?? '0';
    if (!/^\d{1,15}$/.test(from)) throw new FilterError('offset: not a byte offset');
    const stream = logEventStream({
      store: deps.store, artifacts: deps.artifacts, name, offset: Number(from), pollMs: deps.logPollMs ?? 250, signal: c.req.raw.signal,
      onClose: () => liveStreams.dec(),
    });
    liveStreams.inc();
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
    });
  });

  // ---- PR page -----------------------------------------------------------------------------------

  app.get('/pr-history', async (c) => {
    const org = c.req.query('org') ?? '';
    const repo = c.req.query('repo') ?? '';
    const pr = c.req.query('pr') ?? '';
    if (!/^[\w.-]{1,100}$/.test(org) || !/^[\w.-]{1,100}$/.test(repo) || !/^\d{1,9}$/.test(pr)) {
      throw new FilterError('org, repo and pr (a number) are required');
    }
    const result = await queryJobs(deps.store, { repo: `${org}/${repo}`, pull: Number(pr), limit: PR_PAGE_LIMIT }, deckConfig()?.hidden_repos);
    return render(c, `${org}/${repo}#${pr}`, prPage(org, repo, Number(pr), result.prowjobs.filter((pj) => pj.spec.type === 'presubmit'), !!result.next));
  });

  // ---- command help ------------------------------------------------------------------------------

  app.get('/plugin-help.js', async (c) => {
    if (!deps.pluginHelp) return c.text('plugin help is not available (start deck with --plugin-config or --hook-url)', 404);
    return c.json(await deps.pluginHelp());
  });
  app.get('/plugin-help', (c) => c.redirect('/command-help', 302));
  app.get('/command-help', async (c) => {
    if (!deps.pluginHelp) {
      return render(c, 'Command help', html`<h1>Command help</h1><p>Plugin help is not available: start deck with <code>--plugin-config</code> or <code>--hook-url</code>.</p>`);
    }
    let data: HelpData;
    try {
      data = await deps.pluginHelp();
    } catch (err) {
      log.warn({ err }, 'plugin help unavailable');
      throw new HttpError(502, `502 Bad Gateway: plugin help unavailable: ${(err as Error).message}`);
    }
    const repo = c.req.query('repo') || undefined;
    return render(c, 'Command help', helpPage(data, repo));
  });

  // ---- rerun and abort ---------------------------------------------------------------------------

  const reply = (c: Context<Env>, status: 200 | 403 | 409, message: string, url?: string): Response => {
    if (wantsJson(c)) return c.json({ message, ...(url ? { url } : {}) }, status);
    if (status === 200 && url) return c.redirect(url, 303);
    // A form POST without JavaScript: a page with the reason and a way back.
    let back = '/';
    try {
      back = safeDest(new URL(c.req.header('referer') ?? '/', 'http://deck').pathname);
    } catch {
      // an unparsable Referer: go back to the list
    }
    return render(c, status === 403 ? 'Refused' : 'Not done', html`<h1>${status === 403 ? 'Refused' : 'Not done'}</h1><p class="problem" id="reason">${message}</p><p><a href="${back}">Back</a></p>`, undefined, status);
  };

  function rerunJob(pj: ProwJob, login: string | undefined): ProwJob {
    // As upstream: the spec, labels and annotations are copied; the name, start time and status are new.
    const next = newProwJob(structuredClone(pj.spec), { ...(pj.metadata.labels ?? {}) }, { ...(pj.metadata.annotations ?? {}) });
    next.status.description = `${login ?? 'anyone'} successfully reran ${pj.metadata.name}.`;
    return next;
  }

  app.get('/rerun', async (c) => {
    const pj = await mustGet(c.req.query('prowjob'));
    return c.text(stringify(rerunJob(pj, c.get('session').login)));
  });

  app.post('/rerun', async (c) => {
    const pj = await mustGet(c.req.query('prowjob'));
    const login = c.get('session').login;
    const decision = await authorize('rerun', deckConfig(), pj, login, deps.github);
    if (!decision.allowed) {
      log.info({ prowjob: pj.metadata.name, user: login, reason: decision.reason }, 'rerun refused');
      return reply(c, 403, `403 Forbidden: ${decision.reason}`);
    }
    const created = await deps.store.createProwJob(rerunJob(pj, login));
    log.info({ prowjob: pj.metadata.name, rerun: created.metadata.name, user: login, why: decision.reason }, 'rerun');
    return reply(c, 200, `Job successfully triggered as ${created.metadata.name}.`, `/job/${encodeURIComponent(created.metadata.name)}`);
  });

  app.post('/abort', async (c) => {
    const name = c.req.query('prowjob');
    const login = c.get('session').login;
    for (let attempt = 0; ; attempt++) {
      const pj = await mustGet(name);
      if (pj.status.state !== 'triggered' && pj.status.state !== 'pending') {
        return reply(c, 409, `Cannot abort ${pj.metadata.name}: it is ${pj.status.state}, not triggered or pending.`);
      }
      const decision = await authorize('abort', deckConfig(), pj, login, deps.github);
      if (!decision.allowed) {
        log.info({ prowjob: pj.metadata.name, user: login, reason: decision.reason }, 'abort refused');
        return reply(c, 403, `403 Forbidden: ${decision.reason}`);
      }
      // Request the abort; the controller stops the run and completes the job.
      pj.status.state = 'aborted';
      pj.status.description = `${login ?? 'anyone'} successfully aborted ${pj.metadata.name}.`;
      try {
        await deps.store.updateProwJob(pj);
      } catch (err) {
        if (err instanceof ConflictError && attempt < 5) continue;
        throw err;
      }
      log.info({ prowjob: pj.metadata.name, user: login }, 'abort requested');
      return reply(c, 200, `Aborting ${pj.metadata.name}.`, `/job/${encodeURIComponent(pj.metadata.name)}`);
    }
  });

  // ---- sign-in -----------------------------------------------------------------------------------


  app.get('/login', (c) => {
    const dest = safeDest(c.req.query('dest'));
    const csrf = codec.csrfToken(c.get('session'));
    const parts: SafeHtml[] = [];
    if (deps.oauth) parts.push(html`<p><a class="button" href="/github-login?dest=${encodeURIComponent(dest)}">Sign in with GitHub</a></p>`);
    if (demoUsers.size) {
      parts.push(html`<p>Demo mode: sign in as a seeded user of the built-in fake GitHub.</p>
<form method="post" action="/login/demo" class="login-users"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="dest" value="${dest}">
${[...demoUsers].map((u) => html`<button type="submit" name="user" value="${u}" id="login-${u}">${u}</button>`)}</form>`);
    }
    if (parts.length === 0) parts.push(html`<p>Sign-in is not configured (start deck with <code>--github-oauth-config-file</code>).</p>`);
    return render(c, 'Sign in', html`<h1>Sign in</h1>${parts}`);
  });

  app.post('/login/demo', async (c) => {
    const form = await c.req.parseBody();
    const user = typeof form['user'] === 'string' ? form['user'] : '';
    if (!demoUsers.has(user)) return c.text(`403 Forbidden: ${user || '(nobody)'} is not a demo user`, 403);
    saveSession(c, codec.fresh(user));
    return c.redirect(safeDest(typeof form['dest'] === 'string' ? form['dest'] : undefined), 303);
  });

  app.post('/logout', (c) => {
    saveSession(c, codec.fresh());
    return c.redirect('/', 303);
  });

  app.get('/github-login', (c) => {
    if (!deps.oauth) return c.text('404 Not Found: GitHub OAuth is not configured', 404);
    const dest = safeDest(c.req.query('dest'));
    const state = codec.sign(JSON.stringify({ sid: c.get('session').sid, dest }));
    return c.redirect(authorizeUrl(deps.oauth, state), 302);
  });

  app.get('/github-login/redirect', async (c) => {
    if (!deps.oauth) return c.text('404 Not Found: GitHub OAuth is not configured', 404);
    const stateRaw = codec.verify(c.req.query('state'));
    const state = stateRaw ? (JSON.parse(stateRaw) as { sid: string; dest: string }) : undefined;
    if (!state || state.sid !== c.get('session').sid) return c.text('403 Forbidden: the sign-in state does not match this browser session', 403);
    const code = c.req.query('code');
    if (!code) return c.text(`403 Forbidden: GitHub did not return a code (${c.req.query('error') ?? 'no reason given'})`, 403);
    let login: string;
    try {
      login = await loginFromCode(deps.oauth, code);
    } catch (err) {
      log.warn({ err }, 'GitHub sign-in failed');
      return c.text(`403 Forbidden: ${(err as Error).message}`, 403);
    }
    saveSession(c, codec.fresh(login));
    return c.redirect(deps.oauth.final_redirect_url || safeDest(state.dest), 303);
  });

  return app;
}

/** A same-site path to return to, never another origin. */
function safeDest(d: string | undefined): string {
  return d && d.startsWith('/') && !d.startsWith('//') && !d.includes('\\') ? d : '/';
}

function omitFields(pj: ProwJob, omit: Set<string>): ProwJob {
  // Shallow copies: only the keys we drop differ from the stored object.
  const metadata = { ...pj.metadata };
  const spec = { ...pj.spec };
  if (omit.has('annotations')) delete metadata.annotations;
  if (omit.has('labels')) delete metadata.labels;
  if (omit.has('decoration_config')) delete spec.decoration_config;
  if (omit.has('pod_spec') && spec.pod_spec) {
    // Upstream keeps the container count so clients can still tell how many there were.
    spec.pod_spec = { containers: spec.pod_spec.containers.map(() => ({})) };
  }
  return { ...pj, metadata, spec };
}

function nodeToWeb(stream: NodeJS.ReadableStream & { destroy?: () => void }): ReadableStream<Uint8Array> {
  const it = stream[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value as Buffer));
      } catch (err) {
        controller.error(err);
      }
    },
    cancel() {
      stream.destroy?.();
    },
  });
}

export interface DeckServerOptions extends DeckDeps {
  port: number;
  hostname?: string;
}

export interface DeckServer {
  url: string;
  close(): Promise<void>;
}

export async function startDeckServer(o: DeckServerOptions): Promise<DeckServer> {
  const app = createDeckApp(o);
  // Live log streams hold connections open: close() ends them at once rather than wait for clients.
  const server = await listen(app, { port: o.port, host: o.hostname ?? '127.0.0.1', log: o.log, name: 'deck', closeTimeoutMs: 0 });
  return { url: server.url, close: () => server.close() };
}


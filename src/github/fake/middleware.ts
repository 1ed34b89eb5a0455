// The fake GitHub's middleware, outermost first: call recording, rate-limit accounting, conditional GETs
// (ETag), the JSON body, waiting for queued git work, authentication, injected failures and the rate
// limit itself. Each is `name(options)` returning a Hono middleware; /_fake/* passes through them all.
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { authenticate } from './auth.js';
import { HttpError, type Actor, type Env } from './http.js';
import type { FakeModel } from './model.js';
import type { Traffic } from './traffic.js';
import { requestCost, SECONDARY_LIMIT_DOCS, type FakeLimiter } from './limits.js';

const ANONYMOUS: Actor = { login: null, auth: 'none' };

/** Token exchange and installation lookups: GitHub does not count them against the rate limit. */
const AUTH_ROUTES = new Set(['/app', '/app/installations/:installation_id/access_tokens', '/orgs/:org/installation', '/repos/:owner/:repo/installation', '/users/:username/installation']);

const isFakeControl = (c: Context<Env>): boolean => new URL(c.req.url).pathname.startsWith('/_fake/');

function gitHubOnly(handler: MiddlewareHandler<Env>): MiddlewareHandler<Env> {
  return async (c, next) => (isFakeControl(c) ? next() : handler(c, next));
}

/** Replaces the answer outright (Hono would otherwise merge the old headers back in). */
function replaceResponse(c: Context<Env>, res: Response): void {
  c.res = undefined as unknown as Response;
  c.res = res;
}

/** The matched route as a template: `/repos/{owner}/{repo}` (the path itself when no route matched). */
function routeTemplate(c: Context<Env>, pathname: string): string {
  const routePath = c.req.routePath && c.req.routePath !== '*' && c.req.routePath !== '/*' ? c.req.routePath : pathname;
  return routePath.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}');
}

/** Records every call (method, route template, body, status, who) once it is answered. */
export function recordCalls({ traffic, now }: { traffic: Traffic; now: () => Date }): MiddlewareHandler<Env> {
  return gitHubOnly(async function recordCalls(c, next) {
    const seq = traffic.nextSeq();
    await next();
    const url = new URL(c.req.url);
    const body = c.get('body');
    const actor = c.get('actor') ?? ANONYMOUS;
    const isQuery = url.pathname === '/graphql' && typeof body === 'object' && body !== null && !/^\s*mutation\b/.test(String((body as { query?: unknown }).query ?? ''));
    const write = c.req.method !== 'GET' && c.req.method !== 'HEAD' && !isQuery && !url.pathname.endsWith('/access_tokens');
    c.res.headers.set('x-github-request-id', `FAKE-${seq}`);
    traffic.record({
      seq, method: c.req.method, path: url.pathname, query: url.search.replace(/^\?/, ''), route: `${c.req.method} ${routeTemplate(c, url.pathname)}`,
      body, status: c.res.status, actor: actor.login, auth: actor.auth, write, time: now().toISOString(),
    });
  });
}

/** Spends one request of the rate limit per authenticated call (not a 304, not App auth) and says so in headers. */
export function rateLimitHeaders({ model }: { model: FakeModel }): MiddlewareHandler<Env> {
  return gitHubOnly(async function rateLimitHeaders(c, next) {
    await next();
    const res = c.res;
    const pathname = new URL(c.req.url).pathname;
    const actor = c.get('actor') ?? ANONYMOUS;
    const costs = actor.auth !== 'none' && !AUTH_ROUTES.has(c.req.routePath) && res.status !== 304;
    const rl = model.world.rateLimit;
    if (costs && rl.remaining > 0) rl.remaining--;
    res.headers.set('x-ratelimit-limit', String(rl.limit));
    if (!res.headers.has('x-ratelimit-remaining')) res.headers.set('x-ratelimit-remaining', String(rl.remaining));
    res.headers.set('x-ratelimit-used', String(rl.limit - rl.remaining));
    res.headers.set('x-ratelimit-reset', String(rl.reset));
    res.headers.set('x-ratelimit-resource', pathname === '/graphql' ? 'graphql' : pathname.startsWith('/search/') ? 'search' : 'core');
  });
}

/** Conditional requests: a JSON GET carries an ETag, and a matching If-None-Match gets 304, as on GitHub. */
export function conditionalGet(): MiddlewareHandler<Env> {
  return gitHubOnly(async function conditionalGet(c, next) {
    await next();
    const res = c.res;
    if (c.req.method !== 'GET' || res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('json')) return;
    const payload = await res.clone().text();
    const actor = c.get('actor') ?? ANONYMOUS;
    const etag = `W/"${createHash('sha1').update(`${actor.login ?? ''}\n${payload}`).digest('hex')}"`;
    const headers = new Headers(res.headers);
    headers.set('etag', etag);
    if (c.req.header('if-none-match') === etag) {
      headers.delete('content-type');
      headers.delete('content-length');
      replaceResponse(c, new Response(null, { status: 304, headers }));
    } else {
      replaceResponse(c, new Response(payload, { status: 200, headers }));
    }
  });
}

/** The request body, parsed as JSON when it is JSON (kept as text otherwise), in `c.get('body')`. */
export function jsonBody(): MiddlewareHandler<Env> {
  return gitHubOnly(async function jsonBody(c, next) {
    c.set('actor', ANONYMOUS);
    const text = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text();
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    c.set('body', body);
    await next();
  });
}

/** Seeding and pushes run git in the background: a request sees the world once they are done. */
export function waitForGit({ model }: { model: FakeModel }): MiddlewareHandler<Env> {
  return gitHubOnly(async function waitForGit(_c, next) {
    await model.pending;
    await next();
  });
}

/** Who is calling, in `c.get('actor')`; 401 for credentials GitHub would refuse. */
export function authenticateCaller({ model }: { model: FakeModel }): MiddlewareHandler<Env> {
  return gitHubOnly(async function authenticateCaller(c, next) {
    c.set('actor', authenticate(model.world, model.now(), c.req.header('authorization')));
    await next();
  });
}

/** Fails the requests a test asked to fail (FakeGitHub.failNext). */
export function injectFailures({ traffic }: { traffic: Traffic }): MiddlewareHandler<Env> {
  return gitHubOnly(async function injectFailures(c, next) {
    const failure = traffic.takeFailure(c.req.method, new URL(c.req.url).pathname);
    if (failure && !failure.afterHandling) throw new HttpError(failure.status, failure.message ?? 'Server Error', undefined, failure.headers);
    await next();
    if (failure) throw new HttpError(failure.status, failure.message ?? 'Server Error', undefined, failure.headers);
  });
}

/**
 * GitHub's limits (limits.ts): the primary budget refills when its window ends and is 403 once spent;
 * over a secondary limit the answer is 403 with retry-after and GitHub's message.
 */
export function enforceRateLimit({ model, limiter }: { model: FakeModel; limiter: FakeLimiter }): MiddlewareHandler<Env> {
  return gitHubOnly(async function enforceRateLimit(c, next) {
    const actor = c.get('actor');
    if (actor.auth === 'none' || AUTH_ROUTES.has(c.req.routePath)) return next();
    const rl = model.world.rateLimit;
    const nowMs = Date.now();
    if (nowMs >= rl.reset * 1000) {
      rl.remaining = rl.limit;
      rl.reset = Math.floor(nowMs / 1000) + limiter.primaryWindowSeconds;
    }
    if (rl.remaining <= 0) {
      limiter.refused.primary++;
      throw new HttpError(403, `API rate limit exceeded for user ID ${actor.login ?? ''}.`, undefined, { 'x-ratelimit-remaining': '0' });
    }
    const caller = `${actor.auth}:${actor.app ?? ''}:${actor.login ?? ''}`;
    const admitted = limiter.admit(caller, requestCost(c.req.method, new URL(c.req.url).pathname, c.get('body')), nowMs);
    if (!admitted.ok) {
      replaceResponse(c, new Response(JSON.stringify({
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: SECONDARY_LIMIT_DOCS,
      }), { status: 403, headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(admitted.retryAfter) } }));
      return;
    }
    try {
      await next();
    } finally {
      limiter.done(caller);
    }
  });
}

// What every route and middleware of the fake GitHub shares: the request's variables, GitHub's
// error body, request-body helpers and paginated answers with Link headers.
import type { Context } from 'hono';

/** Answered as GitHub answers errors: `{message, documentation_url, status, errors?}`. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly errors?: unknown[], readonly headers?: Record<string, string>) {
    super(message);
  }
}

export const notFound = (): HttpError => new HttpError(404, 'Not Found');

export interface Actor {
  login: string | null;
  auth: 'token' | 'installation' | 'app' | 'none';
  app?: number;
}

export type Env = { Variables: { actor: Actor; body: unknown } };

export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) {
    const json: Record<string, unknown> = { message: err.message, documentation_url: 'https://docs.github.com/rest', status: String(err.status) };
    if (err.errors) json.errors = err.errors;
    return new Response(JSON.stringify(json), { status: err.status, headers: { 'content-type': 'application/json; charset=utf-8', ...err.headers } });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new Response(JSON.stringify({ message: `fake github: ${message}` }), { status: 500, headers: { 'content-type': 'application/json' } });
}

/** The JSON body as an object ({} for anything else). */
export function body(c: Context<Env>): Record<string, unknown> {
  const b = c.get('body');
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

export function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The authenticated caller's login; 401 for an anonymous request. */
export function actorLogin(c: Context<Env>): string {
  const login = c.get('actor').login;
  if (!login) throw new HttpError(401, 'Requires authentication');
  return login;
}

/** One page of `items` (`page`, `per_page` up to 100) with GitHub's absolute Link header under `baseUrl`. */
export function paginate<T>(c: Context<Env>, baseUrl: string, items: T[]): Response {
  const q = new URL(c.req.url).searchParams;
  const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(q.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number): string => {
    const params = new URLSearchParams(q);
    params.set('page', String(p));
    if (q.has('per_page')) params.set('per_page', String(perPage));
    return `${baseUrl}${new URL(c.req.url).pathname}?${params.toString()}`;
  };
  const links: string[] = [];
  if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
  if (links.length > 0) c.header('link', links.join(', '));
  return c.json(items.slice((page - 1) * perPage, page * perPage) as unknown as object);
}

export function splitRepo(full: string): [string, string] {
  const [owner, name, extra] = full.split('/');
  if (!owner || !name || extra !== undefined) throw new Error(`fake github: repo must be "owner/name", got ${JSON.stringify(full)}`);
  return [owner, name];
}

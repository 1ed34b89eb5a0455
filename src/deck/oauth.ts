// GitHub OAuth sign-in (`--github-oauth-config-file`, upstream's githuboauth config): redirect to GitHub,
// exchange the code, read the login. The user's token is not kept: authorisation checks use the bot's client.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface OAuthConfig {
  client_id: string;
  client_secret: string;
  redirect_url: string;
  final_redirect_url?: string;
  scopes?: string[];
  /** Where GitHub's web endpoints live (default https://github.com). */
  web_base_url?: string;
  /** REST API base (default https://api.github.com). */
  api_base_url?: string;
}

export function loadOAuthConfig(file: string): OAuthConfig {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
  const c = data as Partial<OAuthConfig> | null;
  for (const key of ['client_id', 'client_secret', 'redirect_url'] as const) {
    if (!c || typeof c[key] !== 'string' || c[key] === '') throw new Error(`${file}: ${key} is required`);
  }
  return c as OAuthConfig;
}

export function authorizeUrl(c: OAuthConfig, state: string): string {
  const u = new URL('/login/oauth/authorize', c.web_base_url ?? 'https://github.com');
  u.searchParams.set('client_id', c.client_id);
  u.searchParams.set('redirect_uri', c.redirect_url);
  u.searchParams.set('state', state);
  if (c.scopes?.length) u.searchParams.set('scope', c.scopes.join(' '));
  return u.toString();
}

/** Exchanges the code for a token and returns the user's login. */
export async function loginFromCode(c: OAuthConfig, code: string, doFetch: typeof fetch = fetch): Promise<string> {
  const tokenUrl = new URL('/login/oauth/access_token', c.web_base_url ?? 'https://github.com');
  const res = await doFetch(tokenUrl, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: c.client_id, client_secret: c.client_secret, code, redirect_uri: c.redirect_url }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new Error(`GitHub refused the sign-in: ${body.error_description ?? body.error ?? `HTTP ${res.status}`}`);
  const api = (c.api_base_url ?? 'https://api.github.com').replace(/\/+$/, '');
  const user = await doFetch(`${api}/user`, {
    headers: { authorization: `token ${body.access_token}`, accept: 'application/vnd.github+json' },
    signal: AbortSignal.timeout(10_000),
  });
  const u = (await user.json().catch(() => ({}))) as { login?: string };
  if (!user.ok || !u.login) throw new Error(`could not read the signed-in user (HTTP ${user.status})`);
  return u.login;
}

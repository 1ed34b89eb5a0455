// The Jira client the jira plugin uses (upstream pkg/jira/jira.go over go-jira): REST v2 with a bearer token
// or basic auth, read from files on every request so a rotated secret applies. A 404 on an issue is "no such
// issue" (Jira answers `{"errorMessages": [...], "errors": {}}`); any other failure throws JiraError with
// Jira's messages. With dryRun, writes are logged instead of sent. src/cli builds it from --jira-* flags.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../observability/logger.js';
import type { JiraClient, JiraRemoteLink } from '../types.js';

const MAX_BODY = 4 << 20;

export class JiraError extends Error {
  override readonly name = 'JiraError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface JiraClientOptions {
  /** --jira-endpoint, e.g. https://issues.example.com */
  endpoint: string;
  /** --jira-bearer-token-file */
  bearerTokenFile?: string;
  /** --jira-username with --jira-password-file */
  username?: string;
  passwordFile?: string;
  dryRun?: boolean;
  log: Logger;
  fetch?: typeof fetch;
}

/** Flag problems, as upstream JiraOptions.Validate words them; empty when fine. */
export function validateJiraOptions(o: Omit<JiraClientOptions, 'log'>): string[] {
  const problems: string[] = [];
  try {
    new URL(o.endpoint);
  } catch {
    problems.push(`--jira-endpoint ${JSON.stringify(o.endpoint)} is invalid`);
  }
  if ((o.username ?? '') !== '' !== ((o.passwordFile ?? '') !== '')) problems.push('--jira-username and --jira-password-file must be specified together');
  if ((o.bearerTokenFile ?? '') !== '' && (o.username ?? '') !== '') problems.push('--jira-bearer-token-file and --jira-username are mutually exclusive');
  if ((o.bearerTokenFile ?? '') !== '' && (o.passwordFile ?? '') !== '') problems.push('--jira-bearer-token-file and --jira-password-file are mutually exclusive');
  return problems;
}

async function boundedText(res: Response): Promise<string> {
  const len = Number(res.headers.get('content-length') ?? '0');
  if (len > MAX_BODY) throw new JiraError(res.status, `jira: answer of ${len} bytes is over the ${MAX_BODY}-byte limit`);
  const text = await res.text();
  if (text.length > MAX_BODY) throw new JiraError(res.status, `jira: answer over the ${MAX_BODY}-byte limit`);
  return text;
}

export function createJiraClient(o: JiraClientOptions): JiraClient {
  const problems = validateJiraOptions(o);
  if (problems.length > 0) throw new Error(problems.join('; '));
  // Missing secret files fail at start-up, not at the first event.
  if (o.bearerTokenFile) readFileSync(o.bearerTokenFile);
  if (o.passwordFile) readFileSync(o.passwordFile);
  const base = o.endpoint.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;

  const auth = (): Record<string, string> => {
    if (o.bearerTokenFile) return { authorization: `Bearer ${readFileSync(o.bearerTokenFile, 'utf8').trim()}` };
    if (o.username && o.passwordFile) {
      return { authorization: `Basic ${Buffer.from(`${o.username}:${readFileSync(o.passwordFile, 'utf8').trim()}`).toString('base64')}` };
    }
    return {};
  };

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await doFetch(`${base}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...auth() },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await boundedText(res);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.status >= 400 && res.status !== 404) {
      const messages = (json as { errorMessages?: string[] } | undefined)?.errorMessages ?? [];
      throw new JiraError(res.status, `jira: ${method} ${path}: ${res.status}${messages.length > 0 ? `: ${messages.join('; ')}` : ''}`);
    }
    return { status: res.status, json };
  }

  const write = async (method: string, path: string, body: unknown): Promise<void> => {
    if (o.dryRun === true) {
      o.log.info({ method, path }, 'dry run: jira write not sent');
      return;
    }
    const { status } = await call(method, path, body);
    if (status === 404) throw new JiraError(404, `jira: ${method} ${path}: 404`);
  };

  const issuePath = (key: string) => `/rest/api/2/issue/${encodeURIComponent(key)}`;
  return {
    url: base,
    async listProjects() {
      const { status, json } = await call('GET', '/rest/api/2/project');
      if (status === 404 || !Array.isArray(json)) throw new JiraError(status, 'jira: GET /rest/api/2/project: no project list');
      return (json as { key?: unknown }[]).map((p) => String(p.key ?? ''));
    },
    async getIssue(key) {
      const { status, json } = await call('GET', `${issuePath(key)}?fields=key`);
      if (status === 404) return undefined;
      return { key: String((json as { key?: unknown }).key ?? key) };
    },
    async getRemoteLinks(key) {
      const { status, json } = await call('GET', `${issuePath(key)}/remotelink`);
      if (status === 404) throw new JiraError(404, `jira: issue ${key} not found`);
      return (json as JiraRemoteLink[]) ?? [];
    },
    addRemoteLink: (key, link) => write('POST', `${issuePath(key)}/remotelink`, { object: link.object }),
    updateRemoteLink: (key, link) => write('PUT', `${issuePath(key)}/remotelink/${link.id}`, { object: link.object }),
  };
}

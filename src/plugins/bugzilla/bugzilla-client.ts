// The Bugzilla client the bugzilla plugin uses (upstream pkg/bugzilla/client.go): REST for bugs and comments,
// JSON-RPC 1.0 (`/jsonrpc.cgi`, the ExternalBugs extension) for external tracker links. The API key is read
// from its file on every request so a rotated key applies; it goes where --bugzilla-auth-method says
// (default: both the X-BUGZILLA-API-KEY header and the api_key query parameter, as upstream). Bugzilla's
// error bodies (`{"error":true,"code":101,"message":"..."}`) become BugzillaError; a 404 on a bug is "no such
// bug". With dryRun, writes are logged instead of sent. src/cli builds it from the --bugzilla-* flags.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../observability/logger.js';
import type { BugzillaBug, BugzillaClient, BugzillaExternalPR } from '../types.js';

const MAX_BODY = 4 << 20;
const AUTH_METHODS = ['bearer', 'query', 'x-bugzilla-api-key'] as const;
type AuthMethod = (typeof AUTH_METHODS)[number];

export class BugzillaError extends Error {
  override readonly name = 'BugzillaError';
  constructor(readonly status: number, readonly code: number, message: string) {
    super(code !== 0 ? `code ${code}: ${message}` : message);
  }
}

export interface BugzillaClientOptions {
  /** --bugzilla-endpoint, e.g. https://bugzilla.example.com */
  endpoint: string;
  /** --bugzilla-api-key-path; absent: anonymous */
  apiKeyPath?: string;
  /** --bugzilla-auth-method: bearer, query or x-bugzilla-api-key */
  authMethod?: string;
  /** --bugzilla-github-external-tracker-id: the ext_type_id of GitHub, else ext_type_url https://github.com/ */
  githubExternalTrackerId?: number;
  dryRun?: boolean;
  log: Logger;
  fetch?: typeof fetch;
}

/** Flag problems, as upstream BugzillaOptions.Validate words them; empty when fine. */
export function validateBugzillaOptions(o: Pick<BugzillaClientOptions, 'endpoint' | 'authMethod'>): string[] {
  const problems: string[] = [];
  try {
    new URL(o.endpoint);
  } catch {
    problems.push(`invalid --bugzilla-endpoint URI: ${JSON.stringify(o.endpoint)}`);
  }
  if ((o.authMethod ?? '') !== '' && !(AUTH_METHODS as readonly string[]).includes(o.authMethod!)) {
    problems.push(`invalid --bugzilla-auth-method ${o.authMethod}. Valid values are bearer,query or x-bugzilla-api-key`);
  }
  return problems;
}

/** upstream IdentifierForPull */
export const identifierForPull = (org: string, repo: string, num: number): string => `${org}/${repo}/pull/${num}`;

/** upstream PullFromIdentifier: undefined when the identifier is not a pull request's. */
export function pullFromIdentifier(identifier: string): BugzillaExternalPR | undefined {
  const parts = identifier.split('/');
  if (parts.length >= 3 && parts[2] !== 'pull') return undefined;
  const trailing = parts.length === 4 || (parts.length === 5 && (parts[4] === '' || parts[4] === 'files')) || (parts.length === 6 && parts[4] === 'files' && parts[5] === '');
  if (!trailing) throw new Error(`invalid pull identifier with ${parts.length} parts: ${JSON.stringify(identifier)}`);
  const num = Number(parts[3]);
  if (!Number.isInteger(num)) throw new Error(`invalid pull identifier: could not parse ${parts[3]} as number`);
  return { org: parts[0]!, repo: parts[1]!, num };
}

interface BugzillaComment {
  text?: string;
  creator?: string;
  time?: string;
  is_private?: boolean;
}

const CLONED_FIELDS = ['alias', 'assigned_to', 'cc', 'component', 'flags', 'groups', 'keywords', 'op_sys', 'platform', 'priority', 'product', 'qa_contact', 'severity', 'summary', 'target_milestone', 'version'];

/** upstream cloneBugStruct: the new bug's fields, with every comment folded into its description as Bugzilla does on clone. */
export function cloneBugStruct(bug: BugzillaBug, subComponents: Record<string, string[]>, comments: readonly BugzillaComment[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of CLONED_FIELDS) {
    const v = bug[f];
    if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) out[f] = v;
  }
  if (Object.keys(subComponents).length > 0) out.sub_components = subComponents;
  if (comments.some((c) => c.is_private === true)) out.comment_is_private = true;
  let desc = `+++ This bug was initially created as a clone of Bug #${bug.id} +++\n\n${comments[0]?.text ?? ''}`;
  for (const c of comments.slice(1)) {
    const t = c.time === undefined ? '' : new Date(c.time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    desc += `\n\n--- Additional comment from ${c.creator ?? ''} on ${t} ---\n\n${c.text ?? ''}`;
  }
  out.description = desc.length > 65535 ? `${desc.slice(0, 65532)}...` : desc;
  return out;
}

export function createBugzillaClient(o: BugzillaClientOptions): BugzillaClient {
  const problems = validateBugzillaOptions(o);
  if (problems.length > 0) throw new Error(problems.join('; '));
  if (o.apiKeyPath) readFileSync(o.apiKeyPath); // a missing key file fails at start-up, not at the first event
  const base = o.endpoint.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;
  const method = (o.authMethod ?? '') as AuthMethod | '';

  async function call(verb: string, path: string, query: [string, string][], body?: unknown): Promise<unknown> {
    const url = new URL(`${base}${path}`);
    for (const [k, v] of query) url.searchParams.append(k, v);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'prow-bugzilla' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const key = o.apiKeyPath ? readFileSync(o.apiKeyPath, 'utf8').trim() : '';
    if (key !== '') {
      if (method === 'bearer') headers.authorization = `Bearer ${key}`;
      if (method === 'x-bugzilla-api-key' || method === '') headers['x-bugzilla-api-key'] = key;
      if (method === 'query' || method === '') url.searchParams.append('api_key', key);
    }
    const res = await doFetch(url, { method: verb, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    if (Number(res.headers.get('content-length') ?? '0') > MAX_BODY) throw new BugzillaError(res.status, 0, `bugzilla: answer over the ${MAX_BODY}-byte limit`);
    const text = await res.text();
    if (text.length > MAX_BODY) throw new BugzillaError(res.status, 0, `bugzilla: answer over the ${MAX_BODY}-byte limit`);
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const err = json as { error?: unknown; code?: unknown; message?: unknown } | undefined;
    if (err?.error === true) throw new BugzillaError(res.status, Number(err.code ?? 0), String(err.message ?? ''));
    if (res.status < 200 || res.status > 299) throw new BugzillaError(res.status, 0, `response code ${res.status} not 200`);
    return json;
  }

  const write = async (what: Record<string, unknown>, send: () => Promise<unknown>): Promise<unknown> => {
    if (o.dryRun === true) {
      o.log.info(what, 'dry run: bugzilla write not sent');
      return undefined;
    }
    return send();
  };

  const oneBug = <T>(json: unknown): T => {
    const bugs = (json as { bugs?: T[] } | undefined)?.bugs ?? [];
    if (bugs.length !== 1) throw new Error(`did not get one bug, but ${bugs.length}`);
    return bugs[0]!;
  };

  async function rpc(rpcMethod: string, params: unknown): Promise<{ error?: { code: number; message: string }; id?: string; result?: unknown }> {
    return (await call('POST', '/jsonrpc.cgi', [], { jsonrpc: '1.0', method: rpcMethod, params: [params], id: 'identifier' })) as never;
  }

  return {
    endpoint: base,
    async getBug(id) {
      try {
        return oneBug<BugzillaBug>(await call('GET', `/rest/bug/${id}`, [['include_fields', '_default'], ['include_fields', 'flags']]));
      } catch (err) {
        if (err instanceof BugzillaError && err.status === 404) return undefined;
        throw err;
      }
    },
    async updateBug(id, update) {
      await write({ bug: id, update }, () => call('PUT', `/rest/bug/${id}`, [], update));
    },
    async getExternalBugPRsOnBug(id) {
      const bug = oneBug<{ external_bugs?: { bug_id?: number; ext_bz_bug_id?: string; type?: { url?: string } }[] }>(
        await call('GET', `/rest/bug/${id}`, [['include_fields', 'external_bugs']]),
      );
      const out: BugzillaExternalPR[] = [];
      for (const ext of bug.external_bugs ?? []) {
        if (ext.bug_id !== id || ext.type?.url !== 'https://github.com/') continue;
        const pr = pullFromIdentifier(ext.ext_bz_bug_id ?? '');
        if (pr !== undefined) out.push(pr);
      }
      return out;
    },
    async addPullRequestAsExternalBug(id, org, repo, num) {
      const ident = identifierForPull(org, repo, num);
      const ext = o.githubExternalTrackerId ? { ext_type_id: o.githubExternalTrackerId, ext_bz_bug_id: ident } : { ext_type_url: 'https://github.com/', ext_bz_bug_id: ident };
      const res = await write({ bug: id, add_external: ident }, () => rpc('ExternalBugs.add_external_bug', { bug_ids: [id], external_bugs: [ext] }));
      if (res === undefined) return true;
      const r = res as Awaited<ReturnType<typeof rpc>>;
      if (r.error) {
        // already linked: not an error (upstream matches Bugzilla's database message)
        if (r.error.code === 100500 && r.error.message.includes('duplicate key value violates unique constraint "ext_bz_bug_map_bug_id_idx"')) return false;
        throw new Error(`JSONRPC error ${r.error.code}: ${r.error.message}`);
      }
      if (r.id !== 'identifier') throw new Error(`JSONRPC returned mismatched identifier, expected identifier but got ${r.id}`);
      const bugs = (r.result as { bugs?: { id: number; changes?: Record<string, { added?: string }> }[] } | undefined)?.bugs ?? [];
      return bugs.some((b) => b.id === id && (b.changes?.['ext_bz_bug_map.ext_bz_bug_id']?.added ?? '').includes(ident));
    },
    async removePullRequestAsExternalBug(id, org, repo, num) {
      const ident = identifierForPull(org, repo, num);
      const res = await write({ bug: id, remove_external: ident }, () => rpc('ExternalBugs.remove_external_bug', { bug_ids: [id], ext_type_url: 'https://github.com/', ext_bz_bug_id: ident }));
      if (res === undefined) return true;
      const r = res as Awaited<ReturnType<typeof rpc>>;
      if (r.error) {
        if (r.error.code === 1006 && r.error.message.includes('No external tracker bugs were found that matched your criteria')) return false;
        throw new Error(`JSONRPC error ${r.error.code}: ${r.error.message}`);
      }
      if (r.id !== 'identifier') throw new Error(`JSONRPC returned mismatched identifier, expected identifier but got ${r.id}`);
      return ((r.result as { external_bugs?: { ext_bz_bug_id?: string }[] } | undefined)?.external_bugs ?? []).some((e) => e.ext_bz_bug_id === ident);
    },
    async getClones(bug) {
      const clones: BugzillaBug[] = [];
      const errors: string[] = [];
      for (const id of bug.blocks ?? []) {
        try {
          const blocked = await this.getBug(id);
          if (blocked === undefined) throw new Error('not found');
          if (blocked.summary === bug.summary) clones.push(blocked);
        } catch (err) {
          errors.push(`Failed to get dependent bug #${id}: ${(err as Error).message}`);
        }
      }
      if (errors.length > 0) throw new Error(errors.join('; '));
      return clones;
    },
    async cloneBug(bug) {
      // upstream clone(): the copy, then the copy made to depend on the original and block what it blocks
      const sub = oneBug<{ sub_components?: Record<string, string[]> }>(await call('GET', `/rest/bug/${bug.id}`, [['include_fields', 'sub_components']]));
      const raw = (await call('GET', `/rest/bug/${bug.id}/comment`, [])) as { bugs?: Record<string, { comments?: BugzillaComment[] }> } | undefined;
      const comments = raw?.bugs?.[String(bug.id)]?.comments ?? [];
      const created = await write({ create_clone_of: bug.id }, () => call('POST', '/rest/bug', [], cloneBugStruct(bug, sub.sub_components ?? {}, comments)));
      if (created === undefined) return 0;
      const id = Number((created as { id?: unknown }).id);
      if (!Number.isInteger(id) || id <= 0) throw new Error('bugzilla: creating the clone answered no bug id');
      const update: Record<string, unknown> = { depends_on: { add: [bug.id] }, ...(typeof bug.whiteboard === 'string' && bug.whiteboard !== '' ? { whiteboard: bug.whiteboard } : {}) };
      if ((bug.blocks ?? []).length > 0) update.blocks = { add: bug.blocks };
      await call('PUT', `/rest/bug/${id}`, [], update);
      return id;
    },
    async createComment(id, comment, isPrivate) {
      await write({ bug: id, comment: 'new' }, () => call('POST', `/rest/bug/${id}/comment`, [], { id, comment, is_private: isPrivate }));
    },
  };
}

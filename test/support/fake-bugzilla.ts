// A fake Bugzilla for tests: the REST calls and the ExternalBugs JSON-RPC calls the bugzilla plugin makes,
// answered as Bugzilla 5 answers them. Errors are Bugzilla's bodies, `{"error":true,"code":N,"message":...}`:
// 404 code 101 for a bug that does not exist, 400 code 306 for a wrong API key, 401 code 410 for a write
// without one, 400 code 51 for a status Bugzilla does not know. GET /rest/bug/{id} (`include_fields=
// external_bugs` or `sub_components` gives only those), PUT /rest/bug/{id} (status, resolution, target
// release, whiteboard, depends_on/blocks kept on both bugs), POST /rest/bug, GET and POST /rest/bug/{id}/comment, POST /jsonrpc.cgi
// (ExternalBugs.add_external_bug, ExternalBugs.remove_external_bug, with the duplicate and not-found errors
// upstream's client recognises). Every request is recorded, secrets left out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBug {
  id: number;
  status: string;
  resolution?: string;
  is_open?: boolean;
  severity?: string;
  target_release?: string[];
  depends_on?: number[];
  groups?: string[];
  qa_contact_detail?: { email?: string; name?: string };
  /** `org/repo/pull/N` identifiers linked with the GitHub tracker */
  external?: string[];
  summary?: string;
  blocks?: number[];
  product?: string;
  component?: string[];
  whiteboard?: string;
  sub_components?: Record<string, string[]>;
  /** comment texts, the first being the description */
  bug_comments?: { text: string; creator: string; time: string; is_private?: boolean }[];
  /** what a POST /rest/bug sent (bugs the fake created) */
  created_from?: Record<string, unknown>;
}

export interface FakeBugzilla {
  url: string;
  apiKey: string;
  bugs: Map<number, FakeBug>;
  /** Bugzilla comments, `bugId: text` (private ones marked). */
  comments: string[];
  requests: { method: string; path: string; rpc?: string }[];
  reset(bugs: FakeBug[]): void;
  /** The next request to a path containing `pathPart` gets a Bugzilla error. */
  failNext(pathPart: string, status: number, code: number, message: string): void;
  close(): Promise<void>;
}

const KNOWN_STATUSES = new Set(['NEW', 'ASSIGNED', 'POST', 'MODIFIED', 'ON_DEV', 'ON_QA', 'VERIFIED', 'RELEASE_PENDING', 'CLOSED', 'RESET', 'IN_PROGRESS', 'UPDATED']);
const GITHUB = 'https://github.com/';

export async function startFakeBugzilla(apiKey = 'bugzilla-key'): Promise<FakeBugzilla> {
  const bugs = new Map<number, FakeBug>();
  const comments: string[] = [];
  const requests: FakeBugzilla['requests'] = [];
  let failure: { pathPart: string; status: number; code: number; message: string } | undefined;
  let commentId = 1;
  let url = '';
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (b: Buffer) => { raw += b.toString(); });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify(body));
      };
      const fail = (status: number, code: number, message: string): void => reply(status, { error: true, code, message, documentation: 'https://bugzilla.readthedocs.org/en/5.0/api/' });
      let body: Record<string, any> = {};
      if (raw !== '') {
        try {
          body = JSON.parse(raw) as Record<string, any>;
        } catch {
          return fail(400, 32614, 'The JSON you passed in is not valid.');
        }
      }
      requests.push({ method: req.method ?? '', path: u.pathname, ...(typeof body.method === 'string' ? { rpc: body.method } : {}) });
      const key = req.headers['x-bugzilla-api-key'] ?? u.searchParams.get('api_key') ?? (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (key !== '' && key !== apiKey) return fail(400, 306, 'The API key you specified is invalid. Please check that you typed it correctly.');
      if (failure && u.pathname.includes(failure.pathPart)) {
        const f = failure;
        failure = undefined;
        return fail(f.status, f.code, f.message);
      }
      if (req.method !== 'GET' && key === '') return fail(401, 410, 'You must log in before using this part of Bugzilla.');

      if (req.method === 'POST' && u.pathname === '/jsonrpc.cgi') return jsonRpc(body, reply);
      if (req.method === 'POST' && u.pathname === '/rest/bug') {
        if (typeof body.summary !== 'string' || body.summary === '') return fail(400, 50, 'You must enter a summary for this bug.');
        if (typeof body.product !== 'string') return fail(400, 50, 'You must select/enter a product.');
        const id = Math.max(0, ...bugs.keys()) + 1;
        bugs.set(id, { id, status: 'NEW', is_open: true, summary: body.summary, product: body.product, component: body.component, created_from: body });
        return reply(200, { id });
      }
      const m = /^\/rest\/bug\/(\d+)(\/comment)?$/.exec(u.pathname);
      if (!m) return fail(404, 32614, `A REST API resource was not found for '${req.method} ${u.pathname}'.`);
      const id = Number(m[1]);
      const bug = bugs.get(id);
      if (bug === undefined) return fail(404, 101, `Bug #${id} does not exist.`);
      if (m[2] !== undefined) {
        if (req.method === 'GET') {
          return reply(200, { bugs: { [id]: { comments: (bug.bug_comments ?? []).map((c, i) => ({ id: i + 1, bug_id: id, count: i, ...c })) } }, comments: {} });
        }
        if (req.method !== 'POST') return fail(405, 32614, 'method not allowed');
        if (typeof body.comment !== 'string' || body.comment === '') return fail(400, 54, 'You must provide a comment.');
        comments.push(`${id}: ${body.is_private === true ? '(private) ' : ''}${body.comment}`);
        return reply(201, { id: commentId++ });
      }
      if (req.method === 'GET') {
        const include = u.searchParams.getAll('include_fields');
        if (include.length === 1 && include[0] === 'sub_components') return reply(200, { bugs: [{ sub_components: bug.sub_components ?? {} }], faults: [] });
        if (include.length === 1 && include[0] === 'external_bugs') {
          return reply(200, { bugs: [{ external_bugs: (bug.external ?? []).map((ext, i) => ({ bug_id: id, ext_bz_bug_id: ext, ext_bz_id: i + 1, ext_status: 'open', type: { url: GITHUB, type: 'GitHub', description: 'Github' } })) }], faults: [] });
        }
        const { external: _external, bug_comments: _comments, sub_components: _sub, created_from: _from, ...fields } = bug;
        return reply(200, { bugs: [{ is_open: true, resolution: '', ...fields }], faults: [] });
      }
      if (req.method === 'PUT') {
        const changes: Record<string, { added: string; removed: string }> = {};
        if (body.status !== undefined) {
          if (!KNOWN_STATUSES.has(body.status)) return fail(400, 51, `There is no status named '${body.status}'.`);
          changes.status = { added: body.status, removed: bug.status };
          bug.status = body.status;
          bug.is_open = !['CLOSED', 'VERIFIED', 'RELEASE_PENDING'].includes(bug.status);
        }
        if (Array.isArray(body.target_release)) bug.target_release = body.target_release as string[];
        if (typeof body.whiteboard === 'string') bug.whiteboard = body.whiteboard;
        for (const field of ['depends_on', 'blocks'] as const) {
          const add = (body[field] as { add?: number[] } | undefined)?.add ?? [];
          if (add.some((x) => !bugs.has(x))) return fail(404, 101, `Bug #${add.find((x) => !bugs.has(x))} does not exist.`);
          if (add.length > 0) bug[field] = [...new Set([...(bug[field] ?? []), ...add])];
          // Bugzilla keeps both sides: A depends on B means B blocks A
          for (const other of add) {
            const o = bugs.get(other)!;
            const back = field === 'depends_on' ? 'blocks' : 'depends_on';
            o[back] = [...new Set([...(o[back] ?? []), id])];
          }
        }
        if (body.resolution !== undefined) {
          changes.resolution = { added: body.resolution, removed: bug.resolution ?? '' };
          bug.resolution = body.resolution;
        }
        return reply(200, { bugs: [{ id, alias: [], last_change_time: '2026-12-07T12:00:00Z', changes }] });
      }
      return fail(405, 32614, 'method not allowed');
    });
  });

  function jsonRpc(body: Record<string, any>, reply: (status: number, body: unknown) => void): void {
    const params = (body.params as Record<string, any>[] | undefined)?.[0] ?? {};
    const rpcError = (code: number, message: string): void => reply(200, { error: { code, message }, id: body.id, result: null });
    const ids = (params.bug_ids as number[] | undefined) ?? [];
    const missing = ids.find((id) => !bugs.has(id));
    if (missing !== undefined) return rpcError(101, `Bug #${missing} does not exist.`);
    if (body.method === 'ExternalBugs.add_external_bug') {
      const out = [];
      for (const id of ids) {
        const bug = bugs.get(id)!;
        for (const ext of (params.external_bugs as { ext_type_url?: string; ext_type_id?: number; ext_bz_bug_id: string }[] | undefined) ?? []) {
          if (ext.ext_type_url !== GITHUB && ext.ext_type_id === undefined) return rpcError(100, `Invalid external tracker type ${ext.ext_type_url}`);
          if ((bug.external ?? []).includes(ext.ext_bz_bug_id)) {
            return rpcError(100500, 'DBD::Pg::db do failed: ERROR:  duplicate key value violates unique constraint "ext_bz_bug_map_bug_id_idx"');
          }
          bug.external = [...(bug.external ?? []), ext.ext_bz_bug_id];
          out.push({ id, alias: [], changes: { 'ext_bz_bug_map.ext_bz_bug_id': { added: `Github ${ext.ext_bz_bug_id}`, removed: '' } } });
        }
      }
      return reply(200, { error: null, id: body.id, result: { bugs: out } });
    }
    if (body.method === 'ExternalBugs.remove_external_bug') {
      const removed = [];
      for (const id of ids) {
        const bug = bugs.get(id)!;
        if ((bug.external ?? []).includes(params.ext_bz_bug_id)) {
          bug.external = bug.external!.filter((e) => e !== params.ext_bz_bug_id);
          removed.push({ bug_id: id, ext_bz_bug_id: params.ext_bz_bug_id, ext_type_url: GITHUB, ext_description: '', ext_status: '', ext_priority: '' });
        }
      }
      if (removed.length === 0) return rpcError(1006, 'No external tracker bugs were found that matched your criteria.');
      return reply(200, { error: null, id: body.id, result: { external_bugs: removed } });
    }
    return rpcError(32601, `The method '${String(body.method)}' was not found.`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, apiKey, bugs, comments, requests,
    reset(list) {
      bugs.clear();
      for (const b of list) bugs.set(b.id, structuredClone(b));
      comments.length = 0;
      requests.length = 0;
      failure = undefined;
    },
    failNext(pathPart, status, code, message) {
      failure = { pathPart, status, code, message };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A fake Jira for tests: the REST v2 calls the jira plugin makes, answered as Jira answers them. Bearer auth
// (401 with Jira's plain body otherwise), GET /rest/api/2/project, GET /rest/api/2/issue/{key} (404 with
// `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`),
// GET/POST /rest/api/2/issue/{key}/remotelink (201 `{id, self}`) and PUT .../remotelink/{id} (204). Every
// request is recorded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeJiraLink {
  id: number;
  self: string;
  object: { url: string; title: string; icon?: { url16x16?: string; title?: string } };
}

export interface FakeJira {
  url: string;
  token: string;
  /** issue key → its remote links */
  links: Map<string, FakeJiraLink[]>;
  requests: { method: string; path: string }[];
  reset(o: { projects: string[]; issues: string[] }): void;
  close(): Promise<void>;
}

const NOT_FOUND = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };

export async function startFakeJira(token = 'jira-token'): Promise<FakeJira> {
  let projects: string[] = [];
  let issues = new Set<string>();
  const links = new Map<string, FakeJiraLink[]>();
  const requests: { method: string; path: string }[] = [];
  let nextId = 10000;
  let url = '';
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (b: Buffer) => { raw += b.toString(); });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      requests.push({ method: req.method ?? '', path });
      const reply = (status: number, body?: unknown): void => {
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { 'content-type': 'text/html' });
        res.end('<html><body>Unauthorized (401)</body></html>');
        return;
      }
      if (req.method === 'GET' && path === '/rest/api/2/project') {
        return reply(200, projects.map((key, i) => ({ self: `${url}/rest/api/2/project/${i + 1}`, id: String(i + 1), key, name: key })));
      }
      const m = /^\/rest\/api\/2\/issue\/([^/]+)(\/remotelink(?:\/(\d+))?)?$/.exec(path);
      if (!m) return reply(404, { errorMessages: ['null for uri: ' + path], errors: {} });
      const key = decodeURIComponent(m[1]!).toUpperCase();
      if (!issues.has(key)) return reply(404, NOT_FOUND);
      if (m[2] === undefined && req.method === 'GET') return reply(200, { id: '1', key, self: `${url}/rest/api/2/issue/${key}`, fields: {} });
      const list = links.get(key) ?? [];
      if (m[3] === undefined && req.method === 'GET') return reply(200, list);
      let body: { object?: FakeJiraLink['object'] };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        return reply(400, { errorMessages: ['Unexpected character'], errors: {} });
      }
      if (!body.object?.url || !body.object.title) return reply(400, { errorMessages: [], errors: { title: "'title' is required." } });
      if (m[3] === undefined && req.method === 'POST') {
        const id = nextId++;
        list.push({ id, self: `${url}/rest/api/2/issue/${key}/remotelink/${id}`, object: body.object });
        links.set(key, list);
        return reply(201, { id, self: `${url}/rest/api/2/issue/${key}/remotelink/${id}` });
      }
      const existing = list.find((l) => l.id === Number(m[3]));
      if (m[3] !== undefined && req.method === 'PUT') {
        if (!existing) return reply(404, { errorMessages: ['No remote link with the given id.'], errors: {} });
        existing.object = body.object;
        return reply(204);
      }
      return reply(405, { errorMessages: [`method ${req.method} not allowed`], errors: {} });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, token, links, requests,
    reset(o) {
      projects = o.projects;
      issues = new Set(o.issues.map((i) => i.toUpperCase()));
      links.clear();
      requests.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

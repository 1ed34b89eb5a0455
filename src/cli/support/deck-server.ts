// A small read-only page for `prow up` until deck lands: recent ProwJobs and their artifacts.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { ProwJob } from '../../api/prowjob.js';
import type { ArtifactStore } from '../../artifacts/types.js';
import type { ProwJobStore } from '../../store/types.js';

export interface DeckServerDeps {
  port: number;
  hostname?: string;
  store: ProwJobStore;
  artifacts: ArtifactStore;
  log: Logger;
}

export interface DeckServer {
  url: string;
  close(): Promise<void>;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function row(pj: ProwJob): string {
  const refs = pj.spec.refs;
  const where = refs ? `${refs.org}/${refs.repo}${refs.pulls?.[0] ? `#${refs.pulls[0].number}` : `@${refs.base_ref ?? ''}`}` : '';
  const link = pj.status.url ? `<a href="${escapeHtml(pj.status.url)}">${escapeHtml(pj.spec.job)}</a>` : escapeHtml(pj.spec.job);
  return `<tr><td>${escapeHtml(pj.status.state)}</td><td>${link}</td><td>${escapeHtml(pj.spec.type)}</td><td>${escapeHtml(where)}</td><td>${escapeHtml(pj.status.build_id ?? '')}</td><td>${escapeHtml(pj.status.startTime)}</td></tr>`;
}

export function createDeckApp(deps: Omit<DeckServerDeps, 'port' | 'hostname'>): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    const jobs = (await deps.store.listProwJobs()).sort((a, b) => b.status.startTime.localeCompare(a.status.startTime)).slice(0, 200);
    return c.html(`<!doctype html><meta charset="utf-8"><title>Prow</title>
<h1>Prow</h1><p>Recent ProwJobs (newest first). The full deck UI is not built yet.</p>
<table border="1" cellpadding="4"><tr><th>State</th><th>Job</th><th>Type</th><th>Repo</th><th>Build</th><th>Started</th></tr>
${jobs.map(row).join('\n')}</table>`);
  });
  app.get('/prowjobs.js', async (c) => c.json({ items: await deps.store.listProwJobs() }));
  // job_url_template in examples/config.yaml points here: /view/local/<bucket>/<artifact path>/
  app.get('/view/local/:bucket/*', async (c) => {
    const prefix = c.req.path.replace(/^\/view\/local\/[^/]+\//, '').replace(/\/+$/, '');
    const entries = await deps.artifacts.list(prefix);
    const log = await deps.artifacts.get(`${prefix}/build-log.txt`);
    return c.html(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(prefix)}</title>
<h1>${escapeHtml(prefix)}</h1><ul>${entries.map((e) => `<li><a href="/artifacts/${escapeHtml(e.path)}">${escapeHtml(e.path)}</a></li>`).join('')}</ul>
<h2>build-log.txt</h2><pre>${escapeHtml(log?.toString('utf8') ?? '(no log yet)')}</pre>`);
  });
  app.get('/artifacts/*', async (c) => {
    const path = c.req.path.slice('/artifacts/'.length);
    const data = await deps.artifacts.get(path);
    if (!data) return c.text('not found', 404);
    return c.body(new Uint8Array(data), 200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8' });
  });
  return app;
}

export async function startDeckServer(deps: DeckServerDeps): Promise<DeckServer> {
  const app = createDeckApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer, reject) => {
    const s = serve({ fetch: app.fetch, port: deps.port, hostname: deps.hostname ?? '127.0.0.1' }, () => resolveServer(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${deps.hostname ?? '127.0.0.1'}:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

// /prowjobs.js over the SQLite store streams the stored documents: a real deck server, a real SQLite file with
// 10,050 jobs, and a raw HTTP/1.1 client that reads the chunked framing, so the test sees how the answer
// was written (several chunks) as well as what it says (the same bytes deck built as one string before).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import type { ProwConfig } from '../../src/config/types.js';
import { startDeckServer, type DeckServer } from '../../src/deck/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { job } from './support/world.js';

const JOBS = 10_050;
const HIDDEN_REPOS = ['secret-org', 'demo/private'];

interface RawResponse { status: number; headers: string; chunks: Buffer[] }

/** GET over a plain socket; the body's chunked framing is kept (one Buffer per chunk). */
function rawGet(url: string, path: string): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(parts);
      const split = all.indexOf('\r\n\r\n');
      const headers = all.subarray(0, split).toString();
      const chunks: Buffer[] = [];
      let at = split + 4;
      if (!/^transfer-encoding: chunked$/im.test(headers)) {
        chunks.push(all.subarray(at));
      } else {
        for (;;) {
          const eol = all.indexOf('\r\n', at);
          const size = parseInt(all.subarray(at, eol).toString(), 16);
          if (size === 0) break;
          chunks.push(all.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
        }
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1]), headers, chunks });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
  });
}

/** What deck answered before streaming: the page from the indexed query, filtered, as one JSON string. */
async function expectedBody(store: SqliteStore, limit: number, before?: string): Promise<string> {
  const page = await store.queryProwJobs({ limit, ...(before ? { before } : {}) });
  const items = page.prowjobs.filter((pj) => !pj.spec.hidden && !HIDDEN_REPOS.some((h) => h === pj.spec.refs?.org || h === `${pj.spec.refs?.org}/${pj.spec.refs?.repo}`));
  return JSON.stringify(page.next ? { items, next: page.next } : { items });
}

describe('deck /prowjobs.js streams stored documents', () => {
  let dir: string;
  let store: SqliteStore;
  let deck: DeckServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deck-stream-'));
    store = openSqliteStore(join(dir, 'prow.db'));
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < JOBS; i++) {
      const org = i % 97 === 0 ? 'secret-org' : 'demo';
      const repo = i % 89 === 0 ? 'private' : 'hello';
      const pj: ProwJob = job({ job: `pull-${i % 7}`, org, repo, pull: i % 50, start: new Date(base + i * 1000).toISOString(), state: i % 5 ? 'success' : 'failure' });
      pj.metadata.name = `pj-${String(i).padStart(6, '0')}`;
      if (i % 101 === 0) pj.spec.hidden = true;
      // Text that JSON escapes, to catch any re-encoding on the way out.
      pj.status.description = `"done" \u2713 <${i}>\n`;
      await store.createProwJob(pj);
    }
    const config: ProwConfig = { deck: { hidden_repos: HIDDEN_REPOS } } as ProwConfig;
    deck = await startDeckServer({ port: 0, store, artifacts: createLocalArtifactStore({ root: join(dir, 'artifacts') }), log: createSilentLogger(), config: () => config });
  });
  after(async () => {
    await deck?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a 10,000-job answer in several chunks, byte for byte what it sent as one string', async () => {
    const res = await rawGet(deck.url, '/prowjobs.js?limit=10000');
    assert.equal(res.status, 200);
    assert.match(res.headers, /^content-type: application\/json; charset=utf-8$/im);
    assert.doesNotMatch(res.headers, /^content-length:/im);
    assert.ok(res.chunks.length >= 10, `expected the answer in several chunks, got ${res.chunks.length}`);
    const body = Buffer.concat(res.chunks).toString();
    assert.equal(body, await expectedBody(store, 10_000));
    const parsed = JSON.parse(body) as { items: ProwJob[]; next?: string };
    assert.ok(parsed.next, 'more jobs than the limit: a cursor for the rest');
    assert.ok(parsed.items.length > 9_000 && parsed.items.length < 10_000, `hidden jobs and repos are left out (${parsed.items.length})`);
  });

  it('follows the cursor to the last page and wraps in var= the same way', async () => {
    const first = JSON.parse(Buffer.concat((await rawGet(deck.url, '/prowjobs.js?limit=10000')).chunks).toString()) as { next: string };
    const rest = await rawGet(deck.url, `/prowjobs.js?limit=10000&before=${first.next}`);
    const body = Buffer.concat(rest.chunks).toString();
    assert.equal(body, await expectedBody(store, 10_000, first.next));
    assert.doesNotMatch(body, /"next"/);
    const wrapped = await rawGet(deck.url, '/prowjobs.js?limit=600&var=allBuilds');
    assert.match(wrapped.headers, /^content-type: application\/javascript; charset=utf-8$/im);
    assert.equal(Buffer.concat(wrapped.chunks).toString(), `var allBuilds = ${await expectedBody(store, 600)};`);
  });

  it('answers a bad cursor with a 400 before any body is sent', async () => {
    const res = await rawGet(deck.url, '/prowjobs.js?before=bm90LWEtY3Vyc29y');
    assert.equal(res.status, 400);
    assert.match(Buffer.concat(res.chunks).toString(), /before:/);
  });
});

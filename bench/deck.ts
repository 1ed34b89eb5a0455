// Deck at history scale: fills the SQLite Store with N ProwJobs (default 50,000), starts deck over HTTP and
// times the list page and /prowjobs.js with and without filters. Prints p50/p95 and the process RSS before
// and after; asserts nothing. Goal: p95 under 100 ms, RSS flat.
// First, the 10,000-job answer (/prowjobs.js?limit=10000) beside its baseline (issue 15): a raw SQLite read of
// the same rows, and a bare node:http server sending the same bytes from memory. Each server runs in a fresh
// child; per request: time to the first body byte, total time, and the server's peak RSS over its RSS before
// the requests (sampled every 5 ms, both servers alike).
// Run: node --import tsx bench/deck.ts [count] [requests-per-case] [api]   (`api`: only the 10,000-job answer)
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProwJob, ProwJobState, ProwJobType } from '../src/api/prowjob.js';
import { createLocalArtifactStore } from '../src/artifacts/local.js';
import { startDeckServer } from '../src/deck/server.js';
import { createSilentLogger } from '../src/observability/logger.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';

const serveDir = process.argv[2] === '--serve' ? process.argv[3] : undefined;
const serveKind = process.argv[4] === 'bare' ? 'bare' : 'deck';
const count = Number(process.argv[2] ?? 50_000);
const perCase = Number(process.argv[3] ?? 200);
const apiOnly = process.argv[4] === 'api';
const BIG = '/prowjobs.js?limit=10000';
const dir = serveDir ?? mkdtempSync(join(tmpdir(), 'bench-deck-'));
const store = openSqliteStore(join(dir, 'prow.db'));
const types: ProwJobType[] = ['presubmit', 'presubmit', 'presubmit', 'postsubmit', 'periodic', 'batch'];
const states: ProwJobState[] = ['success', 'success', 'success', 'failure', 'pending', 'aborted', 'error', 'success'];
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

function job(i: number): ProwJob {
  const type = types[i % types.length]!;
  const jobName = `${type === 'batch' ? 'pull' : type === 'presubmit' ? 'pull' : type === 'postsubmit' ? 'post' : 'ci'}-repo-${i % 20}-${['unit', 'lint', 'e2e', 'integration', 'verify'][i % 5]}`;
  const state = states[(i * 7) % states.length]!;
  const start = new Date(Date.UTC(2026, 0, 1) + i * 30_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const end = new Date(Date.UTC(2026, 0, 1) + i * 30_000 + 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const org = `org-${i % 4}`;
  const repo = `repo-${i % 20}`;
  const pr = 1000 + (i % 3000);
  return {
    apiVersion: 'prow.k8s.io/v1',
    kind: 'ProwJob',
    metadata: {
      name: `pj-${String(i).padStart(7, '0')}`,
      labels: {
        'created-by-prow': 'true', 'prow.k8s.io/type': type, 'prow.k8s.io/job': jobName,
        ...(type !== 'periodic' ? { 'prow.k8s.io/refs.org': org, 'prow.k8s.io/refs.repo': repo } : {}),
        ...(type === 'presubmit' ? { 'prow.k8s.io/refs.pull': String(pr) } : {}),
      },
      annotations: { 'prow.k8s.io/job': jobName },
    },
    spec: {
      type, job: jobName, agent: 'kubernetes', report: true, context: jobName, rerun_command: `/test ${jobName}`,
      ...(type !== 'periodic' ? {
        refs: {
          org, repo, base_ref: 'main', base_sha: 'a'.repeat(40),
          ...(type === 'presubmit' || type === 'batch' ? { pulls: [{ number: pr, author: `user-${i % 300}`, sha: (i % 97).toString(16).padStart(40, 'c') }] } : {}),
        },
      } : {}),
      pod_spec: { containers: [{ image: 'golang:1.22', command: ['make', 'test'], args: [] }] },
      decoration_config: { timeout: '2h', grace_period: '15s', gcs_configuration: { bucket: 'prow-artifacts', path_strategy: 'explicit' } },
    },
    status: {
      startTime: start, state,
      ...(state === 'pending' ? { pendingTime: start } : { pendingTime: start, completionTime: end }),
      build_id: String(100000 + i), description: 'Job succeeded.', url: `http://localhost:8080/view/local/prow-artifacts/logs/${jobName}/${100000 + i}/`,
    },
  };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The deck server runs in its own process so its RSS is measured alone (not the HTTP client's). */
async function serve(): Promise<void> {
  let url: string;
  let close: () => Promise<void>;
  if (serveKind === 'bare') {
    // The floor for sending the answer: its bytes from memory, no store, no routing.
    const body = readFileSync(join(dir, 'answer.json'));
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    const deck = await startDeckServer({ port: 0, store, artifacts: createLocalArtifactStore({ root: join(dir, 'artifacts') }), log: createSilentLogger(), config: () => ({}) });
    url = deck.url;
    close = () => deck.close();
  }
  process.stdout.write(`${url}\n`);
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  process.on('message', (m) => {
    if (m === 'gc') {
      global.gc?.();
      process.send?.(`rss ${process.memoryUsage().rss} ${process.memoryUsage().heapUsed}`);
    } else if (m === 'peak-start') {
      global.gc?.();
      peak = process.memoryUsage.rss();
      process.send?.(`rss ${peak} 0`);
      sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
    } else if (m === 'peak-stop') {
      clearInterval(sampler);
      process.send?.(`rss ${Math.max(peak, process.memoryUsage.rss())} 0`);
    }
  });
  process.once('disconnect', () => void close().then(() => store.close()));
}

function startServer(kind: 'deck' | 'bare'): { child: ChildProcess; url: Promise<string>; ask: (m: string) => Promise<{ rss: number; heap: number }> } {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', dir, kind], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const ask = (m: string): Promise<{ rss: number; heap: number }> => new Promise((resolve) => {
    child.once('message', (r) => {
      const [, rss, heap] = String(r).split(' ');
      resolve({ rss: Number(rss), heap: Number(heap) });
    });
    child.send(m);
  });
  return { child, url, ask };
}

/** Time to the first body byte and to the last, for one GET. */
async function timedGet(url: string): Promise<{ first: number; total: number; bytes: number }> {
  const t = performance.now();
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  const reader = res.body!.getReader();
  let first = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!first) first = performance.now() - t;
    bytes += value.byteLength;
  }
  return { first, total: performance.now() - t, bytes };
}

/** /prowjobs.js?limit=10000 from deck beside a bare server sending the same bytes, each in a fresh child. */
async function bigAnswer(sqliteP50: number): Promise<void> {
  const rows: string[] = [];
  for (const kind of ['deck', 'bare'] as const) {
    const server = startServer(kind);
    const url = await server.url;
    for (let i = 0; i < 3; i++) await timedGet(`${url}${BIG}`);
    const before = await server.ask('peak-start');
    const firsts: number[] = [];
    const totals: number[] = [];
    let bytes = 0;
    for (let i = 0; i < Math.min(perCase, 20); i++) {
      const r = await timedGet(`${url}${BIG}`);
      firsts.push(r.first);
      totals.push(r.total);
      bytes = r.bytes;
    }
    const peak = await server.ask('peak-stop');
    server.child.disconnect();
    await new Promise((r) => server.child.once('exit', r));
    firsts.sort((a, b) => a - b);
    totals.sort((a, b) => a - b);
    const name = kind === 'deck' ? 'deck /prowjobs.js?limit=10000' : 'bare node:http, same bytes';
    rows.push(`${name.padEnd(34)} ${`${pct(firsts, 50).toFixed(1)}ms`.padStart(9)} ${`${pct(totals, 50).toFixed(1)}ms`.padStart(9)} ${`${pct(totals, 95).toFixed(1)}ms`.padStart(9)} ${`+${mb(peak.rss - before.rss)}`.padStart(10)} ${String(bytes).padStart(9)}`);
  }
  process.stdout.write(`\n${'10,000-job answer'.padEnd(34)} ${'1st byte'.padStart(9)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'peak RSS'.padStart(10)} ${'bytes'.padStart(9)}\n`);
  process.stdout.write(`${'SQLite read of the same rows'.padEnd(34)} ${''.padStart(9)} ${`${sqliteP50.toFixed(1)}ms`.padStart(9)}\n`);
  for (const row of rows) process.stdout.write(`${row}\n`);
  process.stdout.write('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await store.createProwJob(job(i));
  process.stdout.write(`filled ${count} ProwJobs in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  await store.close();
  // The floor for /prowjobs.js?limit=10000: reading the same 10,000 stored documents from SQLite, no HTTP.
  let sqliteP50: number;
  {
    const raw = new Database(join(dir, 'prow.db'), { readonly: true });
    const read = raw.prepare('SELECT doc FROM prowjobs ORDER BY start_time DESC, name DESC LIMIT 10000');
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      read.all();
      times.push(performance.now() - t);
    }
    raw.close();
    times.sort((a, b) => a - b);
    sqliteP50 = pct(times, 50);
  }
  {
    // The bytes the bare server sends: deck's own answer, taken once from a deck child.
    const server = startServer('deck');
    writeFileSync(join(dir, 'answer.json'), Buffer.from(await (await fetch(`${await server.url}${BIG}`)).arrayBuffer()));
    server.child.disconnect();
    await new Promise((r) => server.child.once('exit', r));
  }
  await bigAnswer(sqliteP50);
  if (apiOnly) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const { child, url, ask } = startServer('deck');
  const deck = { url: await url };
  const memory = (): Promise<{ rss: number; heap: number }> => ask('gc');
  const cases: [string, string][] = [
    ['list page, no filter', '/'],
    ['list page, repo + state', '/?repo=org-1/repo-5&state=failure'],
    ['list page, author', '/?author=user-42'],
    ['list page, job wildcard', '/?job=pull-repo-3-*'],
    ['list page, broad wildcard', '/?job=pull-*'],
    ['list page, leading wildcard', '/?job=*-e2e'],
    ['list page, PR', '/?repo=org-2/repo-2&pull=1402'],
    ['list page, 5th page', ''],
    ['/prowjobs.js (500 jobs)', '/prowjobs.js'],
    ['/prowjobs.js?limit=10000', '/prowjobs.js?limit=10000'],
    ['/prowjobs.js omit (500 jobs)', '/prowjobs.js?omit=annotations,labels,decoration_config,pod_spec'],
    ['/prowjobs.js repo + type', '/prowjobs.js?org=org-3&repo=repo-7&type=presubmit'],
    ['/prowjobs.js author', '/prowjobs.js?author=user-7'],
    ['/prowjobs.js rare state', '/prowjobs.js?state=error&job=ci-repo-4-*'],
    ['PR history page', '/pr-history?org=org-2&repo=repo-2&pr=1402'],
  ];
  // The 5th page: follow the cursor four times.
  let path = '/';
  for (let i = 0; i < 4; i++) {
    const body = await (await fetch(`${deck.url}${path}`)).text();
    path = /rel="next" href="([^"]+)"/.exec(body)![1]!.replace(/&amp;/g, '&');
  }
  cases.find(([n]) => n === 'list page, 5th page')![1] = path;
  // Warm-up: every case a few times, so RSS before/after compares steady states (SQLite page cache, JIT, sockets).
  for (const [, p] of cases) for (let i = 0; i < 20; i++) await (await fetch(`${deck.url}${p}`)).arrayBuffer();
  const before = await memory();
  const rssBefore = before.rss;
  process.stdout.write(`deck server RSS before requests (after warm-up): ${mb(rssBefore)}, heap used ${mb(before.heap)}\n\n`);
  process.stdout.write(`${'case'.padEnd(34)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'bytes'.padStart(9)}\n`);
  for (const [name, p] of cases) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < perCase; i++) {
      const t = performance.now();
      const res = await fetch(`${deck.url}${p}`);
      const buf = await res.arrayBuffer();
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
      bytes = buf.byteLength;
    }
    times.sort((a, b) => a - b);
    process.stdout.write(`${name.padEnd(34)} ${`${pct(times, 50).toFixed(1)}ms`.padStart(8)} ${`${pct(times, 95).toFixed(1)}ms`.padStart(8)} ${String(bytes).padStart(9)}\n`);
  }
  const rssRound1 = (await memory()).rss;
  process.stdout.write(`\ndeck server RSS after round 1 (${cases.length * perCase} requests): ${mb(rssRound1)}\n`);
  // Round 2, same requests again: growth here rather than a plateau would be a leak.
  for (const [, p] of cases) for (let i = 0; i < perCase; i++) await (await fetch(`${deck.url}${p}`)).arrayBuffer();
  const afterMem = await memory();
  const rssAfter = afterMem.rss;
  process.stdout.write(`deck server RSS after round 2 (${2 * cases.length * perCase} requests): ${mb(rssAfter)} (${rssAfter >= rssBefore ? '+' : ''}${mb(rssAfter - rssBefore)} since warm-up, ${rssAfter >= rssRound1 ? '+' : ''}${mb(rssAfter - rssRound1)} since round 1), heap used ${mb(afterMem.heap)}\n`);
  child.disconnect();
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

(serveDir ? serve() : main()).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});

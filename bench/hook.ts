// Webhook intake throughput and ack latency: signed deliveries per second and p99 time-to-200 for the
// full hook (verify HMAC, persist to SQLite, answer; dispatcher running every registered plugin in the
// same process), beside a bare node:http server that reads the body and answers 200, and a bare durable
// server (node:http + HMAC check + a SQLite insert, WAL, synchronous NORMAL, one transaction per
// delivery), driven by the same client in the same run. Prints all of them and the ratios (goals: >= 0.10
// of bare, >= 0.8 of bare durable).
// What is compared: the bare servers only take deliveries; the hook also runs its plugins on them in the
// same process (two cores for the load generator, the hook and the fake GitHub's process). A second hook
// row shows the intake alone: the same hook with `busyConcurrency: 0`, so nothing is dispatched while
// deliveries keep arriving (the backlog is left undone). It is measured in --rounds rounds, each a burst at
// the bare durable server and then one at the hook, both servers up side by side, so that a ratio compares
// neighbours in time on a shared machine; the median round is the figure. Upstream's hook starts every handler in a
// goroutine as it answers (pkg/hook/server.go), so the first row is the one comparable with upstream;
// the second is what the intake path itself costs.
//   node --import tsx bench/hook.ts [--requests 4000] [--concurrency 32] [--issues 400] [--rounds 3] [--only-paused] [--cpu-profile out.cpuprofile]
// Each row also prints this process's CPU time (user + system) per request, and the ratios of those: on a
// shared machine they move less than req/s, which follows whatever else the cores are doing.
// --cpu-profile: a V8 CPU profile of this process during one more burst at the paused hook, after the rounds.
import { createHmac, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { staticSecretSource } from '../src/hook/secrets.js';
import { startHookServer } from '../src/hook/server.js';
import { createSilentLogger } from '../src/observability/logger.js';
import { builtinPlugins } from '../src/plugins/registry.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';
import { worldAround, type RemoteFake } from '../test/hook/support/examples-world.js';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const REQUESTS = arg('requests', 4000);
const CONCURRENCY = arg('concurrency', 32);
const SECRET = 'bench-secret';

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}
const sets = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];
const examples = sets
  .filter((s) => ['issue_comment', 'pull_request', 'pull_request_review', 'issues', 'push', 'status'].includes(s.name))
  .flatMap((s) => s.examples.map((e) => ({ event: s.name, payload: e })));
// Real traffic spreads over many issues and PRs: give each request its own issue/PR number (cycling over
// ISSUES), so deliveries spread over order keys as they would on a busy org. Bodies and signatures are
// computed before the clock starts.
const ISSUES = arg('issues', 100);
const ROUNDS = arg('rounds', 3);
const mix = Array.from({ length: Math.min(REQUESTS, 2000) }, (_, i) => {
  const { event, payload } = examples[i % examples.length]!;
  const p = structuredClone(payload) as Record<string, any>;
  const n = (i % ISSUES) + 1;
  if (p.issue) p.issue.number = n;
  if (p.pull_request) p.pull_request.number = n;
  if (typeof p.number === 'number') p.number = n;
  const body = JSON.stringify(p);
  return { event, body, signature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` };
});

interface Result {
  rps: number;
  /** CPU time (user + system) of this process per request: the client's share is the same in every row. */
  cpuUs: number;
  p50: number;
  p99: number;
  statuses: Map<number, number>;
}

async function drive(port: number, label: string): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const { event, body, signature } = mix[i % mix.length]!;
      const headers = {
        'X-GitHub-Event': event,
        'X-GitHub-Delivery': `${label}-${i}`,
        'X-Hub-Signature-256': signature,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      };
      const t0 = performance.now();
      const req = request({ host: '127.0.0.1', port, path: '/hook', method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < REQUESTS) await one(next++);
  };
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rps: REQUESTS / seconds, cpuUs: (cpu.user + cpu.system) / REQUESTS, p50: pct(0.5), p99: pct(0.99), statuses };
}

async function bare(): Promise<Result> {
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => res.end('Event received. Have a nice day.'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await drive((server.address() as AddressInfo).port, 'warm-bare');
    return await drive((server.address() as AddressInfo).port, 'bare');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** The least a durable intake does: read the body, check its HMAC, insert it into SQLite, answer. */
async function startBareDurable(): Promise<{ port: number; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'prow-bench-bare-durable-'));
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE deliveries (id TEXT PRIMARY KEY, event TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL)');
  const insert = db.prepare('INSERT OR IGNORE INTO deliveries (id, event, payload, received_at) VALUES (?, ?, ?, ?)');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const want = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      const got = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
      if (want.length !== got.length || !timingSafeEqual(want, got)) {
        res.statusCode = 403;
        res.end('bad signature');
        return;
      }
      insert.run(String(req.headers['x-github-delivery']), String(req.headers['x-github-event']), body.toString('utf8'), new Date().toISOString());
      res.end('Event received. Have a nice day.');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bareDurable(): Promise<Result> {
  const bd = await startBareDurable();
  try {
    await drive(bd.port, 'warm-durable');
    return await drive(bd.port, 'durable');
  } finally {
    await bd.close();
  }
}

/** Runs `measure` under the V8 profiler when --cpu-profile names a file; else not at all. */
async function profiled<T>(measure: () => Promise<T>): Promise<T | undefined> {
  const i = process.argv.indexOf('--cpu-profile');
  if (i < 0) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await measure();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.argv[i + 1]!, JSON.stringify(profile));
    session.disconnect();
  }
}

interface PausedRound {
  durable: Result;
  hook: Result;
}

/** The same hook, either dispatching (one measured burst) or paused and measured in rounds beside the bare durable server. */
async function hook(pauseDispatch: false): Promise<Result & { handled: number; drainSeconds: number }>;
async function hook(pauseDispatch: true): Promise<PausedRound[]>;
async function hook(pauseDispatch: boolean): Promise<(Result & { handled: number; drainSeconds: number }) | PausedRound[]> {
  const dir = mkdtempSync(join(tmpdir(), 'prow-bench-hook-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  const log = createSilentLogger();
  // Every registered plugin runs against the fake GitHub (real client, real HTTP), seeded with every
  // repository the payloads name and ISSUES pull requests in each. The fake runs in its own process, as
  // GitHub is remote in production: its git work must not share the hook's event loop.
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../test/hook/support/fake-github-child.ts', import.meta.url)), String(ISSUES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const remote = await new Promise<RemoteFake & { orgs: string[] }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake GitHub exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as RemoteFake & { orgs: string[] }));
  });
  const world = { ...worldAround(remote, remote.orgs, { plugins: builtinPlugins, log, cacheDir: join(dir, 'mirrors') }), close: async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  } };
  const server = await startHookServer({
    port: 0, hostname: '127.0.0.1', store, jobs: store, snapshot: () => ({ config: world.config, plugins: world.pluginConfig, warnings: [], loadedAt: new Date(0) }),
    github: world.github, owners: world.owners, plugins: builtinPlugins, log,
    secrets: staticSecretSource(SECRET), gracePeriodMs: 30_000, concurrency: arg('dispatch-concurrency', 16),
    // Paused: nothing is dispatched until 10 minutes pass without a new delivery (after the run).
    ...(pauseDispatch ? { busyConcurrency: 0, busyWindowMs: 600_000 } : {}),
  });
  const durable = pauseDispatch ? await startBareDurable() : undefined;
  try {
    await drive(server.port, 'warm-hook');
    if (durable) {
      // Rounds alternate between the bare durable server and the paused hook, so both see the same
      // machine (other processes come and go): each round's ratio compares neighbours in time.
      await drive(durable.port, 'warm-durable');
      const rounds: PausedRound[] = [];
      for (let k = 0; k < ROUNDS; k++) {
        const d = await drive(durable.port, `durable-${k}`);
        rounds.push({ durable: d, hook: await drive(server.port, `hook-${k}`) });
      }
      await profiled(() => drive(server.port, 'hook-profiled'));
      return rounds;
    }
    const r = await drive(server.port, 'hook');
    const t0 = performance.now();
    await server.dispatcher.idle();
    const drainSeconds = (performance.now() - t0) / 1000;
    let handled = 0;
    for (let i = 0; i < REQUESTS; i++) if ((await store.getDelivery(`hook-${i}`))?.status === 'done') handled++;
    return { ...r, handled, drainSeconds };
  } finally {
    await durable?.close();
    await server.close();
    await store.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (r: Result) =>
  `${r.rps.toFixed(0).padStart(7)} req/s   cpu ${r.cpuUs.toFixed(0).padStart(4)} us/req   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   statuses ${JSON.stringify(Object.fromEntries(r.statuses))}`;

const b = await bare();
// --only-paused: the intake rows alone (the dispatching row waits minutes for its backlog to drain).
const onlyPaused = process.argv.includes('--only-paused');
const bd = onlyPaused ? undefined : await bareDurable();
const h = onlyPaused ? undefined : await hook(false);
const rounds = await hook(true);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
process.stdout.write(`requests ${REQUESTS}, concurrency ${CONCURRENCY}, payloads from ${examples.length} examples over ${ISSUES} issue numbers, plugins enabled: ${builtinPlugins.length} (${builtinPlugins.map((p) => p.name).join(', ') || 'none registered'})\n`);
process.stdout.write(`bare node:http  ${fmt(b)}\n`);
if (bd && h) {
  process.stdout.write(`bare durable    ${fmt(bd)}\n`);
  process.stdout.write(`prow hook       ${fmt(h)}\n`);
  process.stdout.write(`dispatcher: ${h.handled}/${REQUESTS} handled; backlog left when the last ack was sent drained in ${h.drainSeconds.toFixed(1)} s\n`);
  process.stdout.write(`ratio (hook/bare req/s) ${(h.rps / b.rps).toFixed(3)}  (goal >= 0.10)\n`);
  process.stdout.write(`ratio (hook/bare durable req/s) ${(h.rps / bd.rps).toFixed(3)}  (goal >= 0.8); p99 ${h.p99.toFixed(1)} ms vs ${bd.p99.toFixed(1)} ms\n`);
  process.stdout.write(`ratio (bare durable/hook cpu per request) ${(bd.cpuUs / h.cpuUs).toFixed(3)}\n`);
}
process.stdout.write(`prow hook, dispatch paused (intake alone), in ${ROUNDS} rounds each after a bare durable one:\n`);
for (const [k, r] of rounds.entries()) {
  process.stdout.write(`  round ${k + 1} bare durable ${fmt(r.durable)}\n`);
  process.stdout.write(`          hook         ${fmt(r.hook)}\n`);
  process.stdout.write(`          ratio req/s ${(r.hook.rps / r.durable.rps).toFixed(3)}, cpu per request (bare durable/hook) ${(r.durable.cpuUs / r.hook.cpuUs).toFixed(3)}\n`);
}
process.stdout.write(`ratio (hook with dispatch paused/bare durable req/s), median of ${ROUNDS} rounds ${median(rounds.map((r) => r.hook.rps / r.durable.rps)).toFixed(3)}  (goal >= 0.8)\n`);
// CPU per request moves less than req/s on a shared machine: its inverse ratio says the same thing.
process.stdout.write(`ratio (bare durable/hook with dispatch paused cpu per request), median ${median(rounds.map((r) => r.durable.cpuUs / r.hook.cpuUs)).toFixed(3)}\n`);

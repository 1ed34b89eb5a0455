// Malformed signed payloads through the real hook: N mutations of GitHub's example payloads
// (@octokit/webhooks-examples, 329 of them) — a field deleted, nulled, or given another JSON type —
// each signed and posted to a running hook whose dispatcher runs every built-in plugin against the fake
// GitHub (in its own process). A payload the plugins cannot use must produce no event; one they can use
// is handled. Prints deliveries, answers, events refused by validation, plugin errors (must be 0) and the
// hook process's RSS before and after. Exits 1 when any plugin errored.
//   node --expose-gc --import tsx bench/fuzz-deliveries.ts [--mutations 10000] [--seed 1] [--concurrency 8] [--sample-every 1000]
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { staticSecretSource } from '../src/hook/secrets.js';
import { startHookServer } from '../src/hook/server.js';
import { createLogger } from '../src/observability/logger.js';
import { builtinPlugins } from '../src/plugins/registry.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';
import { exampleSets, worldAround, type RemoteFake } from '../test/hook/support/examples-world.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const MUTATIONS = arg('mutations', 10_000);
const CONCURRENCY = arg('concurrency', 8);
/** Every this many deliveries, one line of memory figures (0: none), to tell a leak (keeps rising) from a high-water mark (levels off). */
const SAMPLE_EVERY = arg('sample-every', 0);
const SECRET = 'fuzz-secret';

// A small seeded PRNG (mulberry32) so a run can be repeated.
let seed = arg('seed', 1) >>> 0;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

/** Every (container, key, depth) in the payload, so any field at any depth may be hit. */
function slots(v: Json, depth = 0, out: [Container, string | number, number][] = []): [Container, string | number, number][] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i, depth]), slots(x, depth + 1, out)));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) out.push([v, k, depth]), slots(v[k]!, depth + 1, out);
  return out;
}

const OTHER_VALUES: Json[] = [null, 0, 7, -1, 1.5, '', 'x', '../../etc/passwd', true, false, [], [1, 'a'], {}, { login: 1 }];

/** Changes one to three fields: deletes it or gives it a value of another JSON type. */
function mutate(payload: Json): string[] {
  const all = slots(payload);
  // Half the hits go to the first four levels, where the fields plugins read live (repository.name,
  // pull_request.base.ref, review.state, commits[0].added…); the rest anywhere.
  const shallow = all.filter(([, , depth]) => depth < 4);
  const changes: string[] = [];
  for (let n = 1 + Math.floor(random() * 3); n > 0 && all.length > 0; n--) {
    const [container, key] = pick(random() < 0.5 && shallow.length > 0 ? shallow : all);
    const before = (container as Record<string | number, Json>)[key];
    if (random() < 0.25 && !Array.isArray(container)) {
      delete (container as Record<string, Json>)[key as string];
      changes.push(`-${key}`);
      continue;
    }
    const kind = (x: Json) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
    const candidates = OTHER_VALUES.filter((x) => kind(x) !== kind(before ?? null));
    (container as Record<string | number, Json>)[key] = structuredClone(pick(candidates));
    changes.push(`~${key}`);
  }
  return changes;
}

const examples = exampleSets.flatMap((s) => s.examples.map((e) => ({ event: s.name, payload: e as Json })));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'prow-fuzz-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  const records: { msg: string; plugin?: string; delivery?: string; err?: { type?: string; message?: string } }[] = [];
  let refused = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        const r = JSON.parse(line) as (typeof records)[number];
        if (r.msg.endsWith('no plugin handles it')) refused++;
        else if (r.msg === 'plugin handler failed') records.push(r);
      }
      cb();
    },
  });
  const log = createLogger({ destination: sink, level: 'warn' });
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../test/hook/support/fake-github-child.ts', import.meta.url)), '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const remote = await new Promise<RemoteFake & { orgs: string[] }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake GitHub exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as RemoteFake & { orgs: string[] }));
  });
  const world = worldAround(remote, remote.orgs, { plugins: builtinPlugins, log, cacheDir: join(dir, 'mirrors') });
  const server = await startHookServer({
    port: 0, hostname: '127.0.0.1', store, jobs: store,
    snapshot: () => ({ config: world.config, plugins: world.pluginConfig, warnings: [], loadedAt: new Date(0) }),
    github: world.github, owners: world.owners, plugins: builtinPlugins, log,
    secrets: staticSecretSource(SECRET), pollIntervalMs: 20, retryBaseMs: 10, gracePeriodMs: 30_000,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const statuses = new Map<number, number>();
  const post = (i: number, mutated = true) =>
    new Promise<void>((resolve, reject) => {
      const { event, payload } = examples[i % examples.length]!;
      const p = structuredClone(payload);
      if (mutated) mutate(p);
      const body = JSON.stringify(p);
      const headers = {
        'X-GitHub-Event': event, 'X-GitHub-Delivery': `${mutated ? 'fuzz' : 'warm'}-${i}`, 'content-type': 'application/json',
        'X-Hub-Signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`, 'content-length': Buffer.byteLength(body),
      };
      const req = request({ host: '127.0.0.1', port: server.port, path: '/hook', method: 'POST', headers, agent }, (res) => {
        statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });

  // A first pass of the unmutated examples warms every code path before RSS is read.
  for (let i = 0; i < examples.length; i++) await post(i, false);
  await server.dispatcher.idle();
  const warmErrors = records.length;
  statuses.clear();
  global.gc?.();
  const memBefore = process.memoryUsage();
  const rssBefore = memBefore.rss;
  const t0 = performance.now();
  let next = 0;
  const sample = (n: number): void => {
    global.gc?.();
    const m = process.memoryUsage();
    const f = (b: number) => (b / 1024 / 1024).toFixed(1).padStart(6);
    process.stdout.write(`  after ${String(n).padStart(6)}: rss ${f(m.rss)} MB, heap used ${f(m.heapUsed)} MB of ${f(m.heapTotal)} MB, external ${f(m.external)} MB\n`);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < MUTATIONS) {
      const i = next++;
      await post(i);
      if (SAMPLE_EVERY > 0 && (i + 1) % SAMPLE_EVERY === 0) sample(i + 1);
    }
  }));
  await server.dispatcher.idle();
  const seconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const memAfter = process.memoryUsage();
  const rssAfter = memAfter.rss;
  const errors = (await server.metrics.pluginHandleErrors.get()).values.reduce((a, v) => a + v.value, 0);
  const byKind = new Map<string, number>();
  for (const r of records) {
    const k = `${r.plugin}: ${r.err?.type}: ${r.err?.message}`;
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
  }
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`deliveries:       ${MUTATIONS} mutations of ${examples.length} examples (seed ${arg('seed', 1)}) in ${seconds.toFixed(1)} s`);
  out(`answers:          ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(' ')}`);
  out(`refused events:   ${refused} (a field plugins read had the wrong type: no event)`);
  out(`plugin errors:    ${errors}${warmErrors ? ` (${warmErrors} of them on the unmutated examples)` : ''}`);
  for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 20)) out(`  ${n}× ${k}`);
  out(`hook RSS:         ${mb(rssBefore)} before, ${mb(rssAfter)} after (${(rssAfter / rssBefore).toFixed(2)}×)${global.gc ? '' : ' (run with --expose-gc to collect garbage before each reading)'}`);
  out(`JS heap used:     ${mb(memBefore.heapUsed)} before, ${mb(memAfter.heapUsed)} after; external ${mb(memBefore.external)} → ${mb(memAfter.external)}`);
  agent.destroy();
  await server.close();
  await store.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = errors === 0 ? 0 : 1;
}

await main();

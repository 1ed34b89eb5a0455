// GitHub writes under load, through the real hook (HMAC, SQLite queue, dispatcher, the hold plugin, the real
// Octokit client) against the fake GitHub in its own process. Three cases:
//   burst       N `/hold` comments on N pull requests at once → when each label lands on GitHub
//   sequential  one `/hold` right after another write, K times → time from delivery to label
//   head-of-line 60 `/hold` deliveries, then a read-only delivery (a `/hold` on a PR already held) →
//               how late its first GitHub call is
// Each case runs with pacing off (no scheduler: the lower bound, against a fake without limits) and with
// our scheduler (defaults: GitHub's documented secondary limits) against a fake that enforces GitHub's
// documented limits; "off vs limits" shows what the same burst meets without a scheduler. Prints figures,
// 403 counts and ratios against the lower bound. A label lands through REST or, when the scheduler sends
// it through GraphQL's separate budget (scheduler/graphql-labels.ts), through addLabelsToLabelable.
//   node --import tsx bench/github-writes.ts [--burst 200] [--sequential 15] [--hol 60] [--cases burst,sequential,hol] [--setups limits|plain]
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGitHubClient, type GitHubClientOptions } from '../src/github/client.js';
import { staticSecretSource } from '../src/hook/secrets.js';
import { startHookServer, type HookServer } from '../src/hook/server.js';
import { createSilentLogger } from '../src/observability/logger.js';
import { holdPlugin } from '../src/plugins/hold/hold.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';
import { issueCommentPayload, snapshotFor } from '../test/hook/support/helpers.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
}
const BURST = Number(arg('burst', '200'));
const SEQUENTIAL = Number(arg('sequential', '15'));
const HOL = Number(arg('hol', '60'));
const CASES = arg('cases', 'burst,sequential,hol').split(',');
const SECRET = 'bench-secret';
const LABEL_ROUTE = 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels';

interface FakeCall { method: string; path: string; route: string; status: number; time: string; body: unknown }

/** The PR number a call put the label on: a REST label write, or a GraphQL addLabelsToLabelable. */
function labelledNumber(c: FakeCall): number | undefined {
  if (c.status !== 200) return undefined;
  if (c.route === LABEL_ROUTE) return Number(/\/issues\/(\d+)\/labels$/.exec(c.path)?.[1]);
  const body = c.body as { query?: unknown; variables?: { input?: { labelableId?: unknown } } } | null;
  if (c.path.endsWith('/graphql') && /addLabelsToLabelable/.test(String(body?.query))) return Number(/_(\d+)$/.exec(String(body?.variables?.input?.labelableId))?.[1]);
  return undefined;
}

interface Setup {
  name: string;
  /** Limits the fake enforces: none, or GitHub's documented ones. */
  limits: Record<string, unknown>;
  client: Partial<GitHubClientOptions>;
}

// --setups plain: both against a fake without limits (what runs on a tree whose fake has none, e.g. the
// baseline before the scheduler, where the client's default was Octokit's throttling plugin).
const SETUPS: Setup[] = arg('setups', 'limits') === 'plain'
  ? [
    { name: 'pacing off (lower bound)', limits: {}, client: { throttle: false } },
    { name: 'client default, no limits', limits: {}, client: {} },
  ]
  : [
    { name: 'pacing off (lower bound)', limits: {}, client: { throttle: false } },
    { name: 'our scheduler, GitHub limits', limits: { secondary: true }, client: {} },
    { name: 'pacing off, GitHub limits', limits: { secondary: true }, client: { throttle: false } },
    // The scheduler without the GraphQL overflow (--no-github-graphql-label-writes): REST points only.
    { name: 'scheduler REST only, limits', limits: { secondary: true }, client: { rateLimits: { graphqlLabelWrites: false } } },
  ];

interface Rig {
  url: string;
  hook: HookServer;
  send(number: number, body: string): Promise<number>;
  calls(): Promise<FakeCall[]>;
  close(): Promise<void>;
}

let deliverySeq = 0;

async function rig(setup: Setup, issues: number, held: number[]): Promise<Rig> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../test/github/support/limited-fake-github-child.ts', import.meta.url)), JSON.stringify({ issues, limits: setup.limits, held })], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake GitHub exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { url: string }));
  });
  const dir = mkdtempSync(join(tmpdir(), 'prow-bench-writes-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  const log = createSilentLogger();
  const github = createGitHubClient({ baseUrl: url, token: 'bench', retry: { retryAfterBaseValue: 1 }, log, ...setup.client });
  const hook = await startHookServer({
    port: 0, hostname: '127.0.0.1', store, jobs: store, snapshot: () => snapshotFor({ org: ['hold'] }), github, plugins: [holdPlugin], log,
    secrets: staticSecretSource(SECRET), gracePeriodMs: 5_000,
  });
  return {
    url,
    hook,
    async send(number, body) {
      const payload = JSON.stringify(issueCommentPayload({ repo: 'org/repo', number, body, isPR: true }));
      const res = await fetch(`${hook.url}/hook`, {
        method: 'POST',
        body: payload,
        headers: {
          'X-GitHub-Event': 'issue_comment', 'X-GitHub-Delivery': `d-${++deliverySeq}`, 'content-type': 'application/json',
          'X-Hub-Signature-256': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`,
        },
      });
      await res.text();
      return Date.now();
    },
    async calls() {
      return (await (await fetch(`${url}/_fake/calls`)).json()) as FakeCall[];
    },
    async close() {
      await hook.close();
      await store.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
const refused = (calls: FakeCall[]): number => calls.filter((c) => c.status === 403).length;

async function burst(setup: Setup): Promise<{ p50: number; p99: number; last: number; landed: number; graphql: number; refused: number }> {
  const r = await rig(setup, BURST, []);
  try {
    const t0 = Date.now();
    await Promise.all(Array.from({ length: BURST }, (_, i) => r.send(i + 1, '/hold')));
    await r.hook.dispatcher.idle();
    const calls = await r.calls();
    const landing = calls.filter((c) => labelledNumber(c) !== undefined);
    const effects = landing.map((c) => Date.parse(c.time) - t0);
    const state = (await (await fetch(`${r.url}/_fake/state`)).json()) as { repos: { issues: { labels: string[] }[] }[] };
    const held = state.repos[0]!.issues.filter((i) => i.labels.includes('do-not-merge/hold')).length;
    return { p50: pct(effects, 0.5), p99: pct(effects, 0.99), last: Math.max(...effects), landed: held, graphql: landing.filter((c) => c.route !== LABEL_ROUTE).length, refused: refused(calls) };
  } finally {
    await r.close();
  }
}

async function sequential(setup: Setup): Promise<{ p50: number; max: number; refused: number }> {
  const r = await rig(setup, SEQUENTIAL + 1, []);
  try {
    // The first write: every measured /hold comes right after another write.
    await r.send(SEQUENTIAL + 1, '/hold');
    await r.hook.dispatcher.idle();
    const latencies: number[] = [];
    for (let n = 1; n <= SEQUENTIAL; n++) {
      const sent = Date.now();
      await r.send(n, '/hold');
      await r.hook.dispatcher.idle();
      const label = (await r.calls()).find((c) => labelledNumber(c) === n);
      latencies.push(label ? Date.parse(label.time) - sent : NaN);
    }
    return { p50: pct(latencies, 0.5), max: Math.max(...latencies), refused: refused(await r.calls()) };
  } finally {
    await r.close();
  }
}

async function headOfLine(setup: Setup): Promise<{ late: number; refused: number }> {
  const readOnly = HOL + 1;
  const r = await rig(setup, readOnly, [readOnly]);
  try {
    await Promise.all(Array.from({ length: HOL }, (_, i) => r.send(i + 1, '/hold')));
    const sent = await r.send(readOnly, '/hold'); // already held: reads the labels, writes nothing
    await r.hook.dispatcher.idle();
    const calls = await r.calls();
    const first = calls.find((c) => c.method === 'GET' && c.path.endsWith(`/issues/${readOnly}/labels`));
    return { late: first ? Date.parse(first.time) - sent : NaN, refused: refused(calls) };
  } finally {
    await r.close();
  }
}

process.stdout.write(`github writes: burst ${BURST}, sequential ${SEQUENTIAL}, head-of-line ${HOL} writes; the fake enforces GitHub's documented limits where it says so (100 in flight, 900 REST and 2,000 GraphQL points and 80 content requests a minute, 5000 an hour)\n`);
if (CASES.includes('burst')) {
  const results = [];
  for (const s of SETUPS) {
    const b = await burst(s);
    results.push(b);
    process.stdout.write(`burst       ${s.name.padEnd(30)} p50 ${ms(b.p50).padStart(8)}  p99 ${ms(b.p99).padStart(8)}  last ${ms(b.last).padStart(8)}  labels ${b.landed}/${BURST} (${b.graphql} via GraphQL)  403s ${b.refused}\n`);
  }
  // A GET (1 REST point) and a label write (5 REST points, or 6 GraphQL points: lookup and mutation) per /hold.
  // Writes may take 90% of each budget (the read reserve): 810 REST points less the reads, 1,800 GraphQL.
  const restWrites = Math.max(0, Math.floor((810 - BURST) / 5));
  const fits = (BURST - restWrites) * 6 <= 1800;
  process.stdout.write(`burst       ratio last (${SETUPS[1]!.name} / lower bound) ${(results[1]!.last / results[0]!.last).toFixed(2)} (goal <= 3); ${BURST} reads and ${BURST} label writes ${fits ? 'fit in one minute of the REST (900) and GraphQL (2,000) budgets' : 'need a second minute even with both budgets'}\n`);
  if (results[3]) process.stdout.write(`burst       ratio last (${SETUPS[3]!.name} / lower bound) ${(results[3].last / results[0]!.last).toFixed(2)}: REST's 900 points a minute alone\n`);
}
if (CASES.includes('sequential')) {
  for (const s of SETUPS.slice(0, 2)) {
    const q = await sequential(s);
    process.stdout.write(`sequential  ${s.name.padEnd(30)} p50 ${ms(q.p50).padStart(8)}  max ${ms(q.max).padStart(8)}  403s ${q.refused}   (goal p50 <= 50 ms)\n`);
  }
}
if (CASES.includes('hol')) {
  for (const s of SETUPS.slice(0, 2)) {
    const h = await headOfLine(s);
    process.stdout.write(`head-of-line ${s.name.padEnd(29)} read-only delivery's first call ${ms(h.late).padStart(8)} after it arrived  403s ${h.refused}   (goal <= 1 s)\n`);
  }
}

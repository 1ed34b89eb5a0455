// `prow up` start-up at history scale: time from spawn to /healthz/ready, RSS when healthy and 3 s later, and
// the longest event-loop stall (monitorEventLoopDelay, preloaded by bench/support/loop-probe.mjs) from start
// until shutdown, for the built command (bin/prow → dist/prow.js, with the Node flags of its #! line, and
// again without them: `built-no-flags`) and the same code run through tsx, over an
// empty store and one holding N ProwJobs (finished within the last day: sinker keeps them, crier has
// nothing to report). Prints figures and ratios; asserts nothing. Goal: no stall over 100 ms at 50,000 jobs.
//   node --import tsx bench/up-scale.ts [--jobs 50000] [--runs 3]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ProwJob } from '../src/api/prowjob.js';
import { openSqliteStore, storePath } from '../src/store/sqlite/store.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const JOBS = arg('jobs', 50_000);
const RUNS = arg('runs', 3);
const root = fileURLToPath(new URL('..', import.meta.url));
const probe = join(root, 'bench/support/loop-probe.mjs');
/** The Node flags bin/prow's `#!/usr/bin/env -S node …` line gives it when run as a command. */
const shebangFlags = (/^#!\/usr\/bin\/env -S node(.*)$/m.exec(readFileSync(join(root, 'bin/prow'), 'utf8'))?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

function job(i: number, now: number): ProwJob {
  const name = `ci-bench-${i % 50}`;
  const start = new Date(now - 86_400_000 + (i * 86_400_000) / Math.max(1, JOBS)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'prow.k8s.io/v1',
    kind: 'ProwJob',
    metadata: { name: `pj-${String(i).padStart(7, '0')}`, labels: { 'created-by-prow': 'true', 'prow.k8s.io/type': 'periodic', 'prow.k8s.io/job': name }, annotations: { 'prow.k8s.io/job': name } },
    spec: { type: 'periodic', job: name, agent: 'kubernetes', report: false, pod_spec: { containers: [{ image: 'alpine', command: ['true'] }] } },
    status: { state: i % 7 === 0 ? 'failure' : 'success', startTime: start, pendingTime: start, completionTime: start, build_id: String(100_000 + i), description: 'Job succeeded.' },
  };
}

async function seed(dir: string, n: number): Promise<void> {
  const store = openSqliteStore(storePath(dir));
  const now = Date.now();
  for (let i = 0; i < n; i++) await store.createProwJob(job(i, now));
  await store.close();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

interface Run { healthyMs: number; rssHealthy: number; rssSettled: number; maxStallMs: number; p99StallMs: number; readyMaxStallMs: number }

type Mode = 'tsx' | 'built' | 'built-no-flags';

async function startOnce(mode: Mode, dataDir: string): Promise<Run> {
  const health = await freePort();
  const probeOut = join(dataDir, `probe-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const flags = ['up', '--data-dir', dataDir, '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0', '--health-port', String(health), '--config-path', join(root, 'examples/config.yaml')];
  const args = mode !== 'tsx'
    ? [...(mode === 'built' ? shebangFlags : []), '--import', probe, join(root, 'bin/prow'), ...flags]
    : ['--import', 'tsx', '--import', probe, join(root, 'test/horologium/fixtures/run-command.ts'), join(root, 'src/cli/up.ts'), ...flags.slice(1)];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, PROW_LOOP_PROBE_OUT: probeOut }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let healthyMs = NaN;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prow up (${mode}) exited early: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${health}/healthz/ready`);
      await res.text();
      if (res.ok) {
        healthyMs = performance.now() - t0;
        break;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 120_000) throw new Error(`prow up (${mode}) not ready after 120 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const rssHealthy = rssOf(child.pid!);
  child.kill('SIGUSR2'); // the probe's start-up window ends here
  await new Promise((r) => setTimeout(r, 3000));
  const rssSettled = rssOf(child.pid!);
  child.kill('SIGTERM');
  await exited;
  const loop = existsSync(probeOut)
    ? (JSON.parse(readFileSync(probeOut, 'utf8')) as { maxMs: number; p99Ms: number; ready?: { maxMs: number } })
    : { maxMs: NaN, p99Ms: NaN, ready: { maxMs: NaN } };
  return { healthyMs, rssHealthy, rssSettled, maxStallMs: loop.maxMs, p99StallMs: loop.p99Ms, readyMaxStallMs: loop.ready?.maxMs ?? NaN };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

const dirs: Record<string, string> = {};
for (const n of [0, JOBS]) {
  const dir = mkdtempSync(join(tmpdir(), `prow-bench-up-${n}-`));
  const t = performance.now();
  await seed(dir, n);
  if (n > 0) process.stdout.write(`seeded ${n} ProwJobs in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  dirs[n] = dir;
}
const results: Record<string, Run> = {};
try {
  for (const n of [0, JOBS]) {
    for (const mode of ['tsx', 'built', 'built-no-flags'] as const) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await startOnce(mode, dirs[n]!));
      const r: Run = {
        healthyMs: median(runs.map((x) => x.healthyMs)), rssHealthy: median(runs.map((x) => x.rssHealthy)), rssSettled: median(runs.map((x) => x.rssSettled)),
        maxStallMs: Math.max(...runs.map((x) => x.maxStallMs)), p99StallMs: median(runs.map((x) => x.p99StallMs)),
        readyMaxStallMs: Math.max(...runs.map((x) => x.readyMaxStallMs)),
      };
      results[`${mode}/${n}`] = r;
      process.stdout.write(`${String(n).padStart(6)} jobs  ${mode.padEnd(14)}  healthy ${r.healthyMs.toFixed(0).padStart(5)} ms  RSS ${mb(r.rssHealthy)} (3 s later ${mb(r.rssSettled)})  longest stall ${r.maxStallMs.toFixed(0)} ms (after ready ${r.readyMaxStallMs.toFixed(0)} ms)  p99 delay ${r.p99StallMs.toFixed(0)} ms   (median of ${RUNS}, stall: worst)\n`);
    }
  }
} finally {
  for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
}
const ratio = (a: string, b: string, k: keyof Run): string => (results[a]![k] / results[b]![k]).toFixed(2);
process.stdout.write(`built vs tsx (empty store): healthy ×${ratio('built/0', 'tsx/0', 'healthyMs')}, RSS ×${ratio('built/0', 'tsx/0', 'rssHealthy')}\n`);
process.stdout.write(`${JOBS} jobs vs empty (built): healthy ×${ratio(`built/${JOBS}`, 'built/0', 'healthyMs')}, RSS ×${ratio(`built/${JOBS}`, 'built/0', 'rssHealthy')}; longest stall ${results[`built/${JOBS}`]!.maxStallMs.toFixed(0)} ms, after ready ${results[`built/${JOBS}`]!.readyMaxStallMs.toFixed(0)} ms (goal <= 100; empty store: ${results['built/0']!.maxStallMs.toFixed(0)} ms, after ready ${results['built/0']!.readyMaxStallMs.toFixed(0)} ms)\n`);

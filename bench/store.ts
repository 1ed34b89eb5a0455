// The SQLite Store at deck scale: N ProwJobs (default 50,000) with upstream's labels, then the reads
// components make. Prints figures; asserts nothing.
// Run: node --import tsx bench/store.ts [count]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob, ProwJobState, ProwJobType } from '../src/api/prowjob.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';

const count = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
const path = join(dir, 'prow.db');
const store = openSqliteStore(path);
const types: ProwJobType[] = ['presubmit', 'postsubmit', 'periodic', 'batch'];
const states: ProwJobState[] = ['success', 'failure', 'pending', 'triggered', 'aborted', 'error'];

function job(i: number): ProwJob {
  const type = types[i % types.length]!;
  const jobName = `${type}-job-${i % 200}`;
  const state = states[i % states.length]!;
  const start = new Date(Date.UTC(2026, 0, 1) + i * 10_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pj: ProwJob = {
    apiVersion: 'prow.k8s.io/v1',
    kind: 'ProwJob',
    metadata: {
      name: `pj-${String(i).padStart(7, '0')}`,
      labels: {
        'created-by-prow': 'true', 'prow.k8s.io/type': type, 'prow.k8s.io/job': jobName,
        'prow.k8s.io/refs.org': 'kubernetes', 'prow.k8s.io/refs.repo': `repo-${i % 20}`,
        ...(type === 'presubmit' ? { 'prow.k8s.io/refs.pull': String(i % 5000) } : {}),
      },
    },
    spec: {
      type, job: jobName, agent: 'kubernetes', report: true, context: jobName,
      ...(type !== 'periodic' ? {
        refs: {
          org: 'kubernetes', repo: `repo-${i % 20}`, base_ref: 'main', base_sha: 'a'.repeat(40),
          ...(type === 'presubmit' ? { pulls: [{ number: i % 5000, author: 'someone', sha: 'b'.repeat(40) }] } : {}),
        },
      } : {}),
      pod_spec: { containers: [{ image: 'golang:1.22', command: ['make', 'test'], args: ['--flag', String(i)] }] },
    },
    status: { state, startTime: start, ...(['pending', 'triggered'].includes(state) ? {} : { completionTime: start }) },
  };
  return pj;
}

/** Operations per CPU-second of this process since `c0`: the figure other processes on the cores do not move. */
function perCpuSecond(n: number, c0: NodeJS.CpuUsage): string {
  const c = process.cpuUsage(c0);
  return `${(n / ((c.user + c.system) / 1e6)).toFixed(0)} per CPU-second`;
}

async function time<T>(label: string, fn: () => Promise<T> | T, reps = 1): Promise<T> {
  let result: T | undefined;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) result = await fn();
  const ms = (performance.now() - t0) / reps;
  process.stdout.write(`${label.padEnd(58)} ${ms.toFixed(2).padStart(10)} ms${reps > 1 ? ` (mean of ${reps})` : ''}\n`);
  return result as T;
}

try {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < count; i++) await store.createProwJob(job(i));
  const createMs = performance.now() - t0;
  process.stdout.write(`created ${count} ProwJobs one at a time: ${(count / (createMs / 1000)).toFixed(0)} creates/s, ${perCpuSecond(count, cpu0)}\n`);

  const first = (await store.getProwJob('pj-0000001'))!;
  let updates = 0;
  const u0 = performance.now();
  const ucpu0 = process.cpuUsage();
  let current = first;
  while (performance.now() - u0 < 1000) {
    current = await store.updateProwJob({ ...current, status: { ...current.status, description: `u${updates}` } });
    updates++;
  }
  process.stdout.write(`updates one at a time (resourceVersion-checked): ${updates} /s, ${perCpuSecond(updates, ucpu0)}\n`);

  // Writers with 20 writes in flight, as plank's workers are: the store commits each tick's writes together.
  const extra = Math.min(10_000, count);
  const c0 = performance.now();
  const ccpu0 = process.cpuUsage();
  for (let i = 0; i < extra; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, extra - i) }, (_, k) => {
      const pj = job(count + i + k);
      pj.metadata.name = `pj-extra-${String(i + k).padStart(7, '0')}`;
      return store.createProwJob(pj);
    }));
  }
  process.stdout.write(`created ${extra} more, 20 in flight: ${(extra / ((performance.now() - c0) / 1000)).toFixed(0)} creates/s, ${perCpuSecond(extra, ccpu0)}\n`);
  const w0 = performance.now();
  const wcpu0 = process.cpuUsage();
  for (let i = 0; i < extra; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, extra - i) }, (_, k) =>
      store.getProwJob(`pj-extra-${String(i + k).padStart(7, '0')}`)));
    await Promise.all(batch.map((pj) => store.updateProwJob({ ...pj!, status: { ...pj!.status, state: 'pending', description: 'moved' } })));
  }
  process.stdout.write(`updated those, 20 in flight: ${(extra / ((performance.now() - w0) / 1000)).toFixed(0)} updates/s, ${perCpuSecond(extra, wcpu0)}\n`);

  await time('getProwJob', () => store.getProwJob('pj-0025000'), 1000);
  const all = await time('listProwJobs() all', () => store.listProwJobs(), 3);
  process.stdout.write(`  (${all.items.length} jobs)\n`);
  const periodics = await time('listProwJobs({type: periodic}) (horologium)', () =>
    store.listProwJobs({ labels: { 'prow.k8s.io/type': 'periodic' } }), 3);
  process.stdout.write(`  (${periodics.items.length} jobs)\n`);
  await time('listProwJobs({job, pull}) (two labels)', () =>
    store.listProwJobs({ labels: { 'prow.k8s.io/job': 'presubmit-job-0', 'prow.k8s.io/refs.pull': '0' } }), 100);
  const page = await time('queryProwJobs({limit: 100}) newest page', () => store.queryProwJobs({ limit: 100 }), 100);
  await time('queryProwJobs({limit: 100, before}) second page', () => store.queryProwJobs({ limit: 100, before: page.next! }), 100);
  await time('queryProwJobs({job, limit: 20}) job history', () => store.queryProwJobs({ job: 'periodic-job-2', limit: 20 }), 100);
  await time('queryProwJobs({org, repo, pull}) one PR', () => store.queryProwJobs({ org: 'kubernetes', repo: 'repo-0', pull: 40 }), 100);
  await time('queryProwJobs({state: pending, limit: 500})', () => store.queryProwJobs({ state: 'pending', limit: 500 }), 20);

  // Watch latency across processes: a child writes, this process's watch sees it.
  const received = new Map<string, number>();
  const watch = store.watchProwJobs({}, (e) => {
    if (e.type === 'added') received.set(e.prowjob.metadata.name, performance.now());
  });
  const script = join(dir, 'writer.mts');
  const srcStore = new URL('../src/store/sqlite/store.ts', import.meta.url).pathname;
  writeFileSync(script, `
    import { openSqliteStore } from ${JSON.stringify(srcStore)};
    const store = openSqliteStore(${JSON.stringify(path)});
    for (let i = 0; i < 50; i++) {
      await store.createProwJob({ apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: 'remote-' + i },
        spec: { type: 'periodic', job: 'remote' }, status: { state: 'triggered', startTime: new Date().toISOString() } });
      process.stdout.write(String(performance.timeOrigin + performance.now()) + '\\n');
      await new Promise((r) => setTimeout(r, 20));
    }
    await store.close();
  `);
  const sent: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) sent.push(Number(l));
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`))));
  });
  await new Promise((r) => setTimeout(r, 300));
  watch.close();
  const lat = sent.map((t, i) => (received.get(`remote-${i}`) ?? NaN) + performance.timeOrigin - t).sort((a, b) => a - b);
  process.stdout.write(`cross-process watch latency (poll 75 ms): p50 ${lat[24]!.toFixed(1)} ms, p99 ${lat[49]!.toFixed(1)} ms, seen ${received.size}/50\n`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

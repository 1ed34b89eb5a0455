// How fast does plank move triggered ProwJobs to pending? 10,000 triggered jobs in a SQLite store,
// a no-op executor; prints jobs/s and peak RSS. Goal: >= 1,000 jobs/s.
// Run: node --import tsx bench/controller.ts [count]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../src/api/prowjob.js';
import type { Plank } from '../src/config/types.js';
import { createStoreBuildIdSource } from '../src/controller/build-id.js';
import { createController } from '../src/controller/plank.js';
import type { Executor, ExecutorStatus } from '../src/executor/types.js';
import { createSilentLogger } from '../src/observability/logger.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';

const count = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'bench-controller-'));
const store = openSqliteStore(join(dir, 'prow.db'));
const runs = new Map<string, ExecutorStatus>();
const noop: Executor = {
  async start(pj, ctx) { if (!runs.has(pj.metadata.name)) runs.set(pj.metadata.name, { phase: 'running', buildId: ctx.buildId, startedAt: new Date().toISOString() }); },
  async status(pj) { return runs.get(pj.metadata.name) ?? { phase: 'missing' }; },
  async abort() {},
  logs: { async size() { return undefined; }, async read() { return undefined; }, async stream() { return undefined; } },
  async cleanup(run) { runs.delete(run.name); },
  async listRuns() { return []; },
  onChange() { return () => undefined; },
  async close() {},
};
const plank: Plank = {
  job_url_template: 'https://prow.example/view/{{.Spec.Job}}/{{.Status.BuildID}}', max_concurrency: 0, max_goroutines: 20,
  pod_pending_timeout: '10m', pod_running_timeout: '48h', pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
};

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);

const t0 = performance.now();
const now = new Date().toISOString();
for (let i = 0; i < count; i++) {
  const pj: ProwJob = {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `bench-${String(i).padStart(6, '0')}`, labels: { 'created-by-prow': 'true', 'prow.k8s.io/job': `job-${i % 50}` } },
    spec: {
      type: 'presubmit', job: `job-${i % 50}`, agent: 'kubernetes',
      refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc', pulls: [{ number: i, author: 'u', sha: `s${i}` }] },
      pod_spec: { containers: [{ command: ['true'] }] },
    },
    status: { startTime: now, state: 'triggered' },
  };
  await store.createProwJob(pj);
}
const created = performance.now();

const controller = createController({ store, executors: new Map([['kubernetes', noop]]), config: () => ({ plank }), log: createSilentLogger(), buildIdSource: createStoreBuildIdSource(store) });
const t1 = performance.now();
const cpu0 = process.cpuUsage();
await controller.start();
let pending = 0;
while (pending < count) {
  await controller.idle();
  pending = runs.size;
  if (pending < count) await new Promise((r) => setTimeout(r, 5));
}
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
// confirm in the store, not only in the executor
const states = new Map<string, number>();
for (const pj of (await store.listProwJobs()).items) states.set(pj.status.state, (states.get(pj.status.state) ?? 0) + 1);
await controller.stop();
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await store.close();
rmSync(dir, { recursive: true, force: true });

const secs = (t2 - t1) / 1000;
process.stdout.write([
  `created ${count} triggered ProwJobs in ${((created - t0) / 1000).toFixed(2)} s`,
  `triggered → pending: ${count} jobs in ${secs.toFixed(2)} s = ${Math.round(count / secs)} jobs/s (goal >= 1000: ${count / secs >= 1000 ? 'met' : 'NOT met'})`,
  `CPU used meanwhile: ${cpuSecs.toFixed(2)} s = ${Math.round(count / cpuSecs)} jobs per CPU-second (wall-clock figures drop when other processes share the cores)`,
  `store states after: ${JSON.stringify(Object.fromEntries(states))}`,
  `peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB`,
  '',
].join('\n'));

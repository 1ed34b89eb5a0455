// 1,000 ProwJobs through plank over the Kubernetes CRD store (the API fake over HTTP), beside the same run over
// the SQLite store: triggered → pending → success with an executor whose runs succeed at once, so the figures
// are the store's and the controller's, not a test command's. Prints jobs/s for both, the ratio, and the
// Kubernetes API requests per job by verb (list and watch excluded: the informer's, not per job).
// Run: node --import tsx bench/kube-controller.ts [count]
import { kubeConfigFromString } from '../src/kube/client/kubeconfig.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { ProwJob } from '../src/api/prowjob.js';
import type { Plank } from '../src/config/types.js';
import { createSnowflakeBuildIdSource } from '../src/controller/build-id.js';
import { createController } from '../src/controller/plank.js';
import type { Executor, ExecutorStatus } from '../src/executor/types.js';
import { startKubeApiFake } from '../src/kube/fake/server.js';
import { createSilentLogger } from '../src/observability/logger.js';
import { createProwJobInformer } from '../src/store/informer.js';
import { openKubernetesStore } from '../src/store/kubernetes/store.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';
import type { ProwJobStore } from '../src/store/types.js';

const count = Number(process.argv[2] ?? 1000);
const log = createSilentLogger();
const plank: Plank = {
  job_url_template: 'https://prow.example/view/{{.Spec.Job}}/{{.Status.BuildID}}', max_concurrency: 0, max_goroutines: 20,
  pod_pending_timeout: '10m', pod_running_timeout: '48h', pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
};

/** Runs that succeed as soon as they start: the controller hears of it through onChange. */
function instantExecutor(): Executor {
  const runs = new Map<string, ExecutorStatus>();
  const listeners = new Set<(name: string) => void>();
  return {
    async start(pj, ctx) {
      const name = pj.metadata.name;
      if (runs.has(name)) return;
      const at = new Date().toISOString();
      runs.set(name, { phase: 'succeeded', buildId: ctx.buildId, createdAt: at, startedAt: at, finishedAt: at, exitCode: 0 });
      setImmediate(() => { for (const l of listeners) l(name); });
    },
    async status(pj) { return runs.get(pj.metadata.name) ?? { phase: 'missing' }; },
    async abort() {},
    logs: { async size() { return undefined; }, async read() { return undefined; }, async stream() { return undefined; } },
    async cleanup(run) { runs.delete(run.name); },
    async listRuns() { return []; },
    onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    async close() {},
  };
}

function prowJob(i: number, namespace: string): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `bench-${String(i).padStart(6, '0')}`, namespace, labels: { 'created-by-prow': 'true', 'prow.k8s.io/job': `job-${i % 50}` } },
    spec: {
      type: 'periodic', job: `job-${i % 50}`, agent: 'kubernetes',
      pod_spec: { containers: [{ name: 'test', image: 'alpine', command: ['true'] }] },
    },
    status: { startTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), state: 'triggered' },
  };
}

interface RunFigures { createSecs: number; runSecs: number; cpuSecs: number }

async function run(store: ProwJobStore, namespace: string): Promise<RunFigures> {
  const t0 = performance.now();
  // Created as hook would: one request each, a few at a time.
  for (let i = 0; i < count; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => store.createProwJob(prowJob(i + k, namespace))));
  }
  const created = performance.now();
  const informer = createProwJobInformer(store, { log });
  await informer.start();
  const controller = createController({
    store, informer, executors: new Map([['kubernetes', instantExecutor()]]), config: () => ({ plank }), log, buildIdSource: createSnowflakeBuildIdSource(),
  });
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  await controller.start();
  for (;;) {
    const done = informer.list().filter((pj) => pj.status.state === 'success').length;
    if (done >= count) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  await controller.stop();
  informer.close();
  return { createSecs: (created - t0) / 1000, runSecs: (t2 - t1) / 1000, cpuSecs: (cpu.user + cpu.system) / 1e6 };
}

// ---- SQLite ----
const dir = mkdtempSync(join(tmpdir(), 'bench-kube-controller-'));
const sqlite = openSqliteStore(join(dir, 'prow.db'));
const sq = await run(sqlite, 'default');
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

// ---- Kubernetes (the API fake, upstream's CRD) ----
const fake = await startKubeApiFake();
const kc = kubeConfigFromString(fake.kubeconfig());
const crd = parse(readFileSync(fileURLToPath(new URL('../deploy/prowjob-crd.yaml', import.meta.url)), 'utf8')) as V1CustomResourceDefinition;
await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });
const namespace = 'bench';
await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
for (let served = false; !served;) {
  served = await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace, plural: 'prowjobs', limit: 1 })
    .then(() => true, () => false);
}
fake.clearRequests();
const kube = openKubernetesStore({ kubeconfig: kc, namespace, log });
const ku = await run(kube, namespace);
const perVerb = new Map<string, number>();
for (const r of fake.requests()) {
  if (r.resource !== 'prowjobs.prow.k8s.io' || r.verb === 'list' || r.verb === 'watch') continue;
  perVerb.set(r.verb, (perVerb.get(r.verb) ?? 0) + 1);
}
await kube.close();
await fake.close();

const total = [...perVerb.values()].reduce((a, b) => a + b, 0);
const rate = (f: RunFigures): number => count / f.runSecs;
process.stdout.write([
  `${count} ProwJobs, triggered → pending → success, executor runs succeed at once (the same for both stores)`,
  `sqlite:     created in ${sq.createSecs.toFixed(2)} s; controller ${sq.runSecs.toFixed(2)} s = ${Math.round(rate(sq))} jobs/s (${Math.round(count / sq.cpuSecs)} jobs per CPU-second)`,
  `kubernetes: created in ${ku.createSecs.toFixed(2)} s; controller ${ku.runSecs.toFixed(2)} s = ${Math.round(rate(ku))} jobs/s (${Math.round(count / ku.cpuSecs)} jobs per CPU-second; the fake API server shares this process)`,
  `kubernetes / sqlite throughput: ${(rate(ku) / rate(sq)).toFixed(2)}x`,
  `Kubernetes API requests per job (list/watch excluded, creates included): ${(total / count).toFixed(2)} — ${[...perVerb].map(([v, n]) => `${v} ${(n / count).toFixed(2)}`).join(', ')}`,
  '',
].join('\n'));

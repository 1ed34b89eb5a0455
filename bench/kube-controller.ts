// 1,000 ProwJobs through plank over the Kubernetes CRD store (the API fake over HTTP), beside the same run over
// the SQLite store, twice: once with the pod executor against the API fake's kubelet simulation (each job a pod
// whose container runs `true` as a real process), once with an executor whose runs succeed at once (the
// store's and the controller's cost alone). Prints jobs/s for each pair, the ratio, and the Kubernetes API
// requests per job by resource and verb (list and watch excluded: the informers', not per job; the kubelet
// simulation shares the fake's process, so its own status writes are not HTTP requests).
// Run: node --import tsx bench/kube-controller.ts [count]
import { kubeConfigFromString } from '../src/kube/client/kubeconfig.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiextensionsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { ProwJob } from '../src/api/prowjob.js';
import type { Plank } from '../src/config/types.js';
import { createSnowflakeBuildIdSource } from '../src/controller/build-id.js';
import { createController } from '../src/controller/plank.js';
import { createKubernetesExecutor } from '../src/executor/kubernetes/executor.js';
import type { Executor, ExecutorStatus } from '../src/executor/types.js';
import { startKubeApiFake, type KubeApiFake } from '../src/kube/fake/server.js';
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

interface RunFigures { createSecs: number; runSecs: number; cpuSecs: number; failed: number }

async function run(store: ProwJobStore, namespace: string, executor: Executor): Promise<RunFigures> {
  const t0 = performance.now();
  // Created as hook would: one request each, a few at a time.
  for (let i = 0; i < count; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => store.createProwJob(prowJob(i + k, namespace))));
  }
  const created = performance.now();
  const informer = createProwJobInformer(store, { log });
  await informer.start();
  const controller = createController({
    store, informer, executors: new Map([['kubernetes', executor]]), config: () => ({ plank }), log, buildIdSource: createSnowflakeBuildIdSource(),
  });
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  await controller.start();
  let failed = 0;
  for (;;) {
    const done = informer.list().filter((pj) => pj.status.completionTime);
    if (done.length >= count) {
      failed = done.filter((pj) => pj.status.state !== 'success').length;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  await controller.stop();
  await executor.close();
  informer.close();
  return { createSecs: (created - t0) / 1000, runSecs: (t2 - t1) / 1000, cpuSecs: (cpu.user + cpu.system) / 1e6, failed };
}

const crd = parse(readFileSync(fileURLToPath(new URL('../deploy/prowjob-crd.yaml', import.meta.url)), 'utf8')) as V1CustomResourceDefinition;

/** An API fake with upstream's CRD served and the namespace created; requests cleared. */
async function apiFake(kubelet: boolean, namespace: string): Promise<{ fake: KubeApiFake; kc: KubeConfig }> {
  const fake = await startKubeApiFake({ kubelet });
  const kc = kubeConfigFromString(fake.kubeconfig());
  await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  for (let served = false; !served;) {
    served = await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ group: 'prow.k8s.io', version: 'v1', namespace, plural: 'prowjobs', limit: 1 })
      .then(() => true, () => false);
  }
  fake.clearRequests();
  return { fake, kc };
}

/** Requests per job by `resource verb`, list and watch (the informers') and pod logs (deck's) excluded. */
function requestsPerJob(fake: KubeApiFake): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of fake.requests()) {
    if (r.verb === 'list' || r.verb === 'watch' || r.subresource === 'log') continue;
    if (r.resource !== 'prowjobs.prow.k8s.io' && r.resource !== 'pods') continue;
    const key = `${r.resource === 'pods' ? 'pods' : 'prowjobs'} ${r.verb}${r.subresource ? `/${r.subresource}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return new Map([...out].map(([k, n]) => [k, n / count]));
}

const podExecutor = (kc: KubeConfig, namespace: string): Executor =>
  createKubernetesExecutor({ clusters: new Map([['default', kc]]), podNamespace: () => namespace, log });

interface Pair { sqlite: RunFigures; kube: RunFigures; perJob: Map<string, number> }

async function pair(withPods: boolean): Promise<Pair> {
  const namespace = 'bench';
  // SQLite store; pods (when asked) still go to an API fake's kubelet.
  const dir = mkdtempSync(join(tmpdir(), 'bench-kube-controller-'));
  const sqliteStore = openSqliteStore(join(dir, 'prow.db'));
  const podsOnly = withPods ? await apiFake(true, namespace) : undefined;
  const sq = await run(sqliteStore, namespace, podsOnly ? podExecutor(podsOnly.kc, namespace) : instantExecutor());
  await sqliteStore.close();
  await podsOnly?.fake.close();
  rmSync(dir, { recursive: true, force: true });

  const { fake, kc } = await apiFake(withPods, namespace);
  const kubeStore = openKubernetesStore({ kubeconfig: kc, namespace, log });
  const ku = await run(kubeStore, namespace, withPods ? podExecutor(kc, namespace) : instantExecutor());
  const perJob = requestsPerJob(fake);
  await kubeStore.close();
  await fake.close();
  return { sqlite: sq, kube: ku, perJob };
}

const rate = (f: RunFigures): number => count / f.runSecs;
function lines(title: string, p: Pair): string[] {
  const row = (name: string, f: RunFigures): string =>
    `  ${name} created in ${f.createSecs.toFixed(2)} s; controller ${f.runSecs.toFixed(2)} s = ${rate(f).toFixed(1)} jobs/s ` +
    `(${Math.round(count / f.cpuSecs)} jobs per CPU-second)${f.failed ? `; ${f.failed} not successful` : ''}`;
  const total = [...p.perJob.values()].reduce((a, b) => a + b, 0);
  return [
    title,
    row('sqlite:    ', p.sqlite),
    row('kubernetes:', p.kube),
    `  kubernetes / sqlite throughput: ${(rate(p.kube) / rate(p.sqlite)).toFixed(2)}x`,
    `  Kubernetes API requests per job (list/watch excluded, creates included): ${total.toFixed(2)} — ${[...p.perJob].map(([k, n]) => `${k} ${n.toFixed(2)}`).join(', ')}`,
  ];
}

const pods = await pair(true);
const instant = await pair(false);
process.stdout.write([
  `${count} ProwJobs, triggered → pending → success; the API fake, the kubelet simulation and the controller share this process`,
  ...lines('pods under the kubelet simulation (each job a pod running `true`):', pods),
  ...lines('executor whose runs succeed at once (store and controller cost alone):', instant),
  '',
].join('\n'));

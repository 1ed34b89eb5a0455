// ProwJobs run as pods: plank with the Kubernetes executor against the API fake and its kubelet simulation
// (each pod's container a real `true` process), beside the same jobs run by the local executor as host
// processes, both over SQLite. Prints jobs/s for both, the ratio, and the pod API requests per job by verb
// (list and watch excluded: the executor's one pod watch, not per job; log follows excluded: deck's).
// Run: node --import tsx bench/pods.ts [count]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../src/api/prowjob.js';
import { createLocalArtifactStore } from '../src/artifacts/local.js';
import type { Plank } from '../src/config/types.js';
import { createSnowflakeBuildIdSource } from '../src/controller/build-id.js';
import { createController } from '../src/controller/plank.js';
import { createKubernetesExecutor } from '../src/executor/kubernetes/executor.js';
import { createLocalExecutor } from '../src/executor/local/executor.js';
import type { Executor } from '../src/executor/types.js';
import { kubeConfigFromString } from '../src/kube/client/kubeconfig.js';
import { startKubeApiFake } from '../src/kube/fake/server.js';
import { createSilentLogger } from '../src/observability/logger.js';
import { createProwJobInformer } from '../src/store/informer.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';

const count = Number(process.argv[2] ?? 200);
const log = createSilentLogger();
const plank: Plank = {
  job_url_template: '', max_concurrency: 0, max_goroutines: 20, pod_pending_timeout: '10m', pod_running_timeout: '48h',
  pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
};

function prowJob(i: number): ProwJob {
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `55555555-0000-4000-8000-${String(i).padStart(12, '0')}` },
    spec: { type: 'periodic', job: `job-${i % 20}`, agent: 'kubernetes', pod_spec: { containers: [{ image: 'alpine', command: ['true'] }] } },
    status: { startTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), state: 'triggered' },
  };
}

async function run(executor: (dir: string) => Executor): Promise<{ secs: number; failed: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pods-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  for (let i = 0; i < count; i++) await store.createProwJob(prowJob(i));
  const informer = createProwJobInformer(store, { log });
  await informer.start();
  const ex = executor(dir);
  const controller = createController({
    store, informer, executors: new Map([['kubernetes', ex]]), config: () => ({ plank }), log, buildIdSource: createSnowflakeBuildIdSource(),
  });
  const t0 = performance.now();
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
  const secs = (performance.now() - t0) / 1000;
  await controller.stop();
  await ex.close();
  informer.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { secs, failed };
}

const local = await run((dir) => createLocalExecutor({ dataDir: dir, artifacts: createLocalArtifactStore({ root: join(dir, 'artifacts') }), log }));

const fake = await startKubeApiFake({ kubelet: true });
const kc = kubeConfigFromString(fake.kubeconfig());
fake.clearRequests();
const pods = await run(() => createKubernetesExecutor({ clusters: new Map([['default', kc]]), podNamespace: () => 'default', log }));
const perVerb = new Map<string, number>();
for (const r of fake.requests()) {
  if (r.resource !== 'pods' || r.verb === 'list' || r.verb === 'watch' || r.subresource === 'log') continue;
  // The kubelet simulation shares the fake in-process: its writes do not go over HTTP.
  perVerb.set(r.verb, (perVerb.get(r.verb) ?? 0) + 1);
}
await fake.close();

const total = [...perVerb.values()].reduce((a, b) => a + b, 0);
const rate = (f: { secs: number }): number => count / f.secs;
process.stdout.write([
  `${count} ProwJobs (\`true\`), triggered → pending → success over SQLite`,
  `local executor (host processes): ${local.secs.toFixed(2)} s = ${rate(local).toFixed(1)} jobs/s${local.failed ? ` (${local.failed} not successful)` : ''}`,
  `kubernetes executor (pods, kubelet simulation in this process): ${pods.secs.toFixed(2)} s = ${rate(pods).toFixed(1)} jobs/s${pods.failed ? ` (${pods.failed} not successful)` : ''}`,
  `pods / local throughput: ${(rate(pods) / rate(local)).toFixed(2)}x`,
  `pod API requests per job (list/watch and log excluded): ${(total / count).toFixed(2)} — ${[...perVerb].map(([v, n]) => `${v} ${(n / count).toFixed(2)}`).join(', ') || 'none'}`,
  '',
].join('\n'));

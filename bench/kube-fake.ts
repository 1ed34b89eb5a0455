// kube-fake at controller scale. Prints figures and ratios against same-run baselines; asserts nothing.
// A: N ProwJobs (default 1,000) created and moved triggered → pending → success through
//    @kubernetes/client-node over HTTP while an informer watches, beside the same writes on the
//    SQLite store; API requests per job (list/watch excluded).
// B: M pods (default 100) running `true` through the kubelet simulation, beside spawning `true`
//    M times directly at the same concurrency.
// Run: node --import tsx bench/kube-fake.ts [jobs] [pods]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as k8s from '@kubernetes/client-node';
import type { ProwJob } from '../src/api/prowjob.js';
import { startKubeApiFake } from '../src/kube/fake/server.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';

const jobs = Number(process.argv[2] ?? 1000);
const pods = Number(process.argv[3] ?? 100);
const CONCURRENCY = 16;
const dir = mkdtempSync(join(tmpdir(), 'bench-kube-fake-'));

const prowJob = (i: number): ProwJob => ({
  apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
  metadata: { name: `pj-${String(i).padStart(6, '0')}`, namespace: 'default', labels: { 'created-by-prow': 'true', 'prow.k8s.io/job': `job-${i % 50}`, 'prow.k8s.io/type': 'periodic' } },
  spec: { type: 'periodic', agent: 'kubernetes', job: `job-${i % 50}`, report: true },
  status: { state: 'triggered', startTime: '2026-12-07T10:00:00Z' },
} as ProwJob);

async function pool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await worker(items[next++]!);
  }));
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const indexes = Array.from({ length: jobs }, (_, i) => i);

// A, baseline: SQLite
const sqlite = openSqliteStore(join(dir, 'prow.db'));
let t = process.hrtime.bigint();
await pool(indexes, async (i) => {
  let pj = await sqlite.createProwJob(prowJob(i));
  pj = await sqlite.updateProwJob({ ...pj, status: { ...pj.status, state: 'pending' } });
  await sqlite.updateProwJob({ ...pj, status: { ...pj.status, state: 'success', completionTime: '2026-12-07T10:05:00Z' } });
});
const sqliteSeconds = seconds(t);
await sqlite.close();

// A: kube-fake over HTTP
const fake = await startKubeApiFake({ kubelet: { rootDir: join(dir, 'pods') } });
const kc = new k8s.KubeConfig();
kc.loadFromString(fake.kubeconfig());
const crd = parse(readFileSync(new URL('../deploy/prowjob-crd.yaml', import.meta.url), 'utf8')) as k8s.V1CustomResourceDefinition;
await kc.makeApiClient(k8s.ApiextensionsV1Api).createCustomResourceDefinition({ body: crd });
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const g = { group: 'prow.k8s.io', version: 'v1', namespace: 'default', plural: 'prowjobs' };
const informer = k8s.makeInformer(kc, '/apis/prow.k8s.io/v1/namespaces/default/prowjobs',
  () => custom.listNamespacedCustomObject(g) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>);
let succeeded = 0;
informer.on('update', (o) => { if ((o as unknown as ProwJob).status.state === 'success') succeeded++; });
await informer.start();
fake.clearRequests();
t = process.hrtime.bigint();
await pool(indexes, async (i) => {
  let pj = (await custom.createNamespacedCustomObject({ ...g, body: prowJob(i) })) as ProwJob;
  pj = (await custom.replaceNamespacedCustomObject({ ...g, name: pj.metadata.name, body: { ...pj, status: { ...pj.status, state: 'pending' } } })) as ProwJob;
  await custom.replaceNamespacedCustomObject({ ...g, name: pj.metadata.name, body: { ...pj, status: { ...pj.status, state: 'success', completionTime: '2026-12-07T10:05:00Z' } } });
});
while (succeeded < jobs) await new Promise((r) => setTimeout(r, 5));
const kubeSeconds = seconds(t);
await informer.stop();
const writes = fake.requests().filter((r) => r.verb !== 'list' && r.verb !== 'watch').length;

console.log(`A: ${jobs} ProwJobs, create + 2 updates each, ${CONCURRENCY} at a time`);
console.log(`  sqlite store:             ${(jobs / sqliteSeconds).toFixed(0)} jobs/s (${sqliteSeconds.toFixed(2)} s)`);
console.log(`  kube-fake (client-node):  ${(jobs / kubeSeconds).toFixed(0)} jobs/s (${kubeSeconds.toFixed(2)} s), informer saw every success`);
console.log(`  ratio kube-fake/sqlite:   ${(kubeSeconds / sqliteSeconds).toFixed(1)}x the time`);
console.log(`  API requests per job:     ${(writes / jobs).toFixed(2)} (list/watch excluded)`);

// B, baseline: bare processes
const podIndexes = Array.from({ length: pods }, (_, i) => i);
t = process.hrtime.bigint();
await pool(podIndexes, () => new Promise<void>((resolve) => { spawn('true').once('close', () => resolve()); }));
const bareSeconds = seconds(t);

// B: pods through the kubelet simulation
const core = kc.makeApiClient(k8s.CoreV1Api);
let done = 0;
const watch = await new k8s.Watch(kc).watch('/api/v1/namespaces/default/pods', {}, (phase, pod: k8s.V1Pod) => {
  if (phase === 'MODIFIED' && pod.status?.phase === 'Succeeded' && pod.metadata?.labels?.counted !== 'yes') {
    pod.metadata!.labels = { ...pod.metadata!.labels, counted: 'yes' };
    done++;
  }
}, () => undefined);
const seen = new Set<string>();
t = process.hrtime.bigint();
await pool(podIndexes, async (i) => {
  await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: `pod-${i}` }, spec: { restartPolicy: 'Never', containers: [{ name: 'test', image: 'alpine', command: ['true'] }] } } });
});
while (done < pods) await new Promise((r) => setTimeout(r, 5));
const podSeconds = seconds(t);
watch.abort();
void seen;
console.log(`B: ${pods} pods running \`true\`, ${CONCURRENCY} created at a time`);
console.log(`  bare spawn:               ${(pods / bareSeconds).toFixed(0)} processes/s (${bareSeconds.toFixed(2)} s)`);
console.log(`  kubelet simulation:       ${(pods / podSeconds).toFixed(0)} pods/s to Succeeded (${podSeconds.toFixed(2)} s)`);
console.log(`  ratio kubelet/bare:       ${(podSeconds / bareSeconds).toFixed(1)}x the time`);

await fake.close();
rmSync(dir, { recursive: true, force: true });

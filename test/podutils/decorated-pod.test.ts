// A decorated ProwJob end to end in cluster mode on one machine: the controller and the pod executor build
// upstream's decorated pod, the API fake's kubelet runs it, and every utility container is this project's
// `prow` (the kubelet maps the utility images to `prow <utility>`): clonerefs clones a real git repository
// with the PR merged onto its base, initupload and the sidecar upload to a file:// bucket, entrypoint runs
// the test under its timeout. A job that overruns its timeout is interrupted, killed after the grace
// period, and ends failed with its log uploaded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { requestAbort } from '../../src/api/abort.js';
import type { ProwJob } from '../../src/api/prowjob.js';
import type { Plank } from '../../src/config/types.js';
import { createStoreBuildIdSource } from '../../src/controller/build-id.js';
import { createController, type Controller } from '../../src/controller/plank.js';
import { createKubernetesExecutor } from '../../src/executor/kubernetes/executor.js';
import type { Executor } from '../../src/executor/types.js';
import { kubeConfigFromString } from '../../src/kube/client/kubeconfig.js';
import { startKubeApiFake, type KubeApiFake } from '../../src/kube/fake/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { retryOnConflict } from '../../src/store/retry-on-conflict.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { waitFor } from '../support/wait.js';

const log = createSilentLogger();
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const plank = {
  job_url_template: '', max_concurrency: 0, max_goroutines: 20, pod_pending_timeout: '10m',
  pod_running_timeout: '48h', pod_unscheduled_timeout: '5m', max_revivals: 3, default_decoration_config_entries: [],
} satisfies Plank;
const UTILITY_IMAGES = {
  clonerefs: 'us-docker.pkg.dev/k8s-infra-prow/images/clonerefs:v20240802-66b115076',
  initupload: 'us-docker.pkg.dev/k8s-infra-prow/images/initupload:v20240802-66b115076',
  entrypoint: 'gcr.io/k8s-prow/entrypoint:v20240802-66b115076',
  sidecar: 'gcr.io/k8s-prow/sidecar:v20240802-66b115076',
};

const gitEnv = {
  ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x',
};
const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' }).trim();
function commit(dir: string, file: string, content: string): string {
  writeFileSync(join(dir, file), content);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', `change ${file}`);
  return git(dir, 'rev-parse', 'HEAD');
}

let seq = 0;
function decoratedJob(o: { bucket: string; origin: { dir: string; base: string; pr: string }; script: string; timeout: string; grace: string }): ProwJob {
  seq += 1;
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `55555555-0000-4000-8000-${String(seq).padStart(12, '0')}` },
    spec: {
      type: 'presubmit', job: `pull-r-unit-${seq}`, agent: 'kubernetes', context: 'unit',
      refs: {
        org: 'o', repo: 'r', base_ref: 'main', // A file:// URL: a bare /tmp/… path would name the container's own /tmp (the clonerefs-tmp volume).
        base_sha: o.origin.base, clone_uri: `file://${o.origin.dir}`,
        pulls: [{ number: 7, author: 'alice', sha: o.origin.pr }],
      },
      decoration_config: {
        timeout: o.timeout, grace_period: o.grace, utility_images: UTILITY_IMAGES,
        gcs_configuration: { bucket: o.bucket, path_strategy: 'explicit' },
      },
      pod_spec: { containers: [{ image: 'alpine', command: ['sh', '-c', o.script] }] },
    },
    status: { startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), state: 'triggered' },
  };
}

describe('a decorated pod under the kubelet simulation', () => {
  let dir: string;
  let bucketDir: string;
  let origin: { dir: string; base: string; pr: string };
  let conflict: string;
  let store: SqliteStore;
  let fake: KubeApiFake;
  let executor: Executor;
  let controller: Controller;

  before(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'decorated-pod-'));
    bucketDir = join(dir, 'bucket');
    mkdirSync(bucketDir);
    const originDir = join(dir, 'origin');
    mkdirSync(originDir);
    git(originDir, 'init', '-q', '-b', 'main');
    commit(originDir, 'README', 'the base\n');
    const base = commit(originDir, 'answer.txt', 'base answer\n');
    git(originDir, 'checkout', '-q', '-b', 'pr');
    const pr = commit(originDir, 'feature.txt', 'from the pull request\n');
    git(originDir, 'checkout', '-q', '-b', 'conflict', base);
    conflict = commit(originDir, 'answer.txt', 'a conflicting answer\n');
    git(originDir, 'checkout', '-q', 'main');
    commit(originDir, 'answer.txt', 'main moved on\n');
    origin = { dir: originDir, base: git(originDir, 'rev-parse', 'HEAD'), pr };

    store = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 20 });
    fake = await startKubeApiFake({ kubelet: { rootDir: join(dir, 'kubelet'), backoffMs: 100, imageCommands: { prow: [process.execPath, join(repoRoot, 'bin', 'prow')] } } });
    executor = createKubernetesExecutor({ clusters: new Map([['default', kubeConfigFromString(fake.kubeconfig())]]), podNamespace: () => 'default', log });
    controller = createController({
      store, executors: new Map([['kubernetes', executor]]), config: () => ({ plank }), log, buildIdSource: createStoreBuildIdSource(store),
    });
    await controller.start();
  });
  after(async () => {
    await controller.stop();
    await executor.close();
    await fake.close();
    await store.close();
    if (process.env['KEEP_TEST_DIR']) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  });

  const completed = (name: string): Promise<ProwJob> => waitFor(async () => {
    const pj = await store.getProwJob(name);
    return pj?.status.completionTime ? pj : undefined;
  }, { timeoutMs: 120_000, intervalMs: 100, message: `${name} complete` });
  const read = (path: string): string => readFileSync(join(bucketDir, path), 'utf8');

  it('clones the PR merged onto its base, runs the test and uploads its results', async () => {
    const pj = decoratedJob({
      bucket: `file://${bucketDir}`, origin, timeout: '2m', grace: '5s',
      script: 'echo "test sees: $(cat feature.txt) and $(cat answer.txt)"; git log --oneline | wc -l; echo artifact > "$ARTIFACTS/out.txt"; echo \'{"k":"v"}\' > "$ARTIFACTS/metadata.json"',
    });
    await store.createProwJob(pj);
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'success', done.status.description);
    const buildDir = `pr-logs/pull/o_r/7/${pj.spec.job}/${done.status.build_id}`;

    const started = JSON.parse(read(`${buildDir}/started.json`)) as Record<string, unknown>;
    const records = JSON.parse(read(`${buildDir}/clone-records.json`)) as { final_sha?: string; failed?: boolean }[];
    assert.equal(records.some((r) => r.failed), false);
    const merged = records[1]!.final_sha!;
    assert.match(merged, /^[0-9a-f]{40}$/);
    assert.notEqual(merged, origin.pr, 'the PR is merged onto the base, not checked out');
    assert.equal(started['repo-commit'], merged);
    assert.equal(started['pull'], '7');
    assert.match(read(`${buildDir}/clone-log.txt`), /# Cloning o\/r at main/);

    const buildLog = read(`${buildDir}/build-log.txt`);
    assert.match(buildLog, /test sees: from the pull request and main moved on/);
    assert.match(buildLog, /^5$/m, 'three base commits, the PR commit and the merge commit');
    assert.equal(read(`${buildDir}/artifacts/out.txt`), 'artifact\n');
    const finished = JSON.parse(read(`${buildDir}/finished.json`)) as Record<string, unknown>;
    assert.equal(finished['passed'], true);
    assert.equal(finished['result'], 'SUCCESS');
    assert.deepEqual(finished['metadata'], { k: 'v' });
    assert.equal(read(`pr-logs/directory/${pj.spec.job}/latest-build.txt`), done.status.build_id);
    assert.equal(read(`pr-logs/directory/${pj.spec.job}/${done.status.build_id}.txt`), `file://${bucketDir}/${buildDir}`);
  });

  it('interrupts a test that overruns its timeout, kills it after the grace period and uploads its log as a failure', async () => {
    const pj = decoratedJob({
      bucket: `file://${bucketDir}`, origin, timeout: '2s', grace: '1s',
      script: "trap 'echo got SIGINT, ignoring it' INT; echo started; while true; do sleep 0.2; done",
    });
    await store.createProwJob(pj);
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'failure', done.status.description);
    const buildDir = `pr-logs/pull/o_r/7/${pj.spec.job}/${done.status.build_id}`;
    const buildLog = read(`${buildDir}/build-log.txt`);
    assert.match(buildLog, /started/);
    assert.match(buildLog, /Process did not finish before 2s timeout/);
    assert.match(buildLog, /got SIGINT, ignoring it/);
    assert.match(buildLog, /Process did not exit before 1s grace period/);
    const finished = JSON.parse(read(`${buildDir}/finished.json`)) as Record<string, unknown>;
    assert.equal(finished['passed'], false);
    assert.equal(finished['result'], 'FAILURE');
    assert.ok(existsSync(join(bucketDir, buildDir, 'started.json')));
  });

  it('a PR that does not merge: initupload uploads the clone log as the build log and fails the pod before the test', async () => {
    const pj = decoratedJob({ bucket: `file://${bucketDir}`, origin: { ...origin, pr: conflict }, timeout: '2m', grace: '5s', script: 'echo the test must not run' });
    await store.createProwJob(pj);
    const done = await completed(pj.metadata.name);
    assert.equal(done.status.state, 'failure', done.status.description);
    const buildDir = `pr-logs/pull/o_r/7/${pj.spec.job}/${done.status.build_id}`;
    const buildLog = read(`${buildDir}/build-log.txt`);
    assert.match(buildLog, /# FAILED/);
    assert.match(buildLog, /CONFLICT/);
    assert.doesNotMatch(buildLog, /the test must not run/);
    assert.equal((JSON.parse(read(`${buildDir}/finished.json`)) as { result: string }).result, 'FAILURE');
  });

  it('an aborted job: the pod is deleted, entrypoint passes the signal on, the sidecar still uploads an ABORTED result', async () => {
    const pj = decoratedJob({ bucket: `file://${bucketDir}`, origin, timeout: '10m', grace: '8s', script: 'echo waiting to be aborted; sleep 600' });
    await store.createProwJob(pj);
    const name = pj.metadata.name;
    const running = await waitFor(async () => {
      const p = await store.getProwJob(name);
      return p?.status.state === 'pending' && (await executor.status(p)).phase === 'running' ? p : undefined;
    }, { timeoutMs: 120_000, intervalMs: 100, message: `${name} running` });
    const buildDir = `pr-logs/pull/o_r/7/${pj.spec.job}/${running.status.build_id}`;
    // Abort once the test runs and the sidecar waits (a process killed before it set up its signal handlers
    // cannot upload anything, in a real pod as here).
    const podLog = (container: string): string => {
      const podDir = fake.kubelet!.podDir('default', name);
      return podDir && existsSync(join(podDir, 'logs', `${container}.log`)) ? readFileSync(join(podDir, 'logs', `${container}.log`), 'utf8') : '';
    };
    await waitFor(() => podLog('test').includes('waiting to be aborted') && podLog('sidecar').includes('Waiting for the marker files'), { timeoutMs: 60_000, intervalMs: 100, message: 'the test and the sidecar running' });
    await retryOnConflict(store, name, (p) => requestAbort(p, {}));
    assert.equal((await completed(name)).status.state, 'aborted');
    const finished = await waitFor(() => {
      const path = join(bucketDir, buildDir, 'finished.json');
      return existsSync(path) && (JSON.parse(readFileSync(path, 'utf8')) as { result: string; passed: boolean });
    }, { timeoutMs: 60_000, intervalMs: 100, message: 'finished.json' });
    assert.equal(finished.result, 'ABORTED');
    assert.equal(finished.passed, false);
  });
});

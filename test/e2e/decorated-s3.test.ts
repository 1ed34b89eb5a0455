// Cluster mode with decorated jobs and an S3 bucket, end to end (issue 10): hook, controller, crier and
// deck as separate `prow` processes with `--store kubernetes` against the Kubernetes API fake, whose kubelet
// runs the decorated pods with this project's `prow` as clonerefs, initupload, entrypoint and sidecar.
// A signed `/test all` → ProwJobs → pods that clone the PR merged onto its base from the fake GitHub over
// git smart HTTP → the sidecar uploads to s3rver → statuses on the PR link to deck's bucket view, which
// shows the build log and the JUnit summary read from S3. A job that overruns its timeout is interrupted,
// killed after its grace period, and ends failure with its log uploaded.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CoreV1Api } from '@kubernetes/client-node';
import type { ProwJob } from '../../src/api/prowjob.js';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { sendWebhook } from '../../src/github/send-webhook.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openKubernetesStore, type KubernetesProwJobStore } from '../../src/store/kubernetes/store.js';
import { startS3rver, type S3Server } from '../support/s3rver.js';
import { spawnProw, type CliProcess } from '../support/spawn-cli.js';
import { startKubeCluster, type KubeCluster } from '../kube/support/kube-cluster.js';
import { examplePayload, prepareUpEnv, waitFor, type UpEnv } from './support/up-process.js';

const REPO = `${DEMO_ORG}/${DEMO_REPO}`;
const BUCKET = 'prow-logs';
// Upstream's default lease timings: a first lease is taken at once, and a loaded machine's pauses do not
// make a component lose it (and exit) mid-test.
const ELECTION = ['--leader-elect-lease-duration', '15s', '--leader-elect-renew-deadline', '10s', '--leader-elect-retry-period', '2s'];
const WAIT_MS = 90_000;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const JUNIT = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<testsuite name="greeting" tests="2" failures="1">',
  '  <testcase classname="greeting" name="TestGreetingIsFrench" time="0.01"/>',
  '  <testcase classname="greeting" name="TestGreetingHasVersion" time="0.02"><failure message="no version">VERSION is not 2.x</failure></testcase>',
  '</testsuite>',
].join('\n');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('decorated jobs in cluster mode with an S3 bucket: hook, controller, crier, deck as processes', { timeout: 400_000 }, () => {
  let root: string;
  let fake: FakeGitHub;
  let s3: S3Server;
  let env: UpEnv;
  let cluster: KubeCluster;
  let kubeconfig: string;
  let namespace: string;
  let podNamespace: string;
  let store: KubernetesProwJobStore;
  let deckUrl: string;
  let baseOnly: string;
  const children: CliProcess[] = [];

  before(async () => {
    // The kubelet runs bin/prow for the utility containers: build the bundle once, before the clock runs.
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    root = mkdtempSync(join(tmpdir(), 'prow-decorated-s3-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
    // A file only the PR head has, and the base branch moving on after the PR was opened: the test sees
    // both only when clonerefs merges the PR onto the current base.
    await fake.pushToPull(REPO, DEMO_PULL, { 'pr-only.txt': 'added by the pull request\n' }, { message: 'add pr-only.txt' });
    baseOnly = await fake.pushToBranch(REPO, 'main', { 'base-only.txt': 'added on main after the PR\n' }, { message: 'add base-only.txt' });
    s3 = await startS3rver([BUCKET]);
    env = await prepareUpEnv(root, fake, REPO);
    cluster = await startKubeCluster({ kubelet: { rootDir: join(root, 'kubelet'), backoffMs: 200, imageCommands: { prow: [process.execPath, join(repoRoot, 'bin', 'prow')] } } });
    namespace = await cluster.namespace('prowjobs');
    podNamespace = await cluster.namespace('test-pods');
    kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.fake.kubeconfig());
    // Upstream's S3 credentials file as a Secret in the pod namespace; the decoration mounts it for the
    // initupload and sidecar containers at /secrets/s3-storage/service-account.json.
    await cluster.kubeconfig().makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: podNamespace,
      body: { metadata: { name: 's3-credentials' }, stringData: { 'service-account.json': readFileSync(s3.credentialsFile, 'utf8') } },
    });
    const deckPort = await freePort();
    deckUrl = `http://127.0.0.1:${deckPort}`;
    // The operator's example, with this run's namespaces and deck.
    const example = readFileSync(join(repoRoot, 'examples', 'cluster-s3', 'config.yaml'), 'utf8');
    const config = example
      .replace(/^prowjob_namespace: prow$/m, `prowjob_namespace: ${namespace}`)
      .replace(/^pod_namespace: test-pods$/m, `pod_namespace: ${podNamespace}`)
      .replaceAll('https://prow.example.com/view/', `${deckUrl}/view/`)
      .replace('timeout: 2h', 'timeout: 2m');
    for (const want of [namespace, podNamespace, `${deckUrl}/view/`, `bucket: s3://${BUCKET}`, 's3_credentials_secret: s3-credentials', 'timeout: 2m']) {
      assert.ok(config.includes(want), `examples/cluster-s3/config.yaml adapted: ${want}`);
    }
    writeFileSync(join(root, 'config.yaml'), config);
    const job = (name: string, script: string, extra: string[] = []): string[] => [
      `  - name: ${name}`,
      '    always_run: true',
      '    decorate: true',
      `    clone_uri: ${fake.url}/${REPO}.git`,
      ...extra,
      '    spec:',
      '      containers:',
      '      - image: alpine',
      `        command: [sh, -c, ${JSON.stringify(script)}]`,
    ];
    writeFileSync(join(root, 'jobs.yaml'), [
      'presubmits:',
      `  ${REPO}:`,
      ...job('pull-hello-unit', [
        'echo "greeting: $(cat greeting.txt)"',
        'echo "pr-only: $(cat pr-only.txt)"',
        'echo "base-only: $(cat base-only.txt)"',
        `printf '%s' '${JUNIT}' > "$ARTIFACTS/junit_01.xml"`,
        'echo "1 of 2 tests failed"',
        'exit 1',
      ].join('; ')),
      // Passes: its status is success only if its results reached the bucket (a failed upload fails the pod).
      ...job('pull-hello-lint', 'echo "lint: $(cat VERSION)"; exit 0'),
      ...job('pull-hello-slow', "trap 'echo got SIGINT, ignoring it' INT; echo slow test started; while true; do sleep 0.2; done",
        ['    decoration_config:', '      timeout: 5s', '      grace_period: 2s']),
      '',
    ].join('\n'));
    writeFileSync(join(root, 'plugins.yaml'), ['plugins:', `  ${DEMO_ORG}:`, '    plugins:', '    - trigger', ''].join('\n'));
    store = openKubernetesStore({ kubeconfig: cluster.kubeconfig(), namespace, log: createSilentLogger() });
  });

  after(async () => {
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.exited(30_000).catch(() => undefined)));
    await store?.close();
    await cluster?.close();
    await s3?.close();
    await fake?.close();
    if (process.env['KEEP_TEST_DIR']) process.stderr.write(`kept ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  });

  const run = (command: string, extra: string[]): CliProcess => {
    const child = spawnProw([command, '--config-path', join(root, 'config.yaml'), '--job-config-path', join(root, 'jobs.yaml'),
      '--data-dir', join(root, `data-${command}`), '--store', 'kubernetes', '--kubeconfig', kubeconfig, ...extra]);
    children.push(child);
    return child;
  };
  const outputs = (): string => children.map((c) => `--- ${c.child.spawnargs.slice(2, 4).join(' ')}\n${c.output().slice(-6000)}`).join('\n');
  const podLogs = (): string => {
    const dir = join(root, 'kubelet');
    try {
      return execFileSync('sh', ['-c', 'for f in $(find . -path "*/logs/*.log"); do echo "--- $f"; tail -c 3000 "$f"; done'], { cwd: dir, encoding: 'utf8' });
    } catch {
      return '';
    }
  };
  const explain = (err: Error): never => {
    throw new Error(`${err.message}\n${outputs()}\n--- pod logs\n${podLogs()}`);
  };

  const s3Client = (): S3Client => new S3Client({
    region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const readObject = async (client: S3Client, key: string): Promise<string | undefined> => {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      return await res.Body!.transformToString();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  };

  it('/test all: decorated pods clone the merged PR, upload to S3, and statuses link to deck showing the log and JUnit', async () => {
    const controller = run('controller', [...ELECTION, '--dry-run=false']);
    const crier = run('crier', [...ELECTION, '--github-token-path', env.tokenFile, '--github-endpoint', fake.url]);
    const hook = run('hook', ['--plugin-config', join(root, 'plugins.yaml'), '--hmac-secret-file', env.hmacFile,
      '--github-token-path', env.tokenFile, '--github-endpoint', fake.url, '--dry-run=false',
      '--port', '0', '--health-port', '0', '--metrics-port', '0']);
    const deck = run('deck', ['--port', deckUrl.split(':').at(-1)!, '--hostname', '127.0.0.1', '--s3-credentials-file', s3.credentialsFile]);
    await controller.waitForLog('leader election: acquired the lease', WAIT_MS);
    await crier.waitForLog('leader election: acquired the lease', WAIT_MS);
    const { port } = await hook.waitForLog('hook serving', WAIT_MS) as { port: number };
    await deck.waitFor(/deck listening on/, 'deck listening', WAIT_MS);

    const sha = await fake.headSha(REPO, DEMO_PULL);
    const res = await sendWebhook({
      address: `http://127.0.0.1:${port}/hook`, event: 'issue_comment', body: JSON.stringify(examplePayload('issue_comment-test-all.json')), secret: env.secret,
    });
    assert.equal(res.status, 200, res.body);

    const jobs = await waitFor('three ProwJobs for the PR head', async () => {
      const { items } = await store.listProwJobs();
      const ours = items.filter((pj) => pj.spec.refs?.pulls?.[0]?.sha === sha);
      return ours.length >= 3 ? ours : undefined;
    }, WAIT_MS).catch(explain);
    assert.deepEqual(jobs.map((pj) => pj.spec.job).sort(), ['pull-hello-lint', 'pull-hello-slow', 'pull-hello-unit']);
    for (const pj of jobs) {
      assert.equal(pj.spec.refs?.clone_uri, `${fake.url}/${REPO}.git`);
      assert.equal(pj.spec.decoration_config?.gcs_configuration?.bucket, `s3://${BUCKET}`);
    }

    // crier reports each end on the commit: lint exited 0, the unit test 1, the slow one overran its timeout.
    const final = (context: string): { state: string; targetUrl: string } | undefined =>
      fake.statuses(REPO, sha).filter((s) => s.context === context).at(-1);
    await waitFor('lint success, unit and slow failure on the commit', () =>
      (final('pull-hello-lint')?.state === 'success' && final('pull-hello-unit')?.state === 'failure' && final('pull-hello-slow')?.state === 'failure'
        ? true : undefined), WAIT_MS * 2)
      .catch((err: Error) => explain(new Error(`${err.message}\nstatuses: ${JSON.stringify(fake.statuses(REPO, sha))}`)));
    const ended = await waitFor('the ProwJobs complete', async () => {
      const all = await Promise.all(jobs.map((pj) => store.getProwJob(pj.metadata.name)));
      return all.every((pj) => pj?.status.completionTime) ? all as ProwJob[] : undefined;
    }, WAIT_MS).catch(explain);
    const byJob = Object.fromEntries(ended.map((pj) => [pj.spec.job, pj]));
    const unit = byJob['pull-hello-unit']!;
    const slow = byJob['pull-hello-slow']!;
    const lint = byJob['pull-hello-lint']!;
    assert.equal(lint.status.state, 'success');
    assert.equal(unit.status.state, 'failure');
    assert.equal(slow.status.state, 'failure');

    const client = s3Client();
    try {
      // The unit job's results are in the bucket, under upstream's explicit path strategy.
      const unitDir = `pr-logs/pull/${DEMO_ORG}_${DEMO_REPO}/${DEMO_PULL}/pull-hello-unit/${unit.status.build_id}`;
      const objects: Record<string, string | undefined> = {};
      for (const name of ['build-log.txt', 'finished.json', 'started.json', 'clone-log.txt', 'clone-records.json', 'artifacts/junit_01.xml']) {
        objects[name] = await readObject(client, `${unitDir}/${name}`);
        assert.ok(objects[name] !== undefined, `s3://${BUCKET}/${unitDir}/${name} uploaded`);
      }
      const buildLog = objects['build-log.txt']!;
      assert.match(buildLog, /greeting: bonjour, le monde/, 'the PR head’s change');
      assert.match(buildLog, /pr-only: added by the pull request/, 'a file only the PR head has');
      assert.match(buildLog, /base-only: added on main after the PR/, 'a file only the current base has');
      assert.match(objects['clone-log.txt']!, new RegExp(`# Cloning ${REPO} at main\\(${baseOnly}\\)`));
      assert.match(objects['artifacts/junit_01.xml']!, /TestGreetingHasVersion/);
      const finished = JSON.parse(objects['finished.json']!) as { passed: boolean; result: string };
      assert.deepEqual([finished.passed, finished.result], [false, 'FAILURE']);
      const started = JSON.parse(objects['started.json']!) as { pull?: string };
      assert.equal(started.pull, String(DEMO_PULL));

      // The status links to deck's view of the bucket, as upstream builds it from job_url_prefix_config.
      const unitView = `${deckUrl}/view/s3/${BUCKET}/${unitDir}`;
      assert.equal(unit.status.url, unitView);
      assert.equal(final('pull-hello-unit')!.targetUrl, unitView);
      const page = await fetch(unitView);
      const body = await page.text();
      assert.equal(page.status, 200, body.slice(0, 2000));
      assert.match(body, /1 of 2 tests failed/, 'the build log, read from S3');
      assert.match(body, /pr-only: added by the pull request/);
      assert.match(body, /TestGreetingHasVersion/, 'the failing test in the JUnit summary');
      const history = await fetch(`${deckUrl}/job-history/s3/${BUCKET}/pr-logs/directory/pull-hello-unit`);
      const historyBody = await history.text();
      assert.equal(history.status, 200, historyBody.slice(0, 2000));
      assert.ok(historyBody.includes(unit.status.build_id!), 'the run in the job history read from S3');

      const lintDir = `pr-logs/pull/${DEMO_ORG}_${DEMO_REPO}/${DEMO_PULL}/pull-hello-lint/${lint.status.build_id}`;
      assert.match((await readObject(client, `${lintDir}/build-log.txt`)) ?? '', /lint: 1\.0\.1/, 'the PR head’s VERSION');
      assert.equal(final('pull-hello-lint')!.targetUrl, `${deckUrl}/view/s3/${BUCKET}/${lintDir}`);
      assert.equal(await readObject(client, `pr-logs/directory/pull-hello-lint/latest-build.txt`), lint.status.build_id);

      // The slow job: interrupted at its timeout, killed after the grace period, log uploaded.
      const slowDir = `pr-logs/pull/${DEMO_ORG}_${DEMO_REPO}/${DEMO_PULL}/pull-hello-slow/${slow.status.build_id}`;
      const slowLog = await readObject(client, `${slowDir}/build-log.txt`);
      assert.ok(slowLog !== undefined, `s3://${BUCKET}/${slowDir}/build-log.txt uploaded`);
      assert.match(slowLog, /slow test started/);
      assert.match(slowLog, /Process did not finish before 5s timeout/);
      assert.match(slowLog, /got SIGINT, ignoring it/);
      assert.match(slowLog, /Process did not exit before 2s grace period/);
      const slowFinished = JSON.parse((await readObject(client, `${slowDir}/finished.json`))!) as { passed: boolean; result: string };
      assert.deepEqual([slowFinished.passed, slowFinished.result], [false, 'FAILURE']);
      assert.equal(final('pull-hello-slow')!.targetUrl, `${deckUrl}/view/s3/${BUCKET}/${slowDir}`);
    } finally {
      client.destroy();
    }
  });
});

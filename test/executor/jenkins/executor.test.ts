// The Jenkins executor against the fake Jenkins over real HTTP.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProwJob, ProwJobSpec } from '../../../src/api/prowjob.js';
import { TerminalError } from '../../../src/api/terminal-error.js';
import { JenkinsClient, JenkinsHttpError, jenkinsJobPath } from '../../../src/executor/jenkins/client.js';
import { createJenkinsExecutor } from '../../../src/executor/jenkins/executor.js';
import { startFakeJenkins, type FakeJenkins } from '../../../src/executor/jenkins/fake/server.js';
import type { Executor, ExecutorStatus } from '../../../src/executor/types.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { waitFor as poll } from '../../support/wait.js';

const log = createSilentLogger();
let seq = 0;

function makePj(job: string, spec: Partial<ProwJobSpec> = {}): ProwJob {
  seq += 1;
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `jpj-${process.pid}-${seq}` },
    spec: {
      type: 'presubmit', job, agent: 'jenkins',
      refs: { org: 'acme', repo: 'gadgets', base_ref: 'master', base_sha: 'b0', pulls: [{ number: 12, author: 'carol', sha: 'p1', title: 'Make gadgets faster' }] },
      ...spec,
    },
    status: { startTime: new Date().toISOString(), state: 'triggered' },
  };
}

function waitPhase(exec: Executor, pj: ProwJob, phases: string[]): Promise<ExecutorStatus> {
  let last: ExecutorStatus | undefined;
  return poll(async () => {
    last = await exec.status(pj);
    return phases.includes(last.phase) ? last : undefined;
  }, { timeoutMs: 15_000, intervalMs: 25, message: () => `${phases.join('|')} (still ${last?.phase})` });
}

describe('jenkins job paths', () => {
  const cases: Array<[string, Parameters<typeof jenkinsJobPath>[1], string]> = [
    ['plain', {}, 'plain'],
    ['team/e2e', {}, 'team/job/e2e'],
    ['/a/b/c/', {}, 'a/job/b/job/c'],
    ['multi', { githubBranchSource: true, pull: 7 }, 'multi/view/change-requests/job/PR-7'],
    ['multi', { githubBranchSource: true, baseRef: 'main' }, 'multi/job/main'],
  ];
  for (const [job, o, want] of cases) it(`${job} ${JSON.stringify(o)}`, () => assert.equal(jenkinsJobPath(job, o), want));
});

describe('jenkins executor', () => {
  let jenkins: FakeJenkins;
  let client: JenkinsClient;
  let exec: Executor;

  before(async () => {
    jenkins = await startFakeJenkins({
      jobs: {
        'pull-gadgets-e2e': { script: 'echo "testing $REPO_OWNER/$REPO_NAME#$PULL_NUMBER"; echo done' },
        'team/e2e-fail': { script: 'echo "about to fail"; exit 3' },
        'slow': { script: 'echo started; sleep 30; echo never' },
        'dsl-job': { script: '[ -n "$PROW_JOB_ID" ] || sleep 30; echo "id=$PROW_JOB_ID"', parameterized: false },
      },
      basicAuth: { user: 'prow', token: 's3cret' },
    });
    client = new JenkinsClient({ baseUrl: jenkins.url, csrfProtect: true, auth: { basic: { user: 'prow', token: () => 's3cret' } }, log });
    await client.init();
    exec = createJenkinsExecutor({ client, log, pollMs: 50, buildablePollMs: 20 });
  });
  after(async () => {
    await exec.close();
    await jenkins.close();
  });

  it('starts a build with the env contract as parameters and follows it to success', async () => {
    const pj = makePj('pull-gadgets-e2e');
    assert.equal((await exec.status(pj)).phase, 'missing');
    await exec.start(pj, { buildId: '1001' });
    await exec.start(pj, { buildId: '1002' }); // idempotent: the queued build is found
    const done = await waitPhase(exec, pj, ['succeeded', 'failed']);
    assert.equal(done.phase, 'succeeded');
    assert.equal(done.buildId, '1001');
    assert.match(done.url ?? '', /\/job\/pull-gadgets-e2e\/1\/$/);
    const builds = jenkins.builds('pull-gadgets-e2e');
    assert.equal(builds.length, 1);
    const p = builds[0]!.parameters;
    assert.deepEqual(
      [p.PROW_JOB_ID, p.BUILD_ID, p.JOB_NAME, p.JOB_TYPE, p.REPO_OWNER, p.REPO_NAME, p.PULL_NUMBER, p.PULL_PULL_SHA, p.PULL_REFS, p.CI],
      [pj.metadata.name, '1001', 'pull-gadgets-e2e', 'presubmit', 'acme', 'gadgets', '12', 'p1', 'master:b0,12:p1', 'true'],
    );
    assert.equal(JSON.parse(p.JOB_SPEC!).prowjobid, pj.metadata.name);
    assert.equal(p.BUILD_NUMBER, undefined, 'BUILD_NUMBER is only for the kubernetes agent');
    assert.equal((await exec.logs.read(pj))?.toString(), 'testing acme/gadgets#12\ndone\nFinished: SUCCESS\n');
  });

  it('runs jobs in folders and maps a failing build to failed', async () => {
    const pj = makePj('team/e2e-fail');
    await exec.start(pj, { buildId: '2001' });
    const done = await waitPhase(exec, pj, ['succeeded', 'failed']);
    assert.deepEqual([done.phase, done.reason], ['failed', 'FAILURE']);
    assert.ok(jenkins.calls().some((c) => c.path.startsWith('/job/team/job/e2e-fail/buildWithParameters?')));
  });

  it('finds a build again after a restart by its PROW_JOB_ID, streams its log, and aborts it with stop', async () => {
    const pj = makePj('slow');
    await exec.start(pj, { buildId: '3001' });
    await waitPhase(exec, pj, ['running']);
    const fresh = createJenkinsExecutor({ client, log, pollMs: 50 }); // a new process knows nothing of the run
    try {
      const found = await fresh.status(pj);
      assert.deepEqual([found.phase, found.buildId, found.externalId], ['running', '3001', '1']);
      const text = await poll(async () => {
        const t = (await fresh.logs.read(pj))?.toString();
        return t?.includes('started') ? t : undefined;
      }, { timeoutMs: 10_000, intervalMs: 25 });
      assert.equal(text, 'started\n');
      const changes: string[] = [];
      fresh.onChange((n) => changes.push(n));
      await fresh.abort(pj);
      const done = await fresh.status(pj);
      assert.deepEqual([done.phase, done.interrupted], ['failed', 'abort']);
      assert.equal(jenkins.builds('slow')[0]!.result, 'ABORTED');
      await poll(() => changes.includes(pj.metadata.name), { timeoutMs: 5000, intervalMs: 25 });
    } finally {
      await fresh.close();
    }
  });

  it('builds a job without parameters once so that it learns them, stops that build, then starts the real one', async () => {
    const pj = makePj('dsl-job');
    await exec.start(pj, { buildId: '5001' });
    const done = await waitPhase(exec, pj, ['succeeded', 'failed']);
    assert.equal(done.phase, 'succeeded');
    const builds = jenkins.builds('dsl-job');
    assert.deepEqual(builds.map((b) => [b.parameters.PROW_JOB_ID ?? '', b.result]), [['', 'ABORTED'], [pj.metadata.name, 'SUCCESS']]);
  });

  it('fails terminally when Jenkins has no such job', async () => {
    const pj = makePj('no-such-job');
    await assert.rejects(exec.start(pj, { buildId: '4001' }), (err: unknown) => err instanceof TerminalError && /Jenkins has no job no-such-job/.test(err.message));
  });

  it('is refused without credentials, and without a crumb when CSRF protection is on', async () => {
    const anon = new JenkinsClient({ baseUrl: jenkins.url, log });
    await assert.rejects(anon.buildWithParameters('slow', {}), (err: unknown) => err instanceof JenkinsHttpError && err.status === 401);
    const noCrumb = new JenkinsClient({ baseUrl: jenkins.url, auth: { basic: { user: 'prow', token: () => 's3cret' } }, log });
    await assert.rejects(noCrumb.buildWithParameters('slow', {}), (err: unknown) => err instanceof JenkinsHttpError && err.status === 403);
    assert.equal(jenkins.builds('slow').length, 1, 'no build was queued by the refused requests');
  });
});

describe('jenkins client auth', () => {
  it('sends a bearer token', async () => {
    const jenkins = await startFakeJenkins({ jobs: { j: { script: 'true' } }, bearerToken: 'tok', csrf: false });
    try {
      const client = new JenkinsClient({ baseUrl: jenkins.url, auth: { bearer: () => 'tok' }, log });
      assert.match((await client.buildWithParameters('j', { PROW_JOB_ID: 'x' })) ?? '', /\/queue\/item\/1\/$/);
      const wrong = new JenkinsClient({ baseUrl: jenkins.url, auth: { bearer: () => 'nope' }, log });
      await assert.rejects(wrong.builds('j'), (err: unknown) => err instanceof JenkinsHttpError && err.status === 401);
    } finally {
      await jenkins.close();
    }
  });
});

describe('jenkins client TLS', () => {
  it('presents the client certificate and trusts the given CA', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-jenkins-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
    for (const name of ['server', 'client']) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? '127.0.0.1' : 'prow'}`);
      writeFileSync(join(dir, `${name}.ext`), name === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
    }
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const jenkins = await startFakeJenkins({ jobs: { j: { script: 'true' } }, csrf: false, tls: { key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem') } });
    try {
      assert.match(jenkins.url, /^https:/);
      const client = new JenkinsClient({ baseUrl: jenkins.url, tls: { cert: read('client.pem'), key: read('client.key'), ca: read('ca.pem') }, log });
      assert.deepEqual(await client.builds('j'), []);
      const noCert = new JenkinsClient({ baseUrl: jenkins.url, tls: { ca: read('ca.pem') }, log });
      await assert.rejects(noCert.builds('j'));
    } finally {
      await jenkins.close();
    }
  });
});

// `prow jenkins-operator` as a process: upstream's flags, its jenkins_operators entry and label selector,
// jobs from the store run as builds on the fake Jenkins.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProwJob } from '../../../src/api/prowjob.js';
import { startFakeJenkins, type FakeJenkins } from '../../../src/executor/jenkins/fake/server.js';
import { openSqliteStore, storePath, type SqliteStore } from '../../../src/store/sqlite/store.js';
import { commandArgs, spawnCli, type CliProcess } from '../../support/spawn-cli.js';

let seq = 0;
function job(name: string, labels: Record<string, string> = {}): ProwJob {
  seq += 1;
  return {
    apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob',
    metadata: { name: `op-${process.pid}-${seq}`, labels },
    spec: { type: 'periodic', job: name, agent: 'jenkins', report: true },
    status: { startTime: new Date().toISOString(), state: 'triggered' },
  };
}

describe('prow jenkins-operator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-jenkins-operator-'));
  let jenkins: FakeJenkins;
  let store: SqliteStore;
  let op: CliProcess | undefined;

  before(async () => {
    jenkins = await startFakeJenkins({ jobs: { 'ci-soak': { script: 'echo soaking; echo "id=$PROW_JOB_ID"' } }, basicAuth: { user: 'jenkins-trigger', token: 't0k' } });
    writeFileSync(join(dir, 'token'), 't0k\n');
    writeFileSync(join(dir, 'config.yaml'), `jenkins_operators:
- label_selector: master=ci
  job_url_template: 'https://ci.example/{{.Spec.Job}}/{{.Status.BuildID}}/{{.Status.JenkinsBuildID}}'
  max_concurrency: 5
- label_selector: master=other
`);
    store = openSqliteStore(storePath(join(dir, 'data')));
  });
  after(async () => {
    op?.kill();
    await store.close();
    await jenkins.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a bad label selector, naming the flag', async () => {
    const bad = spawnCli(process.execPath, commandArgs('jenkins-operator', '--config-path', join(dir, 'config.yaml'), '--label-selector', 'master in (a'), { name: 'jenkins-operator' });
    assert.equal(await bad.exited(), 1);
    assert.match(bad.stderr(), /--label-selector: invalid label/);
  });

  it('runs the jobs its label selector matches with its jenkins_operators entry, and leaves the others', async () => {
    const mine = await store.createProwJob(job('ci-soak', { master: 'ci' }));
    const theirs = await store.createProwJob(job('ci-soak', { master: 'other' }));
    op = spawnCli(process.execPath, commandArgs('jenkins-operator',
      '--config-path', join(dir, 'config.yaml'), '--data-dir', join(dir, 'data'), '--dry-run=false',
      '--jenkins-url', jenkins.url, '--jenkins-token-file', join(dir, 'token'), '--csrf-protect',
      '--label-selector', 'master=ci', '--poll-interval', '100', '--skip-report', '--log-port', '0'), { name: 'jenkins-operator' });
    const started = await op.waitForLog('jenkins-operator started', 30_000);
    const done = await op.waitUntil(async () => {
      const pj = await store.getProwJob(mine.metadata.name);
      return pj?.status.completionTime ? pj : undefined;
    }, 'the matching job to complete', 30_000);
    assert.equal(done.status.state, 'success');
    assert.equal(done.status.url, `https://ci.example/ci-soak/${done.status.build_id}/1`, 'the entry\'s job_url_template, with the Jenkins build number');
    assert.deepEqual(jenkins.builds('ci-soak').map((b) => b.parameters.PROW_JOB_ID), [mine.metadata.name]);
    assert.match(jenkins.builds('ci-soak')[0]!.log, new RegExp(`id=${mine.metadata.name}`));
    assert.equal((await store.getProwJob(theirs.metadata.name))?.status.state, 'triggered', 'another operator\'s job is not touched');

    // The log endpoint upstream's deck reads (external_agent_logs): the build's console text from Jenkins.
    const logs = `http://127.0.0.1:${String(started.log_port)}`;
    const res = await fetch(`${logs}/job/ci-soak/1/consoleText`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), new RegExp(`soaking\nid=${mine.metadata.name}\n`));
    assert.equal((await fetch(`${logs}/job/ci-soak/9/consoleText`)).status, 404);
    assert.equal((await fetch(`${logs}/job/ci-soak/1/api/json`)).status, 403);
    assert.equal((await fetch(`${logs}/job/ci-soak/1/consoleText`, { method: 'POST' })).status, 405);
    assert.equal(await op.stop(), 0);
    op = undefined;
  });
});

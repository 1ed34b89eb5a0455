// End to end with Jenkins: `prow up --jenkins-url` as a real process, the fake GitHub and the fake
// Jenkins in this process. /test all through hook creates Jenkins ProwJobs; the fake Jenkins gets the
// builds with the env contract as parameters; success and failure statuses reach GitHub; deck shows a
// running build's console log; a new push aborts the running build; a restart mid-build finds the
// build again and reports it once.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { startFakeJenkins, type FakeJenkins } from '../../src/executor/jenkins/fake/server.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { examplePayload, prepareUpEnv, pullRequestEvent, sendEvent, startUp, waitFor, type UpEnv, type UpProcess } from './support/up-process.js';

const REPO = `${DEMO_ORG}/${DEMO_REPO}`;

async function prowJobs(up: UpProcess): Promise<ProwJob[]> {
  const res = await fetch(`${up.deckUrl}/prowjobs.js`);
  return ((await res.json()) as { items: ProwJob[] }).items;
}

async function jobFor(up: UpProcess, job: string, sha: string, states?: string[]): Promise<ProwJob | undefined> {
  return (await prowJobs(up)).find((pj) => pj.spec.job === job && pj.spec.refs?.pulls?.[0]?.sha === sha && (!states || states.includes(pj.status.state)));
}

describe('prow up --jenkins-url, end to end', { timeout: 240_000 }, () => {
  let root: string;
  let fake: FakeGitHub;
  let jenkins: FakeJenkins;
  let env: UpEnv;
  let up: UpProcess | undefined;
  let args: string[];
  const statuses = (sha: string, context: string) => fake.statuses(REPO, sha).filter((s) => s.context === context);
  const lastState = (sha: string, context: string) => statuses(sha, context).at(-1)?.state;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prow-e2e-jenkins-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
    env = await prepareUpEnv(root, fake, REPO);
    jenkins = await startFakeJenkins({
      jobs: {
        'jenkins-pass': { script: 'echo "pass on $REPO_OWNER/$REPO_NAME#$PULL_NUMBER at $PULL_PULL_SHA"' },
        'team/jenkins-fail': { script: 'echo failing on purpose; exit 1' },
        'jenkins-slow': { script: `echo "slow first line"; while [ ! -f "${root}/release-$PULL_PULL_SHA" ]; do sleep 0.1; done; echo "slow done"` },
      },
      basicAuth: { user: 'prow', token: 'jenkins-api-token' },
    });
    mkdirSync(join(root, 'jobs'));
    writeFileSync(join(root, 'config.yaml'), 'plank: {}\n');
    writeFileSync(join(root, 'plugins.yaml'), `plugins:\n  ${DEMO_ORG}:\n    plugins: [trigger]\n`);
    writeFileSync(join(root, 'jobs', 'jenkins.yaml'), `presubmits:
  ${REPO}:
  - name: jenkins-pass
    agent: jenkins
    always_run: true
  - name: team/jenkins-fail
    agent: jenkins
    always_run: true
  - name: jenkins-slow
    agent: jenkins
    always_run: true
`);
    writeFileSync(join(root, 'jenkins-token'), 'jenkins-api-token\n');
    args = [
      '--config-path', join(root, 'config.yaml'), '--job-config-path', join(root, 'jobs'), '--plugin-config', join(root, 'plugins.yaml'),
      '--jenkins-url', jenkins.url, '--jenkins-user', 'prow', '--jenkins-token-file', join(root, 'jenkins-token'), '--csrf-protect',
    ];
  });

  after(async () => {
    await up?.kill();
    await jenkins.close();
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('/test all: Jenkins builds with the env contract, success and failure statuses, the running log in deck', async () => {
    up = await startUp(env, fake, 60_000, args);
    const sha = await fake.headSha(REPO, DEMO_PULL);
    await sendEvent(up, env, 'issue_comment', examplePayload('issue_comment-test-all.json'));

    await waitFor('jenkins-pass success status', () => (lastState(sha, 'jenkins-pass') === 'success' ? true : undefined));
    await waitFor('team/jenkins-fail failure status', () => (lastState(sha, 'team/jenkins-fail') === 'failure' ? true : undefined));
    assert.equal(statuses(sha, 'jenkins-pass')[0]?.state, 'pending', 'a pending status comes first');

    const pass = await waitFor('the jenkins-pass ProwJob', () => jobFor(up!, 'jenkins-pass', sha, ['success']));
    const build = jenkins.builds('jenkins-pass').find((b) => b.parameters.PROW_JOB_ID === pass.metadata.name);
    assert.ok(build, 'the build carries the ProwJob name as PROW_JOB_ID');
    const p = build.parameters;
    assert.deepEqual([p.BUILD_ID, p.JOB_NAME, p.JOB_TYPE, p.REPO_OWNER, p.REPO_NAME, p.PULL_NUMBER, p.PULL_PULL_SHA],
      [pass.status.build_id, 'jenkins-pass', 'presubmit', DEMO_ORG, DEMO_REPO, String(DEMO_PULL), sha]);
    assert.equal(JSON.parse(p.JOB_SPEC!).refs.pulls[0].sha, sha);
    assert.equal(pass.status.url, `${jenkins.url}/job/jenkins-pass/${build.number}/`, 'status.url is the build page');
    assert.equal(statuses(sha, 'jenkins-pass').at(-1)?.targetUrl, pass.status.url);
    assert.match(build.log, /pass on demo\/hello#1 at /);
    assert.equal(jenkins.builds('team/jenkins-fail').length, 1, 'the folder job ran in its folder');

    const slow = await waitFor('the slow build to run', async () => {
      const pj = await jobFor(up!, 'jenkins-slow', sha, ['pending']);
      return pj && jenkins.builds('jenkins-slow').some((b) => b.building && b.log.includes('slow first line')) ? pj : undefined;
    });
    const log = await waitFor('the live log in deck', async () => {
      const res = await fetch(`${up!.deckUrl}/log/${slow.metadata.name}`);
      const text = res.status === 200 ? await res.text() : '';
      return text.includes('slow first line') ? text : undefined;
    });
    assert.doesNotMatch(log, /slow done/, 'the build is still running');
    assert.equal((await jobFor(up, 'jenkins-slow', sha))?.status.state, 'pending');
  });

  it('a new push aborts the running build', async () => {
    assert.ok(up);
    const oldSha = await fake.headSha(REPO, DEMO_PULL);
    const oldSlow = await jobFor(up, 'jenkins-slow', oldSha, ['pending']);
    assert.ok(oldSlow);
    const newSha = await fake.pushToPull(REPO, DEMO_PULL, { 'greeting.txt': 'hello, Jenkins\n' });
    await sendEvent(up, env, 'pull_request', await pullRequestEvent(fake, REPO, DEMO_PULL, 'synchronize'));
    const aborted = await waitFor('the old slow job to be aborted and complete', async () => {
      const pj = (await prowJobs(up!)).find((j) => j.metadata.name === oldSlow.metadata.name);
      return pj?.status.state === 'aborted' && pj.status.completionTime ? pj : undefined;
    });
    assert.equal(aborted.status.state, 'aborted');
    const oldBuild = jenkins.builds('jenkins-slow').find((b) => b.parameters.PROW_JOB_ID === oldSlow.metadata.name);
    await waitFor('the Jenkins build to be stopped', () => (oldBuild && !oldBuild.building ? true : undefined));
    assert.equal(oldBuild?.result, 'ABORTED');
    await waitFor('the new slow build to run', () => jobFor(up!, 'jenkins-slow', newSha, ['pending']));
  });

  it('a restart mid-build finds the build again and reports it once', async () => {
    assert.ok(up);
    const sha = await fake.headSha(REPO, DEMO_PULL);
    const running = await waitFor('the slow build of the new head', async () => {
      const pj = await jobFor(up!, 'jenkins-slow', sha, ['pending']);
      return pj && jenkins.builds('jenkins-slow').some((b) => b.parameters.PROW_JOB_ID === pj.metadata.name && b.building) ? pj : undefined;
    });
    await up.kill();
    writeFileSync(join(root, `release-${sha}`), ''); // the build finishes while Prow is down
    await waitFor('the build to finish', () => (jenkins.builds('jenkins-slow').some((b) => b.parameters.PROW_JOB_ID === running.metadata.name && !b.building) ? true : undefined));
    up = await startUp(env, fake, 60_000, args);
    const done = await waitFor('the job to complete after the restart', async () => {
      const pj = (await prowJobs(up!)).find((j) => j.metadata.name === running.metadata.name);
      return pj?.status.completionTime ? pj : undefined;
    });
    assert.equal(done.status.state, 'success');
    await waitFor('jenkins-slow success status', () => (lastState(sha, 'jenkins-slow') === 'success' ? true : undefined));
    assert.equal(statuses(sha, 'jenkins-slow').filter((s) => s.state === 'success').length, 1, 'reported once');
    assert.equal(jenkins.builds('jenkins-slow').filter((b) => b.parameters.PROW_JOB_ID === running.metadata.name).length, 1, 'not built twice');
    await up.stop();
    assert.equal(up.child.exitCode, 0, up.output());
    up = undefined;
  });

  it('without --jenkins-url, Jenkins jobs end as error saying no controller runs them, in deck and on the PR', async () => {
    const noJenkins = args.slice(0, args.indexOf('--jenkins-url'));
    up = await startUp(env, fake, 60_000, noJenkins);
    const sha = await fake.pushToPull(REPO, DEMO_PULL, { 'greeting.txt': 'hello, nobody\n' });
    await sendEvent(up, env, 'pull_request', await pullRequestEvent(fake, REPO, DEMO_PULL, 'synchronize'));
    const pj = await waitFor('the job to end', () => jobFor(up!, 'jenkins-pass', sha, ['error']));
    assert.equal(pj.status.description, 'no controller for agent jenkins is running');
    await waitFor('the error status', () => (lastState(sha, 'jenkins-pass') === 'error' ? true : undefined));
    assert.match(statuses(sha, 'jenkins-pass').at(-1)!.description, /no controller for agent jenkins is running/);
    const builds = jenkins.builds().length;
    assert.equal(jenkins.builds().filter((b) => b.parameters.PULL_PULL_SHA === sha).length, 0, `no build for this head (of ${builds})`);
    await up.stop();
    up = undefined;
  });
});

// End to end: `prow up` as a real process, the fake GitHub in this process, real git and real jobs.
// A /test comment runs the demo presubmit on the merged PR, statuses and the failure comment come
// back, a new push aborts the older run, and a SIGKILL while a job runs loses nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { DEMO_BOT, DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { examplePayload, prepareUpEnv, pullRequestEvent, sendEvent, startUp, waitFor, type UpEnv, type UpProcess } from './support/up-process.js';

const REPO = `${DEMO_ORG}/${DEMO_REPO}`;

async function prowJobs(up: UpProcess): Promise<ProwJob[]> {
  const res = await fetch(`${up.deckUrl}/prowjobs.js`);
  return ((await res.json()) as { items: ProwJob[] }).items;
}

function lastStatus(fake: FakeGitHub, sha: string, context: string): string | undefined {
  return fake.statuses(REPO, sha).filter((s) => s.context === context).at(-1)?.state;
}

function processesMatching(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function unitJobFor(up: UpProcess, sha: string, states: string[]): Promise<ProwJob | undefined> {
  return (await prowJobs(up)).find(
    (pj) => pj.spec.job === 'unit' && pj.spec.refs?.pulls?.[0]?.sha === sha && states.includes(pj.status.state),
  );
}

describe('prow up, end to end', { timeout: 240_000 }, () => {
  let root: string;
  let fake: FakeGitHub;
  let env: UpEnv;
  let up: UpProcess | undefined;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prow-e2e-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
    env = await prepareUpEnv(root, fake, REPO);
  });

  after(async () => {
    await up?.kill();
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs /test all on the demo PR and reports success with artifacts', async () => {
    up = await startUp(env, fake);
    const sha = await fake.headSha(REPO, DEMO_PULL);
    await sendEvent(up, env, 'issue_comment', examplePayload('issue_comment-test-all.json'));

    const state = await waitFor('unit status success', () => (lastStatus(fake, sha, 'unit') === 'success' ? 'success' : undefined));
    assert.equal(state, 'success');
    const states = fake.statuses(REPO, sha).filter((s) => s.context === 'unit').map((s) => s.state);
    assert.equal(states[0], 'pending', 'a pending status comes first');

    const pj = await waitFor('the unit ProwJob', () => unitJobFor(up!, sha, ['success']));
    const buildDir = join(env.dataDir, 'artifacts', 'pr-logs', 'pull', `${DEMO_ORG}_${DEMO_REPO}`, String(DEMO_PULL), 'unit', pj.status.build_id ?? '');
    const log = readFileSync(join(buildDir, 'build-log.txt'), 'utf8');
    assert.match(log, /testing 1\.0\.1/, 'the job ran on the PR merged into main');
    assert.match(log, /all checks passed/);
    assert.equal(JSON.parse(readFileSync(join(buildDir, 'finished.json'), 'utf8')).passed, true);
    assert.ok(existsSync(join(buildDir, 'started.json')));
  });

  it('aborts the older run on a new push, reports the failure and comments once', async () => {
    assert.ok(up);
    const slowSha = await fake.pushToPull(REPO, DEMO_PULL, { 'test.sh': 'echo slow start\nsleep 617\necho never\n' });
    await sendEvent(up, env, 'pull_request', await pullRequestEvent(fake, REPO, DEMO_PULL, 'synchronize'));
    await waitFor('the slow run to be pending', () => unitJobFor(up!, slowSha, ['pending']));
    await waitFor('the slow job process', () => (processesMatching('sleep 617').length > 0 ? true : undefined));

    const failSha = await fake.pushToPull(REPO, DEMO_PULL, {
      'test.sh': 'echo checking\ngrep -q FAIL greeting.txt && { echo greeting says FAIL; exit 1; }\necho ok\n',
      'greeting.txt': 'FAIL please\n',
    });
    await sendEvent(up, env, 'pull_request', await pullRequestEvent(fake, REPO, DEMO_PULL, 'synchronize'));

    const aborted = await waitFor('the slow run to be aborted', () => unitJobFor(up!, slowSha, ['aborted']));
    assert.equal(aborted.status.state, 'aborted');
    await waitFor('the slow run to be complete', async () => {
      const pj = (await prowJobs(up!)).find((p) => p.metadata.name === aborted.metadata.name);
      return pj?.status.completionTime ? true : undefined;
    });
    assert.deepEqual(processesMatching('sleep 617'), [], 'no process of the aborted job survives');

    await waitFor('the failing run', () => unitJobFor(up!, failSha, ['failure']));
    await waitFor('unit failure status', () => (lastStatus(fake, failSha, 'unit') === 'failure' ? true : undefined));
    const comments = await waitFor('the failure comment', () => {
      const bot = fake.comments(REPO, DEMO_PULL).filter((c) => c.user === DEMO_BOT && /\/test unit/.test(c.body));
      return bot.length > 0 ? bot : undefined;
    });
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /unit/);
  });

  it('survives SIGKILL while a job runs: the job finishes, statuses end right, nothing is posted twice', async () => {
    assert.ok(up);
    const sha = await fake.pushToPull(REPO, DEMO_PULL, {
      'test.sh': 'echo waiting\nsleep 3.17\necho survived the restart\n',
      'greeting.txt': 'hello again\n',
    });
    await sendEvent(up, env, 'pull_request', await pullRequestEvent(fake, REPO, DEMO_PULL, 'synchronize'));
    const running = await waitFor('the run to be pending', () => unitJobFor(up!, sha, ['pending']));
    await waitFor('the job process', () => (processesMatching('sleep 3.17').length > 0 ? true : undefined));
    const commentsBefore = fake.comments(REPO, DEMO_PULL).filter((c) => c.user === DEMO_BOT).length;

    await up.kill();
    up = await startUp(env, fake);

    const done = await waitFor('the job to finish after the restart', async () => {
      const pj = (await prowJobs(up!)).find((p) => p.metadata.name === running.metadata.name);
      return pj?.status.completionTime ? pj : undefined;
    });
    assert.equal(done.status.state, 'success');
    await waitFor('unit success status', () => (lastStatus(fake, sha, 'unit') === 'success' ? true : undefined));
    const successes = fake.statuses(REPO, sha).filter((s) => s.context === 'unit' && s.state === 'success');
    assert.equal(successes.length, 1, 'the success status is posted once');
    assert.deepEqual(processesMatching('sleep 3.17'), []);
    const buildDirs = readdirSync(join(env.dataDir, 'artifacts', 'pr-logs', 'pull', `${DEMO_ORG}_${DEMO_REPO}`, String(DEMO_PULL), 'unit'));
    assert.ok(buildDirs.includes(done.status.build_id ?? ''));
    const log = readFileSync(
      join(env.dataDir, 'artifacts', 'pr-logs', 'pull', `${DEMO_ORG}_${DEMO_REPO}`, String(DEMO_PULL), 'unit', done.status.build_id ?? '', 'build-log.txt'),
      'utf8',
    );
    assert.match(log, /survived the restart/);
    // The failure comment from the previous test is removed once every job passes; it is never posted twice.
    await waitFor('crier to settle', () => (fake.comments(REPO, DEMO_PULL).filter((c) => c.user === DEMO_BOT).length <= commentsBefore ? true : undefined));
    const failureComments = fake.comments(REPO, DEMO_PULL).filter((c) => c.user === DEMO_BOT && /\/test unit/.test(c.body));
    assert.ok(failureComments.length <= 1);
  });

  it('/lgtm and /approve by the maintainer: tide merges the PR into main within two sync periods, shown in deck', async () => {
    assert.ok(up);
    const sha = await fake.headSha(REPO, DEMO_PULL);
    assert.equal(lastStatus(fake, sha, 'unit'), 'success');
    // Until then tide says what is missing (approve may have approved the maintainer's own PR already).
    await waitFor('the tide status naming the labels', () => (fake.statuses(REPO, sha).some((s) => s.context === 'tide' && /^Not mergeable\. Needs (approved, )?lgtm labels?\.$/.test(s.description)) ? true : undefined))
      .catch((err: unknown) => assert.fail(`${(err as Error).message}\n${JSON.stringify(fake.statuses(REPO, sha))}\n${up!.output().slice(-3000)}`));
    for (const name of ['issue_comment-lgtm.json', 'issue_comment-approve.json']) {
      const payload = examplePayload(name);
      fake.addComment(REPO, DEMO_PULL, payload.comment.user.login, payload.comment.body);
      await sendEvent(up, env, 'issue_comment', payload);
    }
    await waitFor('lgtm and approved', () => (['lgtm', 'approved'].every((l) => fake.labels(REPO, DEMO_PULL).includes(l)) ? true : undefined), 20_000);
    const labelled = Date.now();
    await waitFor('the merge', () => (fake.isMerged(REPO, DEMO_PULL) ? true : undefined), 25_000);
    // examples/config.yaml syncs every 10 s: two periods, with a margin for a loaded machine.
    assert.ok(Date.now() - labelled < 25_000);
    assert.equal(await fake.file(REPO, 'test.sh', 'main'), 'echo waiting\nsleep 3.17\necho survived the restart\n');
    const history = (await (await fetch(`${up.deckUrl}/tide-history.js`)).json()) as { History: Record<string, { action: string; target?: { number: number }[] }[]> };
    assert.equal(history.History['demo/hello:main']?.[0]?.action, 'MERGE');
    assert.equal(history.History['demo/hello:main']?.[0]?.target?.[0]?.number, DEMO_PULL);
    const page = await (await fetch(`${up.deckUrl}/tide-history`)).text();
    assert.match(page, /MERGE/);
    await up.stop();
    assert.equal(up.child.exitCode, 0, up.output());
    up = undefined;
  });
});

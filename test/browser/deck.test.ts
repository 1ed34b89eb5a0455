// Deck in headless Chromium (playwright-core + Debian's chromium): one browser for every test.
// The world is real: a SQLite store, the local executor running shell jobs, the controller (plank), and deck
// over HTTP. Every test saves a screenshot to test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { newProwJob } from '../../src/api/pjutil.js';
import type { ProwJob, ProwJobState } from '../../src/api/prowjob.js';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import { loadConfigAgent, type ConfigAgent } from '../../src/config/agent.js';
import { createController, type Controller } from '../../src/controller/plank.js';
import { startDeckServer, type DeckServer } from '../../src/deck/server.js';
import { createLocalExecutor } from '../../src/executor/local/executor.js';
import type { Executor } from '../../src/executor/types.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { waitFor as poll } from '../support/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts');

function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  return poll(fn, { timeoutMs, intervalMs: 100, message: what });
}

describe('deck in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let store: SqliteStore;
  let agent: ConfigAgent;
  let executor: Executor;
  let controller: Controller;
  let deck: DeckServer;
  const contexts: BrowserContext[] = [];

  const shot = async (page: Page, name: string): Promise<void> => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `deck-${name}.png`), fullPage: true });
  };

  const newPage = async (): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    return page;
  };

  const signIn = async (page: Page, user: string): Promise<void> => {
    await page.goto(`${deck.url}/login?dest=/`);
    await page.click(`#login-${user}`);
    await page.waitForSelector(`text=Signed in as ${user}`);
  };

  /** A periodic job whose command is a shell script (the local executor runs it). */
  const shellJob = (name: string, script: string, state: ProwJobState = 'triggered'): ProwJob => {
    const pj = newProwJob({
      type: 'periodic', job: name, agent: 'kubernetes',
      pod_spec: { containers: [{ name: 'test', command: ['sh', '-c', script] }] },
    });
    pj.status.state = state;
    return pj;
  };

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does this)`);
    }
    dir = mkdtempSync(join(tmpdir(), 'deck-browser-'));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, `deck:\n  rerun_auth_configs:\n    '*':\n      github_users: [alice]\n`);
    const log = createSilentLogger();
    agent = await loadConfigAgent({ configPath, log, watch: false });
    store = openSqliteStore(join(dir, 'prow.db'));
    const artifacts = createLocalArtifactStore({ root: join(dir, 'artifacts') });
    executor = createLocalExecutor({ dataDir: dir, artifacts, log });
    controller = createController({ store, executors: new Map([['kubernetes', executor]]), config: () => agent.current().config, log });
    await controller.start();
    deck = await startDeckServer({
      port: 0, store, artifacts, log, config: () => agent.current().config, demoUsers: ['alice', 'bob'], logPollMs: 100,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 90_000, // a loaded 2-core CI machine can take a while to start Chromium
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  });

  after(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => undefined);
    await browser?.close();
    await deck?.close();
    await controller?.stop();
    await executor?.close();
    agent?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the job list and filters it on the server', async () => {
    for (const [i, [name, state, author]] of ([
      ['pull-unit', 'success', 'alice'], ['pull-lint', 'failure', 'bob'], ['pull-e2e', 'success', 'bob'],
    ] as const).entries()) {
      const pj = newProwJob({ type: 'presubmit', job: name, agent: 'jenkins', refs: { org: 'demo', repo: 'hello', base_ref: 'main', pulls: [{ number: 10 + i, author, sha: 'f'.repeat(40) }] } });
      pj.status.state = state;
      pj.status.completionTime = pj.status.startTime;
      await store.createProwJob(pj);
    }
    const page = await newPage();
    await page.goto(deck.url);
    await page.waitForSelector('#jobs tbody tr');
    const jobs = async (): Promise<string[]> => page.locator('#jobs tbody td.job > a').allTextContents();
    assert.deepEqual((await jobs()).sort(), ['pull-e2e', 'pull-lint', 'pull-unit']);
    // Choosing a state submits the form at once (the list script); the server filters.
    await page.selectOption('select[name=state]', 'failure');
    await page.waitForURL(/state=failure/);
    assert.deepEqual(await jobs(), ['pull-lint']);
    await page.goto(`${deck.url}/?author=bob`);
    assert.deepEqual((await jobs()).sort(), ['pull-e2e', 'pull-lint']);
    await page.fill('input[name=job]', 'pull-e*');
    await page.click('button[type=submit]');
    await page.waitForURL(/job=pull-e/);
    assert.deepEqual(await jobs(), ['pull-e2e']);
    await shot(page, 'list-filtered');
  });

  it("shows a running job's new log lines as they are written, then abort stops it", async () => {
    const gate = join(dir, 'gate');
    const pj = await store.createProwJob(shellJob('live-log', `echo "first line"; printf '\\033[32mgreen\\033[0m\\n'; while [ ! -f '${gate}' ]; do sleep 0.1; done; echo "second line after the gate"; sleep 120; echo never`));
    const page = await newPage();
    await signIn(page, 'alice');
    await page.goto(`${deck.url}/job/${pj.metadata.name}`);
    await page.waitForSelector('#build-log >> text=first line', { timeout: 20_000 });
    assert.equal(await page.locator('#build-log .ansi-fg-2').textContent(), 'green');
    assert.doesNotMatch((await page.locator('#build-log').textContent()) ?? '', /second line/);
    writeFileSync(gate, '');
    // No reload: the line arrives over the event stream.
    await page.waitForSelector('#build-log >> text=second line after the gate', { timeout: 20_000 });
    await shot(page, 'live-log');

    await page.click('#abort');
    await page.waitForSelector('#action-result.ok');
    await page.waitForSelector('#job-state [data-state=aborted]', { timeout: 20_000 });
    const done = await waitFor('the controller to stop the run', async () => {
      const cur = await store.getProwJob(pj.metadata.name);
      return cur?.status.completionTime ? cur : undefined;
    });
    assert.equal(done.status.state, 'aborted');
    const status = await executor.status(done);
    assert.equal(status.phase, 'failed');
    assert.equal(status.interrupted, 'abort');
    await page.waitForSelector('#live-note >> text=The job finished: aborted', { timeout: 20_000 });
    // The finished page's parts arrive without a reload: the completion time and finished.json.
    await page.waitForSelector('body[data-refreshed="1"]', { timeout: 20_000 });
    await page.waitForSelector('table.meta >> text=Finished');
    await page.waitForSelector('#artifacts >> text=finished.json');
    assert.doesNotMatch((await page.locator('#build-log').textContent()) ?? '', /never/);
    await shot(page, 'aborted');
  });

  it('reruns for an allowed user and refuses another with the reason', async () => {
    const pj = await store.createProwJob(shellJob('rerun-me', 'echo done', 'success'));
    await store.updateProwJob({ ...pj, status: { ...pj.status, completionTime: pj.status.startTime } });
    const count = async (): Promise<number> => (await store.queryProwJobs({ job: 'rerun-me' })).prowjobs.length;

    const bob = await newPage();
    await signIn(bob, 'bob');
    await bob.goto(`${deck.url}/job/${pj.metadata.name}`);
    await bob.click('#rerun');
    await bob.waitForSelector('#action-result.denied');
    assert.match((await bob.locator('#action-result').textContent()) ?? '', /403 Forbidden: bob is not allowed to rerun rerun-me/);
    assert.equal(await count(), 1);
    await shot(bob, 'rerun-refused');

    const alice = await newPage();
    await signIn(alice, 'alice');
    await alice.goto(`${deck.url}/job/${pj.metadata.name}`);
    await alice.click('#rerun');
    await alice.waitForSelector('#action-result.ok');
    assert.match((await alice.locator('#action-result').textContent()) ?? '', /Job successfully triggered/);
    assert.equal(await count(), 2);
    await alice.click('#new-job-link');
    await alice.waitForSelector('h1 >> text=rerun-me');
    const runs = (await store.queryProwJobs({ job: 'rerun-me' })).prowjobs;
    assert.deepEqual(runs[0]!.spec, runs[1]!.spec, 'the rerun copies the spec');
    await alice.waitForSelector('#build-log >> text=done', { timeout: 20_000 });
    await shot(alice, 'rerun-allowed');
  });

  it('reads without JavaScript: list, job page with its log, PR history', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${deck.url}/?job=rerun-me`);
    await page.click('#jobs tbody td.job > a >> nth=0');
    await page.waitForSelector('#build-log >> text=done');
    await page.goto(`${deck.url}/?author=bob&state=failure`);
    assert.deepEqual(await page.locator('#jobs tbody td.job > a').allTextContents(), ['pull-lint']);
    await page.goto(`${deck.url}/pr-history?org=demo&repo=hello&pr=11`);
    assert.deepEqual(await page.locator('table.jobs td a').allTextContents(), ['pull-lint']);
    await shot(page, 'no-javascript-pr-history');
  });
});

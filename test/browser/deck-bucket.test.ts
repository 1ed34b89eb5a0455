// A job run read from a gs:// bucket, in headless Chromium: the spyglass page opens its build log at the
// end with the failure in view, "load earlier" pulls whole lines from the bucket by byte range until the
// first line, search works, and the JUnit failure is listed. One screenshot goes to the test's temp dir.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { listen, type ListeningServer } from '../../src/observability/http.js';
import { directoryBucketOpener, uploadRun } from '../deck/support/buckets.js';
import { makeWorld, type World } from '../deck/support/world.js';

const CHROMIUM = '/usr/bin/chromium';
const LINES = 9_000;
const ERROR_AT = 8_990;

describe('deck bucket view in Chromium', () => {
  let w: World;
  let server: ListeningServer;
  let browser: Browser;
  let shots: string;
  let dir = '';

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    shots = mkdtempSync(join(tmpdir(), 'deck-bucket-shots-'));
    const root = mkdtempSync(join(tmpdir(), 'deck-bucket-'));
    const opener = directoryBucketOpener(root);
    w = makeWorld({ openBucket: opener });
    const lines: string[] = [];
    for (let n = 1; n <= LINES; n++) lines.push(n === ERROR_AT ? `line ${n} --- FAIL: TestBreak (1.25s)` : `line ${n} ${'ok '.repeat(10)}`);
    ({ dir } = await uploadRun(opener({ provider: 'gs', bucket: 'prow-results' }), root, {
      bucket: 'gs://prow-results', type: 'presubmit', job: 'pull-demo-unit', pull: 42, buildId: '1001', passed: false, log: `${lines.join('\n')}\n`,
      artifacts: { 'junit_unit.xml': '<testsuite name="widgets"><testcase classname="widgets" name="TestBreak"><failure>widget_test.go:42: expected 1, got 2</failure></testcase><testcase classname="widgets" name="TestSpin"/></testsuite>' },
    }));
    server = await listen(w.app, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 90_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await w?.close();
    console.log(`deck-bucket screenshot: ${shots}`); // eslint-disable-line no-console
  });

  it('shows the run from the bucket: log tail with the failure, earlier lines by range, tests', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/view/gs/prow-results/${dir}`);
    await page.waitForSelector('#build-log .row', { timeout: 60_000 });
    assert.equal(await page.locator('#spyglass-result').textContent(), 'FAILURE');
    assert.equal(await page.locator(`#L${ERROR_AT}`).getAttribute('class'), 'row log-error');
    assert.match(await page.locator('#lens-junit').textContent() ?? '', /widgets\.TestBreak[\s\S]*expected 1, got 2/);
    await page.fill('#log-search', 'FAIL: TestBreak');
    assert.equal(await page.locator('#log-search-count').textContent(), '1 matching line (Enter: next)');
    await page.screenshot({ path: join(shots, 'bucket-job.png'), fullPage: true });
    // Every earlier line, from the bucket, numbered in sequence.
    while (await page.locator('#earlier a').count()) {
      const first = Number(await page.locator('#build-log').getAttribute('data-first-line'));
      await page.click('#earlier a');
      await page.waitForFunction((f) => Number(document.getElementById('build-log')!.dataset['firstLine']) < f, first, { timeout: 60_000 });
    }
    const rows = await page.evaluate(() => {
      const all = [...document.querySelectorAll<HTMLElement>('#build-log .row')];
      const bad = all.filter((r, i) => r.id !== `L${i + 1}` || !(r.querySelector('.lc')?.textContent ?? '').startsWith(`line ${i + 1} `)).length;
      return { count: all.length, bad };
    });
    assert.deepEqual(rows, { count: LINES, bad: 0 });
    await ctx.close();
  });
});

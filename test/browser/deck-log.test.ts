// Deck's build log reads like a CI page, in headless Chromium: it opens at the end with the failure in
// view, lines are numbered with #L<n> permalinks, search finds lines, error lines stand out, and "load
// earlier" adds whole lines numbered in sequence. Screenshots go to the test's temp dir.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listen, type ListeningServer } from '../../src/observability/http.js';
import { job, makeWorld, type World } from '../deck/support/world.js';

const CHROMIUM = '/usr/bin/chromium';
const LINES = 12_000;
const ERROR_AT = 11_990;

describe('deck build log in Chromium', () => {
  let w: World;
  let server: ListeningServer;
  let browser: Browser;
  let shots: string;
  let name = '';

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    shots = mkdtempSync(join(tmpdir(), 'deck-log-shots-'));
    w = makeWorld();
    const pj = await w.store.createProwJob(job({ buildId: '7', state: 'failure' }));
    name = pj.metadata.name;
    const lines: string[] = [];
    for (let n = 1; n <= LINES; n++) {
      if (n === ERROR_AT) lines.push(`line ${n} Error: the widget broke`);
      else if (n === 11_000 || n === 11_500) lines.push(`line ${n} found the needle here`);
      else lines.push(`line ${n} ${'ok '.repeat(8)}`);
    }
    await w.artifacts.put('pr-logs/pull/demo_hello/1/pull-hello-test/7/build-log.txt', `${lines.join('\n')}\n`);
    server = await listen(w.app, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 90_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await w?.close();
    console.log(`deck-log screenshots: ${shots}`); // eslint-disable-line no-console
  });

  const open = async (hash = '', js = true): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: js });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/job/${name}${hash}`);
    await page.waitForSelector('#build-log .row');
    return page;
  };
  /** Is the row inside the log box's visible area? */
  const visible = (page: Page, id: string): Promise<boolean> =>
    page.evaluate((rowId) => {
      const box = document.getElementById('build-log')!.getBoundingClientRect();
      const row = document.getElementById(rowId)!.getBoundingClientRect();
      return row.top >= box.top - 1 && row.bottom <= box.bottom + 1 && row.top < window.innerHeight;
    }, id);
  /** Every row's number matches the line it shows ("line N ..."), and numbers run without gaps. */
  const numbering = (page: Page): Promise<{ first: number; last: number; bad: string[] }> =>
    page.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('#build-log .row')];
      const bad: string[] = [];
      rows.forEach((r, i) => {
        const n = Number(r.id.slice(1));
        const text = r.querySelector('.lc')?.textContent ?? '';
        if (!text.startsWith(`line ${n} `) || r.querySelector('.ln')?.textContent !== String(n)) bad.push(`${r.id}: ${text.slice(0, 20)}`);
        if (i > 0 && n !== Number(rows[i - 1]!.id.slice(1)) + 1) bad.push(`gap before ${r.id}`);
      });
      return { first: Number(rows[0]!.id.slice(1)), last: Number(rows.at(-1)!.id.slice(1)), bad: bad.slice(0, 5) };
    });

  it('opens at the end with the error line in view and marked', async () => {
    const page = await open();
    assert.ok(await visible(page, `L${LINES}`), 'the last line is in view');
    assert.ok(await visible(page, `L${ERROR_AT}`), 'the failure is in view');
    assert.equal(await page.locator(`#L${ERROR_AT}`).getAttribute('class'), 'row log-error');
    assert.equal(await page.locator('#build-log .row.log-error').count(), 1);
    const { first, last, bad } = await numbering(page);
    assert.deepEqual(bad, []);
    assert.equal(last, LINES);
    assert.ok(first > 1, 'a log over the window shows its tail');
    assert.equal(await page.locator('#earlier a').textContent(), `${(first - 1).toLocaleString('en-US')} earlier lines`);
    await page.screenshot({ path: join(shots, 'log-opened.png'), fullPage: true });
  });

  it('a #L permalink opens at its line, highlighted; clicking a number sets it', async () => {
    const page = await open(`#L11800`);
    assert.ok(await visible(page, 'L11800'));
    const bg = await page.locator('#L11800').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(58, 50, 18)', 'the target line is highlighted');
    await page.click('#L11990 .ln');
    assert.ok(page.url().endsWith('#L11990'));
    await page.screenshot({ path: join(shots, 'log-permalink.png'), fullPage: true });
  });

  it('a #L permalink above the loaded tail loads earlier lines until it is shown', async () => {
    const page = await open('#L120');
    await page.waitForSelector('#build-log[data-opened="L120"]', { timeout: 60_000 });
    assert.ok(await visible(page, 'L120'), 'the line is in view');
    const bg = await page.locator('#L120').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(58, 50, 18)', 'and highlighted');
    const { first, bad } = await numbering(page);
    assert.deepEqual(bad, []);
    assert.ok(first <= 120);
    await page.screenshot({ path: join(shots, 'log-permalink-earlier.png'), fullPage: true });
  });

  it('search counts matching lines and Enter moves to each', async () => {
    const page = await open();
    await page.fill('#log-search', 'NEEDLE');
    assert.equal(await page.locator('#log-search-count').textContent(), '2 matching lines (Enter: next)');
    await page.press('#log-search', 'Enter');
    assert.equal(await page.locator('#log-search-count').textContent(), 'line 11000: match 1 of 2');
    assert.ok(await visible(page, 'L11000'));
    await page.press('#log-search', 'Enter');
    assert.ok(await visible(page, 'L11500'));
    await page.screenshot({ path: join(shots, 'log-search.png'), fullPage: true });
  });

  it('load earlier adds whole lines, numbered in sequence, until the start', async () => {
    const page = await open();
    const before = await numbering(page);
    await page.click('#earlier a');
    await page.waitForFunction((f) => Number(document.getElementById('build-log')!.dataset['firstLine']) < f, before.first);
    const afterOne = await numbering(page);
    assert.deepEqual(afterOne.bad, []);
    assert.ok(afterOne.first < before.first);
    while (await page.locator('#earlier a').count()) {
      const f = Number(await page.locator('#build-log').getAttribute('data-first-line'));
      await page.click('#earlier a');
      await page.waitForFunction((x) => Number(document.getElementById('build-log')!.dataset['firstLine']) < x, f);
    }
    const all = await numbering(page);
    assert.deepEqual(all, { first: 1, last: LINES, bad: [] });
    await page.screenshot({ path: join(shots, 'log-earlier.png') });
  });

  it('without JavaScript the numbered lines and permalinks are there too', async () => {
    const page = await open('', false);
    assert.equal(await page.locator(`#L${LINES} .ln`).getAttribute('href'), `#L${LINES}`);
    assert.equal(await page.locator('#build-log .row.log-error').count(), 1);
  });
});

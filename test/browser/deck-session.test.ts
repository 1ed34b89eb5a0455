// Deck for a visitor who is not signed in, in headless Chromium: the rerun button is off with a "sign in
// to rerun" link that comes back to the job, and signing out returns to the page you were on.
// Screenshots go to the test's temp dir.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { listen, type ListeningServer } from '../../src/observability/http.js';
import { job, makeWorld, type World } from '../deck/support/world.js';

const CHROMIUM = '/usr/bin/chromium';

describe('deck sessions in Chromium', () => {
  let w: World;
  let server: ListeningServer;
  let browser: Browser;
  let shots: string;
  let name = '';

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    shots = mkdtempSync(join(tmpdir(), 'deck-session-shots-'));
    w = makeWorld({ demoUsers: ['alice', 'bob'] });
    w.config = { deck: { rerun_auth_configs: { '*': { github_users: ['alice'] } } } } as World['config'];
    name = (await w.store.createProwJob(job({ state: 'failure' }))).metadata.name;
    server = await listen(w.app, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 90_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await w?.close();
  });

  it('anonymous: rerun is disabled with a "sign in to rerun" link that returns to the job', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/job/${name}?x=1`);
    assert.equal(await page.locator('#rerun').isDisabled(), true);
    assert.equal(await page.locator('#sign-in-to-rerun').textContent(), 'sign in to rerun');
    await page.screenshot({ path: join(shots, 'anonymous-job.png'), fullPage: true });
    await page.click('#sign-in-to-rerun');
    await page.click('#login-alice');
    await page.waitForURL(`${server.url}/job/${name}?x=1`);
    assert.equal(await page.locator('#rerun').isDisabled(), false);
    assert.equal(await page.locator('#sign-in-to-rerun').count(), 0);

    await page.click('#sign-out');
    await page.waitForURL(`${server.url}/job/${name}?x=1`);
    assert.equal(await page.locator('header >> text=Sign in').count(), 1);
    assert.equal(await page.locator('#rerun').isDisabled(), true);
    await page.screenshot({ path: join(shots, 'signed-out-job.png'), fullPage: true });
  });
  it('state badges meet WCAG AA contrast, and times read relative with the absolute time on hover', async () => {
    const states = ['success', 'failure', 'error', 'pending', 'triggered', 'aborted'] as const;
    for (const state of states) await w.store.createProwJob(job({ job: `badge-${state}`, state, start: new Date(Date.now() - 3 * 60_000).toISOString() }));
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/?job=badge-*`);
    // A string, not a function: tsx's helpers do not exist in the page.
    const ratios = (await page.evaluate(`[...document.querySelectorAll('#jobs .state')].map((el) => {
      const lum = (c) => {
        const [r, g, b] = (c.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number).map((v) => {
          const x = v / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const st = getComputedStyle(el);
      const [a, b] = [lum(st.color), lum(st.backgroundColor)].sort((x, y) => y - x);
      return { state: el.textContent, ratio: (a + 0.05) / (b + 0.05) };
    })`)) as { state: string; ratio: number }[];
    assert.equal(ratios.length, states.length);
    for (const r of ratios) assert.ok(r.ratio >= 4.5, `${r.state}: contrast ${r.ratio.toFixed(2)} < 4.5`);
    const t = page.locator('#jobs tbody time').first();
    assert.equal(await t.textContent(), '3 min ago');
    assert.match((await t.getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await page.screenshot({ path: join(shots, 'badges.png'), fullPage: true });
  });
  it('an error page keeps the header and offers a way back', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/job/${name}`);
    const res = await page.goto(`${server.url}/job/no-such-job`, { referer: `${server.url}/job/${name}` });
    assert.equal(res?.status(), 404);
    assert.equal(await page.locator('header .brand').textContent(), 'Prow');
    assert.equal(await page.locator('#error-message').textContent(), '404 Not Found: no ProwJob named no-such-job');
    await page.screenshot({ path: join(shots, 'error-404.png'), fullPage: true });
    await page.click('#go-back');
    await page.waitForURL(`${server.url}/job/${name}`);
  });
});

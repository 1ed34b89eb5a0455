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
});

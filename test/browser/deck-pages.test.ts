// Deck pages in headless Chromium: a running job's duration, state and artifacts update without a reload
// (job page and list), the list's chart of recent runs, plugins' HTML help shown safely and wrapped, and
// the pages on a 390 px phone without sideways scrolling. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { demoSeed } from '../../src/cli/support/demo.js';
import type { HelpData } from '../../src/deck/pages/help.js';
import { FAKE_WEB_PREFIX } from '../../src/github/fake/routes/web.js';
import { startFakeGitHub } from '../../src/github/fake/server.js';
import { listen, type ListeningServer } from '../../src/observability/http.js';
import { job, makeWorld, type World } from '../deck/support/world.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts');
const LONG_WORD = `https://example.test/${'a-very-long-path-segment-'.repeat(12)}`;

const help: HelpData = {
  AllRepos: ['demo/hello'],
  RepoPlugins: { 'demo/hello': ['lgtm', 'shady'] },
  PluginHelp: {
    lgtm: {
      Description: 'The lgtm plugin manages the <code>lgtm</code> label. See <a href="https://git.k8s.io/community/contributors/guide">the guide</a> and <a href="https://github.com/kubernetes/community">the community repo</a>.',
      Commands: [{ Usage: '/lgtm [cancel]', Featured: true, Description: 'Adds or removes the <strong>lgtm</strong> label.', Examples: ['/lgtm'], WhoCanUse: 'Collaborators on the repository.<br>Not the PR author.' }],
    },
    shady: {
      Description: `<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"><a href="javascript:window.pwned = 3" id="js-link">click</a> ${LONG_WORD}`,
      Commands: [{ Usage: `/shady ${LONG_WORD}`, Featured: false, Description: `<ul><li>one</li><li>${LONG_WORD}</li></ul><pre>${'x'.repeat(300)}</pre>`, Examples: null, WhoCanUse: 'Anyone' }],
    },
  },
};

describe('deck pages in Chromium', () => {
  let w: World;
  let server: ListeningServer;
  let browser: Browser;

  const shot = async (page: Page, name: string): Promise<void> => {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `deck-${name}.png`), fullPage: true });
  };
  const open = async (path: string, width = 1280): Promise<Page> => {
    const ctx = await browser.newContext({ viewport: { width, height: 844 } });
    const page = await ctx.newPage();
    await page.goto(`${server.url}${path}`);
    return page;
  };
  /** How far the page scrolls sideways: 0 when nothing is wider than the window. */
  const sideways = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const minutesAgo = (m: number): string => new Date(Date.now() - m * 60_000).toISOString();
  const finished = (o: Parameters<typeof job>[0], minutes: number) => {
    const pj = job({ ...o, complete: false });
    pj.status.completionTime = new Date(Date.parse(pj.status.startTime) + minutes * 60_000).toISOString();
    return pj;
  };

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    w = makeWorld({ pluginHelp: async () => help });
    server = await listen(w.app, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 90_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await w?.close();
  });

  it('command help renders the allowed HTML, escapes the rest and wraps long text', async () => {
    const page = await open('/command-help', 1000);
    await page.waitForSelector('#plugin-lgtm');
    assert.equal(await page.locator('#plugin-lgtm a').first().getAttribute('href'), 'https://git.k8s.io/community/contributors/guide');
    assert.equal(await page.locator('#plugin-lgtm code').textContent(), 'lgtm');
    assert.equal(await page.locator('#commands strong').first().textContent(), 'lgtm');
    assert.equal(await page.locator('#commands ul li').count(), 2);
    const shady = page.locator('#plugin-shady');
    assert.match((await shady.textContent()) ?? '', /<script>window\.pwned = 1<\/script><img src=x/);
    assert.equal(await page.locator('main script, main img').count(), 0);
    assert.equal(await page.locator('#js-link, #plugin-shady a[href]').count(), 0, 'no javascript: link, no id from the help');
    await page.locator('#plugin-shady a').click();
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.equal(await sideways(page), 0, 'long words wrap');
    await shot(page, 'command-help');
  });

  it('the job list has a chart of recent runs by duration and state', async () => {
    await w.store.createProwJob(finished({ job: 'chart-a', state: 'success', start: minutesAgo(100) }, 4));
    await w.store.createProwJob(finished({ job: 'chart-b', state: 'failure', start: minutesAgo(80) }, 12));
    await w.store.createProwJob(finished({ job: 'chart-c', state: 'success', start: minutesAgo(60) }, 8));
    await w.store.createProwJob(finished({ job: 'chart-d', state: 'error', start: minutesAgo(30) }, 1));
    await w.store.createProwJob(job({ job: 'chart-e', state: 'aborted', start: minutesAgo(20), complete: true }));
    const page = await open('/?job=chart-*');
    await page.waitForSelector('#histogram svg');
    const bars = await page.locator('#histogram rect.run').evaluateAll((rs) =>
      rs.map((r) => ({ state: r.getAttribute('data-state'), h: Number(r.getAttribute('height')), fill: getComputedStyle(r).fill, title: r.querySelector('title')?.textContent ?? '' })));
    assert.deepEqual(bars.map((b) => b.state), ['success', 'failure', 'success', 'error'].reverse(), 'newest first, as the list; aborted runs are left out');
    const byJob = new Map(bars.map((b) => [b.title.split(' · ')[0], b]));
    assert.ok(byJob.get('chart-b')!.h > byJob.get('chart-c')!.h && byJob.get('chart-c')!.h > byJob.get('chart-a')!.h, 'taller is longer');
    assert.equal(byJob.get('chart-b')!.fill, 'rgb(207, 34, 46)');
    assert.equal(byJob.get('chart-a')!.fill, 'rgb(26, 127, 55)');
    assert.match((await page.locator('#histogram-summary').textContent()) ?? '', /4 finished runs in the last 12 h:\s+2 success \(50%\),\s+1 failure, 1 error\s+· duration median 8m00s/);
    await page.locator('#histogram a').first().click();
    await page.waitForSelector('h1 >> text=chart-d');
    const list = await open('/?job=chart-*');
    await shot(list, 'list-histogram');
  });

  it("a running job's duration, state and artifacts update without a reload", async () => {
    const pj = job({ job: 'live-one', state: 'pending', start: new Date(Date.now() - 3000).toISOString(), buildId: '42', complete: false });
    await w.store.createProwJob(pj);
    const list = await open('/?job=live-one');
    const page = await open(`/job/${pj.metadata.name}`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await list.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const durationOf = (p: Page, sel: string): Promise<number> => p.locator(sel).evaluate((el) => {
      const m = /^(?:(\d+)m)?(\d+)s$/.exec(el.textContent ?? '');
      return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : -1;
    });
    const firstOnPage = await durationOf(page, 'table.meta [data-since]');
    const firstInList = await durationOf(list, '#jobs td.c-duration');
    await page.waitForFunction((f) => {
      const m = /^(\d+)s$/.exec(document.querySelector('table.meta [data-since]')?.textContent ?? '');
      return m && Number(m[1]) >= f + 2;
    }, firstOnPage, { timeout: 60_000 });
    await list.waitForFunction((f) => {
      const m = /^(\d+)s$/.exec(document.querySelector('#jobs td.c-duration')?.textContent ?? '');
      return m && Number(m[1]) >= f + 2;
    }, firstInList, { timeout: 60_000 });

    // An artifact written while the job runs appears on its page.
    assert.equal(await page.locator('#artifacts li').count(), 0);
    await w.artifacts.put('pr-logs/pull/demo_hello/1/live-one/42/artifacts/report.txt', 'partial results\n');
    await page.waitForSelector('#artifacts >> text=artifacts/report.txt', { timeout: 60_000 });

    // The job finishes: the list shows its state and final duration.
    const cur = (await w.store.getProwJob(pj.metadata.name))!;
    await w.store.updateProwJob({ ...cur, status: { ...cur.status, state: 'success', completionTime: new Date().toISOString() } });
    await list.waitForSelector('#jobs [data-state=success]', { timeout: 60_000 });
    assert.equal(await list.locator('#jobs [data-since]').count(), 0, 'a finished job no longer counts up');
    for (const p of [page, list]) assert.equal(await p.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'no reload');
    await shot(page, 'live-duration-artifacts');
    await shot(list, 'list-live');
  });

  it('on a 390 px phone the list, a job and command help need no sideways scrolling', async () => {
    await w.store.createProwJob(job({ job: 'pull-kubernetes-e2e-gce-ubuntu-containerd-serial-with-a-long-name', org: 'kubernetes-sigs', repo: 'cluster-api-provider-something-long', author: 'a-contributor-with-a-long-login', state: 'failure' }));
    const page = await open('/', 390);
    await page.waitForSelector('#jobs tbody tr');
    assert.equal(await sideways(page), 0, 'the job list fits');
    const cells = await page.locator('#jobs tbody tr >> nth=0').evaluate((tr) => {
      const r = tr.getBoundingClientRect();
      return [...tr.querySelectorAll('td')].every((td) => td.getBoundingClientRect().right <= r.right + 1);
    });
    assert.ok(cells, 'every cell of a row stays inside it');
    await shot(page, 'phone-list');
    await page.locator('#jobs td.job > a >> nth=0').click();
    await page.waitForSelector('table.meta');
    assert.equal(await sideways(page), 0, 'the job page fits');
    await shot(page, 'phone-job');
    await page.goto(`${server.url}/command-help`);
    await page.waitForSelector('#commands');
    assert.equal(await sideways(page), 0, 'command help fits');
    await shot(page, 'phone-command-help');
  });

  it("with github.link_url set (demo mode: the fake GitHub's pages), PR, author and commit links go there", async () => {
    const fake = await startFakeGitHub({ seed: demoSeed() });
    try {
      await fake.ready();
      const head = (await (await fetch(`${fake.url}/repos/demo/hello/pulls/1`, { headers: { authorization: 'token demo-token' } })).json() as { head: { sha: string } }).head.sha;
      w.config = { github: { link_url: `${fake.url}${FAKE_WEB_PREFIX}` } };
      // Refs as trigger builds them from a webhook payload: links to github.com.
      const pj = job({ job: 'pull-hello-test', pull: 1, author: 'bob', sha: head, buildId: '77' });
      pj.spec.refs!.repo_link = 'https://github.com/demo/hello';
      pj.spec.refs!.pulls![0] = { ...pj.spec.refs!.pulls![0]!, link: 'https://github.com/demo/hello/pull/1', author_link: 'https://github.com/bob', commit_link: `https://github.com/demo/hello/pull/1/commits/${head}` };
      await w.store.createProwJob(pj);
      const page = await open(`/job/${pj.metadata.name}`);
      const hrefs = await page.locator('table.meta a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      assert.deepEqual(hrefs.filter((h) => h.includes('github.com')), [], 'no link left to github.com');
      assert.ok(hrefs.includes(`${fake.url}${FAKE_WEB_PREFIX}/bob`), hrefs.join(' '));
      await page.locator('table.meta .pull > a').first().click();
      await page.waitForSelector('h1 >> text=Greet the world in French');
      assert.match((await page.locator('main').textContent()) ?? '', /bob wants to merge french into main/);
      await shot(page, 'demo-link-fake-pr');
      await page.goBack();
      await page.locator('table.meta a.sha').click();
      await page.waitForSelector(`h2 >> text=${head.slice(0, 12)}`);
      const list = await open('/?job=pull-hello-test');
      const listHrefs = await list.locator('#jobs a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      assert.deepEqual(listHrefs.filter((h) => h.includes('github.com')), []);
      // Plugins' help links to GitHub's real pages (docs, community repos) are left as they are.
      const help = await open('/command-help');
      assert.equal(await help.locator('#plugin-lgtm a[href="https://github.com/kubernetes/community"]').count(), 1);
    } finally {
      w.config = {};
      await fake.close();
    }
  });
});

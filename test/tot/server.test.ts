import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, storePath, type SqliteStore } from '../../src/store/sqlite/store.js';
import { createUrlFallback, importTotJson, startTotServer, TOT_NUMBER_HEADER, type TotServer } from '../../src/tot/server.js';

const log = createSilentLogger();

describe('tot', () => {
  let dir: string;
  let store: SqliteStore;
  let tot: TotServer;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prow-tot-'));
    store = openSqliteStore(storePath(dir));
    tot = await startTotServer({ store, port: 0, hostname: '127.0.0.1', log });
  });
  afterEach(async () => {
    await tot.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const vend = async (job: string) => {
    const res = await fetch(`${tot.url}/vend/${job}`);
    assert.equal(res.status, 200);
    return res.text();
  };

  it('GET /vend/<job> increments per job and answers plain text', async () => {
    assert.equal(await vend('ci-a'), '1');
    assert.equal(await vend('ci-a'), '2');
    assert.equal(await vend('ci-b'), '1');
    assert.equal(await vend('ci-a'), '3');
    const res = await fetch(`${tot.url}/vend/ci-a`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), '4');
  });

  it('HEAD /vend/<job> shows the current number without incrementing', async () => {
    await vend('j');
    await vend('j');
    const head = await fetch(`${tot.url}/vend/j`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get(TOT_NUMBER_HEADER), '2');
    const unseen = await fetch(`${tot.url}/vend/never`, { method: 'HEAD' });
    assert.equal(unseen.headers.get(TOT_NUMBER_HEADER), '0');
    assert.equal(await vend('j'), '3');
  });

  it('POST /vend/<job> sets the counter; a malformed body is a 400 and changes nothing', async () => {
    await vend('j');
    const set = await fetch(`${tot.url}/vend/j`, { method: 'POST', body: '100' });
    assert.equal(set.status, 200);
    assert.equal(await vend('j'), '101');
    for (const body of ['abc', '-5', '', '1.5']) {
      const bad = await fetch(`${tot.url}/vend/j`, { method: 'POST', body });
      assert.equal(bad.status, 400, `body ${JSON.stringify(body)}`);
    }
    assert.equal(await vend('j'), '102');
  });

  it('keeps job names with slashes and escapes whole', async () => {
    assert.equal(await vend('pr-logs/directory/x'), '1');
    assert.equal(await vend('pr-logs%2Fdirectory%2Fx'), '2');
    assert.equal(await store.currentBuildNumber('pr-logs/directory/x'), 2);
    const empty = await fetch(`${tot.url}/vend/`);
    assert.equal(empty.status, 400);
  });

  it('numbers survive a restart', async () => {
    await vend('j');
    await vend('j');
    await tot.close();
    await store.close();
    store = openSqliteStore(storePath(dir));
    tot = await startTotServer({ store, port: 0, hostname: '127.0.0.1', log });
    assert.equal(await vend('j'), '3');
  });

  it('concurrent vends never hand out the same number', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => vend('busy')));
    assert.deepEqual(results.map(Number).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('serves /healthz and counts vends in /metrics', async () => {
    assert.equal(await (await fetch(`${tot.url}/healthz`)).text(), 'OK');
    await vend('j');
    await vend('k');
    const metrics = await (await fetch(`${tot.url}/metrics`)).text();
    assert.match(metrics, /^tot_vended_total 2$/m);
  });

  describe('fallback', () => {
    let upstream: Server;
    let base: string;
    let hits: string[];
    let failFirst: number;

    beforeEach(async () => {
      hits = [];
      failFirst = 0;
      upstream = createServer((req, res) => {
        hits.push(req.url ?? '');
        if (failFirst > 0) {
          failFirst--;
          res.writeHead(503).end();
          return;
        }
        if (req.url === '/logs/jenkins-job/latest-build.txt') res.end('41\n');
        else if (req.url === '/logs/garbage/latest-build.txt') res.end('not a number');
        else res.writeHead(404).end();
      });
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      await tot.close();
      const fallback = createUrlFallback({ template: `${base}/logs/%s/latest-build.txt`, log, attempts: 3, delayMs: 1 });
      tot = await startTotServer({ store, port: 0, hostname: '127.0.0.1', log, fallback });
    });
    afterEach(async () => {
      await new Promise<void>((r) => upstream.close(() => r()));
    });

    it('continues from the fallback number for a new job, and asks only once', async () => {
      assert.equal(await vend('jenkins-job'), '42');
      assert.equal(await vend('jenkins-job'), '43');
      assert.deepEqual(hits, ['/logs/jenkins-job/latest-build.txt']);
    });

    it('starts at 1 on a 404 or an unparseable body', async () => {
      assert.equal(await vend('unknown'), '1');
      assert.equal(await vend('garbage'), '1');
    });

    it('retries a failing fallback', async () => {
      failFirst = 2;
      assert.equal(await vend('jenkins-job'), '42');
      assert.equal(hits.length, 3);
    });

    it('a template without %s is refused', () => {
      assert.throws(() => createUrlFallback({ template: 'http://x/latest', log }), /must contain %s/);
    });
  });

  it("imports upstream tot.json, raising counters only", async () => {
    await store.setBuildNumber('high', 500);
    const file = join(dir, 'tot.json');
    writeFileSync(file, JSON.stringify({ Number: { low: 7, high: 3 } }));
    assert.equal(await importTotJson(store, file), 1);
    assert.equal(await vend('low'), '8');
    assert.equal(await vend('high'), '501');
    writeFileSync(file, JSON.stringify({ Number: { bad: 'x' } }));
    await assert.rejects(importTotJson(store, file), /Number\["bad"\] must be a non-negative integer/);
  });
});

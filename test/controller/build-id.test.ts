import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildIdError, createSnowflakeBuildIdSource, createStoreBuildIdSource, createTotBuildIdSource } from '../../src/controller/build-id.js';
import { openSqliteStore } from '../../src/store/sqlite/store.js';

describe('build ids', () => {
  let server: Server;
  let url: string;
  const counters = new Map<string, number>();
  let failFirst = 0;
  before(async () => {
    server = createServer((req, res) => {
      const m = /^\/vend\/(.+)$/.exec(req.url ?? '');
      if (failFirst > 0) {
        failFirst -= 1;
        res.writeHead(503).end('busy');
        return;
      }
      if (!m || req.method !== 'GET') return void res.writeHead(404).end();
      const job = decodeURIComponent(m[1]!);
      counters.set(job, (counters.get(job) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(counters.get(job)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('vends from tot per job, retrying a non-200 answer', async () => {
    const tot = createTotBuildIdSource({ url: `${url}/`, firstDelayMs: 1 });
    assert.equal(await tot.next('a'), '1');
    assert.equal(await tot.next('a'), '2');
    assert.equal(await tot.next('b/c'), '1');
    failFirst = 2;
    assert.equal(await tot.next('a'), '3');
  });

  it('gives up after the attempts with a BuildIdError naming the job', async () => {
    failFirst = 100;
    const tot = createTotBuildIdSource({ url, attempts: 3, firstDelayMs: 1 });
    await assert.rejects(tot.next('a'), (err: unknown) => err instanceof BuildIdError && /build id for a: 3 attempts failed: tot answered 503/.test(err.message));
    failFirst = 0;
  });

  it('snowflake ids are numeric and increase, even within one millisecond', async () => {
    const s = createSnowflakeBuildIdSource(() => 1_700_000_000_000);
    const ids = [await s.next('j'), await s.next('j'), await s.next('k')];
    assert.ok(ids.every((id) => /^\d{18,19}$/.test(id)));
    assert.ok(BigInt(ids[0]!) < BigInt(ids[1]!) && BigInt(ids[1]!) < BigInt(ids[2]!));
  });

  it('store counters persist across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-ids-'));
    try {
      let store = openSqliteStore(join(dir, 'prow.db'));
      assert.equal(await createStoreBuildIdSource(store).next('j'), '1');
      assert.equal(await createStoreBuildIdSource(store).next('j'), '2');
      await store.close();
      store = openSqliteStore(join(dir, 'prow.db'));
      assert.equal(await createStoreBuildIdSource(store).next('j'), '3');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

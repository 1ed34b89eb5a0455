// `prow deck` as a process over a data directory another process writes to.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSilentLogger } from '../../src/observability/logger.js';
import { startFakeGcs, type FakeGcs } from '../../src/artifacts/fake-gcs/server.js';
import { openSqliteStore, storePath, type SqliteStore } from '../../src/store/sqlite/store.js';
import { job } from './support/world.js';

describe('prow deck', () => {
  let dir: string;
  let store: SqliteStore;
  let child: ChildProcess | undefined;
  let gcs: FakeGcs | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'deck-cli-'));
    writeFileSync(join(dir, 'config.yaml'), "deck:\n  rerun_auth_configs:\n    '*': {allow_anyone: true}\n");
    writeFileSync(join(dir, 'plugins.yaml'), 'plugins:\n  demo:\n    plugins: [hold]\n');
    store = openSqliteStore(storePath(dir), { log: createSilentLogger() });
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await gcs?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves jobs another process stores, command help from plugins.yaml, and stops on SIGTERM', async () => {
    await store.createProwJob(job({ job: 'pull-from-elsewhere' }));
    // A gs:// bucket behind the fake GCS JSON API, holding one run as the sidecar uploads it.
    gcs = await startFakeGcs({ buckets: ['some-bucket'] });
    for (const [name, body] of [['logs/ci-x/1/build-log.txt', 'hello from the bucket\n'], ['logs/ci-x/1/finished.json', '{"timestamp":1700000000,"passed":true,"result":"SUCCESS"}']] as const) {
      const res: Response = await fetch(`${gcs.url}/upload/storage/v1/b/some-bucket/o?uploadType=media&name=${encodeURIComponent(name)}`, { method: 'POST', body });
      assert.equal(res.status, 200, await res.text());
    }
    child = spawn('node', [
      'bin/prow', 'deck', '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'),
      '--data-dir', dir, '--port', '0', '--hostname', '127.0.0.1', '--gcs-endpoint', gcs.url,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const end = Date.now() + 30_000;
    let url: string | undefined;
    while (!(url = /deck listening on (\S+)/.exec(stderr)?.[1])) {
      if (Date.now() > end || child.exitCode !== null) assert.fail(`deck did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await (await fetch(`${url}/healthz`)).text(), 'OK');
    assert.match(await (await fetch(`${url}/`)).text(), /pull-from-elsewhere/);
    const help = await (await fetch(`${url}/command-help`)).text();
    assert.match(help, /<code>\/hold/);
    assert.match(help, /Enabled for: demo/);
    // Bucket routes are wired: a badge from the store; a gs:// run read anonymously through --gcs-endpoint.
    assert.match(await (await fetch(`${url}/badge.svg?jobs=pull-from-*`)).text(), />passing</);
    const gs = await fetch(`${url}/view/gs/some-bucket/logs/ci-x/1`, { headers: { accept: 'text/html' } });
    const page = await gs.text();
    assert.equal(gs.status, 200, page);
    assert.match(page, /hello from the bucket/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
  });
});

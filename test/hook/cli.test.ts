// `prow hook` end to end: the real command, real files, real HTTP, a clean SIGTERM shutdown.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import { issueCommentPayload, webhookHeaders } from './support/helpers.js';

const prow = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'prow');

function files(dir: string) {
  writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: prow\n');
  writeFileSync(join(dir, 'plugins.yaml'), 'plugins:\n  org:\n    plugins: []\n');
  writeFileSync(join(dir, 'hmac'), "'*':\n  - value: cli-secret\n    created_at: 2026-01-01T00:00:00Z\n");
  writeFileSync(join(dir, 'token'), 'ghp_not_used\n');
}

describe('prow hook (CLI)', () => {
  it('serves, stores a signed delivery, and exits 0 on SIGTERM', { timeout: 90_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-hook-cli-'));
    files(dir);
    let child: ChildProcess | undefined;
    t.after(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    child = spawn(process.execPath, [
      prow, 'hook', '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'),
      '--hmac-secret-file', join(dir, 'hmac'), '--github-token-path', join(dir, 'token'), '--dry-run=true',
      '--port', '0', '--health-port', '0', '--metrics-port', '0', '--data-dir', join(dir, 'data'),
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exit = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const serving = await new Promise<{ port: number; health_port: number; metrics_port: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "hook serving" line')), 45_000);
      const rl = createInterface({ input: child!.stdout! });
      rl.on('line', (line) => {
        const rec = JSON.parse(line) as { msg: string; port: number; health_port: number; metrics_port: number };
        if (rec.msg === 'hook serving') {
          clearTimeout(timer);
          resolve(rec);
        }
      });
    });
    const body = JSON.stringify(issueCommentPayload({ body: '/hold' }));
    const res = await fetch(`http://127.0.0.1:${serving.port}/hook`, {
      method: 'POST', headers: webhookHeaders('issue_comment', 'cli-1', body, 'cli-secret'), body,
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Event received. Have a nice day.');
    const bad = await fetch(`http://127.0.0.1:${serving.port}/hook`, {
      method: 'POST', headers: webhookHeaders('issue_comment', 'cli-2', body, 'wrong'), body,
    });
    assert.equal(bad.status, 403);
    assert.equal((await fetch(`http://127.0.0.1:${serving.health_port}/healthz/ready`)).status, 200);
    assert.match(await (await fetch(`http://127.0.0.1:${serving.metrics_port}/metrics`)).text(), /prow_webhook_response_codes\{response_code="403"\} 1/);
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
    const store = openSqliteStore(join(dir, 'data', 'prow.db'));
    try {
      assert.equal((await store.getDelivery('cli-1'))?.status, 'done');
      assert.equal(await store.getDelivery('cli-2'), undefined);
    } finally {
      await store.close();
    }
  });

  it('refuses to start without a webhook secret, saying why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-hook-cli-'));
    try {
      files(dir);
      const env = { ...process.env };
      delete env.HMAC_SECRET_FILE;
      delete env.PROW_HMAC_SECRET;
      const r = spawnSync(process.execPath, [prow, 'hook', '--config-path', join(dir, 'config.yaml'), '--github-token-path', join(dir, 'token'), '--data-dir', join(dir, 'data')], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /prow hook: hook needs a webhook secret: --hmac-secret-file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

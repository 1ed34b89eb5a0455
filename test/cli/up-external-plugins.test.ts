// `prow up` runs needs-rebase itself when plugins.yaml points it at a local endpoint, and hook forwards
// webhooks to it through the durable queue: a PR that starts conflicting gets the label from the event.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { webhookHeaders } from '../../src/github/webhook-sign.js';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';

const REPO = 'org/repo';
const SECRET = 'up-external-secret';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('prow up with needs-rebase at a local endpoint', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-up-external-'));
  let fake: FakeGitHub;
  before(async () => {
    fake = await startFakeGitHub({
      seed: {
        users: ['alice'],
        repos: [{ repo: REPO, defaultBranch: 'main', files: { 'a.txt': 'one\n' }, labels: ['needs-rebase'] }],
        pulls: [{ repo: REPO, number: 1, author: 'alice', title: 'change a', files: { 'a.txt': 'two\n' } }],
      },
    });
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts it, lists its help, and labels a PR that became unmergeable', async (t) => {
    const pluginPort = await freePort();
    const hookPort = await freePort();
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: default\n');
    writeFileSync(join(dir, 'plugins.yaml'), [
      'external_plugins:',
      '  org/repo:',
      '  - name: needs-rebase',
      `    endpoint: http://127.0.0.1:${pluginPort}`,
      '    events: [pull_request, issue_comment]',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'hmac'), `${SECRET}\n`);
    writeFileSync(join(dir, 'token'), 'token\n');
    const up = spawnCli(process.execPath, commandArgs('up',
      '--data-dir', join(dir, 'data'), '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'),
      '--hook-port', String(hookPort), '--deck-port', '0', '--hmac-secret-file', join(dir, 'hmac'),
      '--github-token-path', join(dir, 'token'), '--github-endpoint', fake.url), { name: 'up', env: { ...process.env, LOG_LEVEL: 'info' } });
    t.after(() => up.kill());
    await up.waitFor(/Periodic update complete/, 'the first needs-rebase scan', 120_000);
    assert.deepEqual(fake.labels(REPO, 1), [], 'mergeable at start');

    const help = await fetch(`http://127.0.0.1:${hookPort}/plugin-help`);
    const json = (await help.json()) as { ExternalPluginHelp: Record<string, { Description: string }> };
    assert.match(json.ExternalPluginHelp['needs-rebase']?.Description ?? '', /needs-rebase/);

    await fake.pushToBranch(REPO, 'main', { 'a.txt': 'three\n' });
    const pr = await (await fetch(`${fake.url}/repos/${REPO}/pulls/1`, { headers: { authorization: 'token token' } })).json() as Record<string, unknown>;
    const body = JSON.stringify({ action: 'synchronize', number: 1, pull_request: pr, repository: (pr.base as { repo: unknown }).repo, sender: { login: 'alice' } });
    const res = await fetch(`http://127.0.0.1:${hookPort}/hook`, { method: 'POST', body, headers: webhookHeaders({ event: 'pull_request', body, secret: SECRET, deliveryId: 'up-ext-1' }) });
    assert.equal(res.status, 200);
    await up.waitUntil(() => fake.labels(REPO, 1).includes('needs-rebase'), 'the needs-rebase label', 120_000);
    assert.equal(await up.stop(), 0);
  });
});

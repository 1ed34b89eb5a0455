// `prow cherrypicker` as a process, and `prow up` running it at a local endpoint with hook forwarding to it:
// a signed `/cherrypick` comment on a merged PR opens the cherry-pick PR on the fake GitHub.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { webhookHeaders } from '../../src/github/webhook-sign.js';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';

const REPO = 'org/repo';
const SECRET = 'cherrypicker-secret';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function commentBody(): string {
  return JSON.stringify({
    action: 'created', issue: { number: 1, state: 'closed', pull_request: {} },
    comment: { id: 7, body: '/cherrypick release-1.0', user: { login: 'alice' }, html_url: `https://github.com/${REPO}/pull/1#issuecomment-7` },
    repository: { name: 'repo', full_name: REPO, owner: { login: 'org' } }, sender: { login: 'alice' },
  });
}

describe('prow cherrypicker', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-cherrypicker-'));
  let fake: FakeGitHub;
  before(async () => {
    fake = await startFakeGitHub();
    writeFileSync(join(dir, 'hmac'), `${SECRET}\n`);
    writeFileSync(join(dir, 'token'), 'token\n');
  });
  beforeEach(async () => {
    await fake.reset({
      orgs: { org: { members: ['alice'] } },
      users: ['alice'],
      repos: [{ repo: REPO, defaultBranch: 'main', files: { 'a.txt': 'one\n' }, branches: { 'release-1.0': { 'r.txt': 'r\n' } } }],
      pulls: [{ repo: REPO, number: 1, author: 'alice', title: 'Fix it', files: { 'a.txt': 'two\n' } }],
    });
    const res = await fetch(`${fake.url}/repos/${REPO}/pulls/1/merge`, { method: 'PUT', headers: { authorization: 'token token' }, body: '{}' });
    assert.equal(res.status, 200);
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad signature, answers /help, and opens the cherry-pick for a signed comment', async (t) => {
    const port = await freePort();
    const cp = spawnCli(process.execPath, commandArgs('cherrypicker',
      '--port', String(port), '--health-port', '0', '--metrics-port', '0', '--hmac-secret-file', join(dir, 'hmac'),
      '--github-token-path', join(dir, 'token'), '--github-endpoint', fake.url, '--dry-run=false', '--labels', 'cherry-pick-approved'), { name: 'cherrypicker' });
    t.after(() => cp.kill());
    await cp.waitFor(/cherrypick serving/, 'the server', 60_000);
    const body = commentBody();
    const bad = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: webhookHeaders({ event: 'issue_comment', body, secret: 'wrong', deliveryId: 'cp-0' }) });
    assert.equal(bad.status, 403);
    const help = await fetch(`http://127.0.0.1:${port}/help`, { method: 'POST', body: JSON.stringify([REPO]) });
    const json = (await help.json()) as { Commands: { Usage: string }[] };
    assert.equal(json.Commands[0]?.Usage, '/cherrypick [branch]');
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: webhookHeaders({ event: 'issue_comment', body, secret: SECRET, deliveryId: 'cp-1' }) });
    assert.equal(ok.status, 200);
    await cp.waitUntil(() => fake.issue(REPO, 2)?.pull, 'the cherry-pick PR', 120_000);
    assert.equal(fake.issue(REPO, 2)?.title, '[release-1.0] Fix it');
    await cp.waitUntil(() => fake.labels(REPO, 2).includes('cherry-pick-approved'), 'the --labels label', 60_000);
    assert.equal(await cp.stop(), 0);
  });

  it('exits non-zero naming the flag on an unreadable --hmac-secret-file', async () => {
    const cp = spawnCli(process.execPath, commandArgs('cherrypicker', '--hmac-secret-file', join(dir, 'missing'), '--github-token-path', join(dir, 'token')), { name: 'cherrypicker' });
    assert.equal(await cp.exited(60_000), 1);
    assert.match(cp.stderr(), /--hmac-secret-file/);
  });

  it('refuses GitHub App auth at start, naming the flag', async () => {
    const cp = spawnCli(process.execPath, commandArgs('cherrypicker', '--hmac-secret-file', join(dir, 'hmac'), '--github-app-id', '1', '--github-app-private-key-path', join(dir, 'token')), { name: 'cherrypicker' });
    assert.equal(await cp.exited(60_000), 1);
    assert.match(cp.stderr(), /--github-app-id\/--github-app-private-key-path: .*only --github-token-path/);
  });

  it('runs under prow up when plugins.yaml points it at a local endpoint, fed by hook', async (t) => {
    const pluginPort = await freePort();
    const hookPort = await freePort();
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: default\n');
    writeFileSync(join(dir, 'plugins.yaml'), [
      'external_plugins:',
      '  org/repo:',
      '  - name: cherrypicker',
      `    endpoint: http://127.0.0.1:${pluginPort}`,
      '    events: [issue_comment, pull_request]',
      '',
    ].join('\n'));
    const up = spawnCli(process.execPath, commandArgs('up',
      '--data-dir', join(dir, 'data'), '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'),
      '--hook-port', String(hookPort), '--deck-port', '0', '--hmac-secret-file', join(dir, 'hmac'),
      '--github-token-path', join(dir, 'token'), '--github-endpoint', fake.url), { name: 'up', env: { ...process.env, LOG_LEVEL: 'info' } });
    t.after(() => up.kill());
    await up.waitFor(/cherrypick serving/, 'the cherrypicker', 120_000);
    const help = await (await up.waitUntil(async () => {
      const res = await fetch(`http://127.0.0.1:${hookPort}/plugin-help`).catch(() => undefined);
      return res?.ok ? res : undefined;
    }, 'hook', 60_000)).json() as { ExternalPluginHelp: Record<string, { Description: string }> };
    assert.match(help.ExternalPluginHelp['cherrypicker']?.Description ?? '', /cherrypicking PRs across branches/);
    const body = commentBody();
    const res = await fetch(`http://127.0.0.1:${hookPort}/hook`, { method: 'POST', body, headers: webhookHeaders({ event: 'issue_comment', body, secret: SECRET, deliveryId: 'up-cp-1' }) });
    assert.equal(res.status, 200);
    await up.waitUntil(() => fake.issue(REPO, 2)?.pull, 'the cherry-pick PR', 120_000);
    assert.equal(fake.issue(REPO, 2)?.title, '[release-1.0] Fix it');
    assert.equal(await up.stop(), 0);
  });
});

// `prow hook --bugzilla-endpoint --bugzilla-api-key-path` end to end: the real process against the fake
// GitHub and a fake Bugzilla; a signed `/bugzilla refresh` webhook gets the PR labelled and answered, and
// the bug moved to state_after_validation and linked to the PR.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startFakeGitHub } from '../../src/github/fake/server.js';
import { webhookHeaders } from '../hook/support/helpers.js';
import { BOT, REPO, commentDelivery, seed } from '../plugins/shared/fixtures.js';
import { startFakeBugzilla } from '../support/fake-bugzilla.js';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';
import { waitFor } from '../support/wait.js';

describe('prow hook with --bugzilla-endpoint', () => {
  it('validates the bug of a PR on /bugzilla refresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-bugzilla-hook-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const gh = await startFakeGitHub();
    after(() => gh.close());
    const bz = await startFakeBugzilla();
    after(() => bz.close());
    await gh.reset(seed({ isPR: true, title: 'Bug 42: fix the thing', repoLabels: ['bugzilla/valid-bug', 'bugzilla/severity-high'] }));
    bz.reset([{ id: 42, status: 'NEW', severity: 'high' }]);
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: prow\n');
    writeFileSync(join(dir, 'plugins.yaml'), "plugins:\n  org:\n    plugins: [bugzilla]\nbugzilla:\n  default:\n    '*': {state_after_validation: {status: POST}, add_external_link: true}\n");
    writeFileSync(join(dir, 'hmac'), 'secret\n');
    writeFileSync(join(dir, 'token'), 'token\n');
    writeFileSync(join(dir, 'bz-key'), `${bz.apiKey}\n`);

    const cli = spawnCli(process.execPath, commandArgs('hook',
      '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'), '--hmac-secret-file', join(dir, 'hmac'),
      '--github-token-path', join(dir, 'token'), '--github-endpoint', gh.url, '--dry-run=false', '--port', '0', '--health-port', '0', '--metrics-port', '0',
      '--data-dir', join(dir, 'data'), '--bugzilla-endpoint', bz.url, '--bugzilla-api-key-path', join(dir, 'bz-key')), { name: 'hook' });
    after(() => cli.kill());
    const serving = await cli.waitForLog('hook serving', 60_000);

    const d = await commentDelivery(gh, 'alice', '/bugzilla refresh', { post: true });
    const body = JSON.stringify(d.payload);
    const res = await fetch(`http://127.0.0.1:${String(serving.port)}/hook`, { method: 'POST', headers: webhookHeaders(d.type, d.id, body, 'secret'), body });
    assert.equal(res.status, 200, await res.text());

    const reply = await waitFor(() => gh.comments(REPO, 1).find((c) => c.user === BOT)?.body, { timeoutMs: 60_000, message: 'the bot replies' });
    assert.match(reply, /references \[Bugzilla bug 42\]\(http:\/\/127\.0\.0\.1:\d+\/show_bug\.cgi\?id=42\), which is valid\. The bug has been moved to the POST state\. The bug has been updated to refer to the pull request/);
    assert.deepEqual(gh.labels(REPO, 1).sort(), ['bugzilla/severity-high', 'bugzilla/valid-bug']);
    assert.equal(bz.bugs.get(42)?.status, 'POST');
    assert.deepEqual(bz.bugs.get(42)?.external, ['org/repo/pull/1']);
    assert.doesNotMatch(cli.output(), new RegExp(bz.apiKey), 'the API key is never logged');
    await cli.stop();
  });
});

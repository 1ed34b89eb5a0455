// prow hook's Jira flags (upstream pkg/flagutil/jira.go): bad combinations and unreadable secret files stop
// hook before it serves, with upstream's wording; jira enabled without --jira-endpoint is said at start-up.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'prow-tracker-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: prow\n');
writeFileSync(join(dir, 'plugins.yaml'), 'plugins:\n  org:\n    plugins: [jira]\n');
writeFileSync(join(dir, 'hmac'), 'secret\n');
writeFileSync(join(dir, 'token'), 'token\n');

function hook(...flags: string[]) {
  return spawnCli(process.execPath, commandArgs('hook',
    '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'), '--hmac-secret-file', join(dir, 'hmac'),
    '--github-token-path', join(dir, 'token'), '--github-endpoint', 'http://127.0.0.1:9', '--port', '0', '--health-port', '0', '--metrics-port', '0',
    '--data-dir', join(dir, 'data'), ...flags), { name: 'hook' });
}

describe('prow hook --jira-*', () => {
  const cases: { name: string; flags: string[]; want: RegExp }[] = [
    { name: 'an endpoint that is not a URL', flags: ['--jira-endpoint', 'not a url'], want: /--jira-endpoint "not a url" is invalid/ },
    { name: 'a username without a password file', flags: ['--jira-endpoint', 'https://jira.example.com', '--jira-username', 'bot'], want: /--jira-username and --jira-password-file must be specified together/ },
    { name: 'a token file that does not exist', flags: ['--jira-endpoint', 'https://jira.example.com', '--jira-bearer-token-file', join(dir, 'missing')], want: /ENOENT.*missing/ },
  ];
  for (const c of cases) {
    it(`stops before serving: ${c.name}`, async () => {
      const cli = hook(...c.flags);
      after(() => cli.kill());
      assert.equal(await cli.exited(), 1);
      assert.match(cli.stderr(), c.want);
      assert.doesNotMatch(cli.output(), /hook serving/);
    });
  }

  it('says at start-up that jira is enabled without --jira-endpoint', async () => {
    const cli = hook();
    after(() => cli.kill());
    const rec = await cli.waitForLog('the jira plugin is enabled but there is no --jira-endpoint: its events will fail', 60_000);
    assert.deepEqual(rec.enabled_for, ['org']);
    await cli.stop();
  });

  it('prow up takes the same flags and stops on a bad one', async () => {
    const cli = spawnCli(process.execPath, commandArgs('up',
      '--data-dir', join(dir, 'up-data'), '--plugin-config', join(dir, 'plugins.yaml'), '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0',
      '--jira-endpoint', 'not a url'), { name: 'up' });
    after(() => cli.kill());
    assert.equal(await cli.exited(60_000), 1);
    assert.match(cli.stderr(), /--jira-endpoint "not a url" is invalid/);
  });
});

describe('prow hook --bugzilla-*', () => {
  writeFileSync(join(dir, 'plugins-bz.yaml'), 'plugins:\n  org:\n    plugins: [bugzilla]\n');
  const bzHook = (...flags: string[]) => hook('--plugin-config', join(dir, 'plugins-bz.yaml'), ...flags);
  const cases: { name: string; flags: string[]; want: RegExp }[] = [
    { name: 'an endpoint that is not a URL', flags: ['--bugzilla-endpoint', 'not a url'], want: /invalid --bugzilla-endpoint URI: "not a url"/ },
    { name: 'an unknown auth method', flags: ['--bugzilla-endpoint', 'https://bz.example.com', '--bugzilla-auth-method', 'basic'], want: /Valid values are bearer,query or x-bugzilla-api-key/ },
    { name: 'an API key file that does not exist', flags: ['--bugzilla-endpoint', 'https://bz.example.com', '--bugzilla-api-key-path', join(dir, 'missing')], want: /ENOENT.*missing/ },
  ];
  for (const c of cases) {
    it(`stops before serving: ${c.name}`, async () => {
      const cli = bzHook(...c.flags);
      after(() => cli.kill());
      assert.equal(await cli.exited(60_000), 1);
      assert.match(cli.stderr(), c.want);
    });
  }

  it('says at start-up that bugzilla is enabled without --bugzilla-endpoint', async () => {
    const cli = bzHook();
    after(() => cli.kill());
    const rec = await cli.waitForLog('the bugzilla plugin is enabled but there is no --bugzilla-endpoint: its events will fail', 60_000);
    assert.deepEqual(rec.enabled_for, ['org']);
    await cli.stop();
  });

  it('prow up takes the bugzilla flags too', async () => {
    const cli = spawnCli(process.execPath, commandArgs('up',
      '--data-dir', join(dir, 'up-bz-data'), '--plugin-config', join(dir, 'plugins-bz.yaml'), '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0',
      '--bugzilla-endpoint', 'not a url'), { name: 'up' });
    after(() => cli.kill());
    assert.equal(await cli.exited(60_000), 1);
    assert.match(cli.stderr(), /invalid --bugzilla-endpoint URI/);
  });
});

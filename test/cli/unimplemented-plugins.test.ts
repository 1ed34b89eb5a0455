// hook and `prow up` refuse to start when plugins.yaml enables an upstream plugin this build lacks, with the
// same file:line message checkconfig prints (issue 13 item 5: nothing enabled does nothing, silently).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KNOWN_PLUGIN_NAMES } from '../../src/config/plugins.js';
import { builtinPluginNames } from '../../src/plugins/registry.js';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'prow-unimplemented-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const missing = KNOWN_PLUGIN_NAMES.find((n) => !builtinPluginNames().includes(n));

describe('an enabled plugin this build does not implement', { skip: missing === undefined ? 'every upstream plugin is implemented' : false }, () => {
  const plugins = join(dir, 'plugins.yaml');
  writeFileSync(plugins, `plugins:\n  org:\n    plugins:\n    - hold\n    - ${missing}\n`);
  writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: prow\n');
  writeFileSync(join(dir, 'hmac'), 'secret\n');
  writeFileSync(join(dir, 'token'), 'token\n');
  const want = new RegExp(`plugins\\.yaml:5: plugins\\["org"\\]\\.plugins\\[1\\]: plugin "${missing}" is an upstream plugin this Prow does not implement yet`);

  it('stops prow hook before it serves', async () => {
    const cli = spawnCli(process.execPath, commandArgs('hook',
      '--config-path', join(dir, 'config.yaml'), '--plugin-config', plugins, '--hmac-secret-file', join(dir, 'hmac'),
      '--github-token-path', join(dir, 'token'), '--github-endpoint', 'http://127.0.0.1:9', '--port', '0', '--health-port', '0', '--metrics-port', '0', '--data-dir', join(dir, 'hook-data')), { name: 'hook' });
    after(() => cli.kill());
    assert.equal(await cli.exited(), 1);
    assert.match(cli.stderr(), want);
    assert.doesNotMatch(cli.output(), /hook serving/);
  });

  it('stops prow up before it serves', async () => {
    const cli = spawnCli(process.execPath, commandArgs('up',
      '--data-dir', join(dir, 'up-data'), '--plugin-config', plugins,
      '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0'), { name: 'up' });
    after(() => cli.kill());
    assert.equal(await cli.exited(), 1);
    assert.match(cli.stderr(), want);
  });
});

// docs/deploy.md's "Changing configuration": re-applying the `config` ConfigMap changes no pod; the kubelet
// swaps the mounted files and the components reload them. The kubelet updates a ConfigMap volume with its
// atomic writer (a new timestamped directory, then the `..data` symlink renamed over the old one; the
// file names are symlinks through `..data`): this test makes those same moves under a component's
// config agent, as it watches deploy/config/config.yaml mounted at /etc/config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigAgent } from '../../src/config/agent.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { waitFor } from '../support/wait.js';
import { DEPLOY_DIR } from './support/manifests.js';

/** One kubelet ConfigMap volume update: the new contents in a fresh directory, then `..data` switched to it. */
function writeConfigMapVolume(mount: string, version: number, files: Record<string, string>, previous?: string): string {
  const dir = `..2026_12_07_00_00_0${version}.${version}`;
  mkdirSync(join(mount, dir));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(mount, dir, name), text);
  symlinkSync(dir, join(mount, '..data_tmp'));
  renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
  for (const name of Object.keys(files)) {
    try {
      symlinkSync(join('..data', name), join(mount, name));
    } catch {
      // the file's link already points through ..data
    }
  }
  if (previous) rmSync(join(mount, previous), { recursive: true });
  return dir;
}

describe('the config ConfigMap, updated in place', () => {
  it('reaches a running component through its mount; a bad update keeps the last good config', async (t) => {
    const mount = mkdtempSync(join(tmpdir(), 'configmap-mount-'));
    t.after(() => rmSync(mount, { recursive: true, force: true }));
    const original = readFileSync(join(DEPLOY_DIR, 'config', 'config.yaml'), 'utf8');
    assert.match(original, /^log_level: info$/m);
    let current = writeConfigMapVolume(mount, 1, { 'config.yaml': original });
    const agent = await loadConfigAgent({ configPath: join(mount, 'config.yaml'), log: createSilentLogger(), debounceMs: 50, pollIntervalMs: 100 });
    t.after(() => agent.close());
    assert.equal(agent.current().config.log_level, 'info');

    current = writeConfigMapVolume(mount, 2, { 'config.yaml': original.replace(/^log_level: info$/m, 'log_level: debug') }, current);
    await waitFor(() => agent.current().config.log_level === 'debug', { timeoutMs: 60_000, message: 'the edited ConfigMap to be loaded' });

    writeConfigMapVolume(mount, 3, { 'config.yaml': `${original.replace(/^log_level: info$/m, 'log_level: warn')}\nsinker: [not, a, map]\n` }, current);
    assert.equal(await agent.reload(), false, "the bad update is refused");
    assert.equal(agent.current().config.log_level, 'debug', 'the last good config stays');
  });
});

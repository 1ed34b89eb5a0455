// `prow up --executor kubernetes`: pods need build clusters, and the command says so instead of starting
// with local processes behind the operator's back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnProw } from '../../support/spawn-cli.js';

describe('prow up --executor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'up-executor-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('kubernetes without a kubeconfig is refused, naming what is missing', async () => {
    const up = spawnProw(['up', '--data-dir', dir, '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0', '--executor', 'kubernetes']);
    assert.notEqual(await up.exited(60_000), 0);
    assert.match(up.output(), /--executor kubernetes needs build clusters: pass --kubeconfig or --kubeconfig-dir/);
  });

  it('an unknown executor is refused with the choices', async () => {
    const up = spawnProw(['up', '--data-dir', dir, '--executor', 'pods']);
    assert.notEqual(await up.exited(60_000), 0);
    assert.match(up.output(), /Allowed choices are local, kubernetes/);
  });
});

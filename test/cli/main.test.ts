import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const run = promisify(execFile);

describe('bin/prow', () => {
  it('lists its subcommands in --help', async () => {
    const { stdout } = await run('node', ['bin/prow', '--help']);
    assert.match(stdout, /Usage: prow/);
    assert.match(stdout, /\bup\b/);
  });

  it('exits non-zero on an unknown subcommand', async () => {
    await assert.rejects(run('node', ['bin/prow', 'no-such-thing']), (err: { code?: number; stderr?: string }) => {
      assert.notEqual(err.code, 0);
      assert.match(err.stderr ?? '', /unknown command/);
      return true;
    });
  });
});

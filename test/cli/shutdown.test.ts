import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { runCloseSteps } from '../../src/cli/support/shutdown.js';
import { createLogger } from '../../src/observability/logger.js';

function capture(): { log: ReturnType<typeof createLogger>; lines: () => string } {
  let out = '';
  const destination = new Writable({ write(chunk, _enc, done) { out += String(chunk); done(); } });
  return { log: createLogger({ destination, level: 'error' }), lines: () => out };
}

describe('runCloseSteps', () => {
  it('runs every step in order, logs a failure and still runs the rest', async () => {
    const { log, lines } = capture();
    const ran: string[] = [];
    const ok = await runCloseSteps([
      () => ran.push('a'),
      async () => { ran.push('b'); throw new Error('store busy'); },
      async () => { ran.push('c'); },
    ], log);
    assert.equal(ok, false);
    assert.deepEqual(ran, ['a', 'b', 'c']);
    assert.match(lines(), /shutdown step failed/);
    assert.match(lines(), /store busy/);
  });

  it('resolves true when every step succeeds', async () => {
    const { log, lines } = capture();
    assert.equal(await runCloseSteps([() => undefined, async () => undefined], log), true);
    assert.equal(lines(), '');
  });
});

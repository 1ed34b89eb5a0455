// The process logger's level: config.yaml's log_level at start and after a reload, unless LOG_LEVEL overrides.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfigAgent } from '../../src/config/agent.js';
import { followConfigLogLevel } from '../../src/cli/support/logging.js';
import { createLogger, createSilentLogger } from '../../src/observability/logger.js';

function capture() {
  const msgs: string[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => {
    for (const l of chunk.toString().split('\n').filter(Boolean)) msgs.push((JSON.parse(l) as { msg: string }).msg);
  });
  return { root: createLogger({ destination, level: 'info', format: 'json' }), msgs };
}
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('followConfigLogLevel', () => {
  it('applies config.yaml log_level at start and after every reload', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'log-level-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, 'log_level: debug\n');
    const agent = await loadConfigAgent({ configPath, log: createSilentLogger(), watch: false });
    t.after(() => agent.close());
    const { root, msgs } = capture();
    const log = root.child({ component: 'hook' });
    followConfigLogLevel(root, agent, {});
    log.debug('debug at start');

    writeFileSync(configPath, 'log_level: warning\n# changed\n');
    assert.equal(await agent.reload(), true);
    log.info('info after the reload');
    log.warn('warning after the reload');

    writeFileSync(configPath, 'log_level: trace\n');
    assert.equal(await agent.reload(), true);
    log.trace('trace after the second reload');
    await flush();
    assert.deepEqual(msgs, ['debug at start', 'warning after the reload', 'trace after the second reload']);
  });

  it('leaves the level alone when LOG_LEVEL is set', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'log-level-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, 'log_level: error\n');
    const agent = await loadConfigAgent({ configPath, log: createSilentLogger(), watch: false });
    t.after(() => agent.close());
    const { root, msgs } = capture();
    followConfigLogLevel(root, agent, { LOG_LEVEL: 'info' });
    root.info('still at info');
    await flush();
    assert.deepEqual(msgs, ['still at info']);
  });
});

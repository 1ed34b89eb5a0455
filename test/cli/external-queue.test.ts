// The external-plugin forward queue of `prow hook` / `prow up`: <data-dir>/external-plugins.db, keeping rows
// across reopenings and pruning delivered ones older than a week.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openExternalPluginQueue } from '../../src/cli/support/external-queue.js';
import { createSilentLogger } from '../../src/observability/logger.js';

describe('external plugin queue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-external-queue-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps queued rows and prunes delivered ones older than a week when opened', async () => {
    const first = openExternalPluginQueue(dir, createSilentLogger());
    const old = new Date(Date.now() - 8 * 24 * 3600_000).toISOString();
    await first.queue.enqueueDelivery({ id: 'p/old', event: 'ping', payload: '{}', receivedAt: old });
    await first.queue.enqueueDelivery({ id: 'p/waiting', event: 'ping', payload: '{}', receivedAt: old });
    await first.queue.enqueueDelivery({ id: 'p/recent', event: 'ping', payload: '{}', receivedAt: new Date().toISOString() });
    const claimed = await first.queue.claimDeliveries(10);
    for (const d of claimed.filter((c) => c.id !== 'p/waiting')) await first.queue.completeDelivery(d.id);
    await first.queue.retryDelivery('p/waiting', 'connection refused', undefined);
    await first.close();

    const second = openExternalPluginQueue(dir, createSilentLogger());
    assert.equal(await second.queue.getDelivery('p/old'), undefined);
    assert.equal((await second.queue.getDelivery('p/recent'))?.status, 'done');
    assert.equal((await second.queue.getDelivery('p/waiting'))?.status, 'queued');
    await second.close();
  });
});

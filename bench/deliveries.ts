// The webhook delivery queue: enqueue N deliveries over few order keys and over N distinct keys, then
// claim and complete them all in batches of 16, as hook's dispatcher does. Prints claims/s and the mean
// latency of one claimDeliveries call; asserts nothing.
// Run: node --import tsx bench/deliveries.ts [count]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../src/store/sqlite/store.js';

const count = Number(process.argv[2] ?? 3000);
const BATCH = 16;

async function run(label: string, keys: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-deliveries-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  try {
    const payload = JSON.stringify({ action: 'created', comment: { body: '/lgtm' } });
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      await store.enqueueDelivery({
        id: `d-${i}`, event: 'issue_comment', payload, receivedAt: new Date().toISOString(), orderKey: `org/repo#${i % keys}`,
      });
    }
    const enqueueMs = performance.now() - t0;
    let claimed = 0;
    let calls = 0;
    let claimMs = 0;
    const t1 = performance.now();
    for (;;) {
      const c0 = performance.now();
      const batch = await store.claimDeliveries(BATCH);
      claimMs += performance.now() - c0;
      calls++;
      if (batch.length === 0) break;
      claimed += batch.length;
      for (const d of batch) await store.completeDelivery(d.id);
    }
    const totalMs = performance.now() - t1;
    if (claimed !== count) throw new Error(`${label}: claimed ${claimed} of ${count}`);
    console.log(`${label}: enqueue ${(count / (enqueueMs / 1000)).toFixed(0)}/s; ` +
      `claim+complete ${(claimed / (totalMs / 1000)).toFixed(0)} deliveries/s; ` +
      `${calls} claim calls, mean ${(claimMs / calls).toFixed(3)} ms per claim`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(`${count} deliveries over 5 keys`, 5);
await run(`${count} deliveries over ${count} keys`, count);

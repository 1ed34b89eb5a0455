import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/store/workqueue.js';

describe('WorkQueue', () => {
  it('works a key added many times once', async () => {
    const q = new WorkQueue<string>();
    q.add('a');
    q.add('a');
    q.add('b');
    assert.equal(q.length, 2);
    const seen: string[] = [];
    const running = q.run(1, async (k) => {
      seen.push(k);
      if (seen.length === 2) q.shutDown();
    });
    await running;
    assert.deepEqual(seen, ['a', 'b']);
  });

  it('never hands a key being worked to a second worker, and reruns it when added meanwhile', async () => {
    const q = new WorkQueue<string>();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    const firstStarted = new Promise<void>((r) => (release = r));
    const running = q.run(3, async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      if (runs === 1) {
        release();
        await new Promise((r) => setTimeout(r, 20));
      }
      active--;
      if (runs === 2) q.shutDown();
    });
    q.add('k');
    await firstStarted;
    q.add('k'); // while it is being worked
    q.add('k');
    await running;
    assert.equal(maxActive, 1);
    assert.equal(runs, 2);
  });

  it('requeues a failing key with growing back-off and forgets it after a success', async () => {
    const q = new WorkQueue<string>({ baseDelayMs: 1, maxDelayMs: 4 });
    const errors: unknown[] = [];
    let calls = 0;
    const running = q.run(
      1,
      async () => {
        calls++;
        if (calls < 4) throw new Error(`fail ${calls}`);
        q.shutDown();
      },
      (_k, err) => errors.push(err),
    );
    q.add('x');
    await running;
    assert.equal(calls, 4);
    assert.equal(errors.length, 3);
    assert.equal(q.numRequeues('x'), 0);
  });

  it('counts requeues until forgotten', () => {
    const q = new WorkQueue<string>({ baseDelayMs: 1000 });
    q.addRateLimited('y');
    q.addRateLimited('y');
    assert.equal(q.numRequeues('y'), 2);
    q.forget('y');
    assert.equal(q.numRequeues('y'), 0);
    q.shutDown();
  });
});

describe('WorkQueue.addAfter', () => {
  it('keeps the earliest deadline of several waits for one key', async () => {
    const q = new WorkQueue<string>();
    q.addAfter('k', 60_000);
    q.addAfter('k', 5); // sooner: replaces the long wait
    q.addAfter('k', 30_000); // later: ignored
    const started = Date.now();
    const key = await q.get();
    assert.equal(key, 'k');
    assert.ok(Date.now() - started < 30_000);
    q.shutDown();
  });
});

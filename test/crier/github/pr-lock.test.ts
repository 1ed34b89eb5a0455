import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyedLock } from '../../../src/crier/github/pr-lock.js';

describe('per-PR lock', () => {
  it('runs work on one key one at a time, in order, and other keys alongside; a failure releases the key', async () => {
    const lock = createKeyedLock();
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    const task = (key: string, id: string) =>
      lock(key, async () => {
        events.push(`${id}+`);
        await new Promise<void>((resolve) => gates.set(id, resolve));
        events.push(`${id}-`);
        if (id === 'a1') throw new Error('a1 failed');
        return id;
      });
    const a1 = task('o/r#1', 'a1');
    const a2 = task('o/r#1', 'a2');
    const b1 = task('o/r#2', 'b1');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['a1+', 'b1+'], 'a2 waits for a1; b1 does not');
    gates.get('a1')!();
    await assert.rejects(a1, /a1 failed/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['a1+', 'b1+', 'a1-', 'a2+']);
    gates.get('a2')!();
    gates.get('b1')!();
    assert.deepEqual(await Promise.all([a2, b1]), ['a2', 'b1']);
  });
});

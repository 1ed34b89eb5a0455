import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeSliced } from '../../src/api/time-slice.js';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy */ }
}

describe('time-sliced passes', () => {
  it('take turns: one slice per turn of the event loop, with timers running between any two slices', async () => {
    const events: string[] = [];
    let ticking = true;
    const tick = (): void => {
      events.push('tick');
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const pass = (id: string) => timeSliced(Array.from({ length: 12 }, (_, i) => i), () => {
      events.push(id);
      spin(3); // about three items a slice
    });
    await Promise.all([pass('a'), pass('b'), pass('c')]);
    ticking = false;

    const runs: string[][] = [[]];
    for (const e of events) {
      if (e === 'tick') runs.push([]);
      else runs.at(-1)!.push(e);
    }
    // The first slice of each pass runs as it is called, before any timer: the caller's own turn.
    assert.deepEqual(new Set(runs[0]), new Set(['a', 'b', 'c']));
    const mixed = runs.slice(1).filter((r) => new Set(r).size > 1);
    assert.deepEqual(mixed, [], `between two timer callbacks only one pass ran: ${JSON.stringify(runs.filter((r) => r.length > 0))}`);
    assert.ok(runs.filter((r) => r.length > 0).length >= 9, 'each pass needed several slices');
  });
});

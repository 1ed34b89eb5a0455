// src/go/rand.ts against numbers printed by Go 1.19's math/rand (go run, `rand.New(rand.NewSource(seed))`).
// The expectations are Go's output, written down here; none is computed by the code under test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoRand } from '../../src/go/rand.js';

describe('GoRand (Go math/rand)', () => {
  it('Int63 for seed 1', () => {
    const r = new GoRand(1);
    assert.deepEqual([r.int63(), r.int63(), r.int63()], [5577006791947779410n, 8674665223082153551n, 6129484611666145821n]);
  });

  it('Intn(100) for seed 42', () => {
    const r = new GoRand(42);
    assert.deepEqual(Array.from({ length: 10 }, () => r.intn(100)), [5, 87, 68, 50, 23, 45, 57, 76, 28, 43]);
  });

  const perms: Array<[number, number[]]> = [
    [0, [8, 2, 3, 0, 5, 7, 1, 6, 9, 4]], // 0 seeds as 89482311
    [1, [9, 4, 2, 6, 8, 0, 3, 1, 7, 5]],
    [5, [3, 2, 4, 1, 9, 7, 0, 8, 6, 5]],
    [1234, [8, 6, 2, 7, 9, 3, 1, 0, 4, 5]],
    [-7, [3, 2, 7, 4, 8, 1, 9, 0, 6, 5]],
    [2147483647, [8, 2, 3, 0, 5, 7, 1, 6, 9, 4]], // ≡ 0 mod 2³¹−1
    [4294967299, [3, 2, 4, 1, 9, 7, 0, 8, 6, 5]], // ≡ 5 mod 2³¹−1
  ];
  for (const [seed, want] of perms) {
    it(`Perm(10) for seed ${seed}`, () => assert.deepEqual(new GoRand(seed).perm(10), want));
  }

  it('Float64 for seed 7', () => {
    const r = new GoRand(7);
    assert.deepEqual([r.float64(), r.float64()], [0.9188921592527635, 0.23150717404875204]);
  });

  it('Intn above 2³¹, Int63n and Int31n for seed 9', () => {
    const r = new GoRand(9);
    assert.deepEqual([r.intn(3000000000), r.intn(3000000000), r.int63n(1000000007n), r.int31n(1 << 20)], [161952934, 206120304, 317293398n, 685349]);
  });

  it('Uint64 for seed 11', () => assert.equal(new GoRand(11).uint64(), 10067102729548074073n));

  it('the 10000th Int63 for seed 123 (tap and feed wrap many times)', () => {
    const r = new GoRand(123);
    let v = 0n;
    for (let i = 0; i < 10000; i++) v = r.int63();
    assert.equal(v, 7733408388314401652n);
  });

  it('refuses arguments Go panics on', () => {
    assert.throws(() => new GoRand(1).intn(0), RangeError);
    assert.throws(() => new GoRand(1).int63n(-1n), RangeError);
  });
});

// Go's math/rand (the Go 1 stream, unchanged since): `rand.New(rand.NewSource(seed))` with the methods
// Prow's code calls. Upstream seeds it with a PR number where an order must be random-looking but stable
// (pkg/plugins/approve/approvers/owners.go GetShuffledApprovers: `rand.New(rand.NewSource(seed)).Perm(n)`),
// so matching upstream's output means matching Go's generator bit for bit.
//
// The source is an additive lagged Fibonacci generator over 64-bit integers, x[n] = x[n-607] + x[n-273],
// whose 607-word state is seeded by XORing a Lehmer (Park-Miller, 48271) stream into a fixed table.
import { RNG_COOKED_TEXT } from './rand-cooked.js';

const RNG_LEN = 607;
const RNG_TAP = 273;
const INT32_MAX = 2147483647;
const MASK63 = (1n << 63n) - 1n;

let cooked: BigInt64Array | undefined;
function rngCooked(): BigInt64Array {
  cooked ??= BigInt64Array.from(RNG_COOKED_TEXT.join(' ').split(' '), (s) => BigInt(s));
  return cooked;
}

/** One step of the seeding stream: x·48271 mod (2³¹−1), by Schrage's method as Go computes it. */
function seedrand(x: number): number {
  const hi = Math.trunc(x / 44488);
  const lo = x % 44488;
  let next = 48271 * lo - 3399 * hi;
  if (next < 0) next += INT32_MAX;
  return next;
}

/** Go's `rand.NewSource(seed)` wrapped in `rand.New`: the same numbers Go gives for the same seed. */
export class GoRand {
  private readonly vec = new BigInt64Array(RNG_LEN);
  private tap = 0;
  private feed = RNG_LEN - RNG_TAP;

  constructor(seed: number | bigint) {
    let s = BigInt(seed) % BigInt(INT32_MAX);
    if (s < 0n) s += BigInt(INT32_MAX);
    if (s === 0n) s = 89482311n;
    let x = Number(s);
    const table = rngCooked();
    for (let i = -20; i < RNG_LEN; i++) {
      x = seedrand(x);
      if (i >= 0) {
        let u = BigInt(x) << 40n;
        x = seedrand(x);
        u ^= BigInt(x) << 20n;
        x = seedrand(x);
        u ^= BigInt(x);
        this.vec[i] = BigInt.asIntN(64, u ^ table[i]!);
      }
    }
  }

  /** Source.Uint64: the next raw 64 bits. */
  uint64(): bigint {
    if (--this.tap < 0) this.tap += RNG_LEN;
    if (--this.feed < 0) this.feed += RNG_LEN;
    const x = BigInt.asIntN(64, this.vec[this.feed]! + this.vec[this.tap]!);
    this.vec[this.feed] = x;
    return BigInt.asUintN(64, x);
  }

  /** A non-negative 63-bit integer. */
  int63(): bigint {
    return this.uint64() & MASK63;
  }

  /** A non-negative 31-bit integer (the top 31 bits of int63). */
  int31(): number {
    return Number(this.int63() >> 32n);
  }

  /** [0, n) for 0 < n ≤ 2³¹−1, by Go's rejection of the biased top range. */
  int31n(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > INT32_MAX) throw new RangeError(`int31n: invalid argument ${n}`);
    if ((n & (n - 1)) === 0) return this.int31() & (n - 1);
    const max = INT32_MAX - (2 ** 31 % n);
    let v = this.int31();
    while (v > max) v = this.int31();
    return v % n;
  }

  /** [0, n) as an int63. */
  int63n(n: bigint): bigint {
    if (n <= 0n) throw new RangeError(`int63n: invalid argument ${n}`);
    if ((n & (n - 1n)) === 0n) return this.int63() & (n - 1n);
    const max = MASK63 - ((1n << 63n) % n);
    let v = this.int63();
    while (v > max) v = this.int63();
    return v % n;
  }

  /** Go's Intn: int31n below 2³¹, int63n above. */
  intn(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`intn: invalid argument ${n}`);
    if (n <= INT32_MAX) return this.int31n(n);
    return Number(this.int63n(BigInt(n)));
  }

  /** Go's Perm: a permutation of [0, n), built by inside-out Fisher-Yates (the i=0 step consumes a number too). */
  perm(n: number): number[] {
    const m = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const j = this.intn(i + 1);
      m[i] = m[j]!;
      m[j] = i;
    }
    return m;
  }

  /** Float64 in [0, 1), Go 1's stream (int63 / 2⁶³, resampled in the never-seen case it rounds to 1). */
  float64(): number {
    for (;;) {
      const f = Number(this.int63()) / 2 ** 63;
      if (f < 1) return f;
    }
  }
}

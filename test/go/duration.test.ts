import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DurationError, formatDuration, formatDurationNanos, parseDuration, parseDurationNanos, parseGoDurationMs } from '../../src/go/duration.js';

// Expected values from Go's time package (time_test.go parseDurationTests / durationTests).
describe('parseDuration (Go time.ParseDuration)', () => {
  const ok: Array<[string, bigint]> = [
    ['0', 0n], ['5s', 5_000_000_000n], ['30s', 30_000_000_000n], ['1478s', 1_478_000_000_000n],
    ['-5s', -5_000_000_000n], ['+5s', 5_000_000_000n], ['-0', 0n], ['+0', 0n],
    ['5.0s', 5_000_000_000n], ['5.6s', 5_600_000_000n], ['5.s', 5_000_000_000n], ['.5s', 500_000_000n],
    ['1.0s', 1_000_000_000n], ['1.00s', 1_000_000_000n], ['1.004s', 1_004_000_000n], ['1.0040s', 1_004_000_000n],
    ['100.00100s', 100_001_000_000n], ['10ns', 10n], ['11us', 11_000n], ['12µs', 12_000n], ['12μs', 12_000n],
    ['13ms', 13_000_000n], ['14s', 14_000_000_000n], ['15m', 900_000_000_000n], ['16h', 57_600_000_000_000n],
    ['3h30m', 12_600_000_000_000n], ['10.5s4m', 250_500_000_000n], ['-2m3.4s', -123_400_000_000n],
    ['1h2m3s4ms5us6ns', 3_723_004_005_006n], ['39h9m14.425s', 140_954_425_000_000n],
    ['52763797000ns', 52_763_797_000n], ['0.3333333333333333333h', 1_200_000_000_000n],
    ['9007199254740993ns', 9_007_199_254_740_993n], ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['9223372036854775.807us', 9_223_372_036_854_775_807n], ['9223372036s854ms775us807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n], ['0.100000000000000000000h', 360_000_000_000n],
    ['0.830103483285477580700h', 2_988_372_539_827n], ['168h', 604_800_000_000_000n],
  ];
  for (const [s, want] of ok) it(s, () => assert.equal(parseDurationNanos(s), want));
  const bad: Array<[string, string]> = [
    ['', 'time: invalid duration ""'], ['3', 'time: missing unit in duration "3"'], ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'], ['.', 'time: invalid duration "."'], ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'], ['+.s', 'time: invalid duration "+.s"'], ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['7d', 'time: unknown unit "d" in duration "7d"'], ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['9223372036854775.808us', 'time: invalid duration "9223372036854775.808us"'], ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
  ];
  for (const [s, msg] of bad) {
    it(`rejects ${JSON.stringify(s)}`, () => assert.throws(() => parseDurationNanos(s), (e: unknown) => e instanceof DurationError && e.message === msg));
  }
  it('returns milliseconds', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1500us'), 1.5);
  });
});

describe('formatDuration (Go Duration.String)', () => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'], [1n, '1ns'], [1100n, '1.1µs'], [2_200_000n, '2.2ms'], [3_300_000_000n, '3.3s'],
    [240_000_000_000n + 5_000_000_000n + 1n, '4m5.000000001s'], [18_000_000_000_000n + 360_000_000_000n + 5_001_000_000n, '5h6m5.001s'],
    [7_200_000_000_000n, '2h0m0s'], [900_000_000_000n, '15m0s'], [500_000_000n, '500ms'],
    [-1n, '-1ns'], [-(3_300_000_000n), '-3.3s'], [9_223_372_036_854_775_807n, '2562047h47m16.854775807s'],
    [-9_223_372_036_854_775_808n, '-2562047h47m16.854775808s'],
  ];
  for (const [ns, want] of cases) it(want, () => assert.equal(formatDurationNanos(ns), want));
  it('round-trips what parseDuration gives', () => {
    for (const s of ['90m', '1h', '180m', '24h', '168h', '15s', '1.5s']) assert.equal(formatDuration(parseDuration(s)), formatDurationNanos(parseDurationNanos(s)));
    assert.equal(formatDuration(parseDuration('90m')), '1h30m0s');
  });
});

describe('parseGoDurationMs (decoration_config timeout / grace_period)', () => {
  const cases: { name: string; value: string | number | undefined | null; want: number | undefined }[] = [
    { name: 'a Go duration string', value: '1h30m', want: 5_400_000 },
    { name: 'integer nanoseconds as a number', value: 2_000_000_000, want: 2_000 },
    { name: 'integer nanoseconds as a string', value: ' 15000000 ', want: 15 },
    { name: 'empty is unset', value: '', want: undefined },
    { name: 'null is unset', value: null, want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(parseGoDurationMs(c.value), c.want));
  it('a malformed string throws', () => assert.throws(() => parseGoDurationMs('ten minutes'), DurationError));
});

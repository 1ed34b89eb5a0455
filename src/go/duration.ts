// Go time.ParseDuration and time.Duration.String, ported for exact compatibility.
// parseDuration returns MILLISECONDS as a JS number (fractional below 1ms, e.g. 1500ns → 0.0015);
// parseDurationNanos returns exact nanoseconds as a bigint, for round-trips through formatDuration.

const MAX_INT64 = (1n << 63n) - 1n;

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek small mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's time.ParseDuration: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, e.g. "300ms", "-1.5h", "2h45m". */
export function parseDurationNanos(input: string): bigint {
  const orig = input;
  let s = input;
  let d = 0n;
  let neg = false;
  if (s !== '') {
    const c = s[0];
    if (c === '-' || c === '+') {
      neg = c === '-';
      s = s.slice(1);
    }
  }
  if (s === '0') return 0n;
  if (s === '') throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
  while (s !== '') {
    let v = 0n;
    let f = 0n;
    let scale = 1n;
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
    // leading integer
    let i = 0;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > 1n << 63n) throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
      i++;
    }
    const pre = i !== 0;
    s = s.slice(i);
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && s[j]! >= '0' && s[j]! <= '9') {
        if (!overflow) {
          if (f > MAX_INT64 / 10n) overflow = true;
          else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (y > 1n << 63n) overflow = true;
            else {
              f = y;
              scale *= 10n;
            }
          }
        }
        j++;
      }
      post = j !== 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
    let k = 0;
    while (k < s.length) {
      const ch = s[k]!;
      if (ch === '.' || (ch >= '0' && ch <= '9')) break;
      k++;
    }
    if (k === 0) throw new DurationError(`time: missing unit in duration ${goQuote(orig)}`);
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS[u];
    if (unit === undefined) throw new DurationError(`time: unknown unit ${goQuote(u)} in duration ${goQuote(orig)}`);
    if (v > (1n << 63n) / unit) throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / Number(scale))));
      if (v > 1n << 63n) throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
    }
    d += v;
    if (d > 1n << 63n) throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
  }
  if (neg) return -d;
  if (d > MAX_INT64) throw new DurationError(`time: invalid duration ${goQuote(orig)}`);
  return d;
}

/** Go's time.ParseDuration, in milliseconds. */
export function parseDuration(input: string): number {
  return Number(parseDurationNanos(input)) / 1e6;
}

function fmtFrac(v: bigint, prec: number): { text: string; rest: bigint } {
  let text = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print = print || digit !== 0n;
    if (print) text = digit.toString() + text;
    v /= 10n;
  }
  if (print) text = '.' + text;
  return { text, rest: v };
}

/** Go's Duration.String() for exact nanoseconds: "2h0m0s", "1.5s", "500ms", "0s". */
export function formatDurationNanos(d: bigint): string {
  let u = d < 0n ? -d : d;
  const neg = d < 0n;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1_000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const frac = fmtFrac(u, prec);
    out = frac.rest.toString() + frac.text + unit;
  } else {
    const frac = fmtFrac(u, 9);
    u = frac.rest;
    out = (u % 60n).toString() + frac.text + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}

/** Go's Duration.String() for a duration given in milliseconds (rounded to the nanosecond). */
export function formatDuration(ms: number): string {
  return formatDurationNanos(BigInt(Math.round(ms * 1e6)));
}

/**
 * decoration_config timeout/grace_period: a Go duration string, or integer nanoseconds as JSON may carry.
 * Milliseconds, or undefined for an empty value; throws on a malformed string.
 */
export function parseGoDurationMs(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value / 1e6;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) / 1e6;
  return parseDuration(value);
}

// Go durations as config and decoration_config carry them: "1h30m", "15s", "1.5h", or integer nanoseconds.
const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const partRe = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;

/** Milliseconds, or undefined for an empty value; throws on a malformed string. */
export function parseGoDurationMs(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value / 1e6;
  let s = value.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (/^\d+$/.test(s)) return (sign * Number(s)) / 1e6; // a bare integer is nanoseconds, as in JSON
  partRe.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = partRe.exec(s); m !== null; m = partRe.exec(s)) {
    total += Number(m[1]) * unitMs[m[2]!]!;
    consumed = partRe.lastIndex;
  }
  if (consumed !== s.length || consumed === 0) throw new Error(`invalid duration ${JSON.stringify(value)}`);
  return sign * total;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronError, parseCron } from '../../src/config/cron.js';

const at = (s: string): Date => new Date(s);

describe('parseCron (robfig/cron v3, UTC)', () => {
  const cases: Array<[string, string, string]> = [
    ['*/15 * * * *', '2026-01-01T10:07:00Z', '2026-01-01T10:15:00.000Z'],
    ['0 3/2 * * *', '2026-01-01T04:00:00Z', '2026-01-01T05:00:00.000Z'], // N/step means N-max/step
    ['0 3/2 * * *', '2026-01-01T23:30:00Z', '2026-01-02T03:00:00.000Z'],
    ['30 2 * * 1-5', '2026-01-03T00:00:00Z', '2026-01-05T02:30:00.000Z'], // Saturday → Monday
    ['0 0 1 jan *', '2026-03-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['0 0 13 * fri', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00.000Z'], // dom OR dow when neither is *
    ['15 0 0 * * *', '2026-01-01T00:00:00Z', '2026-01-01T00:00:15.000Z'], // 6 fields: seconds first
    ['@daily', '2026-01-01T12:00:00Z', '2026-01-02T00:00:00.000Z'],
    ['@hourly', '2026-01-01T12:59:59Z', '2026-01-01T13:00:00.000Z'],
    ['@every 90m', '2026-01-01T12:00:00.500Z', '2026-01-01T13:30:00.000Z'],
    ['0 0 29 2 *', '2026-01-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ];
  for (const [expr, after, want] of cases) {
    it(`${expr} after ${after}`, () => assert.equal(parseCron(expr).next(at(after))?.toISOString(), want));
  }
  const bad = ['H * * * *', '* * * *', '60 * * * *', '0 24 * * *', '0 0 0 * *', '5-1 * * * *', '*/0 * * * *', '@weekdays', '@every 7d', '0 0 L * *', 'TZ=UTC 0 * * * *'];
  for (const expr of bad) it(`rejects ${expr}`, () => assert.throws(() => parseCron(expr), CronError));
});

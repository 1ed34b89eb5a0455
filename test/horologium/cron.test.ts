import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CronError, parseCronSchedule } from '../../src/horologium/cron.js';

const at = '2026-06-10T12:00:30Z';

describe('cron schedules', () => {
  const cases: { expr: string; next: string; onRegistration?: boolean }[] = [
    { expr: '*/5 * * * *', next: '2026-06-10T12:05:00.000Z' },
    { expr: '0 */5 * * * *', next: '2026-06-10T12:05:00.000Z' }, // 6 fields: seconds first
    { expr: '45 * * * * *', next: '2026-06-10T12:00:45.000Z' },
    { expr: '0 9 * * MON-FRI', next: '2026-06-11T09:00:00.000Z' },
    { expr: '0 0 1 * 1', next: '2026-06-15T00:00:00.000Z' }, // dom OR dow, as robfig
    { expr: '0 0 * JUL *', next: '2026-07-01T00:00:00.000Z' },
    { expr: '@hourly', next: '2026-06-10T13:00:00.000Z' },
    { expr: '@daily', next: '2026-06-11T00:00:00.000Z' },
    { expr: '@midnight', next: '2026-06-11T00:00:00.000Z' },
    { expr: '@weekly', next: '2026-06-14T00:00:00.000Z' },
    { expr: '@monthly', next: '2026-07-01T00:00:00.000Z' },
    { expr: '@yearly', next: '2027-01-01T00:00:00.000Z' },
    { expr: '@annually', next: '2027-01-01T00:00:00.000Z' },
    { expr: '@every 1h30m', next: '2026-06-10T13:30:30.000Z', onRegistration: true },
    { expr: '@every 1500ms', next: '2026-06-10T12:00:31.000Z', onRegistration: true },
  ];
  for (const { expr, next, onRegistration = false } of cases) {
    it(`${expr} → ${next}`, () => {
      const schedule = parseCronSchedule(expr);
      assert.equal(schedule.next(new Date(at))?.toISOString(), next);
      assert.equal(schedule.firesOnRegistration, onRegistration);
    });
  }

  const bad: { expr: string; why: RegExp }[] = [
    { expr: '', why: /empty/ },
    { expr: '* * * *', why: /expected 5 or 6 fields, found 4/ },
    { expr: '* * * * * * *', why: /expected 5 or 6 fields, found 7/ },
    { expr: 'H * * * *', why: /illegal/ },
    { expr: '0 0 L * *', why: /L, W or #/ },
    { expr: '0 0 * * 5#2', why: /L, W or #/ },
    { expr: '0 0 15W * *', why: /L, W or #/ },
    { expr: '@reboot', why: /unknown descriptor/ },
    { expr: '@every soon', why: /not a duration/ },
    { expr: '@every 0s', why: /positive/ },
    { expr: '61 * * * *', why: /./ },
  ];
  for (const { expr, why } of bad) {
    it(`refuses ${JSON.stringify(expr)}`, () => {
      assert.throws(() => parseCronSchedule(expr), (err: unknown) => err instanceof CronError && why.test(err.message));
    });
  }
});

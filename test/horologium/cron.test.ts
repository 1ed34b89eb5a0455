import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CronError, parseCronSchedule } from '../../src/horologium/cron.js';

const at = '2026-06-10T12:00:30Z';

describe('cron schedules (horologium view of src/config/cron.ts)', () => {
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
    { expr: '@every 0s', next: '2026-06-10T12:00:31.000Z', onRegistration: true }, // robfig: at least 1s
    { expr: '0 0 */2 * 1', next: '2026-06-11T00:00:00.000Z' }, // robfig: a stepped dom is not "*", so dom OR dow
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
    { expr: '* * * *', why: /found 4/ },
    { expr: '* * * * * * *', why: /found 7/ },
    { expr: 'H * * * *', why: /from H/ },
    { expr: '0 0 L * *', why: /from L/ },
    { expr: '0 0 * * 5#2', why: /from 5#2/ },
    { expr: '0 0 15W * *', why: /from 15W/ },
    { expr: '@reboot', why: /descriptor/ },
    { expr: '@every soon', why: /invalid duration "soon"/ },
    { expr: '61 * * * *', why: /above maximum/ },
    { expr: 'TZ=Europe/Berlin 0 0 * * *', why: /UTC/ },
  ];
  for (const { expr, why } of bad) {
    it(`refuses ${JSON.stringify(expr)}`, () => {
      assert.throws(() => parseCronSchedule(expr), (err: unknown) =>
        err instanceof CronError && err.expression === expr && err.message.startsWith('invalid cron') && why.test(err.message));
    });
  }
});

// Cron schedules for periodics. The parsing is src/config/cron.ts (a port of robfig/cron v3 as upstream
// configures it: optional seconds field, descriptors, @every, UTC), the same code that validates the
// config, so horologium accepts exactly what checkconfig accepts. This file adds what horologium needs
// on top: upstream marks an `@every` job fired the moment it is registered.
import { parseCron } from '../config/cron.js';

export class CronError extends Error {
  override readonly name = 'CronError';
  constructor(readonly expression: string, detail: string, options?: ErrorOptions) {
    super(`invalid cron ${JSON.stringify(expression)}: ${detail}`, options);
  }
}

export interface CronSchedule {
  readonly expression: string;
  /** The first fire time strictly after `after`, or undefined if it never fires again. */
  next(after: Date): Date | undefined;
  /** True for `@every`: it fires at registration, so such a job runs right after a restart. */
  readonly firesOnRegistration: boolean;
}

export function parseCronSchedule(expression: string): CronSchedule {
  let schedule: { next(after: Date): Date | undefined };
  try {
    schedule = parseCron(expression);
  } catch (err) {
    throw new CronError(expression, (err as Error).message, { cause: err });
  }
  return {
    expression,
    firesOnRegistration: expression.trim().startsWith('@every'),
    next: (after) => schedule.next(after),
  };
}

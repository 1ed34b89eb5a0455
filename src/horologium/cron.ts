// Cron schedules for periodics, read as upstream reads them (robfig/cron with SecondOptional | Minute |
// Hour | Dom | Month | Dow | Descriptor, evaluated in UTC). croner computes the fire times; `@every`
// is ours because croner lacks it. croner's extensions that robfig rejects (L, W, #) are refused.
import { Cron } from 'croner';
import { parseDuration } from '../config/duration.js';

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
  /** Upstream marks an `@every` job fired the moment it is registered, so it runs right after a restart. */
  readonly firesOnRegistration: boolean;
}

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const everyRe = /^@every\s+(\S+)$/;
// Quartz-style extensions croner accepts and robfig/cron does not: L (last), W (weekday), # (nth).
const quartzRe = /#|(^|[,/-])L($|[,/-])|\dL|\dW|LW/;

export function parseCronSchedule(expression: string): CronSchedule {
  const expr = expression.trim();
  if (expr === '') throw new CronError(expression, 'empty expression');
  const every = everyRe.exec(expr);
  if (every) {
    let ms: number;
    try {
      ms = parseDuration(every[1]!);
    } catch (err) {
      throw new CronError(expression, `${JSON.stringify(every[1])} is not a duration`, { cause: err });
    }
    if (ms <= 0) throw new CronError(expression, '@every needs a positive duration');
    // robfig rounds the delay down to whole seconds, with a minimum of one second.
    const delay = Math.max(1000, Math.floor(ms / 1000) * 1000);
    return {
      expression,
      firesOnRegistration: true,
      next: (after) => new Date(Math.floor(after.getTime() / 1000) * 1000 + delay),
    };
  }
  if (expr.startsWith('@')) {
    if (!DESCRIPTORS.has(expr.toLowerCase())) throw new CronError(expression, `unknown descriptor ${expr}`);
  } else {
    const fields = expr.split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) {
      throw new CronError(expression, `expected 5 or 6 fields, found ${fields.length}`);
    }
    const bad = fields.find((f) => quartzRe.test(f.toUpperCase()));
    if (bad !== undefined) throw new CronError(expression, `field ${JSON.stringify(bad)} uses L, W or # (not supported)`);
  }
  let cron: Cron;
  try {
    cron = new Cron(expr.toLowerCase() === '@midnight' ? '@daily' : expr, { timezone: 'UTC', paused: true, mode: '5-or-6-parts' });
  } catch (err) {
    throw new CronError(expression, (err as Error).message, { cause: err });
  }
  return {
    expression,
    firesOnRegistration: false,
    next: (after) => cron.nextRun(after) ?? undefined,
  };
}

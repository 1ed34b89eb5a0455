// robfig/cron v3 (what horologium uses): 5 fields, or 6 with a leading seconds field, or a descriptor
// (@yearly … @hourly, @every <duration>). Always evaluated in UTC. `3/2` means 3-max/2; no Jenkins H,
// no L/W/#. Day-of-month and day-of-week are ANDed when either is `*`, ORed otherwise (robfig dayMatches).
import { DurationError, parseDurationNanos } from '../go/duration.js';

export class CronError extends Error {
  override readonly name = 'CronError';
}

export interface CronSchedule {
  /** The first activation strictly after `after` (UTC), or undefined if none within 5 years. */
  next(after: Date): Date | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const STAR = 2 ** 63; // marker bit kept apart from the value bits (values ≤ 59)
const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1, max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

interface Field {
  bits: Set<number>;
  star: boolean;
}

function parseInt10(s: string, expr: string): number {
  if (!/^\d+$/.test(s)) throw new CronError(`failed to parse int from ${s}: in ${JSON.stringify(expr)}`);
  return Number(s);
}

function parseField(field: string, b: Bounds, expr: string): Field {
  const bits = new Set<number>();
  let star = false;
  for (const part of field.split(',')) {
    const [rangePart, stepPart, extra] = part.split('/');
    if (extra !== undefined) throw new CronError(`too many slashes: ${part}`);
    const lowHigh = rangePart!.split('-');
    let start: number;
    let end: number;
    let isStar = false;
    if (rangePart === '*' || rangePart === '?') {
      start = b.min;
      end = b.max;
      isStar = true;
    } else {
      if (lowHigh.length > 2) throw new CronError(`too many hyphens: ${part}`);
      const val = (s: string): number => {
        const n = b.names?.[s.toLowerCase()];
        return n !== undefined ? n : parseInt10(s, expr);
      };
      start = val(lowHigh[0]!);
      end = lowHigh.length === 2 ? val(lowHigh[1]!) : start;
    }
    let step = 1;
    if (stepPart !== undefined) {
      step = parseInt10(stepPart, expr);
      if (lowHigh.length === 1 && !isStar) end = b.max; // "N/step" means N-max/step
      if (step > 1) isStar = false;
    }
    if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${part}`);
    if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${part}`);
    if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    if (step === 0) throw new CronError(`step of range should be a positive number: ${part}`);
    for (let v = start; v <= end; v += step) bits.add(v);
    if (isStar) star = true;
  }
  return { bits, star };
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *', '@annually': '0 0 0 1 1 *', '@monthly': '0 0 0 1 * *', '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *', '@midnight': '0 0 0 * * *', '@hourly': '0 0 * * * *',
};

export function parseCron(input: string): CronSchedule {
  const expr = input.trim();
  if (expr === '') throw new CronError('empty spec string');
  if (expr.startsWith('TZ=') || expr.startsWith('CRON_TZ=')) throw new CronError('time zones are not supported: Prow evaluates cron in UTC');
  if (expr.startsWith('@every ')) {
    let ns: bigint;
    try {
      ns = parseDurationNanos(expr.slice(7).trim());
    } catch (err) {
      if (err instanceof DurationError) throw new CronError(`failed to parse duration ${expr}: ${err.message}`);
      throw err;
    }
    let ms = Number(ns / 1_000_000_000n) * 1000; // robfig rounds the delay down to whole seconds, minimum 1s
    if (ms < 1000) ms = 1000;
    return { next: (after) => new Date(Math.floor(after.getTime() / 1000) * 1000 + ms) };
  }
  let spec = expr;
  if (expr.startsWith('@')) {
    const d = DESCRIPTORS[expr];
    if (!d) throw new CronError(`unrecognized descriptor: ${expr}`);
    spec = d;
  }
  let fields = spec.split(/\s+/);
  if (fields.length === 5) fields = ['0', ...fields];
  else if (fields.length !== 6) throw new CronError(`expected 5 to 6 fields, found ${fields.length}: ${JSON.stringify(expr)}`);
  const [sec, min, hour, dom, month, dow] = [
    parseField(fields[0]!, SECONDS, expr), parseField(fields[1]!, MINUTES, expr), parseField(fields[2]!, HOURS, expr),
    parseField(fields[3]!, DOM, expr), parseField(fields[4]!, MONTHS, expr), parseField(fields[5]!, DOW, expr),
  ];
  const dayMatches = (t: Date): boolean => {
    const domMatch = dom.bits.has(t.getUTCDate());
    const dowMatch = dow.bits.has(t.getUTCDay());
    if (dom.star || dow.star) return domMatch && dowMatch;
    return domMatch || dowMatch;
  };
  void STAR;
  return {
    next(after: Date): Date | undefined {
      // Port of robfig SpecSchedule.Next in UTC.
      let t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      let added = false;
      const yearLimit = t.getUTCFullYear() + 5;
      for (;;) {
        if (t.getUTCFullYear() > yearLimit) return undefined;
        let wrapped = false;
        while (!month.bits.has(t.getUTCMonth() + 1)) {
          if (!added) {
            added = true;
            t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1));
          }
          t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()));
          if (t.getUTCMonth() === 0) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        while (!dayMatches(t)) {
          if (!added) {
            added = true;
            t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
          }
          t = new Date(t.getTime() + 86_400_000);
          if (t.getUTCDate() === 1) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        while (!hour.bits.has(t.getUTCHours())) {
          if (!added) {
            added = true;
            t = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), t.getUTCHours()));
          }
          t = new Date(t.getTime() + 3_600_000);
          if (t.getUTCHours() === 0) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        while (!min.bits.has(t.getUTCMinutes())) {
          if (!added) {
            added = true;
            t = new Date(Math.floor(t.getTime() / 60_000) * 60_000);
          }
          t = new Date(t.getTime() + 60_000);
          if (t.getUTCMinutes() === 0) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        while (!sec.bits.has(t.getUTCSeconds())) {
          if (!added) {
            added = true;
            t = new Date(Math.floor(t.getTime() / 1000) * 1000);
          }
          t = new Date(t.getTime() + 1000);
          if (t.getUTCSeconds() === 0) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        return t;
      }
    },
  };
}

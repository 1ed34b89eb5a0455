// decoration_config timeout/grace_period: a Go duration string, or integer nanoseconds as JSON may carry.
import { parseDuration } from '../go/duration.js';

/** Milliseconds, or undefined for an empty value; throws on a malformed string. */
export function parseGoDurationMs(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value / 1e6;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) / 1e6;
  return parseDuration(value);
}

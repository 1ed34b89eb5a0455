// Flag parsers shared by the `prow <component>` commands (commander argParsers).
import { InvalidArgumentError } from 'commander';

/** A TCP port, 0-65535, in decimal digits only. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number');
  return Number(value);
}

/** A count, 0 or more, in decimal digits only. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

const goTrue = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const goFalse = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/**
 * A boolean spelled any way Go's strconv.ParseBool accepts: deployments written for upstream pass
 * `--dry-run=false` or `--dry-run=F`. Use with an optional value (`--dry-run [bool]`) so a bare flag means true.
 */
export function parseGoBool(value: string): boolean {
  if (goTrue.has(value)) return true;
  if (goFalse.has(value)) return false;
  throw new InvalidArgumentError('must be true or false');
}

/** For a repeatable flag: each use appends its value. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

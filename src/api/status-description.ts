// The BaseSHA codec of commit status descriptions (upstream pkg/config/tide.go ContextDescriptionWithBaseSha
// and BaseSHAFromContextDescription; lifecycle-spec.md §3.2, §7.3). crier's GitHub reporter writes the
// job's base SHA into the description of the status it sets; tide reads it back, so a passing result
// outlives the ProwJob that produced it (sinker may have deleted it) for as long as the base SHA holds.

/** GitHub's limit on a status description, in bytes as upstream counts it. */
const DESCRIPTION_MAX = 140;
const BASE_SHA_DELIM = ' BaseSHA:';
const ELIDE = ' ... ';
/** Looks like a space but is U+2001: GitHub's UI collapses runs of ordinary spaces. */
const PAD = '\u2001';

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Go's byte-wise middle truncation (upstream pkg/config truncate). */
function truncateMiddle(s: string, maxLen: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= maxLen) return s;
  const half = Math.max(0, Math.floor((maxLen - ELIDE.length) / 2));
  return b.subarray(0, half).toString('utf8') + ELIDE + b.subarray(b.length - half).toString('utf8');
}

/**
 * The description cut to fit 140 bytes with ` BaseSHA:<sha>` at the end, left-padded with U+2001 so the
 * SHA sits at a stable place on the right. Upstream's padding loop re-reads the growing length (U+2001
 * is 3 bytes), so fewer pads are added than the gap suggests; we pad exactly as it does.
 */
export function contextDescriptionWithBaseSha(description: string, baseSha: string): string {
  let suffix = '';
  if (baseSha) {
    suffix = BASE_SHA_DELIM + baseSha;
    if (byteLength(description + suffix) < DESCRIPTION_MAX) {
      for (let i = 0; i < DESCRIPTION_MAX - byteLength(description + suffix); i++) suffix = PAD + suffix;
    }
  }
  return truncateMiddle(description, DESCRIPTION_MAX - byteLength(suffix)) + suffix;
}

/**
 * The base SHA written by contextDescriptionWithBaseSha, or '' when the description carries none: exactly
 * one delimiter followed by 40 characters (a SHA-1), as upstream checks. Tide's reader (lifecycle-spec.md §7.3).
 * @public
 */
export function baseShaFromContextDescription(description: string): string {
  const parts = description.split(BASE_SHA_DELIM);
  if (parts.length !== 2 || parts[1]!.length !== 40) return '';
  return parts[1]!;
}

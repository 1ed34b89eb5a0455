// Build ids when no tot is configured: upstream uses a bwmarrin/snowflake node 1 (Twitter epoch, 41 bits
// of milliseconds, 10 bits of node, 12 bits of sequence), printed as a decimal string of ~19 digits.
// Ours never goes backwards within a process, even if the wall clock does.

export const SNOWFLAKE_EPOCH_MS = 1288834974657n;
const NODE_BITS = 10n;
const STEP_BITS = 12n;
const STEP_MASK = (1n << STEP_BITS) - 1n;

export interface SnowflakeOptions {
  node?: number;
  now?: () => number;
}

export function createBuildIdGenerator(options: SnowflakeOptions = {}): () => string {
  const node = BigInt(options.node ?? 1);
  if (node < 0n || node >= 1n << NODE_BITS) throw new Error(`snowflake node ${node} out of range 0..1023`);
  const now = options.now ?? Date.now;
  let lastMs = -1n;
  let step = 0n;
  return () => {
    let ms = BigInt(Math.floor(now())) - SNOWFLAKE_EPOCH_MS;
    if (ms <= lastMs) {
      ms = lastMs;
      step = (step + 1n) & STEP_MASK;
      // the sequence wrapped within one millisecond: borrow the next one instead of waiting
      if (step === 0n) ms = lastMs + 1n;
    } else {
      step = 0n;
    }
    lastMs = ms;
    return ((ms << (NODE_BITS + STEP_BITS)) | (node << STEP_BITS) | step).toString();
  };
}

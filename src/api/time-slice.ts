// Long synchronous passes over every ProwJob (50,000 in a big store) stall the event loop for hundreds of
// milliseconds: the webhook server, health probes and watches all wait. These helpers cut such a pass into
// slices of a few milliseconds and let the event loop run between them.

/** How long a pass runs before it lets the event loop in. */
const SLICE_MS = 8;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A checkpoint for a loop that already awaits: `await slice()` costs a microtask until the slice is used up,
 * then waits for the next turn of the event loop.
 */
export function timeSlicer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return nextTurn().then(() => {
      sliceStart = performance.now();
    });
  };
}

/**
 * Calls `each` for every item, yielding to the event loop between slices. The first slice runs before the
 * call returns (a short pass is synchronous). Stops early, after a yield, when `stop()` says so.
 */
export async function timeSliced<T>(items: Iterable<T>, each: (item: T) => void, stop: () => boolean = () => false): Promise<void> {
  const slice = timeSlicer();
  for (const item of items) {
    const pause = slice();
    if (pause) {
      await pause;
      if (stop()) return;
    }
    each(item);
  }
}

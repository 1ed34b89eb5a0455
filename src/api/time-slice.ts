// Long synchronous passes over every ProwJob (50,000 in a big store) stall the event loop for hundreds of
// milliseconds: the webhook server, health probes and watches all wait. These helpers cut such a pass into
// slices of a few milliseconds and let the event loop run between them.

/** How long a pass runs before it lets the event loop in. */
const SLICE_MS = 8;

/** Passes waiting for their next slice, oldest first. */
const waiting: (() => void)[] = [];
let armed = false;

function resumeOne(): void {
  armed = false;
  const resume = waiting.shift();
  // The next one goes in a later turn: an immediate queued while immediates run waits for the next
  // iteration, so timers and I/O run between any two slices.
  if (waiting.length > 0) arm();
  resume?.();
}

function arm(): void {
  if (armed) return;
  armed = true;
  setImmediate(resumeOne);
}

/**
 * Waits for this pass's next turn of the event loop. All passes share the turns, one slice per turn:
 * with a plain setImmediate each, a dozen passes over a big store (the informer's handlers, the metrics,
 * sinker, the work queues) all ran their slices back to back in one check phase, 100 ms and more without
 * a timer or a socket being served.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    arm();
  });
}

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

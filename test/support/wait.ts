// One bounded poll for every test that waits on something asynchronous (it polls a condition with a
// bound instead of sleeping). The condition is ready when it returns anything but undefined, null or
// false; that value is returned, so a wait can also fetch what it waited for.

export interface WaitOptions {
  /** Give up after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Pause between checks. Default 10 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout error ("timed out waiting for <message>"); a function is called on timeout. */
  message?: string | (() => string);
}

type NotReady = undefined | null | false;

/** Polls `condition` until it returns a ready value (not undefined, null or false) or the bound passes. */
export async function waitFor<T>(
  condition: () => T | NotReady | Promise<T | NotReady>,
  { timeoutMs = 5000, intervalMs = 10, message = 'condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof message === 'function' ? message() : message} (${timeoutMs} ms)`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// Graceful shutdown shared by the long-running subcommands.
import type { Logger } from '../../observability/logger.js';

export type CloseStep = () => unknown;

/** Runs every step in order; a failing step is logged and the rest still run. Resolves false if any failed. */
export async function runCloseSteps(steps: readonly CloseStep[], log: Logger): Promise<boolean> {
  let ok = true;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      ok = false;
      log.error({ err }, 'shutdown step failed');
    }
  }
  return ok;
}

export interface CloseOnSignalOptions {
  log: Logger;
  /** Hold the process open until a signal (for components whose own timers are unref'd). */
  keepAlive?: boolean;
}

/** On the first SIGTERM or SIGINT, runs the steps in order; the exit code is 1 when one failed. */
export function closeOnSignal(steps: readonly CloseStep[], { log, keepAlive = false }: CloseOnSignalOptions): void {
  const timer = keepAlive ? setInterval(() => undefined, 1 << 30) : undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (timer) clearInterval(timer);
    log.info({ signal }, 'shutting down');
    void runCloseSteps(steps, log).then((ok) => {
      if (!ok) process.exitCode = 1;
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

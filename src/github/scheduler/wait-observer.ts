// Who is waiting for a GitHub write slot. The hook's dispatcher runs each delivery inside an observer;
// the scheduler tells the observer when a request of that delivery starts and stops waiting, so a
// delivery parked on a write slot does not count against the dispatcher's concurrency.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WriteWaitObserver {
  /** Called with true when a request starts waiting for its slot and false when the wait ends. */
  (waiting: boolean): void;
}

const current = new AsyncLocalStorage<WriteWaitObserver>();

/** Runs `fn` with `observer` told about every write slot wait of the requests it makes. */
export function withWriteWaitObserver<T>(observer: WriteWaitObserver, fn: () => T): T {
  return current.run(observer, fn);
}

/** The observer of the work the caller is part of, if any. */
export function currentWriteWaitObserver(): WriteWaitObserver | undefined {
  return current.getStore();
}

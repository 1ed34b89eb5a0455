// A work queue with client-go's semantics (k8s.io/client-go/util/workqueue): a key queued many times
// is worked once; a key being worked is never handed to a second worker, and if it is added meanwhile it
// runs again after the worker finishes; failures requeue it with a per-key exponential delay that
// `forget` resets. plank, crier and what comes next (tide, the Kubernetes executor) all use this one.

import { performance } from 'node:perf_hooks';
import { nextTurn as yieldToLoop } from '../api/time-slice.js';

/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Workers whose handlers finish without waiting on I/O (a job with nothing to do) would otherwise take key
 * after key in one run of microtasks: after this long the workers let the event loop run.
 */
const YIELD_AFTER_MS = 10;

export interface WorkQueueOptions {
  /** First retry delay of a failing key (client-go's ItemExponentialFailureRateLimiter base: 5 ms). */
  baseDelayMs?: number;
  /** Longest retry delay (client-go: 1000 s). */
  maxDelayMs?: number;
}

/** What a worker does with one key: resolve when done, throw to requeue it with back-off. */
export type WorkHandler<K> = (key: K) => Promise<void>;

export class WorkQueue<K> {
  /** Waiting keys are queue[head..]: taking one is O(1) (Array#shift moves every element of a big array). */
  private queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly timers = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: Array<() => void> = [];
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private shuttingDown = false;
  private busySince = performance.now();

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
  }

  /** Queues `key` unless it is already waiting; a key being worked is queued again for after it. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  /** Queues `key` after `delayMs`; of several waits for one key the earliest deadline stands (client-go). */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const waiting = this.timers.get(key);
    if (waiting && waiting.at <= at) return;
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, Math.min(delayMs, MAX_TIMER_MS));
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Requeues a failed key after its back-off: base × 2^failures, capped at the maximum. */
  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.baseDelayMs * 2 ** n, this.maxDelayMs));
  }

  /** Clears a key's failure count (call after it was worked successfully). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys waiting (not counting those being worked or delayed). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** The next key, or undefined once the queue shuts down. Pair each key with `done(key)`. */
  async get(): Promise<K | undefined> {
    while (this.queue.length - this.head === 0) {
      if (this.shuttingDown) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.busySince = performance.now(); // the loop was idle: a fresh slice starts
    }
    const key = this.queue[this.head++] as K;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  /** Marks a key's work finished; if it was added meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.waiters.shift()?.();
    }
  }

  /**
   * Runs `workers` loops that take keys and call `handler`; a throw requeues the key with back-off
   * (`onError` hears of it), a success forgets its failures. Resolves when the queue shuts down and
   * every loop has finished its key.
   */
  run(workers: number, handler: WorkHandler<K>, onError?: (key: K, err: unknown) => void): Promise<void> {
    const loop = async (): Promise<void> => {
      for (;;) {
        const key = await this.get();
        if (key === undefined) return;
        try {
          await handler(key);
          this.forget(key);
        } catch (err) {
          onError?.(key, err);
          this.addRateLimited(key);
        } finally {
          this.done(key);
        }
        if (performance.now() - this.busySince > YIELD_AFTER_MS) {
          await yieldToLoop();
          this.busySince = performance.now();
        }
      }
    };
    return Promise.all(Array.from({ length: Math.max(1, workers) }, loop)).then(() => undefined);
  }

  /** Stops handing out keys: pending and delayed keys are dropped, running handlers finish. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.head = 0;
    this.dirty.clear();
    for (const w of this.waiters.splice(0)) w();
  }
}
